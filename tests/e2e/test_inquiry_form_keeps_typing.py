"""A form that opens again for the customer chosen in its picker keeps what the user had
already typed (here the new inquiry: the subject typed before the customer was chosen)."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from e2e.conftest import sign_in


@pytest.fixture
def customer(transactional_db):
    from conftest import build_company
    from xiaoguan.customers.tests.factories import make_customer

    people = build_company()
    return make_customer(people.rep_e1, "杭州安盛消防工程有限公司")


def test_rep_types_the_subject_then_chooses_the_customer(live_server, customer, new_page):
    # given the rep on a new inquiry, at phone width
    page = new_page(locale="zh-CN", width=390)
    sign_in(page, live_server.url, "rep_e1", PASSWORD)
    page.goto(f"{live_server.url}/sales/inquiries/new/")
    # when they type the subject first, then find the customer and choose it
    page.fill("input[name=title]", "园区消防改造询价")
    page.fill("[data-testid=picker-customer-input]", "安盛")
    option = page.locator("[data-testid=picker-customer-list] [data-testid=picker-option]")
    option.first.wait_for()
    with page.expect_navigation():  # the form opens again for that customer
        option.first.click()
    # then the customer is chosen and the subject is still there
    assert page.url.endswith(f"?customer={customer.pk}")
    assert page.input_value("input[name=customer]") == str(customer.pk)
    expect(page.locator("input[name=title]")).to_have_value("园区消防改造询价")
