"""Receivables (R-AR-1..7): the collection plan (instalments), receipts and their allocation
to instalments, bills of exchange, dunning, bad-debt write-offs and invoice records.

An instalment belongs to one contract version (its plan is rebuilt on amendment: the old
instalments are closed and the money allocated to them moves to the new ones) or to a direct
order. ``collected`` and ``written_off`` are kept by the services from the active allocations
and approved write-offs; ``collected + written_off <= amount`` is a database constraint, so an
instalment can never be over-allocated. A receipt's ``allocated`` is likewise kept; what is
not allocated is the customer's credit, usable later."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaoguan.contracts.enums import PaymentTrigger
from xiaoguan.contracts.models import Contract
from xiaoguan.core.documents import Document
from xiaoguan.customers.models import Customer
from xiaoguan.orders.models import Order
from xiaoguan.org.models import Owned, User
from xiaoguan.receivables.enums import (
    INVOICE_TRANSITIONS,
    WRITE_OFF_TRANSITIONS,
    BillStatus,
    DunningKind,
    InstalmentStatus,
    InvoiceKind,
    InvoiceStatus,
    ReceiptMethod,
    ReceiptStatus,
    WriteOffStatus,
)

MONEY = {"max_digits": 16, "decimal_places": 2}


class Instalment(Owned):
    """回款计划的一期: an amount due on a date (``due_date`` is empty while it waits for its
    event: delivery, acceptance, the end of the warranty). Owner: the contract's owner."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="instalments", verbose_name=_("customer")
    )
    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instalments",
        verbose_name=_("contract"),
    )
    order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instalments",
        verbose_name=_("sales order"),
    )
    position = models.PositiveIntegerField(_("instalment"))
    label = models.CharField(_("name"), max_length=60)
    trigger = models.CharField(_("due"), max_length=16, choices=PaymentTrigger.choices)
    days_after = models.PositiveIntegerField(_("days after the event"), default=0)
    is_retention = models.BooleanField(_("retention"), default=False)
    amount = models.DecimalField(_("amount"), **MONEY)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    collected = models.DecimalField(_("collected"), default=0, **MONEY)
    written_off = models.DecimalField(_("written off"), default=0, **MONEY)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InstalmentStatus.choices,
        default=InstalmentStatus.OPEN,
    )
    paid_on = models.DateField(_("paid in full on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_reason = models.CharField(_("why closed"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["due_date", "pk"]
        indexes = [
            # Aging and overdue lists read only open instalments.
            models.Index(
                fields=["due_date"], condition=Q(status="open"), name="instalment_open_due"
            ),
            models.Index(fields=["owner", "status", "due_date"], name="instalment_owner"),
            models.Index(fields=["department", "status", "due_date"], name="instalment_dept"),
            models.Index(fields=["customer", "status", "due_date"], name="instalment_customer"),
            models.Index(fields=["contract", "position"], name="instalment_contract"),
            models.Index(fields=["order"], name="instalment_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
            models.CheckConstraint(
                condition=Q(collected__gte=0) & Q(written_off__gte=0),
                name="instalment_collected_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=F("collected") + F("written_off")),
                name="instalment_not_over_allocated",
            ),
            models.CheckConstraint(
                condition=(Q(contract__isnull=False) & Q(order__isnull=True))
                | (Q(contract__isnull=True) & Q(order__isnull=False)),
                name="instalment_contract_or_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.amount}"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.collected - self.written_off


class Receipt(Owned):
    """回款: money received from a customer. Posted receipts are never edited; a wrong one is
    reversed with a reason. Owner: the customer's owner when recorded."""

    number = models.CharField(_("receipt number"), max_length=30, unique=True)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="receipts", verbose_name=_("customer")
    )
    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipts",
        verbose_name=_("for contract"),
    )
    method = models.CharField(_("method"), max_length=16, choices=ReceiptMethod.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    received_on = models.DateField(_("received on"))
    payer = models.CharField(_("payer"), max_length=200, blank=True, default="")
    reference = models.CharField(
        _("bank reference / cheque number"), max_length=60, blank=True, default=""
    )
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    allocated = models.DecimalField(_("allocated"), default=0, **MONEY)
    status = models.CharField(
        _("status"), max_length=10, choices=ReceiptStatus.choices, default=ReceiptStatus.POSTED
    )
    # Bills of exchange (银行承兑汇票 / 商业承兑汇票): tracked until they mature.
    bill_no = models.CharField(_("bill number"), max_length=40, blank=True, default="")
    bill_bank = models.CharField(_("accepting bank"), max_length=100, blank=True, default="")
    bill_maturity = models.DateField(_("bill maturity"), null=True, blank=True)
    bill_status = models.CharField(
        _("bill status"), max_length=12, choices=BillStatus.choices, blank=True, default=""
    )
    bill_endorsee = models.CharField(_("endorsed to"), max_length=200, blank=True, default="")
    bill_charge = models.DecimalField(
        _("discount interest and charges"), null=True, blank=True, **MONEY
    )
    bill_settled_on = models.DateField(_("bill settled on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    reversed_at = models.DateTimeField(_("reversed"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reversed by"),
    )
    reversal_reason = models.TextField(_("reason for the reversal"), blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["customer", "received_on"], name="receipt_customer"),
            models.Index(fields=["owner", "received_on"], name="receipt_owner"),
            models.Index(fields=["department", "received_on"], name="receipt_dept"),
            models.Index(
                fields=["bill_maturity"],
                condition=Q(bill_status="held"),
                name="receipt_bill_held",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_positive"),
            models.CheckConstraint(
                condition=Q(allocated__gte=0) & Q(allocated__lte=F("amount")),
                name="receipt_not_over_allocated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.amount}"

    @property
    def unallocated(self) -> Decimal:
        return self.amount - self.allocated


class Allocation(models.Model):
    """Part of a receipt applied to an instalment. Active allocations make the instalment's
    ``collected`` and the receipt's ``allocated``; a reversal or a plan rebuild releases them
    (kept, with the reason), never deletes them."""

    receipt = models.ForeignKey(
        Receipt, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("receipt")
    )
    instalment = models.ForeignKey(
        Instalment,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("instalment"),
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("allocated by")
    )
    created_at = models.DateTimeField(_("allocated"), auto_now_add=True)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    released_reason = models.CharField(_("why released"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["instalment", "is_active"], name="allocation_instalment"),
            models.Index(fields=["receipt", "is_active"], name="allocation_receipt"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id}→{self.instalment_id}: {self.amount}"


class DunningAction(Owned):
    """催收记录: one action to collect overdue money, with its outcome and the next step."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="dunning", verbose_name=_("customer")
    )
    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contract"),
    )
    instalment = models.ForeignKey(
        Instalment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dunning",
        verbose_name=_("instalment"),
    )
    kind = models.CharField(_("action"), max_length=16, choices=DunningKind.choices)
    done_on = models.DateField(_("date"))
    contact = models.CharField(_("spoke with"), max_length=100, blank=True, default="")
    outcome = models.TextField(_("outcome"))
    promised_on = models.DateField(_("customer promised to pay by"), null=True, blank=True)
    promised_amount = models.DecimalField(_("promised amount"), null=True, blank=True, **MONEY)
    next_step = models.CharField(_("next step"), max_length=300, blank=True, default="")
    next_on = models.DateField(_("next step on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("dunning action")
        verbose_name_plural = _("dunning actions")
        ordering = ["-done_on", "-pk"]
        indexes = [
            models.Index(fields=["customer", "done_on"], name="dunning_customer"),
            models.Index(fields=["next_on"], name="dunning_next"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_amount__isnull=True) | Q(promised_amount__gt=0),
                name="dunning_promised_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind} {self.done_on}"


class WriteOff(Owned, Document):
    """坏账核销: writing off what is left of an instalment, through the approvals engine."""

    EDITABLE_STATUSES = (WriteOffStatus.DRAFT,)
    TRANSITIONS = WRITE_OFF_TRANSITIONS
    EXTRA_WORKFLOW_FIELDS = frozenset({"approved_at"})

    number = models.CharField(_("write-off number"), max_length=30, unique=True)
    instalment = models.ForeignKey(
        Instalment,
        on_delete=models.PROTECT,
        related_name="write_offs",
        verbose_name=_("instalment"),
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=12, choices=WriteOffStatus.choices, default=WriteOffStatus.DRAFT
    )
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bad-debt write-off")
        verbose_name_plural = _("bad-debt write-offs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="write_off_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.number


class InvoiceRecord(Owned, Document):
    """开票记录 (R-AR-7): a request to invoice part of a contract and, once finance has issued
    it in the tax system, the invoice number, date and amount. Issued amounts make the
    contract ledger's "invoiced" column."""

    EDITABLE_STATUSES = (InvoiceStatus.REQUESTED,)
    TRANSITIONS = INVOICE_TRANSITIONS
    EXTRA_WORKFLOW_FIELDS = frozenset(
        {"invoice_no", "issued_on", "issued_by", "void_reason", "voided_at"}
    )

    number = models.CharField(_("request number"), max_length=30, unique=True)
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("contract")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    kind = models.CharField(_("invoice type"), max_length=12, choices=InvoiceKind.choices)
    amount = models.DecimalField(_("amount incl. tax"), **MONEY)
    tax_rate = models.DecimalField(
        _("tax rate (%)"), max_digits=5, decimal_places=2, default=Decimal("13")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InvoiceStatus.choices,
        default=InvoiceStatus.REQUESTED,
    )
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    invoice_no = models.CharField(_("invoice number"), max_length=40, blank=True, default="")
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issued_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invoice record")
        verbose_name_plural = _("invoice records")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["contract", "status"], name="invoice_contract")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive"),
            # An invoice number is recorded once (issued or voided; requests have none).
            models.UniqueConstraint(
                fields=["invoice_no"], condition=~Q(invoice_no=""), name="invoice_no_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class PlanEvent(models.Model):
    """The date a contract was delivered or accepted, as told by orders (``contract_delivered``,
    ``contract_accepted``): kept per contract (its root) so that a plan rebuilt on amendment
    keeps the due dates of events that already happened."""

    DELIVERY = "delivery"
    ACCEPTANCE = "acceptance"
    KINDS = ((DELIVERY, _("Delivered")), (ACCEPTANCE, _("Accepted")))

    root = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="+", verbose_name=_("contract")
    )
    kind = models.CharField(_("event"), max_length=12, choices=KINDS)
    on = models.DateField(_("date"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("collection plan event")
        verbose_name_plural = _("collection plan events")
        constraints = [
            models.UniqueConstraint(fields=["root", "kind"], name="plan_event_root_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.root_id} {self.kind} {self.on}"
