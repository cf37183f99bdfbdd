"""The arithmetic of a priced line, one rule for quotes, contracts and orders: amounts are
rounded half-up to the cent, the discount is the offered price's distance below the effective
price in percent (two decimals), and the document total is the sum of the line amounts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineFigures:
    unit_price: Decimal
    discount: Decimal  # percent below the effective price; negative when above it
    amount: Decimal
    list_amount: Decimal  # quantity × effective price, to the cent


def line_figures(
    *,
    quantity: Decimal,
    list_price: Decimal,
    unit_price: Decimal | None = None,
    discount: Decimal | None = None,
) -> LineFigures:
    """Figures of one line from the effective price and either the offered unit price or a
    discount in percent (the unit price wins when both are given). Callers validate that
    quantity and prices are positive before calling."""
    if unit_price is None:
        if discount is None:
            discount = Decimal(0)
        unit_price = to_cents(list_price * (HUNDRED - discount) / HUNDRED)
    unit_price = to_cents(unit_price)
    actual_discount = to_cents((list_price - unit_price) * HUNDRED / list_price)
    return LineFigures(
        unit_price=unit_price,
        discount=actual_discount,
        amount=to_cents(quantity * unit_price),
        list_amount=to_cents(quantity * list_price),
    )


@dataclass(frozen=True)
class DocumentTotals:
    list_total: Decimal
    discount_total: Decimal
    total: Decimal


def document_totals(lines: Iterable[LineFigures]) -> DocumentTotals:
    """The totals of a quote or contract: sums of the line figures, so discount and total
    always add up to the amount at effective prices to the cent."""
    list_total = Decimal("0.00")
    total = Decimal("0.00")
    for line in lines:
        list_total += line.list_amount
        total += line.amount
    return DocumentTotals(list_total=list_total, discount_total=list_total - total, total=total)
