"""API of shipping (``/api/v1/orders/shipments``, ``/api/v1/orders/shipping-plans``): the
shipments in scope (filtered, paginated) and one with its lines; preparing a shipment of an
order (``Idempotency-Key``), shipping it with the waybill (a credit hold answers 409
``credit_hold`` with the hold's figures; the shipment stays prepared), confirming delivery;
the shipping plans in scope. The same services as the pages: the same rules, refusals as 4xx
JSON with a stable code.

Input schemas are allow-lists: never owner, department, number, status or amounts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from xiaoguan.core.api import require_rights
from xiaoguan.core.errors import Conflict
from xiaoguan.core.idempotency import idempotent
from xiaoguan.orders.enums import ShipmentStatus
from xiaoguan.orders.models import Order, Shipment, ShipmentLine
from xiaoguan.orders.selectors import shipping as selectors
from xiaoguan.orders.services import shipping as services
from xiaoguan.org.scope import visible

router = Router()

_STATUS_PATTERN = "^(|" + "|".join(ShipmentStatus.values) + ")$"


class Ref(Schema):
    id: int
    name: str


class ShipmentLineOut(Schema):
    order_line_id: int
    product: Ref
    unit: Ref
    quantity: Decimal
    base_quantity: Decimal
    amount: Decimal


class ShipmentOut(Schema):
    id: int
    number: str
    order: Ref
    customer: Ref
    warehouse: Ref
    plan_id: int | None
    status: str
    method: str
    carrier: str
    waybill_no: str
    amount: Decimal
    shipped_on: date | None
    delivered_on: date | None
    received_by: str
    delivery_note: str
    cancelled_reason: str
    late: bool
    lines: list[ShipmentLineOut]
    owner: Ref
    version: int
    created_at: datetime
    updated_at: datetime


class ShipmentPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[ShipmentOut]


class ShipmentFilters(Schema):
    q: str = Field("", max_length=100)
    status: str = Field("", pattern=_STATUS_PATTERN)
    warehouse: int | None = None
    order: int | None = None
    late: bool = False
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(50, ge=1, le=200)


def _out(s: Shipment) -> ShipmentOut:
    return ShipmentOut(
        id=s.pk,
        number=s.number,
        order=Ref(id=s.order_id, name=s.order.number),
        customer=Ref(id=s.order.customer_id, name=s.order.customer.name),
        warehouse=Ref(id=s.warehouse_id, name=s.warehouse.name),
        plan_id=s.plan_id,
        status=s.status,
        method=s.method,
        carrier=s.carrier,
        waybill_no=s.waybill_no,
        amount=s.amount,
        shipped_on=s.shipped_on,
        delivered_on=s.delivered_on,
        received_by=s.received_by,
        delivery_note=s.delivery_note,
        cancelled_reason=s.cancelled_reason,
        late=bool(getattr(s, "is_late", False)),
        lines=[
            ShipmentLineOut(
                order_line_id=sl.order_line_id,
                product=Ref(id=sl.order_line.product_id, name=sl.order_line.product.name),
                unit=Ref(id=sl.order_line.unit_id, name=sl.order_line.unit.name),
                quantity=sl.quantity,
                base_quantity=sl.base_quantity,
                amount=sl.amount,
            )
            for sl in s.lines.all()
        ],
        owner=Ref(id=s.owner_id, name=str(s.owner)),
        version=s.version,
        created_at=s.created_at,
        updated_at=s.updated_at,
    )


def _with_lines(qs):
    return qs.prefetch_related(
        Prefetch(
            "lines",
            queryset=ShipmentLine.objects.select_related(
                "order_line__product", "order_line__unit"
            ).order_by("order_line__position"),
        )
    )


def _fresh(user, shipment_id: int) -> ShipmentOut:
    shipment = _with_lines(selectors.shipments_visible(user=user)).filter(pk=shipment_id).first()
    if shipment is None:
        raise services.ShipmentNotFound()
    return _out(shipment)


@router.get(
    "/shipments/", response=ShipmentPageOut, summary="Shipments in scope (filtered, paginated)"
)
def shipment_list(request, filters: Query[ShipmentFilters]):
    user = require_rights(request, "orders.view")
    chosen = {
        k: getattr(filters, k)
        for k in ("q", "status", "warehouse", "late")
        if getattr(filters, k) not in (None, "", False)
    }
    qs = selectors.shipment_list(user=user, filters=chosen)
    if filters.order:
        qs = qs.filter(order_id=filters.order)
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    items = [_out(s) for s in _with_lines(qs)[start : start + filters.page_size]]
    return ShipmentPageOut(count=count, page=filters.page, page_size=filters.page_size, items=items)


@router.get("/shipments/{shipment_id}", response=ShipmentOut, summary="One shipment with lines")
def shipment_detail(request, shipment_id: int):
    user = require_rights(request, "orders.view")
    return _fresh(user, shipment_id)


class ShipmentLineIn(Schema):
    order_line_id: int
    quantity: Decimal = Field(..., max_digits=14, decimal_places=3)

    model_config = {"extra": "forbid"}


class ShipmentIn(Schema):
    order_id: int
    warehouse_id: int
    method: str = Field(..., max_length=10)
    carrier: str = Field("", max_length=100)
    plan_id: int | None = None
    lines: list[ShipmentLineIn] = Field(..., min_length=1, max_length=200)

    model_config = {"extra": "forbid"}


@router.post(
    "/shipments/",
    response={201: ShipmentOut},
    summary="Prepare a shipment of a confirmed order (422 shipment_over_ordered / over_stock)",
)
@idempotent
def shipment_create(request, payload: ShipmentIn):
    user = require_rights(request, "orders.ship")
    if not visible(Order.objects.filter(pk=payload.order_id), user).exists():
        from xiaoguan.orders.errors import OrderNotFound

        raise OrderNotFound()
    shipment = services.shipment_prepare(
        actor=user,
        order_id=payload.order_id,
        warehouse_id=payload.warehouse_id,
        lines=[
            services.ShipmentLineData(order_line_id=x.order_line_id, quantity=x.quantity)
            for x in payload.lines
        ],
        method=payload.method,
        carrier=payload.carrier,
        plan_id=payload.plan_id,
    )
    return Status(201, _fresh(user, shipment.pk))


class ShipIn(Schema):
    shipped_on: date
    waybill_no: str = Field("", max_length=60)
    carrier: str = Field("", max_length=100)

    model_config = {"extra": "forbid"}


class CreditHeld(Conflict):
    code = "credit_hold"


@router.post(
    "/shipments/{shipment_id}/ship",
    response=ShipmentOut,
    summary="Ship with the waybill (409 credit_hold: blocked by credit control, still prepared)",
)
@idempotent
def shipment_ship(request, shipment_id: int, payload: ShipIn):
    user = require_rights(request, "orders.ship")
    selectors.shipment_get(user=user, shipment_id=shipment_id)
    result = services.shipment_ship(
        actor=user,
        shipment_id=shipment_id,
        shipped_on=payload.shipped_on,
        waybill_no=payload.waybill_no,
        carrier=payload.carrier,
    )
    if result.hold is not None:
        from django.utils.translation import gettext as _

        raise CreditHeld(
            _(
                "Credit control blocked the shipment: it stays prepared until finance "
                "releases the hold."
            ),
            extra={
                "hold": {
                    "id": result.hold.pk,
                    "status": result.hold.status,
                    "amount": str(result.hold.amount),
                    "figures": result.hold.figures,
                }
            },
        )
    return _fresh(user, shipment_id)


class CancelIn(Schema):
    reason: str = Field(..., max_length=300)

    model_config = {"extra": "forbid"}


@router.post(
    "/shipments/{shipment_id}/cancel", response=ShipmentOut, summary="Cancel a prepared shipment"
)
def shipment_cancel(request, shipment_id: int, payload: CancelIn):
    user = require_rights(request, "orders.ship")
    selectors.shipment_get(user=user, shipment_id=shipment_id)
    services.shipment_cancel(actor=user, shipment_id=shipment_id, reason=payload.reason)
    return _fresh(user, shipment_id)


class DeliverIn(Schema):
    delivered_on: date
    received_by: str = Field(..., max_length=60)
    note: str = Field("", max_length=300)

    model_config = {"extra": "forbid"}


@router.post(
    "/shipments/{shipment_id}/deliver",
    response=ShipmentOut,
    summary="Confirm the customer's delivery (not before the shipping date)",
)
@idempotent
def shipment_deliver(request, shipment_id: int, payload: DeliverIn):
    user = require_rights(request, "orders.deliver")
    selectors.shipment_get(user=user, shipment_id=shipment_id)
    services.shipment_confirm_delivery(
        actor=user,
        shipment_id=shipment_id,
        delivered_on=payload.delivered_on,
        received_by=payload.received_by,
        note=payload.note,
    )
    return _fresh(user, shipment_id)


class PlanOut(Schema):
    id: int
    order: Ref
    customer: Ref
    planned_date: date
    method: str
    carrier: str
    note: str
    is_active: bool
    warehouse_id: int | None


class PlanPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[PlanOut]


class PlanFilters(Schema):
    date_from: date | None = None
    date_to: date | None = None
    warehouse: int | None = None
    active: bool = True
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(50, ge=1, le=200)


@router.get(
    "/shipping-plans/", response=PlanPageOut, summary="Shipping plans in scope, by planned date"
)
def plan_list(request, filters: Query[PlanFilters]):
    user = require_rights(request, "orders.view")
    qs = selectors.plans_visible(user=user).order_by("planned_date", "pk")
    if filters.active:
        qs = qs.filter(is_active=True)
    if filters.date_from:
        qs = qs.filter(planned_date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(planned_date__lte=filters.date_to)
    if filters.warehouse:
        qs = qs.filter(order__warehouse_id=filters.warehouse)
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    items = [
        PlanOut(
            id=p.pk,
            order=Ref(id=p.order_id, name=p.order.number),
            customer=Ref(id=p.order.customer_id, name=p.order.customer.name),
            planned_date=p.planned_date,
            method=p.method,
            carrier=p.carrier,
            note=p.note,
            is_active=p.is_active,
            warehouse_id=p.order.warehouse_id,
        )
        for p in qs[start : start + filters.page_size]
    ]
    return PlanPageOut(count=count, page=filters.page, page_size=filters.page_size, items=items)
