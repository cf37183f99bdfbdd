"""Exceptions in fulfilling an order (R-ORD-5): wrong order data, stock shortage, delay, lost
or damaged goods. Each is logged on an order (or one of its shipments), the customer's being
informed is recorded (when, how), and so is the resolution. When the order has a contract, the
exception and its resolution are PROBLEM / PROBLEM_SOLVED entries of the contract's timeline.

Lost or damaged goods are replaced by a normal new shipment of the order: the lost shipment
stays shipped (its goods left the warehouse), so the quantity to replace must still remain on
the order or be added by a new order."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoguan.contracts.enums import EventKind
from xiaoguan.contracts.services.timeline import contract_event_add
from xiaoguan.core.errors import Conflict, NotFound
from xiaoguan.core.history import track
from xiaoguan.orders.enums import ExceptionKind, ExceptionStatus, OrderStatus
from xiaoguan.orders.models import Order, OrderException, Shipment
from xiaoguan.orders.services.shipping import ShippingInvalid
from xiaoguan.org.models import User

TEXT_MAX = 5000
HOW_MAX = 200
# Exceptions are logged on orders under way (not drafts, not cancelled ones).
LOGGABLE_STATUSES = (
    OrderStatus.SUBMITTED,
    OrderStatus.CREDIT_HOLD,
    OrderStatus.CONFIRMED,
    OrderStatus.PARTLY_SHIPPED,
    OrderStatus.SHIPPED,
    OrderStatus.COMPLETED,
)


class OrderExceptionNotFound(NotFound):
    code = "order_exception_not_found"

    def default_message(self) -> Any:
        return _("Exception not found.")


class OrderExceptionClosed(Conflict):
    code = "order_exception_resolved"

    def default_message(self) -> Any:
        return _("This exception is already resolved.")


class OrderExceptionNotAllowed(Conflict):
    code = "order_exception_not_allowed"

    def default_message(self) -> Any:
        return _(
            "Exceptions are logged on orders being fulfilled, not on drafts or cancelled ones."
        )


def _text(raw: Any, *, field: str, limit: int, required: bool = True) -> str:
    text = str(raw or "").strip()
    if required and not text:
        msg = gettext("This field is required.")
        raise ShippingInvalid(msg, fields={field: msg})
    if len(text) > limit:
        msg = gettext("At most %(n)s characters.") % {"n": limit}
        raise ShippingInvalid(msg, fields={field: msg})
    return text


def _moment(raw: Any, *, field: str) -> datetime:
    if raw in (None, ""):
        return timezone.now()
    value = raw
    if not isinstance(value, datetime):
        try:
            value = datetime.fromisoformat(str(raw))
        except ValueError:
            msg = gettext("Enter a valid date and time.")
            raise ShippingInvalid(msg, fields={field: msg}) from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + timedelta(minutes=5):
        msg = gettext("The time cannot be in the future.")
        raise ShippingInvalid(msg, fields={field: msg})
    return value


def _locked(exception_id: Any) -> OrderException:
    found = (
        OrderException.objects.select_for_update(of=("self",))
        .select_related("order", "order__contract", "shipment")
        .filter(pk=exception_id)
        .first()
    )
    if found is None:
        raise OrderExceptionNotFound()
    return found


def _label(exc: OrderException) -> str:
    where = exc.shipment.number if exc.shipment_id and exc.shipment else exc.order.number
    return f"{where} {exc.get_kind_display()}"


@transaction.atomic
def order_exception_log(
    *,
    actor: User,
    order_id: int,
    kind: str,
    description: str,
    shipment_id: Any = None,
    informed_at: Any = None,
    informed_how: str = "",
) -> OrderException:
    """Log what went wrong on an order (or one of its shipments); optionally that the
    customer was already told."""
    order = Order.objects.select_related("contract").filter(pk=order_id).first()
    if order is None:
        from xiaoguan.orders.errors import OrderNotFound

        raise OrderNotFound()
    if order.status not in LOGGABLE_STATUSES:
        raise OrderExceptionNotAllowed()
    if kind not in ExceptionKind.values:
        msg = gettext("Choose what kind of exception it is.")
        raise ShippingInvalid(msg, fields={"kind": msg})
    text = _text(description, field="description", limit=TEXT_MAX)
    shipment = None
    if shipment_id not in (None, ""):
        shipment = Shipment.objects.filter(pk=shipment_id, order=order).first()
        if shipment is None:
            msg = gettext("Choose one of the order's shipments.")
            raise ShippingInvalid(msg, fields={"shipment_id": msg})
    how = _text(informed_how, field="informed_how", limit=HOW_MAX, required=False)
    exc = OrderException(
        order=order, shipment=shipment, kind=kind, description=text, raised_by=actor
    )
    if how:
        exc.customer_informed_at = _moment(informed_at, field="informed_at")
        exc.customer_informed_how = how
    track(exc, actor, "logged")
    exc.save()
    if order.contract_id:
        assert order.contract is not None
        contract_event_add(
            contract=order.contract,
            kind=EventKind.PROBLEM,
            summary=gettext("Exception on %(what)s: %(text)s")
            % {"what": _label(exc), "text": text},
            actor=actor,
            detail={"order_exception": exc.pk, "order": order.pk},
        )
    return exc


@transaction.atomic
def order_exception_inform(
    *, actor: User, exception_id: int, informed_at: Any = None, how: str
) -> OrderException:
    """Record when and how the customer was told of the exception."""
    exc = _locked(exception_id)
    if exc.status == ExceptionStatus.RESOLVED:
        raise OrderExceptionClosed()
    exc.customer_informed_how = _text(how, field="how", limit=HOW_MAX)
    exc.customer_informed_at = _moment(informed_at, field="informed_at")
    track(exc, actor, "customer informed")
    exc.save(update_fields=["customer_informed_how", "customer_informed_at"])
    return exc


@transaction.atomic
def order_exception_resolve(*, actor: User, exception_id: int, resolution: str) -> OrderException:
    """Record how the exception was resolved (the customer must have been informed first)."""
    exc = _locked(exception_id)
    if exc.status == ExceptionStatus.RESOLVED:
        raise OrderExceptionClosed()
    text = _text(resolution, field="resolution", limit=TEXT_MAX)
    if exc.customer_informed_at is None:
        msg = gettext("Record first that the customer was informed (when and how).")
        raise ShippingInvalid(msg, fields={"resolution": msg})
    exc.status = ExceptionStatus.RESOLVED
    exc.resolution = text
    exc.resolved_by = actor
    exc.resolved_at = timezone.now()
    track(exc, actor, "resolved")
    exc.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    if exc.order.contract_id:
        assert exc.order.contract is not None
        contract_event_add(
            contract=exc.order.contract,
            kind=EventKind.PROBLEM_SOLVED,
            summary=gettext("Exception resolved on %(what)s: %(text)s")
            % {"what": _label(exc), "text": text},
            actor=actor,
            detail={"order_exception": exc.pk, "order": exc.order_id},
        )
    return exc
