"""Orders, stock allocation, credit holds, shipping plans, shipments and exceptions
(R-ORD-1..5, R-RSK-1).

An order comes from a signed contract (its lines point at the contract's lines; never more
than contracted in all the contract's open orders) or directly (phone, fax, e-mail, dealer).
Quantities of order and shipment lines are in the line's unit; ``base_quantity`` is the same
in the product's base unit (the unit stock is kept in)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaoguan.catalog.models import Product, Unit, Warehouse
from xiaoguan.contracts.models import Contract, ContractLine
from xiaoguan.core.documents import Document
from xiaoguan.customers.models import Customer
from xiaoguan.orders.enums import (
    CREDIT_HOLD_TRANSITIONS,
    ORDER_TRANSITIONS,
    SHIPMENT_TRANSITIONS,
    CreditHoldStatus,
    CreditStage,
    ExceptionKind,
    ExceptionStatus,
    OrderChannel,
    OrderStatus,
    ShipmentStatus,
    ShippingMethod,
)
from xiaoguan.org.models import Owned, User

MONEY = {"max_digits": 16, "decimal_places": 2}
QUANTITY = {"max_digits": 14, "decimal_places": 3}


class Order(Owned, Document):
    """销售订单. Owner and department are the contract's (or the customer's owner for a
    direct order), so the order follows the customer's rep in every scope."""

    EDITABLE_STATUSES = (OrderStatus.DRAFT, OrderStatus.RETURNED)
    TRANSITIONS = ORDER_TRANSITIONS
    EXTRA_WORKFLOW_FIELDS = frozenset(
        {
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "confirmed_at",
            "confirmed_by",
            "confirmation_note",
            "cancelled_at",
            "cancel_reason",
            "completed_at",
            "shipped_amount",
        }
    )

    number = models.CharField(_("order number"), max_length=30, unique=True)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="orders", verbose_name=_("customer")
    )
    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("contract"),
    )
    channel = models.CharField(_("received by"), max_length=10, choices=OrderChannel.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    order_date = models.DateField(_("order date"))
    requested_date = models.DateField(_("requested delivery date"), null=True, blank=True)
    warehouse = models.ForeignKey(
        Warehouse,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ships from"),
    )
    ship_to = models.CharField(_("delivery address"), max_length=300, blank=True, default="")
    consignee = models.CharField(_("consignee"), max_length=60, blank=True, default="")
    consignee_phone = models.CharField(_("consignee phone"), max_length=30, blank=True, default="")
    # Direct orders: paid N days after delivery (one instalment); contract orders follow the
    # contract's schedule.
    payment_days = models.PositiveIntegerField(_("payment due days after delivery"), default=0)
    payment_terms = models.CharField(_("payment terms"), max_length=200, blank=True, default="")
    customer_reference = models.CharField(
        _("customer's order reference"), max_length=60, blank=True, default=""
    )
    total = models.DecimalField(_("order amount"), default=0, **MONEY)
    shipped_amount = models.DecimalField(_("shipped"), default=0, **MONEY)
    notes = models.TextField(_("notes"), blank=True, default="")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True, default="")
    confirmed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmation_note = models.CharField(
        _("confirmed with the customer"), max_length=300, blank=True, default=""
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, default="")
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sales order")
        verbose_name_plural = _("orders")
        ordering = ["-order_date", "-pk"]
        indexes = [
            models.Index(fields=["department", "status"], name="order_dept_status"),
            models.Index(fields=["owner", "status"], name="order_owner_status"),
            models.Index(fields=["customer", "status"], name="order_customer"),
            models.Index(fields=["contract"], name="order_contract"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(
                condition=Q(shipped_amount__gte=0), name="order_shipped_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("sales order")
    )
    position = models.PositiveIntegerField(_("line"))
    contract_line = models.ForeignKey(
        ContractLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_lines",
        verbose_name=_("contract line"),
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    base_quantity = models.DecimalField(_("quantity in the base unit"), **QUANTITY)
    list_price = models.DecimalField(_("effective price"), **MONEY)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    discount = models.DecimalField(_("discount (%)"), max_digits=7, decimal_places=2, default=0)
    amount = models.DecimalField(_("amount"), **MONEY)
    # Reserved in stock (base unit, over all allocations) and shipped (the line's unit).
    reserved_quantity = models.DecimalField(_("reserved"), default=0, **QUANTITY)
    shipped_quantity = models.DecimalField(_("shipped"), default=0, **QUANTITY)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="order_line_position"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_qty_positive"),
            models.CheckConstraint(
                condition=Q(base_quantity__gt=0), name="order_line_base_qty_positive"
            ),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="order_line_price_positive"),
            models.CheckConstraint(
                condition=Q(shipped_quantity__gte=0)
                & Q(shipped_quantity__lte=models.F("quantity")),
                name="order_line_shipped_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(reserved_quantity__gte=0), name="order_line_reserved_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["product"], name="order_line_product")]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.position} {self.product_id}"


