"""Choices and transitions of orders, shipments and their exceptions (R-ORD-1..5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrderChannel(models.TextChoices):
    CONTRACT = "contract", _("From a signed contract")
    PHONE = "phone", _("Phone")
    FAX = "fax", _("Fax")
    EMAIL = "email", _("E-mail")
    DEALER = "dealer", _("Dealer")
    OTHER = "other", _("Other")


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for review")
    RETURNED = "returned", _("Returned for changes")
    CREDIT_HOLD = "credit_hold", _("Blocked by credit control")
    CONFIRMED = "confirmed", _("Confirmed")
    PARTLY_SHIPPED = "partly_shipped", _("Partly shipped")
    SHIPPED = "shipped", _("Shipped")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


ORDER_TRANSITIONS: dict[str, set[str]] = {
    OrderStatus.DRAFT: {OrderStatus.SUBMITTED, OrderStatus.CANCELLED},
    OrderStatus.SUBMITTED: {
        OrderStatus.RETURNED,
        OrderStatus.CREDIT_HOLD,
        OrderStatus.CONFIRMED,
        OrderStatus.CANCELLED,
    },
    OrderStatus.RETURNED: {OrderStatus.SUBMITTED, OrderStatus.CANCELLED},
    # Back to review when a released order cannot be confirmed (stock short by then).
    OrderStatus.CREDIT_HOLD: {OrderStatus.CONFIRMED, OrderStatus.SUBMITTED, OrderStatus.CANCELLED},
    OrderStatus.CONFIRMED: {
        OrderStatus.PARTLY_SHIPPED,
        OrderStatus.SHIPPED,
        OrderStatus.CANCELLED,
    },
    OrderStatus.PARTLY_SHIPPED: {OrderStatus.SHIPPED, OrderStatus.COMPLETED},
    OrderStatus.SHIPPED: {OrderStatus.COMPLETED, OrderStatus.PARTLY_SHIPPED},
    OrderStatus.COMPLETED: set(),
    OrderStatus.CANCELLED: set(),
}

# Orders whose lines still count against a contract's quantities and whose reservations hold.
OPEN_STATUSES = (
    OrderStatus.DRAFT,
    OrderStatus.SUBMITTED,
    OrderStatus.RETURNED,
    OrderStatus.CREDIT_HOLD,
    OrderStatus.CONFIRMED,
    OrderStatus.PARTLY_SHIPPED,
)


class CreditStage(models.TextChoices):
    ORDER = "order", _("Order review")
    SHIPMENT = "shipment", _("Shipment")


class CreditHoldStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("credit hold", "Blocked")
    IN_APPROVAL = "in_approval", _("Release requested")
    RELEASED = "released", _("Released by finance")
    REFUSED = "refused", _("Release refused")
    CLEARED = "cleared", _("Cleared (within limits again)")
    CANCELLED = "cancelled", _("Cancelled")


CREDIT_HOLD_TRANSITIONS: dict[str, set[str]] = {
    CreditHoldStatus.OPEN: {
        CreditHoldStatus.IN_APPROVAL,
        CreditHoldStatus.CLEARED,
        CreditHoldStatus.CANCELLED,
    },
    CreditHoldStatus.IN_APPROVAL: {
        CreditHoldStatus.RELEASED,
        CreditHoldStatus.REFUSED,
        CreditHoldStatus.OPEN,
        CreditHoldStatus.CANCELLED,
    },
    CreditHoldStatus.REFUSED: {CreditHoldStatus.IN_APPROVAL, CreditHoldStatus.CANCELLED},
    CreditHoldStatus.RELEASED: set(),
    CreditHoldStatus.CLEARED: set(),
    CreditHoldStatus.CANCELLED: set(),
}


class ShippingMethod(models.TextChoices):
    OWN_FLEET = "own_fleet", _("Our own truck")
    FREIGHT = "freight", _("Freight company")
    EXPRESS = "express", _("Express courier")
    RAIL = "rail", _("Rail")
    PICKUP = "pickup", _("Customer pick-up")


class ShipmentStatus(models.TextChoices):
    PREPARED = "prepared", _("Prepared")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered, confirmed by the customer")
    CANCELLED = "cancelled", _("Cancelled")


SHIPMENT_TRANSITIONS: dict[str, set[str]] = {
    ShipmentStatus.PREPARED: {ShipmentStatus.SHIPPED, ShipmentStatus.CANCELLED},
    ShipmentStatus.SHIPPED: {ShipmentStatus.DELIVERED},
    ShipmentStatus.DELIVERED: set(),
    ShipmentStatus.CANCELLED: set(),
}


class ExceptionKind(models.TextChoices):
    WRONG_DATA = "wrong_data", _("Wrong order data")
    SHORTAGE = "shortage", _("Stock shortage")
    DELAY = "delay", _("Delay")
    LOST = "lost", _("Goods lost")
    DAMAGED = "damaged", _("Goods damaged")


class ExceptionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")
