"""Approval chains and their steps (configuration), requests and their tasks (what happened),
and delegations while someone is on leave (R-X-1)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaoguan.approvals.enums import ApproverRule, RequestStatus, StepMode, TaskStatus
from xiaoguan.org.models import Owned


class ApprovalChain(models.Model):
    """The ordered steps a document type goes through (审批流). One active chain per type."""

    doc_type = models.CharField(_("document type"), max_length=40, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approval chain")
        verbose_name_plural = _("approval chains")
        ordering = ["doc_type", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["doc_type"],
                condition=Q(is_active=True),
                name="approvals_chain_one_active_per_type",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ApprovalStep(models.Model):
    """One step of a chain: who approves (a rule), any-one or all, and an optional condition."""

    chain = models.ForeignKey(
        ApprovalChain, on_delete=models.CASCADE, related_name="steps", verbose_name=_("chain")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)
    rule = models.CharField(_("approver rule"), max_length=20, choices=ApproverRule.choices)
    levels = models.PositiveSmallIntegerField(_("levels"), default=1)
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    role = models.ForeignKey(
        "org.Role",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("role"),
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("employee"),
    )
    mode = models.CharField(_("mode"), max_length=5, choices=StepMode.choices, default=StepMode.ANY)
    min_amount = models.DecimalField(
        _("from amount"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    min_discount = models.DecimalField(
        _("from discount (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["chain", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "position"], name="approvals_step_position_uniq"
            ),
            models.CheckConstraint(
                condition=Q(levels__gte=1) & Q(levels__lte=10), name="approvals_step_levels_range"
            ),
            models.CheckConstraint(
                condition=Q(rule__in=[r.value for r in ApproverRule]),
                name="approvals_step_rule_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class ApprovalRequest(Owned):
    """One round of approval of one document (审批单). Owner and department are the subject's,
    so the data scope of the document applies to its approvals too."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    doc_type = models.CharField(_("document type"), max_length=40, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    subject_url = models.CharField(_("link"), max_length=500, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    discount = models.DecimalField(
        _("discount (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="approval_requests",
        verbose_name=_("requested by"),
    )
    chain = models.ForeignKey(
        ApprovalChain, on_delete=models.PROTECT, related_name="requests", verbose_name=_("chain")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RequestStatus.choices,
        default=RequestStatus.PENDING,
        db_index=True,
    )
    # The stages resolved at submission:
    # [{"position", "step", "name", "mode", "approvers": [ids], "skipped"}].
    plan = models.JSONField(_("plan"), default=list)
    current_step = models.PositiveSmallIntegerField(_("current step"), default=1)
    created_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(status="pending"),
                name="approvals_request_one_pending_per_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="approvals_request_subject_idx")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING

    @property
    def stage_count(self) -> int:
        return sum(1 for s in self.plan if not s.get("skipped"))


class ApprovalTask(models.Model):
    """One approver's part in one stage of a request."""

    request = models.ForeignKey(
        ApprovalRequest, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("request")
    )
    step_position = models.PositiveSmallIntegerField(_("step"))
    step_name = models.CharField(_("step name"), max_length=100)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="approval_tasks",
        verbose_name=_("approver"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TaskStatus.choices,
        default=TaskStatus.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("approval task")
        verbose_name_plural = _("approval tasks")
        ordering = ["request", "step_position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "step_position", "approver"],
                name="approvals_task_one_per_approver_and_step",
            ),
        ]
        indexes = [models.Index(fields=["approver", "status"], name="approvals_task_waiting_idx")]

    def __str__(self) -> str:
        return f"{self.request} / {self.step_name} / {self.approver}"

    @property
    def on_behalf(self) -> bool:
        """Decided by a delegate ("X on behalf of Y")."""
        return self.decided_by_id is not None and self.decided_by_id != self.approver_id


class Delegation(models.Model):
    """While on leave, someone else decides one's approval tasks (代理审批)."""

    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_given",
        verbose_name=_("delegator"),
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_received",
        verbose_name=_("delegate"),
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_user=F("to_user")), name="approvals_delegation_not_self"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="approvals_delegation_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_user} → {self.to_user}"
