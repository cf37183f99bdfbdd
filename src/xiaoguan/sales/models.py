"""Opportunities (R-CUS-8) with their stage history, inquiries and tenders (R-QUO-1), and
quotes with their lines (R-QUO-2, R-QUO-3)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaoguan.catalog.models import Product, Unit
from xiaoguan.core.documents import Document
from xiaoguan.customers.models import Customer, Lead
from xiaoguan.org.models import Owned, User
from xiaoguan.sales.enums import (
    INQUIRY_TRANSITIONS,
    QUOTE_TRANSITIONS,
    InquiryKind,
    InquirySource,
    InquiryStatus,
    LostReason,
    QuoteStatus,
    Stage,
)


class Opportunity(Owned):
    """商机: a chance to sell to a customer, moving through stages to won or lost."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("customer")
    )
    lead = models.ForeignKey(
        Lead,
        on_delete=models.PROTECT,
        related_name="opportunities",
        null=True,
        blank=True,
        verbose_name=_("lead"),
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.NEEDS)
    amount = models.DecimalField(_("expected amount"), max_digits=16, decimal_places=2)
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), validators=[MaxValueValidator(100)]
    )
    expected_close = models.DateField(_("expected close"))
    description = models.TextField(_("description"), blank=True, default="")
    lost_reason = models.CharField(
        _("reason lost"), max_length=14, choices=LostReason.choices, blank=True, default=""
    )
    close_note = models.CharField(_("note"), max_length=300, blank=True, default="")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["expected_close", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="opportunity_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(probability__lte=100), name="opportunity_probability_max"
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "stage", "expected_close"]),
            models.Index(fields=["department", "stage", "expected_close"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class StageChange(models.Model):
    """One move of an opportunity between stages, kept for the stage history and analysis."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=12, choices=Stage.choices, blank=True, default="")
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.opportunity} · {self.to_stage}"


MONEY = {"max_digits": 16, "decimal_places": 2}
QUANTITY = {"max_digits": 14, "decimal_places": 3}


class Inquiry(Owned):
    """询价 / 招标: a customer's request for a price or an invitation to tender, registered and
    reported to the manager at once, who decides bid / no bid (R-QUO-1)."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=InquiryKind.choices, default=InquiryKind.INQUIRY
    )
    source = models.CharField(_("source"), max_length=20, choices=InquirySource.choices)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="inquiries", verbose_name=_("customer")
    )
    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("opportunity"),
    )
    title = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("requirements"), blank=True, default="")
    tender_number = models.CharField(_("tender number"), max_length=60, blank=True, default="")
    deadline = models.DateTimeField(_("deadline for the offer"))
    estimated_amount = models.DecimalField(_("estimated amount"), null=True, blank=True, **MONEY)
    status = models.CharField(
        _("status"), max_length=10, choices=InquiryStatus.choices, default=InquiryStatus.NEW
    )
    decided_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("reason for the decision"), blank=True, default="")
    outcome_note = models.CharField(_("outcome"), max_length=300, blank=True, default="")
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    TRANSITIONS = INQUIRY_TRANSITIONS

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "status", "deadline"]),
            models.Index(fields=["department", "status", "deadline"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_amount__isnull=True) | Q(estimated_amount__gte=0),
                name="inquiry_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Quote(Owned, Document):
    """报价单: lines with product, spec, quantity, unit price and discount, a validity date; the
    manager (major quotes: management) approves it before it is printed and sent (R-QUO-2/3).
    Totals are computed by the service from the lines, never written by a client."""

    EDITABLE_STATUSES = (QuoteStatus.DRAFT, QuoteStatus.RETURNED)
    TRANSITIONS = QUOTE_TRANSITIONS
    EXTRA_WORKFLOW_FIELDS = frozenset({"accepted_at", "lost_reason", "outcome_note"})

    number = models.CharField(_("number"), max_length=30, unique=True)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="quotes", verbose_name=_("customer")
    )
    inquiry = models.ForeignKey(
        Inquiry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes",
        verbose_name=_("inquiry"),
    )
    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes",
        verbose_name=_("opportunity"),
    )
    title = models.CharField(_("subject"), max_length=200)
    price_date = models.DateField(_("prices as of"))
    valid_until = models.DateField(_("valid until"))
    delivery_lead_days = models.PositiveIntegerField(
        _("delivery lead time (days)"), null=True, blank=True
    )
    payment_terms = models.TextField(_("payment terms"), blank=True, default="")
    technical_notes = models.TextField(_("technical parameters"), blank=True, default="")
    cost_estimate = models.DecimalField(_("material cost estimate"), null=True, blank=True, **MONEY)
    notes = models.TextField(_("notes"), blank=True, default="")
    list_total = models.DecimalField(_("amount at effective prices"), default=0, **MONEY)
    discount_total = models.DecimalField(_("discount"), default=0, **MONEY)
    total = models.DecimalField(_("quote total"), default=0, **MONEY)
    status = models.CharField(
        _("status"), max_length=12, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    lost_reason = models.CharField(
        _("reason lost"), max_length=14, choices=LostReason.choices, blank=True, default=""
    )
    outcome_note = models.CharField(_("note"), max_length=300, blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "status", "created_at"]),
            models.Index(fields=["department", "status", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="quote_total_not_negative"),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("price_date")),
                name="quote_valid_after_price_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class QuoteLine(models.Model):
    """A quoted product: the effective price for this customer (``list_price``, from
    ``pricing``) and the price offered; discount and amount follow from them."""

    quote = models.ForeignKey(
        Quote, on_delete=models.CASCADE, related_name="lines", verbose_name=_("quote")
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
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["quote_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "position"], name="quote_line_position"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="quote_line_qty_positive"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="quote_line_price_positive"),
            models.CheckConstraint(condition=Q(list_price__gt=0), name="quote_line_list_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quote_id}#{self.position}"
