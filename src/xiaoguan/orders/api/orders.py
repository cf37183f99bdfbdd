"""API of orders (``/api/v1/orders/``): the list (scoped, filtered, paginated), one order with
its lines and credit holds, drafting an order (from a signed contract or directly), and its
submission for review (``Idempotency-Key``). The same services as the pages: the same rules,
refusals as 4xx JSON with a stable code.

Input schemas are allow-lists: never owner, department, number, status, totals or the
effective price of a line."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from xiaoguan.core.api import require_rights
from xiaoguan.core.errors import ValidationFailed
from xiaoguan.core.idempotency import idempotent
from xiaoguan.orders.enums import OrderChannel, OrderStatus
from xiaoguan.orders.models import Order
from xiaoguan.orders.selectors import credit as credit_selectors
from xiaoguan.orders.selectors import orders as selectors
from xiaoguan.orders.services import orders as services

router = Router()


class Ref(Schema):
    id: int
    name: str


class LineOut(Schema):
    position: int
    contract_line_id: int | None
    product: Ref
    unit: Ref
    quantity: Decimal
    base_quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    reserved_quantity: Decimal
    shipped_quantity: Decimal


class HoldOut(Schema):
    id: int
    stage: str
    status: str
    amount: Decimal
    figures: dict
    release_reason: str
    decision_note: str
    created_at: datetime


class OrderRowOut(Schema):
    id: int
    number: str
    channel: str
    status: str
    order_date: date
    customer: Ref
    contract_id: int | None
    owner: Ref
    total: Decimal
    shipped_amount: Decimal


class OrderOut(OrderRowOut):
    requested_date: date | None
    warehouse_id: int | None
    ship_to: str
    consignee: str
    consignee_phone: str
    payment_days: int
    payment_terms: str
    customer_reference: str
    notes: str
    review_note: str
    confirmation_note: str
    cancel_reason: str
    department: Ref
    lines: list[LineOut]
    credit_holds: list[HoldOut]
    missing: list[str]
    version: int
    created_at: datetime
    updated_at: datetime


class OrderPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[OrderRowOut]


class OrderFilters(Schema):
    q: str = Field("", max_length=100)
    status: list[str] = Field(default_factory=list, max_length=10)
    channel: str = Field("", max_length=10)
    customer: str = Field("", max_length=100)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = Field(selectors.DEFAULT_SORT, max_length=20)
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(50, ge=1, le=200)


class LineIn(Schema):
    """A contract order's line names the contract line; a direct order's the product, unit
    and either the unit price or a discount off the effective price."""

    contract_line_id: int | None = None
    product_id: int | None = None
    unit_id: int | None = None
    quantity: Decimal = Field(..., max_digits=14, decimal_places=3)
    unit_price: Decimal | None = Field(None, max_digits=16, decimal_places=2)
    discount: Decimal | None = Field(None, max_digits=7, decimal_places=2)

    model_config = {"extra": "forbid"}


class OrderIn(Schema):
    channel: str = Field(..., pattern="^(contract|phone|fax|email|dealer|other)$")
    contract_id: int | None = None
    customer_id: int | None = None
    order_date: date | None = None
    requested_date: date | None = None
    warehouse_id: int | None = None
    ship_to: str = Field("", max_length=300)
    consignee: str = Field("", max_length=60)
    consignee_phone: str = Field("", max_length=30)
    payment_days: int | None = Field(None, ge=0, le=365)
    payment_terms: str = Field("", max_length=200)
    customer_reference: str = Field("", max_length=60)
    notes: str = Field("", max_length=5000)
    lines: list[LineIn] = Field(default_factory=list, max_length=200)

    model_config = {"extra": "forbid"}


def _ref(obj) -> Ref:
    return Ref(id=obj.pk, name=str(obj))


def _row(o: Order) -> OrderRowOut:
    return OrderRowOut(
        id=o.pk,
        number=o.number,
        channel=o.channel,
        status=o.status,
        order_date=o.order_date,
        customer=Ref(id=o.customer_id, name=o.customer.name),
        contract_id=o.contract_id,
        owner=_ref(o.owner),
        total=o.total,
        shipped_amount=o.shipped_amount,
    )


def _fresh(user, order_id: int) -> OrderOut:
    o = selectors.order_get(user=user, order_id=order_id)
    lines = [
        LineOut(
            position=x.position,
            contract_line_id=x.contract_line_id,
            product=_ref(x.product),
            unit=Ref(id=x.unit_id, name=x.unit.name),
            quantity=x.quantity,
            base_quantity=x.base_quantity,
            unit_price=x.unit_price,
            amount=x.amount,
            reserved_quantity=x.reserved_quantity,
            shipped_quantity=x.shipped_quantity,
        )
        for x in selectors.order_lines(order=o)
    ]
    holds = [
        HoldOut(
            id=h.pk,
            stage=h.stage,
            status=h.status,
            amount=h.amount,
            figures=h.figures,
            release_reason=h.release_reason,
            decision_note=h.decision_note,
            created_at=h.created_at,
        )
        for h in credit_selectors.order_holds(order=o)
    ]
    row = _row(o)
    return OrderOut(
        **row.model_dump(),
        requested_date=o.requested_date,
        warehouse_id=o.warehouse_id,
        ship_to=o.ship_to,
        consignee=o.consignee,
        consignee_phone=o.consignee_phone,
        payment_days=o.payment_days,
        payment_terms=o.payment_terms,
        customer_reference=o.customer_reference,
        notes=o.notes,
        review_note=o.review_note,
        confirmation_note=o.confirmation_note,
        cancel_reason=o.cancel_reason,
        department=Ref(id=o.department_id, name=o.department.name),
        lines=lines,
        credit_holds=holds,
        missing=[str(m) for m in services.order_missing(order=o)] if o.is_editable else [],
        version=o.version,
        created_at=o.created_at,
        updated_at=o.updated_at,
    )


@router.get("/", response=OrderPageOut, summary="Orders in scope (filtered, paginated)")
def order_list(request, filters: Query[OrderFilters]):
    user = require_rights(request, "orders.view")
    bad_status = [s for s in filters.status if s not in OrderStatus.values]
    if bad_status or (filters.channel and filters.channel not in OrderChannel.values):
        raise ValidationFailed(
            _("Not one of the allowed values."),
            fields={
                k: [", ".join(v)]
                for k, v in (
                    ("status", bad_status),
                    (
                        "channel",
                        [filters.channel]
                        if filters.channel and filters.channel not in OrderChannel.values
                        else [],
                    ),
                )
                if v
            },
        )
    chosen = {
        k: getattr(filters, k)
        for k in selectors.FILTER_KEYS
        if getattr(filters, k, None) not in (None, "", [])
    }
    sort = filters.sort if filters.sort in selectors.SORTS else selectors.DEFAULT_SORT
    qs = selectors.order_list(user=user, filters=chosen, sort=sort)
    start = (filters.page - 1) * filters.page_size
    return OrderPageOut(
        count=qs.count(),
        page=filters.page,
        page_size=filters.page_size,
        items=[_row(o) for o in qs[start : start + filters.page_size]],
    )


@router.get("/{int:order_id}", response=OrderOut, summary="One order with lines and credit holds")
def order_detail(request, order_id: int):
    user = require_rights(request, "orders.view")
    return _fresh(user, order_id)


@router.post(
    "/",
    response={201: OrderOut},
    summary="Draft an order from a signed contract (channel contract) or directly",
)
@idempotent
def order_create(request, payload: OrderIn):
    user = require_rights(request, "orders.edit")
    fields = payload.model_dump(exclude={"lines"})
    data = services.OrderData(**fields)
    lines = [services.OrderLineData(**line.model_dump()) for line in payload.lines]
    order = services.order_create(actor=user, data=data, lines=lines)
    return Status(201, _fresh(user, order.pk))


@router.post(
    "/{int:order_id}/submit",
    response=OrderOut,
    summary="Submit a draft for review (422 order_invalid / order_over_contract)",
)
@idempotent
def order_submit(request, order_id: int):
    user = require_rights(request, "orders.edit")
    order = selectors.order_get(user=user, order_id=order_id)
    services.order_submit(actor=user, order=order)
    return _fresh(user, order.pk)
