"""The quote line editor in a real browser, at phone width: a rep picks a product, sees the
effective price for the customer's class with how it was derived, saves the draft and submits
it; the totals are computed by the server and the quote goes to the manager."""

from decimal import Decimal

import pytest

from conftest import PASSWORD
from e2e.conftest import sign_in


@pytest.fixture
def priced(transactional_db):
    from conftest import build_company
    from xiaoguan.approvals.services.chains import default_chains_ensure
    from xiaoguan.customers.models import Customer
    from xiaoguan.customers.tests.factories import make_customer
    from xiaoguan.pricing.models import DiscountRule
    from xiaoguan.sales.tests.quote_factories import float_ranges, priced_product

    people = build_company()
    default_chains_ensure()
    product = priced_product("MFZ-ABC4", "手提式干粉灭火器", price="120.00")
    customer = make_customer(people.rep_e1, "上海恒达物业管理有限公司")
    Customer.objects.filter(pk=customer.pk).update(customer_class="A")
    DiscountRule.objects.create(kind="customer_class", customer_class="A", percent=Decimal("5"))
    float_ranges(sales_rep="5")
    return people, product, customer


def test_rep_prices_a_quote_on_the_phone_and_submits_it(live_server, priced, new_page):
    from xiaoguan.approvals.models import ApprovalTask
    from xiaoguan.sales.models import Quote

    people, product, customer = priced
    # given the rep on the new-quote page, at phone width
    page = new_page(locale="zh-CN", width=390)
    sign_in(page, live_server.url, "rep_e1", PASSWORD)
    page.goto(f"{live_server.url}/sales/quotes/new/")
    # who finds the customer by typing part of its name and chooses the suggestion
    page.fill("[data-testid=picker-customer-input]", "恒达")
    option = page.locator("[data-testid=picker-customer-list] [data-testid=picker-option]")
    option.first.wait_for()
    assert option.count() == 1 and option.first.get_attribute("data-label") == customer.name
    with page.expect_navigation():  # the quote form opens for that customer
        option.first.click()
    assert page.url.endswith(f"/sales/quotes/new/?customer={customer.pk}")
    page.fill("input[name=title]", "厂区灭火器年度采购报价")
    row = page.locator("[data-testid=quote-line-row]").first
    # when they pick the product and type a quantity and a 2 % discount
    row.locator("select[name=line-product]").select_option(str(product.pk))
    row.locator("input[name=line-quantity]").fill("10")
    row.locator("input[name=line-discount]").fill("2")
    row.locator("input[name=line-discount]").dispatch_event("change")
    # then the effective price (¥120 less the class A 5 %) and the amount appear
    price = row.locator("[data-testid=line-preview-price]")
    price.wait_for()
    assert "114.00" in price.inner_text()
    amount = row.locator("[data-testid=line-preview-amount]")
    amount.filter(has_text="1,117.20").wait_for()
    # when they save the draft
    page.click("[data-testid=quote-save]")
    page.wait_for_selector("[data-testid=quote-submit]")
    quote = Quote.objects.get(customer=customer)
    assert quote.total == Decimal("1117.20")
    assert quote.list_total == Decimal("1140.00")
    # and submit it: within the rep's 5 % range, so it goes to the manager
    page.click("[data-testid=quote-submit]")
    page.wait_for_selector("[data-testid=quote-title] >> text=审批中")
    quote.refresh_from_db()
    assert quote.status == "in_approval"
    task = ApprovalTask.objects.get(request__doc_type="quote", request__object_id=quote.pk)
    assert task.approver == people.mgr_east
