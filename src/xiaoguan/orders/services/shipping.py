"""Shipping (R-ORD-4): shipping plans (发货计划), shipments (发货单, partial allowed) prepared
from a confirmed order, shipped with a waybill after the credit check, delivery confirmed by
the customer, and the customer's acceptance (验收) of a fully delivered contract.

Every service runs in one transaction and locks the order row first (then its lines, the
allocations and, through the stock services, the stock levels), so two people shipping the
same order at the same moment are served one after the other: the second sees what the first
took. Figures the contract ledger shows (shipped value) are recomputed from the shipments,
never added up."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoguan.catalog.models import StockLevel, Warehouse
from xiaoguan.contracts.enums import ContractStatus, EventKind
from xiaoguan.contracts.models import Contract, ContractEvent, ContractLine
from xiaoguan.contracts.selectors.family import family_current, in_family
from xiaoguan.contracts.services.figures import contract_current_lock, contract_figures_set
from xiaoguan.contracts.services.timeline import contract_event_add
from xiaoguan.core.documents import ensure_transition
from xiaoguan.core.errors import ApplicationError, Conflict, NotFound, ValidationFailed
from xiaoguan.core.history import track
from xiaoguan.core.numbering import next_number
from xiaoguan.orders import registries
from xiaoguan.orders.enums import OrderStatus, ShipmentStatus, ShippingMethod
from xiaoguan.orders.models import (
    CreditHold,
    Order,
    OrderAllocation,
    OrderLine,
    Shipment,
    ShipmentLine,
    ShippingPlan,
)
from xiaoguan.org.models import User

CENT = Decimal("0.01")
MILLI = Decimal("0.001")
# Orders that may be shipped (what remains of them).
SHIPPABLE_STATUSES = (OrderStatus.CONFIRMED, OrderStatus.PARTLY_SHIPPED)
# Shipments whose quantities are taken from the order (prepared ones hold them too).
TAKING_STATUSES = (ShipmentStatus.PREPARED, ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED)
# Shipments that left the warehouse: the contract's shipped value and quantities.
GONE_STATUSES = (ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED)
# Methods that need a waybill number when shipped (our own truck and pick-up do not).
WAYBILL_METHODS = (ShippingMethod.FREIGHT, ShippingMethod.EXPRESS, ShippingMethod.RAIL)
TEXT_MAX = 300
ACCEPTANCE_KEY = "acceptance"


# --- errors ------------------------------------------------------------------------------


class ShipmentNotFound(NotFound):
    code = "shipment_not_found"

    def default_message(self) -> Any:
        return _("Shipment not found.")


class ShippingPlanNotFound(NotFound):
    code = "shipping_plan_not_found"

    def default_message(self) -> Any:
        return _("Shipping plan not found.")


class ShippingInvalid(ValidationFailed):
    """A shipping plan, shipment or delivery confirmation that cannot be saved as typed."""

    code = "shipping_invalid"


class ShipmentOverOrdered(ShippingInvalid):
    """More would be shipped than remains of the order line."""

    code = "shipment_over_ordered"


class ShipmentOverStock(ShippingInvalid):
    """More would be shipped than is reserved for the order or free in the warehouse."""

    code = "shipment_over_stock"


class OrderNotShippable(Conflict):
    code = "order_not_shippable"

    def default_message(self) -> Any:
        return _("Only a confirmed or partly shipped order can be shipped.")


class AcceptanceNotAllowed(Conflict):
    code = "acceptance_not_allowed"

    def default_message(self) -> Any:
        return _("Acceptance can only be recorded once, for a contract in force fully delivered.")


# --- inputs and results ------------------------------------------------------------------


@dataclass(frozen=True)
class ShipmentLineData:
    order_line_id: int
    quantity: Any  # Decimal or a string typed in a form


@dataclass(frozen=True)
class ShipResult:
    """What shipping did: ``hold`` is set (and the shipment still prepared) when credit
    control blocked it."""

    shipment: Shipment
    hold: CreditHold | None = None


# --- helpers -----------------------------------------------------------------------------


def _decimal(raw: Any) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except Exception:
        return None
    return value if value.is_finite() else None


def _number(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def _text(raw: Any, *, field: str, required: bool = False, limit: int = TEXT_MAX) -> str:
    text = (raw or "").strip() if isinstance(raw, str) else str(raw or "").strip()
    if required and not text:
        msg = gettext("This field is required.")
        raise ShippingInvalid(msg, fields={field: msg})
    if len(text) > limit:
        msg = gettext("At most %(n)s characters.") % {"n": limit}
        raise ShippingInvalid(msg, fields={field: msg})
    return text


def _date(raw: Any, *, field: str) -> date:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except (TypeError, ValueError):
        msg = gettext("Enter a valid date.")
        raise ShippingInvalid(msg, fields={field: msg}) from None


def _locked_order(order_id: Any) -> Order:
    """The order locked, after the version in force of its contract (the documented order:
    contract, then order; docs/dev/locking.md), so shipping never waits for a contract while
    holding an order that an order change, holding the contract, waits for."""
    contract_id = Order.objects.filter(pk=order_id).values_list("contract_id", flat=True).first()
    if contract_id is not None:
        root_id = Contract.objects.filter(pk=contract_id).values_list("root_id", flat=True).first()
        contract_current_lock(root_id=root_id or contract_id)
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("customer", "contract")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        from xiaoguan.orders.errors import OrderNotFound

        raise OrderNotFound()
    return order


def _locked_shipment(shipment_id: Any) -> Shipment:
    shipment = Shipment.objects.filter(pk=shipment_id).only("pk", "order_id").first()
    if shipment is None:
        raise ShipmentNotFound()
    # The order first, then the shipment: the same order as preparing takes locks in.
    _locked_order(shipment.order_id)
    return (
        Shipment.objects.select_for_update(of=("self",))
        .select_related("order", "order__contract", "warehouse")
        .get(pk=shipment_id)
    )


def root_id_of(contract: Contract) -> int:
    return contract.root_id or contract.pk


def root_orders(root_id: int):
    """Orders of every version of the contract whose root is ``root_id``."""
    return Order.objects.filter(in_family(root_id))


def taken_by_line(order_line_ids: list[int], *, exclude_shipment: int | None = None) -> dict:
    """{order_line_id: quantity in prepared, shipped or delivered shipments}."""
    qs = ShipmentLine.objects.filter(
        order_line_id__in=order_line_ids, shipment__status__in=TAKING_STATUSES
    )
    if exclude_shipment:
        qs = qs.exclude(shipment_id=exclude_shipment)
    return {
        row["order_line_id"]: row["q"]
        for row in qs.values("order_line_id").annotate(q=Sum("quantity"))
    }


def _line_label(line: OrderLine) -> str:
    return line.product.name


# --- shipping plans ----------------------------------------------------------------------


@transaction.atomic
def shipping_plan_create(
    *,
    actor: User,
    order_id: int,
    planned_date: Any,
    method: str,
    carrier: str = "",
    note: str = "",
) -> ShippingPlan:
    """Plan when and how (part of) a confirmed order leaves."""
    order = _locked_order(order_id)
    if order.status not in SHIPPABLE_STATUSES:
        raise OrderNotShippable()
    day = _date(planned_date, field="planned_date")
    if day < order.order_date:
        msg = gettext("The planned date cannot be before the order date (%(date)s).") % {
            "date": order.order_date.isoformat()
        }
        raise ShippingInvalid(msg, fields={"planned_date": msg})
    if method not in ShippingMethod.values:
        msg = gettext("Choose a shipping method.")
        raise ShippingInvalid(msg, fields={"method": msg})
    plan = ShippingPlan(
        order=order,
        owner_id=order.owner_id,
        department_id=order.department_id,
        planned_date=day,
        method=method,
        carrier=_text(carrier, field="carrier", limit=100),
        note=_text(note, field="note"),
        created_by=actor,
    )
    track(plan, actor, "planned")
    plan.save()
    return plan


@transaction.atomic
def shipping_plan_cancel(*, actor: User, plan_id: int) -> ShippingPlan:
    """Drop a plan (it stays in the history, no longer active)."""
    plan = ShippingPlan.objects.filter(pk=plan_id).first()
    if plan is None:
        raise ShippingPlanNotFound()
    _locked_order(plan.order_id)
    plan = ShippingPlan.objects.select_for_update().get(pk=plan_id)
    if plan.is_active:
        plan.is_active = False
        track(plan, actor, "cancelled")
        plan.save(update_fields=["is_active"])
    return plan


# --- preparing ---------------------------------------------------------------------------


def _reserved_left(line: OrderLine, warehouse_id: int) -> Decimal:
    """Base units still reserved for the line in the warehouse (not issued nor released)."""
    total = Decimal(0)
    for a in line.allocations.all():
        if a.warehouse_id == warehouse_id:
            total += a.quantity - a.issued - a.released
    return max(total, Decimal(0))


def _prepared_base(line_ids: list[int], warehouse_id: int, exclude: int | None = None) -> dict:
    qs = ShipmentLine.objects.filter(
        order_line_id__in=line_ids,
        shipment__status=ShipmentStatus.PREPARED,
        shipment__warehouse_id=warehouse_id,
    )
    if exclude:
        qs = qs.exclude(shipment_id=exclude)
    return {
        r["order_line_id"]: r["q"]
        for r in qs.values("order_line_id").annotate(q=Sum("base_quantity"))
    }


@transaction.atomic
def shipment_prepare(
    *,
    actor: User,
    order_id: int,
    warehouse_id: Any,
    lines: list[ShipmentLineData],
    method: str,
    carrier: str = "",
    plan_id: Any = None,
) -> Shipment:
    """Prepare a shipment of (part of) a confirmed order from one warehouse. Each line ships
    at most what remains of the order line (ordered minus what prepared, shipped and delivered
    shipments hold) and at most what is reserved for the order in that warehouse plus the
    stock free there; the refusal names the product and the figures."""
    order = _locked_order(order_id)
    if order.status not in SHIPPABLE_STATUSES:
        raise OrderNotShippable()
    warehouse = Warehouse.objects.filter(pk=_int(warehouse_id), is_active=True).first()
    if warehouse is None:
        msg = gettext("Choose the warehouse the goods leave from.")
        raise ShippingInvalid(msg, fields={"warehouse_id": msg})
    if method not in ShippingMethod.values:
        msg = gettext("Choose a shipping method.")
        raise ShippingInvalid(msg, fields={"method": msg})
    plan = None
    if plan_id not in (None, ""):
        plan = ShippingPlan.objects.filter(pk=_int(plan_id), order=order, is_active=True).first()
        if plan is None:
            msg = gettext("Choose one of the order's active shipping plans.")
            raise ShippingInvalid(msg, fields={"plan_id": msg})
    order_lines = {
        ol.pk: ol
        for ol in OrderLine.objects.select_for_update(of=("self",))
        .select_related("product__unit", "unit")
        .prefetch_related("allocations")
        .filter(order=order)
    }
    wanted: dict[int, Decimal] = {}
    for item in lines:
        ol_id = _int(item.order_line_id)
        if ol_id not in order_lines:
            msg = gettext("A line is not one of the order's lines.")
            raise ShippingInvalid(msg, fields={"lines": msg})
        if item.quantity in (None, "") or str(item.quantity).strip() == "":
            continue
        quantity = _decimal(item.quantity)
        field = f"lines.{ol_id}"
        if quantity is None or quantity < 0 or quantity != quantity.quantize(MILLI):
            msg = gettext("%(product)s: enter a quantity (at most 3 decimals).") % {
                "product": _line_label(order_lines[ol_id])
            }
            raise ShippingInvalid(msg, fields={field: msg})
        if quantity == 0:
            continue
        if ol_id in wanted:
            msg = gettext("A line is listed twice.")
            raise ShippingInvalid(msg, fields={"lines": msg})
        wanted[ol_id] = quantity
    if not wanted:
        msg = gettext("Enter the quantity to ship of at least one line.")
        raise ShippingInvalid(msg, fields={"lines": msg})
    taken = taken_by_line(list(wanted))
    prepared = _prepared_base(list(wanted), warehouse.pk)
    free = {
        lvl.product_id: lvl.on_hand - lvl.reserved
        for lvl in StockLevel.objects.filter(
            warehouse=warehouse, product_id__in=[order_lines[i].product_id for i in wanted]
        )
    }
    for ol_id, quantity in wanted.items():
        ol = order_lines[ol_id]
        remaining = ol.quantity - taken.get(ol_id, Decimal(0))
        if quantity > remaining:
            msg = gettext(
                "%(product)s: %(wanted)s %(unit)s to ship, but only %(remaining)s of the "
                "%(ordered)s ordered remain to be shipped."
            ) % {
                "product": _line_label(ol),
                "wanted": _number(quantity),
                "unit": ol.unit.name,
                "remaining": _number(remaining),
                "ordered": _number(ol.quantity),
            }
            raise ShipmentOverOrdered(msg, fields={f"lines.{ol_id}": msg})
        base = _base(ol, quantity)
        reserved = max(_reserved_left(ol, warehouse.pk) - prepared.get(ol_id, Decimal(0)), 0)
        available = reserved + max(free.get(ol.product_id, Decimal(0)), Decimal(0))
        if base > available:
            msg = gettext(
                "%(product)s: %(wanted)s %(unit)s to ship from %(warehouse)s, but only "
                "%(available)s %(unit)s are reserved for the order there or free in stock "
                "(%(reserved)s reserved)."
            ) % {
                "product": _line_label(ol),
                "wanted": _number(base),
                "unit": ol.product.unit.name if ol.product.unit_id else "",
                "warehouse": warehouse.name,
                "available": _number(available),
                "reserved": _number(Decimal(reserved)),
            }
            raise ShipmentOverStock(msg, fields={f"lines.{ol_id}": msg})
    shipment = Shipment(
        number=next_number(prefix="FH"),
        order=order,
        plan=plan,
        owner_id=order.owner_id,
        department_id=order.department_id,
        warehouse=warehouse,
        method=method,
        carrier=_text(carrier or (plan.carrier if plan else ""), field="carrier", limit=100),
        created_by=actor,
    )
    track(shipment, actor, "prepared")
    shipment.save()
    amounts = _line_amounts(order_lines, wanted, taken)
    ShipmentLine.objects.bulk_create(
        ShipmentLine(
            shipment=shipment,
            order_line_id=ol_id,
            quantity=quantity,
            base_quantity=_base(order_lines[ol_id], quantity),
            amount=amounts[ol_id],
        )
        for ol_id, quantity in wanted.items()
    )
    shipment.amount = sum(amounts.values(), Decimal(0))
    shipment.save(update_fields=["amount"])
    return shipment


def _int(raw: Any) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return 0


def _base(line: OrderLine, quantity: Decimal) -> Decimal:
    if quantity == line.quantity:
        return line.base_quantity
    return (line.base_quantity * quantity / line.quantity).quantize(MILLI)


def _line_amounts(order_lines: dict, wanted: dict, taken: dict) -> dict[int, Decimal]:
    """The value of each shipped quantity: its share of the line's amount; the shipment that
    takes the rest of a line takes the rest of its amount (no cent lost to rounding)."""
    ids = list(wanted)
    taken_amount = {
        r["order_line_id"]: r["a"]
        for r in ShipmentLine.objects.filter(
            order_line_id__in=ids, shipment__status__in=TAKING_STATUSES
        )
        .values("order_line_id")
        .annotate(a=Sum("amount"))
    }
    out = {}
    for ol_id, quantity in wanted.items():
        ol = order_lines[ol_id]
        if quantity + taken.get(ol_id, Decimal(0)) == ol.quantity:
            out[ol_id] = ol.amount - (taken_amount.get(ol_id) or Decimal(0))
        else:
            out[ol_id] = (ol.amount * quantity / ol.quantity).quantize(CENT)
    return out


@transaction.atomic
def shipment_cancel(*, actor: User, shipment_id: int, reason: str) -> Shipment:
    """Cancel a prepared shipment (with a reason): its quantities go back to the order."""
    reason = _text(reason, field="reason", required=True)
    shipment = _locked_shipment(shipment_id)
    ensure_transition(shipment, to=ShipmentStatus.CANCELLED)
    shipment.status = ShipmentStatus.CANCELLED
    shipment.cancelled_reason = reason
    track(shipment, actor, "cancelled")
    shipment.save(update_fields=["status", "cancelled_reason", "updated_at"])
    return shipment


# --- shipping ----------------------------------------------------------------------------


def _issue_stock(*, actor: User, shipment: Shipment) -> None:
    """Take the shipment's goods out of stock: first what is reserved for the order in the
    warehouse (the allocations' ``issued`` grows), the rest from the free stock."""
    from xiaoguan.catalog.services.stock import stock_issue

    lines = list(
        ShipmentLine.objects.filter(shipment=shipment).select_related(
            "order_line__product", "order_line__unit"
        )
    )
    line_ids = [sl.order_line_id for sl in lines]
    allocations: dict[int, list[OrderAllocation]] = defaultdict(list)
    for a in (
        OrderAllocation.objects.select_for_update()
        .filter(line_id__in=line_ids, warehouse_id=shipment.warehouse_id)
        .order_by("pk")
    ):
        allocations[a.line_id].append(a)
    for sl in lines:
        need = sl.base_quantity
        from_reserved = Decimal(0)
        for a in allocations[sl.order_line_id]:
            left = a.quantity - a.issued - a.released
            if left <= 0 or need <= 0:
                continue
            take = min(left, need)
            a.issued += take
            a.save(update_fields=["issued"])
            from_reserved += take
            need -= take
        product = sl.order_line.product
        if from_reserved > 0:
            stock_issue(
                actor=actor,
                warehouse_id=shipment.warehouse_id,
                product_id=product.pk,
                quantity=from_reserved,
                reference=shipment.number,
                from_reserved=True,
            )
        if need > 0:
            level = (
                StockLevel.objects.select_for_update()
                .filter(warehouse_id=shipment.warehouse_id, product_id=product.pk)
                .first()
            )
            free = (level.on_hand - level.reserved) if level else Decimal(0)
            if need > free:
                msg = gettext(
                    "%(product)s: %(wanted)s %(unit)s to ship from %(warehouse)s, but only "
                    "%(available)s %(unit)s are reserved for the order there or free in stock "
                    "(%(reserved)s reserved)."
                ) % {
                    "product": product.name,
                    "wanted": _number(sl.base_quantity),
                    "unit": product.unit.name,
                    "warehouse": shipment.warehouse.name,
                    "available": _number(from_reserved + max(free, Decimal(0))),
                    "reserved": _number(from_reserved),
                }
                raise ShipmentOverStock(msg, fields={f"lines.{sl.order_line_id}": msg})
            stock_issue(
                actor=actor,
                warehouse_id=shipment.warehouse_id,
                product_id=product.pk,
                quantity=need,
                reference=shipment.number,
                from_reserved=False,
            )
    # What each line still holds in stock, and what of it has left.
    for ol in OrderLine.objects.select_for_update().filter(pk__in=line_ids):
        held = sum((a.quantity - a.issued - a.released for a in ol.allocations.all()), Decimal(0))
        shipped = next(sl.quantity for sl in lines if sl.order_line_id == ol.pk)
        ol.reserved_quantity = max(held, Decimal(0))
        ol.shipped_quantity = ol.shipped_quantity + shipped
        ol.save(update_fields=["reserved_quantity", "shipped_quantity"])


def contract_shipped_value(root_id: int) -> Decimal:
    """The value of shipped and delivered shipments over every order of every version."""
    value = Shipment.objects.filter(
        in_family(root_id, "order__contract"),
        status__in=GONE_STATUSES,
    ).aggregate(v=Sum("amount"))["v"]
    return value or Decimal("0.00")


@transaction.atomic
def shipment_ship(
    *,
    actor: User,
    shipment_id: int,
    shipped_on: Any,
    waybill_no: str = "",
    carrier: str = "",
) -> ShipResult:
    """Ship a prepared shipment: the credit check first (a hold keeps it prepared and is
    returned), then the stock leaves the warehouse, the order lines record it, the order's
    progress and the contract's shipped value follow, and the contract's timeline says so."""
    shipment = _locked_shipment(shipment_id)
    ensure_transition(shipment, to=ShipmentStatus.SHIPPED)
    order = shipment.order
    if order.status not in SHIPPABLE_STATUSES:
        raise OrderNotShippable()
    day = _date(shipped_on, field="shipped_on")
    today = timezone.localdate()
    if day > today:
        msg = gettext("The shipping date cannot be in the future.")
        raise ShippingInvalid(msg, fields={"shipped_on": msg})
    if day < order.order_date:
        msg = gettext("The shipping date cannot be before the order date (%(date)s).") % {
            "date": order.order_date.isoformat()
        }
        raise ShippingInvalid(msg, fields={"shipped_on": msg})
    waybill = _text(waybill_no, field="waybill_no", limit=60)
    if shipment.method in WAYBILL_METHODS and not waybill:
        msg = gettext("Enter the waybill number (the carrier's tracking number).")
        raise ShippingInvalid(msg, fields={"waybill_no": msg})
    carrier_name = _text(carrier, field="carrier", limit=100) or shipment.carrier
    if shipment.method in WAYBILL_METHODS and not carrier_name:
        msg = gettext("Enter the carrier.")
        raise ShippingInvalid(msg, fields={"carrier": msg})

    from xiaoguan.orders.services.credit import credit_gate

    hold = credit_gate(order=order, stage="shipment", amount=shipment.amount, actor=actor)
    if hold is not None:
        return ShipResult(shipment=shipment, hold=hold)

    _issue_stock(actor=actor, shipment=shipment)
    shipment.status = ShipmentStatus.SHIPPED
    shipment.shipped_on = day
    shipment.shipped_by = actor
    shipment.waybill_no = waybill
    shipment.carrier = carrier_name
    track(shipment, actor, "shipped")
    shipment.save(
        update_fields=[
            "status",
            "shipped_on",
            "shipped_by",
            "waybill_no",
            "carrier",
            "updated_at",
        ]
    )
    from xiaoguan.orders.services.orders import order_shipping_progress

    order_shipping_progress(order=order, actor=actor)
    if order.contract_id:
        contract = order.contract
        assert contract is not None
        contract_figures_set(
            contract=contract, shipped=contract_shipped_value(root_id_of(contract))
        )
        contract_event_add(
            contract=contract,
            kind=EventKind.SHIPMENT,
            summary=gettext(
                "Shipment %(number)s of order %(order)s shipped on %(date)s (%(carrier)s "
                "%(waybill)s), value ¥%(amount)s"
            )
            % {
                "number": shipment.number,
                "order": order.number,
                "date": day.isoformat(),
                "carrier": carrier_name or shipment.get_method_display(),
                "waybill": waybill,
                "amount": f"{shipment.amount:,.2f}",
            },
            actor=actor,
            detail={"shipment": shipment.pk, "order": order.pk, "status": "shipped"},
        )
    return ShipResult(shipment=shipment)


# --- delivery and acceptance -------------------------------------------------------------


def _delivered_by_key(root_id: int) -> dict[tuple[int, int], Decimal]:
    out: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for row in (
        ShipmentLine.objects.filter(
            in_family(root_id, "shipment__order__contract"),
            shipment__status=ShipmentStatus.DELIVERED,
        )
        .values("order_line__product_id", "order_line__unit_id")
        .annotate(q=Sum("quantity"))
    ):
        out[(row["order_line__product_id"], row["order_line__unit_id"])] += row["q"]
    return out


def current_version(root_id: int) -> Contract | None:
    return family_current(root_id).first()


def contract_delivery_state(root_id: int) -> tuple[Contract | None, bool]:
    """The contract's current version and whether all of its quantities are delivered (over
    the orders of every version of the contract)."""
    current = current_version(root_id)
    if current is None:
        return None, False
    contracted: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for product_id, unit_id, quantity in ContractLine.objects.filter(contract=current).values_list(
        "product_id", "unit_id", "quantity"
    ):
        contracted[(product_id, unit_id)] += quantity
    if not contracted:
        return current, False
    delivered = _delivered_by_key(root_id)
    return current, all(delivered.get(k, Decimal(0)) >= q for k, q in contracted.items())


def _order_fully_delivered(order: Order) -> bool:
    delivered = {
        r["order_line_id"]: r["q"]
        for r in ShipmentLine.objects.filter(
            shipment__order=order, shipment__status=ShipmentStatus.DELIVERED
        )
        .values("order_line_id")
        .annotate(q=Sum("quantity"))
    }
    lines = list(OrderLine.objects.filter(order=order).values_list("pk", "quantity"))
    return bool(lines) and all(delivered.get(pk, Decimal(0)) >= q for pk, q in lines)


@transaction.atomic
def shipment_confirm_delivery(
    *,
    actor: User,
    shipment_id: int,
    delivered_on: Any,
    received_by: str,
    note: str = "",
) -> Shipment:
    """Record that the customer received a shipment (on a day not before it was shipped).
    The last delivery of a direct order tells ``order_delivered``; the delivery that completes
    the quantities of a contract's current version tells ``contract_delivered``."""
    shipment = _locked_shipment(shipment_id)
    ensure_transition(shipment, to=ShipmentStatus.DELIVERED)
    day = _date(delivered_on, field="delivered_on")
    assert shipment.shipped_on is not None
    if day < shipment.shipped_on:
        msg = gettext("The delivery date cannot be before the shipping date (%(date)s).") % {
            "date": shipment.shipped_on.isoformat()
        }
        raise ShippingInvalid(msg, fields={"delivered_on": msg})
    if day > timezone.localdate():
        msg = gettext("The delivery date cannot be in the future.")
        raise ShippingInvalid(msg, fields={"delivered_on": msg})
    receiver = _text(received_by, field="received_by", required=True, limit=60)
    order = shipment.order
    was_delivered = False
    from xiaoguan.orders.services.orders import order_shipping_progress

    root_id = None
    if order.contract_id:
        assert order.contract is not None
        root_id = root_id_of(order.contract)
        # Lock the contract's current version: two last deliveries at once tell it once.
        contract_current_lock(root_id=root_id)
        was_delivered = contract_delivery_state(root_id)[1]
    shipment.status = ShipmentStatus.DELIVERED
    shipment.delivered_on = day
    shipment.received_by = receiver
    shipment.delivery_note = _text(note, field="note")
    track(shipment, actor, "delivered")
    shipment.save(
        update_fields=["status", "delivered_on", "received_by", "delivery_note", "updated_at"]
    )
    order_shipping_progress(order=order, actor=actor)
    if root_id is None:
        if _order_fully_delivered(order):
            registries.order_delivered.send(order=order, on=day, actor=actor)
        return shipment
    contract = order.contract
    assert contract is not None
    contract_event_add(
        contract=contract,
        kind=EventKind.SHIPMENT,
        summary=gettext("Shipment %(number)s delivered on %(date)s, received by %(person)s")
        % {"number": shipment.number, "date": day.isoformat(), "person": receiver},
        actor=actor,
        detail={"shipment": shipment.pk, "order": order.pk, "status": "delivered"},
    )
    current, delivered = contract_delivery_state(root_id)
    if delivered and not was_delivered and current is not None:
        contract_event_add(
            contract=current,
            kind=EventKind.SHIPMENT,
            summary=gettext("All quantities of the contract delivered (%(date)s)")
            % {"date": day.isoformat()},
            actor=actor,
            detail={"delivered": day.isoformat()},
        )
        registries.contract_delivered.send(contract=current, on=day, actor=actor)
    return shipment


def contract_accepted_on(root_id: int) -> date | None:
    """The day the customer's acceptance was recorded, if it was."""
    event = (
        ContractEvent.objects.filter(
            root_id=root_id, kind=EventKind.SHIPMENT, detail__has_key=ACCEPTANCE_KEY
        )
        .order_by("at")
        .first()
    )
    if event is None:
        return None
    try:
        return date.fromisoformat(str(event.detail[ACCEPTANCE_KEY]))
    except ValueError:
        return None


def last_delivery_on(root_id: int) -> date | None:
    return (
        Shipment.objects.filter(
            in_family(root_id, "order__contract"),
            status=ShipmentStatus.DELIVERED,
        )
        .order_by("-delivered_on")
        .values_list("delivered_on", flat=True)
        .first()
    )


@transaction.atomic
def contract_acceptance_record(
    *, actor: User, contract_id: int, on: Any, note: str = ""
) -> Contract:
    """Record the customer's acceptance (验收) of a contract in force whose quantities are all
    delivered; once per contract. Tells ``contract_accepted``."""
    contract = Contract.objects.filter(pk=contract_id).first()
    if contract is None:
        raise NotFound()
    root_id = root_id_of(contract)
    current = contract_current_lock(root_id=root_id)
    if current is None or current.status != ContractStatus.SIGNED:
        raise AcceptanceNotAllowed()
    day = _date(on, field="on")
    note = _text(note, field="note")
    if contract_accepted_on(root_id) is not None:
        raise AcceptanceNotAllowed(gettext("The acceptance of this contract is already recorded."))
    current, delivered = contract_delivery_state(root_id)
    if not delivered or current is None:
        raise AcceptanceNotAllowed(
            gettext("The contract is not fully delivered yet; acceptance comes after delivery.")
        )
    last = last_delivery_on(root_id)
    if last is not None and day < last:
        msg = gettext("The acceptance date cannot be before the last delivery (%(date)s).") % {
            "date": last.isoformat()
        }
        raise ShippingInvalid(msg, fields={"on": msg})
    if day > timezone.localdate():
        msg = gettext("The acceptance date cannot be in the future.")
        raise ShippingInvalid(msg, fields={"on": msg})
    contract_event_add(
        contract=current,
        kind=EventKind.SHIPMENT,
        summary=(
            gettext("Accepted by the customer on %(date)s") % {"date": day.isoformat()}
            + (f": {note}" if note else "")
        ),
        actor=actor,
        detail={ACCEPTANCE_KEY: day.isoformat(), "note": note},
    )
    registries.contract_accepted.send(contract=current, on=day, actor=actor)
    return current


# --- late shipments ----------------------------------------------------------------------


def late_shipments_remind(*, today: date | None = None) -> int:
    """The periodic job: tell the owner of each late order and the logistics staff, once per
    order and day (dedupe keys), that the order should have left. Returns how many were told."""
    from django.urls import reverse

    from xiaoguan.core.notifications import notify
    from xiaoguan.orders.selectors.shipping import late_orders_all

    today = today or timezone.localdate()
    logistics = list(User.objects.filter(is_active=True, roles__code="logistics").distinct())
    sent = 0
    for order in late_orders_all(today=today)[:2000]:
        due = getattr(order, "due_on", None)
        title = gettext("Order %(number)s (%(customer)s) should have shipped on %(date)s") % {
            "number": order.number,
            "customer": order.customer.name,
            "date": due.isoformat() if due else "",
        }
        url = reverse("orders:shipping_late")
        for person in {order.owner, *logistics}:
            note = notify(
                recipient=person,
                kind="orders.late_shipment",
                title=title,
                url=url,
                dedupe_key=f"orders.late_shipment:{order.pk}:{person.pk}:{today.isoformat()}",
            )
            sent += note is not None
    return sent


def shipping_order_cancelled(*, order: Order, actor: User) -> None:
    """``order_cancelled`` handler: the order's prepared shipments are cancelled (their goods
    never left) and its plans dropped, in the cancellation's transaction."""
    reason = gettext("The order was cancelled.")
    for shipment in Shipment.objects.select_for_update().filter(
        order_id=order.pk, status=ShipmentStatus.PREPARED
    ):
        shipment.status = ShipmentStatus.CANCELLED
        shipment.cancelled_reason = reason
        track(shipment, actor, "order cancelled")
        shipment.save(update_fields=["status", "cancelled_reason", "updated_at"])
    for plan in ShippingPlan.objects.select_for_update().filter(order_id=order.pk, is_active=True):
        plan.is_active = False
        track(plan, actor, "order cancelled")
        plan.save(update_fields=["is_active"])


def shipment_hold_released(*, hold: CreditHold, actor: User) -> None:
    """Finance released a shipment's credit hold: whoever prepared the order's waiting
    shipments is told they can ship them now (nothing ships by itself)."""
    from django.urls import reverse

    from xiaoguan.core.notifications import notify

    for shipment in Shipment.objects.filter(
        order_id=hold.order_id, status=ShipmentStatus.PREPARED
    ).select_related("created_by"):
        notify(
            recipient=shipment.created_by,
            kind="orders.shipment_released",
            title=gettext("Credit hold released: shipment %(number)s can be shipped")
            % {"number": shipment.number},
            url=reverse("orders:shipment_detail", kwargs={"shipment_id": shipment.pk}),
            dedupe_key=f"orders.shipment_released:{hold.pk}:{shipment.pk}",
        )


# --- the contract's floor for amendments -------------------------------------------------


def contract_shipped_quantities(*, contract: Contract) -> dict[tuple[int, int], Decimal]:
    """``register_shipped_quantities`` provider: what left the warehouse (shipped or
    delivered shipments) over the orders of every version of the contract, per (product,
    unit), so an amendment cannot cut a line below it."""
    root_id = root_id_of(contract)
    out: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for row in (
        ShipmentLine.objects.filter(
            in_family(root_id, "shipment__order__contract"),
            shipment__status__in=GONE_STATUSES,
        )
        .values("order_line__product_id", "order_line__unit_id")
        .annotate(q=Sum("quantity"))
    ):
        out[(row["order_line__product_id"], row["order_line__unit_id"])] += row["q"]
    return dict(out)


__all__ = [
    "AcceptanceNotAllowed",
    "ApplicationError",
    "OrderNotShippable",
    "ShipResult",
    "ShipmentLineData",
    "ShipmentNotFound",
    "ShipmentOverOrdered",
    "ShipmentOverStock",
    "ShippingInvalid",
    "ShippingPlanNotFound",
    "contract_acceptance_record",
    "contract_shipped_quantities",
    "shipment_cancel",
    "shipment_confirm_delivery",
    "shipment_prepare",
    "shipment_ship",
    "shipping_plan_cancel",
    "shipping_plan_create",
]
