"""Contracts (R-CON-1..6): templates managed by legal, contracts with their lines, payment
schedule and after-sales terms, versions (amendments), termination, and one execution
timeline per contract with the problems routed to departments.

A contract and its amendments are rows of ``Contract`` sharing a ``root``: version 1 is the
root itself (``root`` is null), each amendment is a new row with ``amends`` pointing at the
version it replaces. Exactly one version of a contract is ``is_current`` (the ledger's row).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaoguan.catalog.models import Product, Unit
from xiaoguan.contracts.enums import (
    CONTRACT_TRANSITIONS,
    ContractSource,
    ContractStatus,
    EventKind,
    PaymentTrigger,
    ProblemStatus,
    TerminationKind,
)
from xiaoguan.core.documents import Document
from xiaoguan.customers.models import Customer
from xiaoguan.org.models import Department, DepartmentTask, Owned, User
from xiaoguan.sales.models import Opportunity, Quote

MONEY = {"max_digits": 16, "decimal_places": 2}
QUANTITY = {"max_digits": 14, "decimal_places": 3}


class ContractTemplate(models.Model):
    """合同范本: the company's standard contract, managed by legal, as ordered clauses whose
    texts hold placeholders such as ``{{customer.name}}`` (see ``contracts.services.text``)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("use it for"), blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("updated by")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contract template")
        verbose_name_plural = _("contract templates")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class TemplateClause(models.Model):
    template = models.ForeignKey(
        ContractTemplate,
        on_delete=models.CASCADE,
        related_name="clauses",
        verbose_name=_("template"),
    )
    position = models.PositiveIntegerField(_("order"))
    title = models.CharField(_("clause title"), max_length=100)
    body = models.TextField(_("clause text"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("template clause")
        verbose_name_plural = _("template clauses")
        ordering = ["template_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "position"], name="template_clause_position"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Contract(Owned, Document):
    """销售合同: one version of a contract. Submitted, approved and signed versions are
    immutable; a change is a new version (合同变更) through the same approval."""

    EDITABLE_STATUSES = (ContractStatus.DRAFT, ContractStatus.RETURNED)
    TRANSITIONS = CONTRACT_TRANSITIONS
    EXTRA_WORKFLOW_FIELDS = frozenset(
        {
            "approved_at",
            "signed_on",
            "signed_at",
            "customer_signatory",
            "company_signatory",
            "is_current",
            "termination_kind",
            "termination_reason",
            "settlement_amount",
            "settlement_note",
            "terminated_on",
            "shipped_amount",
            "invoiced_amount",
            "collected_amount",
        }
    )

    number = models.CharField(_("contract number"), max_length=30)
    version_no = models.PositiveIntegerField(_("version"), default=1)
    root = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="versions",
        verbose_name=_("original contract"),
    )
    amends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("amends"),
    )
    is_current = models.BooleanField(_("current version"), default=True)
    amendment_reason = models.TextField(_("reason for the change"), blank=True, default="")
    source = models.CharField(
        _("drafted"), max_length=10, choices=ContractSource.choices, default=ContractSource.SCRATCH
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("customer")
    )
    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("opportunity"),
    )
    quote = models.ForeignKey(
        Quote,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("quote"),
    )
    template = models.ForeignKey(
        ContractTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("template"),
    )
    title = models.CharField(_("subject"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    # Totals are computed by the service from the lines (Decimal, to the cent).
    list_total = models.DecimalField(_("amount at effective prices"), default=0, **MONEY)
    total = models.DecimalField(_("contract amount"), default=0, **MONEY)
    price_date = models.DateField(_("prices as of"))
    # Mandatory terms (R-CON-1): delivery, payment (the schedule), after-sales.
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    delivery_place = models.CharField(
        _("place of delivery"), max_length=300, blank=True, default=""
    )
    delivery_terms = models.TextField(_("delivery terms"), blank=True, default="")
    installation_required = models.BooleanField(_("installation by us"), default=False)
    warranty_months = models.PositiveSmallIntegerField(
        _("warranty (months)"), null=True, blank=True
    )
    inspection_cycle_months = models.PositiveSmallIntegerField(
        _("inspection every (months)"), null=True, blank=True
    )
    after_sales_terms = models.TextField(_("after-sales terms"), blank=True, default="")
    end_on = models.DateField(_("contract term ends"), null=True, blank=True)
    # The clauses as rendered from the template when drafted: [{"title":..., "body":...}].
    clauses = models.JSONField(_("clauses"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True, default="")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    signed_on = models.DateField(_("signing date"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signing recorded"), null=True, blank=True)
    customer_signatory = models.CharField(
        _("signed for the customer by"), max_length=100, blank=True, default=""
    )
    company_signatory = models.CharField(
        _("signed for us by"), max_length=100, blank=True, default=""
    )
    termination_kind = models.CharField(
        _("termination"), max_length=16, choices=TerminationKind.choices, blank=True, default=""
    )
    termination_reason = models.TextField(_("reason for termination"), blank=True, default="")
    settlement_amount = models.DecimalField(_("settlement amount"), null=True, blank=True, **MONEY)
    settlement_note = models.TextField(_("settlement"), blank=True, default="")
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    # Kept up to date by orders and receivables through contracts.services (R-CON-6).
    shipped_amount = models.DecimalField(_("shipped"), default=0, **MONEY)
    invoiced_amount = models.DecimalField(_("invoiced"), default=0, **MONEY)
    collected_amount = models.DecimalField(_("collected"), default=0, **MONEY)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["is_current", "department", "status"], name="contract_ledger_dept"
            ),
            models.Index(fields=["is_current", "owner", "status"], name="contract_ledger_owner"),
            models.Index(fields=["customer", "is_current"], name="contract_customer"),
            models.Index(fields=["root"], name="contract_root"),
            # The ledger's default order (newest first) for wide scopes: a director's first
            # page reads 26 index entries instead of sorting every contract (bench: 536 →
            # 1.3 ms at 200,000 contracts).
            models.Index(
                F("created_at").desc(),
                F("id").desc(),
                condition=Q(is_current=True),
                name="contract_ledger_created",
            ),
            # The totals row of a wide scope (a director's ledger: every current version) as
            # an index-only scan instead of reading the table (bench: 82 → 37 ms at 200,000
            # contracts). Keyed on status so a status filter narrows it; it carries no owner
            # or department, so narrower scopes keep their own indexes. INCLUDE is
            # PostgreSQL's; SQLite builds a plain partial index on status.
            models.Index(
                fields=["status"],
                include=["total", "shipped_amount", "invoiced_amount", "collected_amount"],
                condition=Q(is_current=True),
                name="contract_ledger_sums",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "version_no"], name="contract_number_version"
            ),
            models.UniqueConstraint(
                fields=["root"],
                condition=Q(is_current=True) & Q(root__isnull=False),
                name="contract_one_current_amendment",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="contract_total_not_negative"),
            models.CheckConstraint(condition=Q(version_no__gte=1), name="contract_version_min"),
            models.CheckConstraint(
                condition=Q(delivery_date__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(delivery_date__gte=models.F("signed_on")),
                name="contract_delivery_after_signing",
            ),
            models.CheckConstraint(
                condition=Q(settlement_amount__isnull=True) | Q(settlement_amount__gte=0),
                name="contract_settlement_not_negative",
            ),
        ]

    def __str__(self) -> str:
        if self.version_no > 1:
            return f"{self.number} v{self.version_no} {self.title}"
        return f"{self.number} {self.title}"

    @property
    def root_id_or_self(self) -> int:
        return self.root_id or self.pk


class ContractLine(models.Model):
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="lines", verbose_name=_("contract")
    )
    position = models.PositiveIntegerField(_("line"))
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    spec = models.CharField(_("specification"), max_length=200, blank=True, default="")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    list_price = models.DecimalField(_("effective price"), **MONEY)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    discount = models.DecimalField(_("discount (%)"), max_digits=7, decimal_places=2)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("contract line")
        verbose_name_plural = _("contract lines")
        ordering = ["contract_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "position"], name="contract_line_position"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="contract_line_qty_positive"),
            models.CheckConstraint(
                condition=Q(unit_price__gt=0), name="contract_line_price_positive"
            ),
            models.CheckConstraint(
                condition=Q(list_price__gt=0), name="contract_line_list_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}#{self.position} {self.product_id}"


class PaymentTerm(models.Model):
    """One instalment of the payment schedule (付款方式): a percent of the total or a fixed
    amount, due on an event plus ``days_after``; a retention (质保金) is due at the end of the
    warranty. The amounts always add up to the contract total (the service checks)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="payment_terms", verbose_name=_("contract")
    )
    position = models.PositiveIntegerField(_("instalment"))
    label = models.CharField(_("name"), max_length=60)
    trigger = models.CharField(_("due"), max_length=16, choices=PaymentTrigger.choices)
    days_after = models.PositiveIntegerField(_("days after the event"), default=0)
    percent = models.DecimalField(
        _("percent of the total"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    is_retention = models.BooleanField(_("retention"), default=False)

    class Meta:
        verbose_name = _("payment term")
        verbose_name_plural = _("payment terms")
        ordering = ["contract_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "position"], name="payment_term_position"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_term_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.amount}"


class ContractEvent(models.Model):
    """One entry of a contract's execution timeline; all versions of a contract share the
    timeline of their ``root`` (R-CON-4). Later apps add shipments and receipts through
    ``contracts.services.timeline.contract_event_add``."""

    root = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("contract")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="+", verbose_name=_("version")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    summary = models.CharField(_("what"), max_length=300)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("contract event")
        verbose_name_plural = _("contract events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["root", "at"], name="contract_event_timeline")]

    def __str__(self) -> str:
        return self.summary


class ContractProblem(models.Model):
    """A problem in executing a contract, routed to the department that must solve it (a task
    in its inbox) and shown on the timeline until solved (R-CON-4)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="problems", verbose_name=_("contract")
    )
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("details"), blank=True, default="")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("routed to")
    )
    task = models.OneToOneField(
        DepartmentTask,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("task"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    raised_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("logged by")
    )
    raised_at = models.DateTimeField(_("logged"), auto_now_add=True)
    resolution = models.TextField(_("resolution"), blank=True, default="")
    resolved_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("solved by"),
    )
    resolved_at = models.DateTimeField(_("solved"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contract problem")
        verbose_name_plural = _("contract problems")
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return self.title
