"""Finance records a bank transfer in a real browser: the customer is found by typing part
of its name in the search picker; it has two open instalments and the money pays the oldest
first."""

from datetime import timedelta
from decimal import Decimal

import pytest

from conftest import PASSWORD
from e2e.conftest import sign_in


@pytest.fixture
def people(transactional_db):
    from conftest import build_company

    return build_company()


@pytest.fixture
def customer_with_two_instalments(people):
    """A signed contract of rep_e1: ¥3,000 due 53 days ago (on signing + 7), ¥7,000 on
    delivery (no due date yet)."""
    from django.utils import timezone

    from xiaoguan.receivables.tests.factories import contract_with_plan, customer

    cust = customer(people.rep_e1, "成都天府消防工程有限公司")
    contract = contract_with_plan(
        people.rep_e1, cust=cust, signed_on=timezone.localdate() - timedelta(days=60)
    )
    return cust, contract


def test_finance_records_a_transfer_allocated_oldest_first(
    live_server, people, customer_with_two_instalments, new_page
):
    from xiaoguan.receivables.models import Instalment, Receipt

    cust, contract = customer_with_two_instalments
    # given finance signed in, on the record-receipt form
    page = new_page(locale="zh-CN")
    sign_in(page, live_server.url, "finance1", PASSWORD)
    page.goto(f"{live_server.url}/receivables/receipts/new/")
    # when they type the amount first, then find the customer by typing part of its name
    # and choose the suggestion
    form = "[data-testid=receipt-form]"
    page.fill(f"{form} input[name=amount]", "4000.00")
    page.fill("[data-testid=picker-customer-input]", "天府")
    option = page.locator("[data-testid=picker-customer-list] [data-testid=picker-option]")
    option.first.wait_for()
    assert option.count() == 1 and option.first.get_attribute("data-label") == cust.name
    with page.expect_navigation():  # the form opens again with the customer's contracts
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
    assert page.input_value(f"{form} input[name=customer]") == str(cust.pk)
    assert page.input_value("[data-testid=picker-customer-input]") == cust.name
    # the amount typed before the form opened again is still there
    assert page.input_value(f"{form} input[name=amount]") == "4000.00"
    # and record a transfer of ¥4,000
    page.select_option(f"{form} select[name=method]", "transfer")
    page.fill(f"{form} input[name=amount]", "4000.00")
    page.fill(f"{form} input[name=payer]", cust.name)
    page.fill(f"{form} input[name=reference]", "ICBC-20261126-0001")
    with page.expect_navigation():
        page.click("[data-testid=receipt-submit]")
    # then the receipt page shows it, fully allocated
    page.wait_for_selector("[data-testid=receipt-title]")
    assert page.inner_text("[data-testid=receipt-allocated]") == "¥4,000.00"
    assert page.locator("[data-testid=allocation-row]").count() == 2
    # and the oldest instalment is paid, the rest went to the next one
    receipt = Receipt.objects.get()
    assert receipt.allocated == Decimal("4000.00")
    first, second = Instalment.objects.filter(contract=contract).order_by("position")
    assert (first.collected, first.status) == (Decimal("3000.00"), "paid")
    assert (second.collected, second.status) == (Decimal("1000.00"), "open")
    contract.refresh_from_db()
    assert contract.collected_amount == Decimal("4000.00")
