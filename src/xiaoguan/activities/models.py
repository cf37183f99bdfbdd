"""Visits and follow-ups (R-CUS-6), business trips (R-CUS-7), work logs, weekly reports and
meeting minutes (R-TGT-5). Every record is owned by its rep and department (R-ORG-1)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaoguan.activities.enums import (
    TRIP_TRANSITIONS,
    TripStatus,
    VisitKind,
    VisitResult,
    VisitStatus,
)
from xiaoguan.core.documents import Document
from xiaoguan.customers.models import Contact, Customer
from xiaoguan.org.models import Owned, User


class Visit(Owned):
    """拜访: planned, then recorded (or cancelled). Recording one updates the customer's last
    contact date."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="visits", verbose_name=_("customer")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=VisitKind.choices, default=VisitKind.ONSITE
    )
    planned_for = models.DateField(_("planned for"), null=True, blank=True)
    visited_at = models.DateTimeField(_("visited at"), null=True, blank=True)
    contacts = models.ManyToManyField(
        Contact, blank=True, related_name="visits", verbose_name=_("contacts met")
    )
    purpose = models.CharField(_("purpose"), max_length=200, blank=True, default="")
    feedback = models.TextField(_("customer feedback"), blank=True, default="")
    demand_change = models.TextField(_("change in demand"), blank=True, default="")
    result = models.CharField(
        _("result"), max_length=12, choices=VisitResult.choices, blank=True, default=""
    )
    next_step = models.CharField(_("next step"), max_length=300, blank=True, default="")
    # Check-in from the phone (R-CUS-6), when the rep allowed the browser to share it.
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_at", "-planned_for", "-pk"]
        indexes = [
            models.Index(fields=["customer", "status", "visited_at"]),
            models.Index(fields=["owner", "status", "planned_for"]),
            models.Index(fields=["department", "visited_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.get_kind_display()}"


class FollowUp(Owned):
    """跟进任务: something to do for a customer by a date, usually out of a visit."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("customer")
    )
    visit = models.ForeignKey(
        Visit,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        null=True,
        blank=True,
        verbose_name=_("visit"),
    )
    title = models.CharField(_("what to do"), max_length=200)
    due_date = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_note = models.CharField(_("outcome"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["owner", "done_at", "due_date"])]

    def __str__(self) -> str:
        return self.title


class Trip(Owned, Document):
    """出差申请 (R-CUS-7): approved by the manager through the approvals engine, reported on
    after return."""

    EDITABLE_STATUSES = (TripStatus.DRAFT, TripStatus.RETURNED)
    TRANSITIONS = TRIP_TRANSITIONS
    EXTRA_WORKFLOW_FIELDS = frozenset({"report", "reported_at", "actual_cost", "cancelled_reason"})

    number = models.CharField(_("number"), max_length=30, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=TripStatus.choices, default=TripStatus.DRAFT
    )
    destination = models.CharField(_("destination"), max_length=100)
    purpose = models.TextField(_("purpose"))
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    budget = models.DecimalField(_("budget"), max_digits=16, decimal_places=2)
    customers = models.ManyToManyField(
        Customer, through="TripCustomer", related_name="trips", verbose_name=_("customers")
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    report = models.TextField(_("trip report"), blank=True, default="")
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    actual_cost = models.DecimalField(
        _("actual cost"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    cancelled_reason = models.CharField(_("reason"), max_length=200, blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("business trip")
        verbose_name_plural = _("business trips")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="trip_dates_in_order"
            ),
            models.CheckConstraint(condition=Q(budget__gte=0), name="trip_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.destination} {self.start_date}"


class TripCustomer(models.Model):
    """A customer to visit on a trip; a customer caught by the three-visit rule needs the
    manager's override, recorded here with its reason."""

    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="trip_customers")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    blocked_reason = models.CharField(_("rule"), max_length=300, blank=True, default="")
    override_reason = models.CharField(
        _("reason for the override"), max_length=300, blank=True, default=""
    )
    override_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    override_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trip", "customer"], name="trip_customer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.trip} · {self.customer}"


class WorkLog(Owned):
    """工作日志: a rep's daily log, one per day."""

    date = models.DateField(_("date"))
    content = models.TextField(_("what I did"))
    plan = models.TextField(_("plan for tomorrow"), blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("work log")
        verbose_name_plural = _("work logs")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "date"], name="worklog_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.date}"


class WeeklyReport(Owned):
    """周报: pre-filled with the week's visits, new customers and opportunities; submitted to
    the manager, who reads and comments."""

    week_start = models.DateField(_("week of"))  # a Monday
    summary = models.TextField(_("summary of the week"))
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    problems = models.TextField(_("problems and help needed"), blank=True, default="")
    next_week = models.TextField(_("plan for next week"), blank=True, default="")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    read_at = models.DateTimeField(_("read by the manager"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        ordering = ["-week_start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "week_start"], name="weekly_report_one_per_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.week_start}"


class ReportComment(models.Model):
    """A manager's (or the author's) comment on a work log or weekly report."""

    work_log = models.ForeignKey(
        WorkLog, on_delete=models.CASCADE, related_name="comments", null=True, blank=True
    )
    weekly_report = models.ForeignKey(
        WeeklyReport, on_delete=models.CASCADE, related_name="comments", null=True, blank=True
    )
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(work_log__isnull=False, weekly_report__isnull=True)
                | Q(work_log__isnull=True, weekly_report__isnull=False),
                name="report_comment_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]


class MeetingMinutes(Owned):
    """周例会纪要: a team's weekly meeting; the department is the team."""

    held_on = models.DateField(_("held on"))
    attendees = models.ManyToManyField(
        User, blank=True, related_name="+", verbose_name=_("attendees")
    )
    topics = models.TextField(_("topics"))
    decisions = models.TextField(_("decisions"), blank=True, default="")
    actions = models.TextField(_("actions, owners and dates"), blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("meeting minutes")
        verbose_name_plural = _("meeting minutes")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["department", "held_on"])]

    def __str__(self) -> str:
        return f"{self.department} {self.held_on}"
