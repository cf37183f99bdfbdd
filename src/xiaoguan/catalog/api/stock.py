"""API of the stock (``/api/v1/catalog/stock``): stock levels with the page's filters,
replenishment alerts, warehouses, a product's movement ledger (``catalog.stock_view``) and
goods receipts (``catalog.stock_manage``, honours ``Idempotency-Key``). The same rules and
messages as the pages; refusals are 4xx JSON with a code (``stock_invalid``,
``stock_shortage``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from xiaoguan.catalog.models import Product, StockLevel
from xiaoguan.catalog.selectors import stock as selectors
from xiaoguan.catalog.services import stock as services
from xiaoguan.core.api import require_rights
from xiaoguan.core.errors import NotFound
from xiaoguan.core.idempotency import idempotent

router = Router()

VIEW = "catalog.stock_view"
MANAGE = "catalog.stock_manage"


class Ref(Schema):
    id: int
    code: str
    name: str


class LevelOut(Schema):
    id: int
    warehouse: Ref
    product: Ref
    unit: str  # the product's base unit: every quantity is in it
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    reorder_point: Decimal  # the one that applies: by hand, else derived
    reorder_point_by_hand: bool
    below_reorder_point: bool
    updated_at: datetime


def _level(s: StockLevel) -> LevelOut:
    return LevelOut(
        id=s.pk,
        warehouse=Ref(id=s.warehouse_id, code=s.warehouse.code, name=s.warehouse.name),
        product=Ref(id=s.product_id, code=s.product.code, name=s.product.name),
        unit=s.product.unit.name,
        on_hand=s.on_hand,
        reserved=s.reserved,
        available=s.available_qty,  # type: ignore[attr-defined]
        reorder_point=s.effective_point,  # type: ignore[attr-defined]
        reorder_point_by_hand=s.reorder_point is not None,
        below_reorder_point=bool(s.below),  # type: ignore[attr-defined]
        updated_at=s.updated_at,
    )


class LevelPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[LevelOut]


class LevelFilters(Schema):
    q: str = Field("", max_length=100)
    warehouse: int | None = None
    category: int | None = None
    below: bool = False
    sort: str = Field(selectors.DEFAULT_SORT, max_length=20)
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/levels", response=LevelPage, summary="Stock levels (filters as on the page)")
def level_list(request, filters: Query[LevelFilters]):
    require_rights(request, VIEW)
    sort = filters.sort if filters.sort in selectors.SORTS else selectors.DEFAULT_SORT
    qs = selectors.stock_levels(
        warehouse_id=filters.warehouse,
        category_id=filters.category,
        search=filters.q,
        below_only=filters.below,
        sort=sort,
    )
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    items = [_level(s) for s in qs[start : start + filters.page_size]]
    return LevelPage(count=count, page=filters.page, page_size=filters.page_size, items=items)


@router.get(
    "/alerts", response=list[LevelOut], summary="Levels below their reorder point (at most 500)"
)
def alert_list(request, warehouse: int | None = None):
    require_rights(request, VIEW)
    return [_level(s) for s in selectors.reorder_alerts(warehouse_id=warehouse)[:500]]


class WarehouseOut(Schema):
    id: int
    code: str
    name: str
    address: str
    keeper_id: int | None
    is_active: bool
    on_hand: Decimal
    reserved: Decimal


@router.get("/warehouses", response=list[WarehouseOut], summary="Warehouses with their totals")
def warehouse_list(request):
    require_rights(request, VIEW)
    return [
        WarehouseOut(
            id=w.pk,
            code=w.code,
            name=w.name,
            address=w.address,
            keeper_id=w.keeper_id,
            is_active=w.is_active,
            on_hand=w.total_on_hand,  # type: ignore[attr-defined]
            reserved=w.total_reserved,  # type: ignore[attr-defined]
        )
        for w in selectors.warehouses()
    ]


class MovementOut(Schema):
    id: int
    at: datetime
    warehouse: Ref
    kind: str
    kind_label: str
    on_hand_change: Decimal
    reserved_change: Decimal
    on_hand_after: Decimal
    reserved_after: Decimal
    reference: str
    note: str
    actor: str


class MovementPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[MovementOut]


@router.get(
    "/products/{product_id}/movements",
    response=MovementPage,
    summary="A product's stock movements, newest first",
)
def movement_list(
    request,
    product_id: int,
    warehouse: int | None = None,
    page: int = Query(1, ge=1),
    page_size: int = Query(50, ge=1, le=200),
):
    require_rights(request, VIEW)
    if not Product.objects.filter(pk=product_id).exists():
        raise NotFound()
    qs = selectors.product_movements(product_id=product_id, warehouse_id=warehouse)
    count = qs.count()
    start = (page - 1) * page_size
    items = [
        MovementOut(
            id=m.pk,
            at=m.at,
            warehouse=Ref(id=m.warehouse_id, code=m.warehouse.code, name=m.warehouse.name),
            kind=m.kind,
            kind_label=str(m.get_kind_display()),  # type: ignore[attr-defined]
            on_hand_change=m.on_hand_change,
            reserved_change=m.reserved_change,
            on_hand_after=m.on_hand_after,
            reserved_after=m.reserved_after,
            reference=m.reference,
            note=m.note,
            actor=m.actor.full_name or m.actor.username,
        )
        for m in qs[start : start + page_size]
    ]
    return MovementPage(count=count, page=page, page_size=page_size, items=items)


class ReceiptIn(Schema):
    """A goods receipt. ``quantity`` is in ``unit_id`` when given (one of the product's
    units: 2 箱 of 4 具 are 8 具), else in the product's base unit."""

    warehouse_id: int
    product_id: int
    quantity: Decimal
    unit_id: int | None = None
    reference: str = Field("", max_length=40)
    note: str = Field("", max_length=300)

    model_config = {"extra": "forbid"}


@router.post(
    "/receipts",
    response={201: LevelOut},
    summary="Goods receipt into a warehouse (catalog.stock_manage; Idempotency-Key)",
)
@idempotent
def receipt_create(request, payload: ReceiptIn):
    user = require_rights(request, MANAGE)
    quantity = payload.quantity
    with transaction.atomic():
        if payload.unit_id is not None:
            quantity = services.to_base_quantity(
                product_id=payload.product_id, unit_id=payload.unit_id, quantity=quantity
            )
        level = services.stock_receive(
            actor=user,
            warehouse_id=payload.warehouse_id,
            product_id=payload.product_id,
            quantity=quantity,
            reference=payload.reference,
            note=payload.note,
        )
    row = selectors.with_figures(
        StockLevel.objects.filter(pk=level.pk).select_related("warehouse", "product__unit")
    ).get()
    return Status(201, _level(row))
