"""Signing in in Chinese and English and switching the language, in a real browser."""

import pytest

from conftest import PASSWORD
from e2e.conftest import sign_in


@pytest.fixture
def people(transactional_db):
    from conftest import build_company

    return build_company()


def test_signs_in_in_chinese_by_default(live_server, people, new_page):
    # given a browser that prefers Chinese
    page = new_page(locale="zh-CN")
    # when
    sign_in(page, live_server.url, "rep_e1", PASSWORD)
    # then the shell is in Chinese, with the user and the sidebar
    page.wait_for_selector("[data-testid=sidebar]")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "首页" in page.inner_text("[data-testid=sidebar]")
    assert "rep_e1" in page.inner_text("[data-testid=user-menu]")


def test_browser_language_english_and_wrong_password_message(live_server, people, new_page):
    # given a browser that prefers English
    page = new_page(locale="en-US")
    # when the password is wrong
    sign_in(page, live_server.url, "rep_e1", "not the password")
    # then a clear English message, and no sign-in
    assert page.inner_text("[data-testid=login-error]") == "Wrong user name or password."
    # when the right password is given
    sign_in(page, live_server.url, "rep_e1", PASSWORD)
    page.wait_for_selector("[data-testid=sidebar]")
    assert "Home" in page.inner_text("[data-testid=sidebar]")


def test_language_switch_changes_the_page_and_sticks(live_server, people, new_page):
    # given a signed-in user reading Chinese
    page = new_page(locale="zh-CN")
    sign_in(page, live_server.url, "gm", PASSWORD)
    page.wait_for_selector("[data-testid=sidebar]")
    assert "首页" in page.inner_text("[data-testid=sidebar]")
    # when they choose English in the top bar
    with page.expect_navigation():
        page.select_option("header [data-testid=language-select]", "en")
    # then the page is English, and stays English on the next page
    assert "Home" in page.inner_text("[data-testid=sidebar]")
    page.goto(f"{live_server.url}/inbox/")
    assert page.locator("html").get_attribute("lang") == "en"
    # when they sign out, the login page keeps their choice
    page.click("[data-testid=user-menu]")
    page.click("[data-testid=logout]")
    page.wait_for_selector("[data-testid=login-submit]")
    assert page.inner_text("[data-testid=login-submit]") == "Sign in"
