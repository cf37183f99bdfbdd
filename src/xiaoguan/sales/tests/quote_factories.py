"""Test helpers of the quotes part: a priced product, float ranges, the quote approval chain,
and quotes made through the service, as users make them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from xiaoguan.catalog.tests.factories import make_product
from xiaoguan.org.models import Role
from xiaoguan.pricing.models import BasePrice, FloatRange
from xiaoguan.sales.services.quotes import QuoteData, QuoteLineData, quote_create

PRICE_FROM = date(2020, 1, 1)


def priced_product(
    code: str = "MFZ-ABC4", name: str = "手提式干粉灭火器", price: str = "100.00", **kw
):
    """An active product with a base price in force since 2020 (cost 60 % of it)."""
    product = make_product(code, name, **kw)
    BasePrice.objects.create(
        product=product,
        unit=product.unit,
        price=Decimal(price),
        cost_price=(Decimal(price) * Decimal("0.6")).quantize(Decimal("0.01")),
        valid_from=PRICE_FROM,
    )
    return product


def float_ranges(**percents: str) -> None:
    """Float ranges per role code, e.g. ``float_ranges(sales_rep="5", sales_manager="10")``."""
    for code, percent in percents.items():
        FloatRange.objects.update_or_create(
            role=Role.objects.get(code=code), defaults={"max_discount": Decimal(percent)}
        )


def quote_chain() -> None:
    """The default approval chains (the quote's: the owner's manager, then management for
    major quotes; the price request's)."""
    from xiaoguan.approvals.services.chains import default_chains_ensure

    default_chains_ensure()


def line(product, quantity: Any = "10", **kw) -> QuoteLineData:
    return QuoteLineData(product_id=product.pk, unit_id=product.unit_id, quantity=quantity, **kw)


def make_quote(actor, customer, lines, title: str = "厂区消防器材报价", **fields):
    data = {"customer_id": customer.pk, "title": title}
    data.update(fields)
    return quote_create(actor=actor, data=QuoteData(**data), lines=lines)
