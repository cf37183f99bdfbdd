"""A typed number too large to round to cents or to the quantity step is refused as "not a
number" (ValueError), not left to fail in the rounding: quotes, contracts and orders turn it
into a field error instead of a server error."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xiaoguan.pricing.line_input import CENT, QTY_STEP, decimal_input


@pytest.mark.parametrize("raw", ["1e99999", "1e40", "-1e30", "9" * 40])
def test_a_number_too_large_to_round_is_refused(raw):
    with pytest.raises(ValueError):
        decimal_input(raw, places=CENT)
    with pytest.raises(ValueError):
        decimal_input(raw, places=QTY_STEP)


def test_ordinary_numbers_are_rounded():
    assert decimal_input(" 12.346 ", places=CENT) == Decimal("12.35")
    assert decimal_input("99999999999.999", places=QTY_STEP) == Decimal("99999999999.999")
    assert decimal_input("", places=CENT) is None


def test_quote_and_contract_pages_refuse_a_huge_quantity_without_a_server_error(company, login):
    from django.urls import reverse

    from xiaoguan.contracts.models import Contract
    from xiaoguan.customers.tests.factories import make_customer
    from xiaoguan.sales.models import Quote
    from xiaoguan.sales.tests.quote_factories import priced_product

    customer = make_customer(company.rep_e1, "上海安消消防设备有限公司")
    product = priced_product("MFZ-ABC4", "手提式干粉灭火器", price="100.00")
    client = login(company.rep_e1)
    quote = client.post(
        reverse("sales:quote_create"),
        {
            "customer": customer.pk,
            "title": "报价",
            "line-product": [product.pk],
            "line-unit": [product.unit_id],
            "line-quantity": ["1e99999"],
        },
    )
    assert quote.status_code == 422
    assert not Quote.objects.exists()
    preview = client.post(
        reverse("contracts:contract_preview"),
        {
            "customer": customer.pk,
            "line_product": [product.pk],
            "line_unit": [product.unit_id],
            "line_quantity": ["1"],
            "line_unit_price": ["1e40"],
            "line_discount": [""],
            "line_spec": [""],
        },
    )
    assert preview.status_code == 200
    assert not Contract.objects.exists()
