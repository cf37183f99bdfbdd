"""Canaries of the price list (helper "pricing-engine"): a draft price change and a draft
promotion of the West canary employee carrying the marker (drafts are scoped; approved
promotions are public to price viewers, so the canary stays a draft), and a neutral discount
rule (the policy has no data scope: it is confidential, shown only to pricing.confidential
holders). Rows are written directly (test set-up)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

MARKER = "CANARY"


def provide(*, company: Any, emp: Any, values: dict[str, Any]) -> dict[str, Any]:
    from xiaoguan.catalog.models import Product, ProductCategory, Unit
    from xiaoguan.pricing.models import DiscountRule, PriceChange, PriceChangeLine, Promotion

    unit = Unit.objects.get_or_create(code="PE-U", defaults={"name": "樘"})[0]
    category = ProductCategory.objects.get_or_create(code="PE-C", defaults={"name": "防火门"})[0]
    product = Product.objects.get_or_create(
        code="PE-P1", defaults={"name": "钢质防火门", "category": category, "unit": unit}
    )[0]
    change = PriceChange.objects.create(
        owner=emp,
        department=emp.department,
        number="TJ-CANARY-1",
        reason=f"{MARKER}-PRICE-CHANGE",
        effective_from=date(2030, 1, 1),
    )
    PriceChangeLine.objects.create(
        change=change, product=product, unit=unit, new_price=Decimal("1234.00")
    )
    promotion = Promotion.objects.create(
        owner=emp,
        department=emp.department,
        number="CX-CANARY-1",
        name=f"{MARKER}-PROMOTION",
        product=product,
        unit=unit,
        price=Decimal("999.00"),
        starts_on=date(2030, 1, 1),
        ends_on=date(2030, 1, 31),
        note=f"{MARKER}-PROMOTION-NOTE",
    )
    rule = DiscountRule.objects.create(
        kind="quantity", min_quantity=Decimal("1000"), percent=Decimal("9"), note="batch"
    )
    return {"change_id": change.pk, "promotion_id": promotion.pk, "rule_id": rule.pk}
