"""Reading shipping (R-ORD-4, R-ORD-5): the logistics board of shipping plans, shipments with
their late flag, late orders, open exceptions and an order's shipping section. Every query
goes through ``org.scope.visible``; out of scope does not exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from xiaoguan.core import policy
from xiaoguan.orders.enums import CreditStage, ExceptionStatus, ShipmentStatus
from xiaoguan.orders.models import (
    CreditHold,
    Order,
    OrderException,
    OrderLine,
    Shipment,
    ShipmentLine,
    ShippingPlan,
)
from xiaoguan.orders.services.shipping import (
    GONE_STATUSES,
    SHIPPABLE_STATUSES,
    TAKING_STATUSES,
    ShipmentNotFound,
    ShippingPlanNotFound,
    contract_accepted_on,
    contract_delivery_state,
    root_id_of,
)
from xiaoguan.org.scope import visible

GRACE_KEY = "orders.late_shipment_grace_days"
CONFIRM_KEY = "orders.delivery_confirm_days"


def grace_days() -> int:
    return int(policy.value(GRACE_KEY))


def confirm_days() -> int:
    return int(policy.value(CONFIRM_KEY))


# --- plans -------------------------------------------------------------------------------


def plans_visible(*, user: Any) -> QuerySet[ShippingPlan]:
    return visible(
        ShippingPlan.objects.select_related(
            "order", "order__customer", "order__warehouse", "owner"
        ),
        user,
    )


@dataclass
class Board:
    """The logistics board: active plans of orders still to ship, by when."""

    late: list[ShippingPlan] = field(default_factory=list)
    today: list[ShippingPlan] = field(default_factory=list)
    week: list[ShippingPlan] = field(default_factory=list)
    later: list[ShippingPlan] = field(default_factory=list)


def shipping_board(
    *, user: Any, warehouse_id: int | None = None, today: date | None = None
) -> Board:
    """Active plans of confirmed or partly shipped orders: late (planned before today),
    today, the rest of this week (to Sunday) and later (the next 30 days)."""
    today = today or timezone.localdate()
    week_end = today + timedelta(days=6 - today.weekday())
    qs = plans_visible(user=user).filter(
        is_active=True,
        order__status__in=SHIPPABLE_STATUSES,
        planned_date__lte=today + timedelta(days=30),
    )
    if warehouse_id:
        qs = qs.filter(order__warehouse_id=warehouse_id)
    board = Board()
    for plan in qs.order_by("planned_date", "pk")[:500]:
        if plan.planned_date < today:
            board.late.append(plan)
        elif plan.planned_date == today:
            board.today.append(plan)
        elif plan.planned_date <= week_end:
            board.week.append(plan)
        else:
            board.later.append(plan)
    return board


def plan_get(*, user: Any, plan_id: int) -> ShippingPlan:
    plan = plans_visible(user=user).filter(pk=plan_id).first()
    if plan is None:
        raise ShippingPlanNotFound()
    return plan


def order_active_plans(*, order: Order) -> list[ShippingPlan]:
    """The active shipping plans of ``order`` (the caller has checked the order's scope), for
    the prepare-a-shipment form."""
    return list(ShippingPlan.objects.filter(order=order, is_active=True))


# --- shipments ---------------------------------------------------------------------------


def _late_shipment_q(today: date) -> Q:
    """Shipped and not confirmed delivered after the policy's number of days."""
    return Q(status=ShipmentStatus.SHIPPED, shipped_on__lt=today - timedelta(days=confirm_days()))


def shipments_visible(*, user: Any, today: date | None = None) -> QuerySet[Shipment]:
    today = today or timezone.localdate()
    return visible(
        Shipment.objects.select_related("order", "order__customer", "warehouse", "owner"), user
    ).annotate(
        is_late=Case(
            When(_late_shipment_q(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


SHIPMENT_SORTS = ("number", "-number", "shipped_on", "-shipped_on", "amount", "-amount")


def shipment_list(
    *, user: Any, filters: dict[str, Any] | None = None, sort: str = "-number"
) -> QuerySet[Shipment]:
    filters = filters or {}
    qs = shipments_visible(user=user)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("warehouse"):
        qs = qs.filter(warehouse_id=filters["warehouse"])
    if filters.get("late"):
        qs = qs.filter(_late_shipment_q(timezone.localdate()))
    if filters.get("q"):
        term = filters["q"]
        qs = qs.filter(
            Q(number__icontains=term)
            | Q(waybill_no__icontains=term)
            | Q(order__number__icontains=term)
            | Q(order__customer__name__icontains=term)
        )
    if sort not in SHIPMENT_SORTS:
        sort = "-number"
    return qs.order_by(sort, "-pk")


def shipment_get(*, user: Any, shipment_id: int) -> Shipment:
    shipment = (
        shipments_visible(user=user)
        .select_related("order__contract", "plan", "shipped_by", "created_by")
        .filter(pk=shipment_id)
        .first()
    )
    if shipment is None:
        raise ShipmentNotFound()
    return shipment


def shipment_lines(*, shipment: Shipment) -> list[ShipmentLine]:
    return list(
        ShipmentLine.objects.filter(shipment=shipment)
        .select_related("order_line__product", "order_line__unit")
        .order_by("order_line__position")
    )


@dataclass
class LineToShip:
    line: OrderLine
    taken: Decimal  # in prepared, shipped or delivered shipments
    remaining: Decimal
    reserved: dict[int, Decimal]  # warehouse id -> base units still reserved


def lines_to_ship(*, order: Order) -> list[LineToShip]:
    """The order's lines with what remains to be shipped and where their stock is reserved."""
    lines = list(
        OrderLine.objects.filter(order=order)
        .select_related("product", "unit")
        .prefetch_related("allocations")
        .order_by("position")
    )
    taken = {
        r["order_line_id"]: r["q"]
        for r in ShipmentLine.objects.filter(
            order_line__order=order, shipment__status__in=TAKING_STATUSES
        )
        .values("order_line_id")
        .annotate(q=Sum("quantity"))
    }
    out = []
    for line in lines:
        reserved: dict[int, Decimal] = {}
        for a in line.allocations.all():
            left = a.quantity - a.issued - a.released
            if left > 0:
                reserved[a.warehouse_id] = reserved.get(a.warehouse_id, Decimal(0)) + left
        t = taken.get(line.pk, Decimal(0))
        out.append(LineToShip(line=line, taken=t, remaining=line.quantity - t, reserved=reserved))
    return out


# --- late --------------------------------------------------------------------------------


def _due_date_annotation():
    """When an order should have left: the earliest active plan not yet shipped on, else the
    requested delivery date."""
    open_plans = (
        ShippingPlan.objects.filter(order=OuterRef("pk"), is_active=True)
        .exclude(Exists(Shipment.objects.filter(plan=OuterRef("pk"), status__in=GONE_STATUSES)))
        .order_by("planned_date")
        .values("planned_date")[:1]
    )
    return Coalesce(
        Subquery(open_plans, output_field=DateField()),
        F("requested_date"),
        output_field=DateField(),
    )


def late_orders(*, user: Any, today: date | None = None) -> QuerySet[Order]:
    """Confirmed or partly shipped orders (quantities still to ship) whose date to ship has
    passed by more than the policy's grace days."""
    return visible(late_orders_all(today=today), user)


def late_orders_all(*, today: date | None = None) -> QuerySet[Order]:
    """Late orders of the whole company (for the reminder job; pages use ``late_orders``)."""
    today = today or timezone.localdate()
    limit = today - timedelta(days=grace_days())
    return (
        Order.objects.select_related("customer", "owner", "warehouse")
        .filter(status__in=SHIPPABLE_STATUSES)
        .annotate(due_on=_due_date_annotation())
        .filter(due_on__lt=limit)
        .order_by("due_on", "pk")
    )


def unconfirmed_shipments(*, user: Any, today: date | None = None) -> QuerySet[Shipment]:
    """Shipments shipped and not confirmed delivered after the policy's number of days."""
    today = today or timezone.localdate()
    return (
        shipments_visible(user=user, today=today)
        .filter(_late_shipment_q(today))
        .order_by("shipped_on", "pk")
    )


# --- exceptions --------------------------------------------------------------------------


def exceptions_visible(*, user: Any) -> QuerySet[OrderException]:
    """Exceptions of the orders the user may see."""
    orders = visible(Order.objects.all(), user).values("pk")
    return OrderException.objects.select_related(
        "order", "order__customer", "shipment", "raised_by"
    ).filter(order_id__in=orders)


def open_exceptions(*, user: Any) -> QuerySet[OrderException]:
    return exceptions_visible(user=user).filter(status=ExceptionStatus.OPEN).order_by("raised_at")


def exception_get(*, user: Any, exception_id: int) -> OrderException:
    from xiaoguan.orders.services.exceptions import OrderExceptionNotFound

    found = (
        exceptions_visible(user=user)
        .select_related("order__contract", "resolved_by")
        .filter(pk=exception_id)
        .first()
    )
    if found is None:
        raise OrderExceptionNotFound()
    return found


def shipment_credit_hold(*, shipment: Shipment) -> CreditHold | None:
    """The latest shipment-stage credit hold of the shipment's order while the shipment waits
    to be shipped (prepared), else None (the caller has checked the shipment's scope)."""
    if shipment.status != ShipmentStatus.PREPARED:
        return None
    return (
        CreditHold.objects.filter(order_id=shipment.order_id, stage=CreditStage.SHIPMENT)
        .order_by("-pk")
        .first()
    )


# --- an order's shipping section -----------------------------------------------------------


@dataclass
class OrderShipping:
    order: Order
    plans: list[ShippingPlan]
    shipments: list[Any]
    exceptions: list[OrderException]
    lines: list[LineToShip]
    can_ship: bool
    remaining: bool
    contract_delivered: bool = False
    accepted_on: date | None = None
    contract_id: int | None = None


def order_shipping(*, order: Order, today: date | None = None) -> OrderShipping:
    """What the order page shows of shipping (the caller has checked the order's scope)."""
    today = today or timezone.localdate()
    plans = list(ShippingPlan.objects.filter(order=order).order_by("-is_active", "planned_date"))
    shipments = list(
        Shipment.objects.filter(order=order)
        .select_related("warehouse")
        .annotate(
            is_late=Case(
                When(_late_shipment_q(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-pk")
    )
    exceptions = list(
        OrderException.objects.filter(order=order)
        .select_related("shipment")
        .order_by("status", "-raised_at")
    )
    lines = lines_to_ship(order=order)
    result = OrderShipping(
        order=order,
        plans=plans,
        shipments=shipments,
        exceptions=exceptions,
        lines=lines,
        can_ship=order.status in SHIPPABLE_STATUSES,
        remaining=any(x.remaining > 0 for x in lines),
    )
    if order.contract_id and order.contract is not None:
        root = root_id_of(order.contract)
        current, delivered = contract_delivery_state(root)
        result.contract_delivered = delivered
        result.accepted_on = contract_accepted_on(root)
        result.contract_id = current.pk if current else None
    return result
