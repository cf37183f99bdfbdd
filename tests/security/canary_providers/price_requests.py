"""Canaries of price approval requests (R-PRC-3): an approved request of the West canary
employee whose document label, customer and reason carry the marker, with one line. The rows
are written directly (test set-up: the request's document would be a quote or contract of a
higher app). The product is neutral: the catalog is visible to everyone."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

MARKER = "CANARY"


def provide(*, company: Any, emp: Any, values: dict[str, Any]) -> dict[str, Any]:
    from django.utils import timezone

    from xiaoguan.catalog.models import Product, ProductCategory, Unit
    from xiaoguan.pricing.enums import ApprovalDocStatus
    from xiaoguan.pricing.models import PriceRequest, PriceRequestLine

    # Another provider may have made a unit of this name already: units are unique by name.
    unit = Unit.objects.filter(name="只").first() or Unit.objects.create(code="PRC-U", name="只")
    category = ProductCategory.objects.get_or_create(code="PRC-C", defaults={"name": "消防器材"})[0]
    product = Product.objects.get_or_create(
        code="PRC-P1", defaults={"name": "室内消火栓", "category": category, "unit": unit}
    )[0]
    request = PriceRequest.objects.create(
        owner=emp,
        department=emp.department,
        number="PR-CANARY-1",
        subject_kind="quote",
        subject_id=987654,
        subject_label=f"{MARKER}-QUOTE",
        customer_id=values.get("customer_id") or 1,
        customer_name=f"{MARKER}-PRICE-CUSTOMER",
        reason=f"{MARKER}-PRICE-REASON",
        max_discount=Decimal("12.00"),
        amount=Decimal("880.00"),
        fingerprint="c" * 64,
        status=ApprovalDocStatus.APPROVED,
        submitted_at=timezone.now(),
        decided_at=timezone.now(),
    )
    PriceRequestLine.objects.create(
        request=request,
        product=product,
        unit=unit,
        quantity=Decimal("10"),
        effective_price=Decimal("100.00"),
        floor_price=Decimal("95.00"),
        requested_price=Decimal("88.00"),
        discount=Decimal("12.00"),
    )
    return {"price_request_id": request.pk}
