"""Opportunities (R-CUS-8) with their stage history; inquiries and quotes come later."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaoguan.customers.models import Customer, Lead
from xiaoguan.org.models import Owned, User
from xiaoguan.sales.enums import LostReason, Stage


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
