"""Taking an order from a contract in a real browser, at phone width: the rep finds the
signed contract by typing part of the customer's name in the contract picker, chooses it and
the page lists the contract's lines with what remains to order."""

import pytest

from conftest import PASSWORD
from e2e.conftest import sign_in


@pytest.fixture
def contract(transactional_db):
    from conftest import build_company
    from xiaoguan.orders.tests.factories import customer, goods, signed

    people = build_company()
    g = goods(people.gm)
    return signed(
        people.rep_e1,
        [(g.hydrant, "4", "800")],
        customer(people.rep_e1, "杭州安盛消防工程有限公司"),
    )


def test_rep_finds_the_contract_by_typing_and_sees_what_remains(live_server, contract, new_page):
    # given the rep on "order from a contract", at phone width
    page = new_page(locale="zh-CN", width=390)
    sign_in(page, live_server.url, "rep_e1", PASSWORD)
    page.goto(f"{live_server.url}/orders/new/contract/")
    # when they type part of the customer's name and choose the suggestion
    page.fill("[data-testid=picker-contract-input]", "安盛")
    option = page.locator("[data-testid=picker-contract-list] [data-testid=picker-option]")
    option.first.wait_for()
    assert option.count() == 1
    assert option.first.get_attribute("data-label").startswith(contract.number)
    with page.expect_navigation():
        option.first.click()
    # then the page lists the contract's line with the 4 that remain
    assert page.url.endswith(f"?contract={contract.pk}")
    page.wait_for_selector("[data-testid=order-form]")
    assert page.inner_text("[data-testid=order-remaining]").strip() == "4"
