"""API of promotion prices (``/api/v1/pricing/promotions``), read only: approved promotions
for every price viewer, drafts and those in approval within the caller's scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from xiaoguan.core.api import require_rights
from xiaoguan.core.errors import NotFound
from xiaoguan.pricing.models import Promotion
from xiaoguan.pricing.selectors import price_list as selectors

router = Router()


class PromotionOut(Schema):
    id: int
    number: str
    name: str
    product_id: int
    product_code: str
    unit_id: int
    unit: str
    price: Decimal
    starts_on: date
    ends_on: date
    status: str
    note: str


def _out(p: Promotion) -> PromotionOut:
    return PromotionOut(
        id=p.pk,
        number=p.number,
        name=p.name,
        product_id=p.product_id,
        product_code=p.product.code,
        unit_id=p.unit_id,
        unit=p.unit.name,
        price=p.price,
        starts_on=p.starts_on,
        ends_on=p.ends_on,
        status=p.status,
        note=p.note,
    )


class PromotionPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[PromotionOut]


class PromotionFilters(Schema):
    status: str = Field("", max_length=20)
    current: bool = False
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/", response=PromotionPage, summary="Promotions the caller may see")
def promotion_list(request, filters: Query[PromotionFilters]):
    user = require_rights(request, "pricing.view")
    qs = selectors.promotion_list(
        user=user,
        status=filters.status,
        current_on=timezone.localdate() if filters.current else None,
    )
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    return PromotionPage(
        count=count,
        page=filters.page,
        page_size=filters.page_size,
        items=[_out(p) for p in qs[start : start + filters.page_size]],
    )


@router.get("/{promotion_id}", response=PromotionOut, summary="One promotion")
def promotion_get(request, promotion_id: int):
    user = require_rights(request, "pricing.view")
    try:
        return _out(selectors.promotion_get(user=user, promotion_id=promotion_id))
    except Promotion.DoesNotExist:
        raise NotFound() from None
