"""API of the price list (``/api/v1/pricing/prices``): the prices in force and the effective
price for a customer. Cost, margin and the percentages of the discount policy are absent from
the JSON (not null: absent) for callers without ``pricing.confidential``; they are not filter
or sort keys for anyone. Every page of the price list read through the API is an export of
price data (R-ORG-2) and is recorded as an audit event, like an Excel export."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from xiaoguan.core.api import require_rights
from xiaoguan.core.audit import audit_event_record
from xiaoguan.core.errors import NotFound
from xiaoguan.core.models import AuditKind
from xiaoguan.customers.models import Customer
from xiaoguan.org.scope import visible
from xiaoguan.pricing.selectors import price_list as selectors
from xiaoguan.pricing.selectors.prices import can_see_confidential, effective_price

router = Router()


class PriceOut(Schema):
    product_id: int
    product_code: str
    product_name: str
    model: str
    category: str
    unit_id: int
    unit: str
    price: Decimal
    valid_from: date
    change: str | None = None
    cost_price: Decimal | None = None
    margin: Decimal | None = None


class PricePage(Schema):
    count: int
    page: int
    page_size: int
    on: date
    items: list[PriceOut]


class PriceFilters(Schema):
    q: str = Field("", max_length=100)
    category: int | None = None
    on: date | None = None
    sort: str = Field(selectors.DEFAULT_PRICE_SORT, max_length=20)
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/", response=PricePage, exclude_unset=True, summary="Base prices in force on a day")
def price_list(request, filters: Query[PriceFilters]):
    user = require_rights(request, "pricing.view")
    on = filters.on or timezone.localdate()
    sort = filters.sort if filters.sort in selectors.PRICE_SORTS else selectors.DEFAULT_PRICE_SORT
    chosen = {"q": filters.q, "category": filters.category}
    qs = selectors.price_list(
        user=user, on_date=on, filters={k: v for k, v in chosen.items() if v}, sort=sort
    )
    confidential = can_see_confidential(user)
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    items = []
    for bp in qs[start : start + filters.page_size]:
        fields = {
            "product_id": bp.product_id,
            "product_code": bp.product.code,
            "product_name": bp.product.name,
            "model": bp.product.model,
            "category": bp.product.category.name,
            "unit_id": bp.unit_id,
            "unit": bp.unit.name,
            "price": bp.price,
            "valid_from": bp.valid_from,
            "change": bp.change.number if bp.change_id else None,
        }
        if confidential:
            fields["cost_price"] = bp.cost_price
            fields["margin"] = (
                ((bp.price - bp.cost_price) * 100 / bp.price).quantize(Decimal("0.1"))
                if bp.cost_price is not None
                else None
            )
        items.append(fields)
    audit_event_record(
        kind=AuditKind.EXPORT,
        actor=user,
        request=request,
        summary=f"pricing.prices (API): {len(items)}",
        detail={
            "what": "pricing.prices",
            "via": "api",
            "rows": len(items),
            "page": filters.page,
            "on": on.isoformat(),
            "filters": {k: v for k, v in chosen.items() if v},
            "confidential": confidential,
        },
    )
    # Plain dicts: a field left out stays unset, so exclude_unset leaves it out of the JSON.
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "on": on,
        "items": items,
    }


class StepOut(Schema):
    label: str
    price: Decimal
    percent: Decimal | None = None


class EffectiveOut(Schema):
    product_id: int
    unit_id: int
    quantity: Decimal
    customer_id: int
    customer_class: str
    on: date
    base_price: Decimal
    price: Decimal
    promotion_id: int | None
    steps: list[StepOut]


class EffectiveQuery(Schema):
    product_id: int
    unit_id: int
    quantity: Decimal = Field(..., gt=0, max_digits=14, decimal_places=3)
    customer_id: int
    on: date | None = None


@router.get(
    "/effective",
    response=EffectiveOut,
    exclude_unset=True,
    summary="The effective price for a customer, with its derivation",
)
def price_effective(request, params: Query[EffectiveQuery]):
    user = require_rights(request, "pricing.view")
    customer = visible(Customer.objects.all(), user).filter(pk=params.customer_id).first()
    if customer is None:
        raise NotFound()
    on = params.on or timezone.localdate()
    result = effective_price(
        product_id=params.product_id,
        unit_id=params.unit_id,
        quantity=params.quantity,
        customer_class=customer.customer_class,
        on_date=on,
    )
    confidential = can_see_confidential(user)
    steps = [
        {"label": s.label, "price": s.price, "percent": s.percent}
        if confidential
        else {"label": s.label, "price": s.price}
        for s in result.steps
    ]
    return {
        "product_id": result.product_id,
        "unit_id": result.unit_id,
        "quantity": result.quantity,
        "customer_id": customer.pk,
        "customer_class": customer.customer_class,
        "on": on,
        "base_price": result.base_price,
        "price": result.price,
        "promotion_id": result.promotion_id,
        "steps": steps,
    }
