"""The checks of priced lines as users type them, one rule for quotes and contracts (and
later orders): an active product, a unit it is sold in, a positive quantity, and either a
positive unit price or a discount from 0 % to below 100 %. Every problem is reported at once
as ``lines.N.field``, in the calling document's own error class."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from xiaoguan.catalog.models import Product, ProductUnit
from xiaoguan.core.errors import ApplicationError
from xiaoguan.pricing.lines import LineFigures, line_figures

MAX_MONEY = Decimal("99999999999999.99")
MAX_QUANTITY = Decimal("99999999999.999")
CENT = Decimal("0.01")
QTY_STEP = Decimal("0.001")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class CleanLine:
    position: int
    product: Product
    unit_id: int
    quantity: Decimal
    unit_price: Decimal | None  # None: priced by ``discount`` from the effective price
    discount: Decimal | None
    spec: str


def decimal_input(raw: Any, *, places: Decimal) -> Decimal | None:
    """A typed number as a Decimal with ``places``; None when left empty; ValueError when it
    is not a finite number."""
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError from None
    if not value.is_finite():
        raise ValueError
    try:
        return value.quantize(places)
    except InvalidOperation:  # too many digits to round to ``places`` (e.g. 1e99999)
        raise ValueError from None


def lines_clean(
    lines: Sequence[Any],
    *,
    max_lines: int,
    too_many: str,
    invalid: str,
    error: type[ApplicationError],
) -> list[CleanLine]:
    """Each line (any object with ``product_id``, ``unit_id``, ``quantity``, ``unit_price``,
    ``discount`` and ``spec`` as typed) on its own; ``error(invalid, fields=...)`` with every
    problem at once."""
    if len(lines) > max_lines:
        raise error(too_many, fields={"lines": too_many})
    errors: dict[str, str] = {}
    product_ids = {int(line.product_id) for line in lines if str(line.product_id).isdigit()}
    products = {p.pk: p for p in Product.objects.filter(pk__in=product_ids, is_active=True)}
    other_units = set(
        ProductUnit.objects.filter(product_id__in=product_ids).values_list("product_id", "unit_id")
    )
    cleaned: list[CleanLine] = []
    for index, line in enumerate(lines, start=1):
        key = f"lines.{index}"
        product = products.get(int(line.product_id)) if str(line.product_id).isdigit() else None
        if product is None:
            errors[f"{key}.product"] = _("Line %(n)s: choose an active product.") % {"n": index}
            continue
        try:
            unit_id = int(line.unit_id)
        except (TypeError, ValueError):
            unit_id = -1
        if unit_id != product.unit_id and (product.pk, unit_id) not in other_units:
            errors[f"{key}.unit"] = _("Line %(n)s: the product is not sold in this unit.") % {
                "n": index
            }
        try:
            quantity = decimal_input(line.quantity, places=QTY_STEP)
        except ValueError:
            quantity = None
        if quantity is None or quantity <= 0 or quantity > MAX_QUANTITY:
            errors[f"{key}.quantity"] = _("Line %(n)s: the quantity must be positive.") % {
                "n": index
            }
        try:
            unit_price = decimal_input(line.unit_price, places=CENT)
        except ValueError:
            unit_price = Decimal(-1)
        try:
            discount = decimal_input(line.discount, places=CENT)
        except ValueError:
            discount = Decimal(-1)
        if unit_price is not None:
            if unit_price <= 0 or unit_price > MAX_MONEY:
                errors[f"{key}.unit_price"] = _("Line %(n)s: the unit price must be positive.") % {
                    "n": index
                }
            discount = None
        elif discount is not None and not (0 <= discount < HUNDRED):
            errors[f"{key}.discount"] = _(
                "Line %(n)s: the discount is at least 0 %% and below 100 %%."
            ) % {"n": index}
        spec = " ".join((line.spec or "").split())
        if len(spec) > 200:
            errors[f"{key}.spec"] = _("At most %(n)s characters.") % {"n": 200}
        cleaned.append(
            CleanLine(
                position=index,
                product=product,
                unit_id=unit_id,
                quantity=quantity or Decimal(0),
                unit_price=unit_price,
                discount=discount,
                spec=spec or product.spec,
            )
        )
    if errors:
        raise error(invalid, fields=errors)
    return cleaned


def line_priced(line: CleanLine, *, list_price: Decimal, errors: dict[str, str]) -> LineFigures:
    """The figures of a cleaned line at its effective price, adding to ``errors`` what makes
    them unusable: a unit price that comes out at zero or below (a discount of nearly 100 %),
    an amount beyond what the database holds."""
    figures = line_figures(
        quantity=line.quantity,
        list_price=list_price,
        unit_price=line.unit_price,
        discount=line.discount,
    )
    if figures.unit_price <= 0:
        errors[f"lines.{line.position}.discount"] = _(
            "Line %(n)s: the unit price must be positive."
        ) % {"n": line.position}
    if figures.amount > MAX_MONEY:
        errors[f"lines.{line.position}.quantity"] = _("Line %(n)s: the amount is too large.") % {
            "n": line.position
        }
    return figures