class OrderAllocation(models.Model):
    """Stock of one warehouse reserved for one order line (base unit). Shipping draws on it;
    cancelling releases what is left."""

    line = models.ForeignKey(
        OrderLine, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("line")
    )
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="+", verbose_name=_("warehouse")
    )
    quantity = models.DecimalField(_("reserved"), **QUANTITY)
    issued = models.DecimalField(_("shipped from it"), default=0, **QUANTITY)
    released = models.DecimalField(_("released"), default=0, **QUANTITY)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock allocation")
        verbose_name_plural = _("stock allocations")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="allocation_qty_positive"),
            models.CheckConstraint(
                condition=Q(issued__gte=0)
                & Q(released__gte=0)
                & Q(quantity__gte=models.F("issued") + models.F("released")),
                name="allocation_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_id}@{self.warehouse_id}: {self.quantity}"


class CreditHold(Document):
    """A block by credit control (R-ORD-2): the order (or a shipment of it) would take the
    customer over its credit limit, or the customer has overdue debt beyond the threshold.
    The figures at the time are kept; finance releases it through the approvals engine."""

    EDITABLE_STATUSES = (CreditHoldStatus.OPEN,)
    TRANSITIONS = CREDIT_HOLD_TRANSITIONS
    EXTRA_WORKFLOW_FIELDS = frozenset({"decided_by", "decision_note", "release_reason"})

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="credit_holds", verbose_name=_("sales order")
    )
    stage = models.CharField(_("blocked at"), max_length=10, choices=CreditStage.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CreditHoldStatus.choices,
        default=CreditHoldStatus.OPEN,
    )
    # {"limit": "...", "exposure": "...", "amount": "...", "overdue": "...", "overdue_days": N,
    #  "reasons": ["over_limit", "overdue"]}: Decimal values as strings.
    figures = models.JSONField(_("figures"), default=dict)
    amount = models.DecimalField(_("amount blocked"), **MONEY)
    release_reason = models.TextField(_("why release it"), blank=True, default="")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.TextField(_("decision note"), blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit hold")
        verbose_name_plural = _("credit holds")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="credit_hold_status")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.stage} {self.status}"

    # The approvals engine reads owner / department of its subject.
    @property
    def owner(self) -> User:
        return self.order.owner

    @property
    def department(self):
        return self.order.department


class ShippingPlan(Owned):
    """发货计划: when, how and by whom an order (or part of it) is to be shipped."""

    order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        related_name="shipping_plans",
        verbose_name=_("sales order"),
    )
    planned_date = models.DateField(_("planned shipping date"))
    method = models.CharField(_("shipping method"), max_length=10, choices=ShippingMethod.choices)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True, default="")
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("planned by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shipping plan")
        verbose_name_plural = _("shipping plans")
        ordering = ["planned_date", "pk"]
        indexes = [models.Index(fields=["planned_date"], name="shipping_plan_date")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.planned_date}"


class Shipment(Owned, Document):
    """发货单: goods of one order leaving one warehouse (partial shipments allowed), with the
    waybill, and the customer's confirmation of delivery."""

    EDITABLE_STATUSES = (ShipmentStatus.PREPARED,)
    TRANSITIONS = SHIPMENT_TRANSITIONS
    EXTRA_WORKFLOW_FIELDS = frozenset(
        {
            "shipped_on",
            "shipped_by",
            "waybill_no",
            "carrier",
            "delivered_on",
            "received_by",
            "delivery_note",
            "cancelled_reason",
        }
    )

    number = models.CharField(_("shipment number"), max_length=30, unique=True)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="shipments", verbose_name=_("sales order")
    )
    plan = models.ForeignKey(
        ShippingPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipments",
        verbose_name=_("shipping plan"),
    )
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="+", verbose_name=_("warehouse")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ShipmentStatus.choices, default=ShipmentStatus.PREPARED
    )
    method = models.CharField(_("shipping method"), max_length=10, choices=ShippingMethod.choices)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True, default="")
    waybill_no = models.CharField(_("waybill number"), max_length=60, blank=True, default="")
    amount = models.DecimalField(_("value shipped"), default=0, **MONEY)
    shipped_on = models.DateField(_("shipped on"), null=True, blank=True)
    shipped_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shipped by"),
    )
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    received_by = models.CharField(_("received by"), max_length=60, blank=True, default="")
    delivery_note = models.CharField(_("delivery note"), max_length=300, blank=True, default="")
    cancelled_reason = models.CharField(_("reason"), max_length=300, blank=True, default="")
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("prepared by")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["order", "status"], name="shipment_order"),
            models.Index(fields=["status", "shipped_on"], name="shipment_status_date"),
            models.Index(fields=["department", "status"], name="shipment_dept_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="shipment_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(delivered_on__isnull=True)
                | Q(shipped_on__isnull=True)
                | Q(delivered_on__gte=models.F("shipped_on")),
                name="shipment_delivered_after_shipped",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="lines", verbose_name=_("shipment")
    )
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, related_name="shipment_lines", verbose_name=_("line")
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    base_quantity = models.DecimalField(_("quantity in the base unit"), **QUANTITY)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        constraints = [
            models.UniqueConstraint(fields=["shipment", "order_line"], name="shipment_line_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipment_line_qty_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.order_line_id} × {self.quantity}"


class OrderException(models.Model):
    """An exception in fulfilling an order (R-ORD-5): logged, the customer informed, the
    resolution recorded; shown on the contract's timeline when the order has a contract."""

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="exceptions", verbose_name=_("sales order")
    )
    shipment = models.ForeignKey(
        Shipment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exceptions",
        verbose_name=_("shipment"),
    )
    kind = models.CharField(_("exception"), max_length=12, choices=ExceptionKind.choices)
    description = models.TextField(_("what happened"))
    status = models.CharField(
        _("status"), max_length=10, choices=ExceptionStatus.choices, default=ExceptionStatus.OPEN
    )
    raised_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("logged by")
    )
    raised_at = models.DateTimeField(_("logged"), auto_now_add=True)
    customer_informed_at = models.DateTimeField(_("customer informed"), null=True, blank=True)
    customer_informed_how = models.CharField(
        _("how the customer was informed"), max_length=200, blank=True, default=""
    )
    resolution = models.TextField(_("resolution"), blank=True, default="")
    resolved_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("order exception")
        verbose_name_plural = _("order exceptions")
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["status", "raised_at"], name="order_exception_status")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"
