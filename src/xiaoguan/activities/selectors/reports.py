"""Reads of the reports part (R-TGT-5): work logs, weekly reports, comments, meeting minutes,
the team's week at a glance and who is missing what. Every queryset that reaches a user
passes ``org.scope.visible``; out of scope does not exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoguan.activities.enums import VisitResult, VisitStatus
from xiaoguan.activities.models import (
    MeetingMinutes,
    ReportComment,
    Visit,
    WeeklyReport,
    WorkLog,
)
from xiaoguan.core import policy
from xiaoguan.customers.models import Customer
from xiaoguan.org.models import Department, Role, User
from xiaoguan.org.scope import scope_q, visible

WRITE_RIGHT = "reports.write"
TEAM_RIGHT = "reports.read_team"
MINUTES_WRITE_RIGHT = "minutes.write"

WEEKLY_STATUSES = ("draft", "submitted", "read")
MINUTES_SORTS = ("-held_on", "held_on")


# --- dates ------------------------------------------------------------------------------


def week_start_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def week_days(week_start: date) -> list[date]:
    return [week_start + timedelta(days=i) for i in range(7)]


def worklog_edit_days() -> int:
    return int(policy.value("activities.worklog_edit_days"))


def worklog_window(today: date | None = None) -> tuple[date, date]:
    """The dates a rep may still write or change: today and the past N days (policy)."""
    today = today or timezone.localdate()
    return today - timedelta(days=worklog_edit_days()), today


def worklog_is_editable(log: WorkLog, user: User, today: date | None = None) -> bool:
    first, last = worklog_window(today)
    return log.owner_id == user.pk and first <= log.date <= last


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


# --- who writes reports ---------------------------------------------------------------


def writer_role_ids() -> list[int]:
    """Roles that carry the right to write logs and weekly reports (rights are editable)."""
    return [pk for pk, rights in Role.objects.values_list("pk", "rights") if WRITE_RIGHT in rights]


def report_writers(*, user: User, department: Department | None = None) -> QuerySet[User]:
    """Active employees in the user's scope who write logs and reports, the user excluded:
    the team a manager follows. ``department`` narrows to that subtree."""
    qs = User.objects.filter(is_active=True, roles__in=writer_role_ids()).exclude(pk=user.pk)
    if department is not None:
        qs = qs.filter(department__path__startswith=department.path)
    ids = visible(qs, user).values("pk")
    return (
        User.objects.filter(pk__in=ids)
        .select_related("department")
        .order_by("department__path", "full_name", "username")
    )


def team_departments(*, user: User) -> QuerySet[Department]:
    """Departments the user may filter the team view by, or hold a meeting for."""
    return visible(Department.objects.filter(is_active=True), user).order_by("path")


def team_department_get(*, user: User, department_id: int | None) -> Department | None:
    if not department_id:
        return None
    return team_departments(user=user).filter(pk=department_id).first()


# --- work logs -------------------------------------------------------------------------


def worklog_list(
    *,
    user: User,
    owner_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[WorkLog]:
    qs = WorkLog.objects.select_related("owner", "department").annotate(
        comment_count=Count("comments")
    )
    qs = visible(qs, user)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs.order_by("-date", "owner__username", "-pk")


def worklog_own(*, user: User) -> QuerySet[WorkLog]:
    return worklog_list(user=user, owner_id=user.pk)


def worklog_get(*, user: User, worklog_id: int) -> WorkLog:
    """A log the user may see; otherwise WorkLog.DoesNotExist (a 404)."""
    return visible(WorkLog.objects.select_related("owner", "department"), user).get(pk=worklog_id)


def worklog_for_day(*, user: User, day: date) -> WorkLog | None:
    return WorkLog.objects.filter(owner=user, date=day).first()


@dataclass
class TeamDay:
    day: date
    logs: QuerySet[WorkLog]
    missing: list[User]


def team_day(*, user: User, day: date, department: Department | None = None) -> TeamDay:
    """The team's logs of one day and who in the team has not written one."""
    writers = report_writers(user=user, department=department)
    logs = worklog_list(user=user, date_from=day, date_to=day).filter(
        owner__in=writers.values("pk")
    )
    written = set(logs.values_list("owner_id", flat=True))
    missing = [w for w in writers if w.pk not in written]
    return TeamDay(
        day=day, logs=logs.order_by("owner__department__path", "owner__username"), missing=missing
    )


def team_missing_count(*, user: User, day: date) -> int:
    """How many of the team have not written the day's log (one query)."""
    written = WorkLog.objects.filter(date=day).values("owner_id")
    return report_writers(user=user).exclude(pk__in=written).count()


@dataclass
class GridRow:
    writer: User
    days: list[dict[str, Any]] = field(default_factory=list)
    report: WeeklyReport | None = None
    status: str = "missing"


def weekly_status(report: WeeklyReport | None) -> str:
    if report is None:
        return "missing"
    if report.read_at:
        return "read"
    if report.submitted_at:
        return "submitted"
    return "draft"


def team_week_grid(*, user: User, week_start: date, writers: list[User]) -> list[GridRow]:
    """Rows of the team's week (one page of writers): log presence per day and the weekly
    report's status — two queries whatever the number of writers."""
    days = week_days(week_start)
    ids = [w.pk for w in writers]
    logs = visible(
        WorkLog.objects.filter(owner_id__in=ids, date__gte=days[0], date__lte=days[-1]), user
    ).values_list("owner_id", "date", "pk")
    by_owner: dict[int, dict[date, int]] = {}
    for owner_id, day, pk in logs:
        by_owner.setdefault(owner_id, {})[day] = pk
    reports = {
        r.owner_id: r
        for r in visible(WeeklyReport.objects.filter(owner_id__in=ids, week_start=week_start), user)
    }
    rows = []
    for w in writers:
        own = by_owner.get(w.pk, {})
        report = reports.get(w.pk)
        rows.append(
            GridRow(
                writer=w,
                days=[{"day": d, "log_id": own.get(d)} for d in days],
                report=report,
                status=weekly_status(report),
            )
        )
    return rows


# --- weekly reports ----------------------------------------------------------------------


def weekly_report_list(
    *,
    user: User,
    owner_id: int | None = None,
    week_start: date | None = None,
    status: str = "",
) -> QuerySet[WeeklyReport]:
    qs = visible(
        WeeklyReport.objects.select_related("owner", "department").annotate(
            comment_count=Count("comments")
        ),
        user,
    )
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    if week_start:
        qs = qs.filter(week_start=week_start)
    if status == "draft":
        qs = qs.filter(submitted_at__isnull=True)
    elif status == "submitted":
        qs = qs.filter(submitted_at__isnull=False, read_at__isnull=True)
    elif status == "read":
        qs = qs.filter(read_at__isnull=False)
    return qs.order_by("-week_start", "owner__username", "-pk")


def weekly_report_get(*, user: User, report_id: int) -> WeeklyReport:
    """A report the user may see; otherwise WeeklyReport.DoesNotExist (a 404)."""
    return visible(WeeklyReport.objects.select_related("owner", "department"), user).get(
        pk=report_id
    )


def weekly_report_for(*, user: User, week_start: date) -> WeeklyReport | None:
    return WeeklyReport.objects.filter(owner=user, week_start=week_start).first()


def weekly_figures(*, owner: User, week_start: date) -> list[dict[str, Any]]:
    """The week's figures from every registered provider (visits, customers, opportunities)."""
    from xiaoguan.core import period_figures

    end = week_start + timedelta(days=6)
    return [
        {"label": label, "value": value}
        for label, value in period_figures.collect(owner, week_start, end)
    ]


def report_figures(report: WeeklyReport) -> list[dict[str, Any]]:
    """The snapshot taken at submission; live figures while the report is a draft."""
    if report.submitted_at and report.figures.get("items") is not None:
        return list(report.figures["items"])
    return weekly_figures(owner=report.owner, week_start=report.week_start)


def report_comments(
    *, work_log: WorkLog | None = None, weekly_report: WeeklyReport | None = None
) -> QuerySet[ReportComment]:
    qs = ReportComment.objects.select_related("author")
    if work_log is not None:
        return qs.filter(work_log=work_log)
    return qs.filter(weekly_report=weekly_report)


def _names(names: list[str], limit: int = 8) -> str:
    shown = "、".join(names[:limit])
    if len(names) > limit:
        shown += str(_(" and %(n)s more") % {"n": len(names) - limit})
    return shown


def visit_figures(user: User, start: date, end: date) -> list[tuple[Any, Any]]:
    """Built-in provider: the week's done visits, the customers visited and the results."""
    lo, hi = _day_bounds(start, end)
    visits = Visit.objects.filter(
        owner=user, status=VisitStatus.DONE, visited_at__gte=lo, visited_at__lt=hi
    )
    rows = list(visits.values_list("customer__name", "result"))
    customers = sorted({name for name, _r in rows})
    results = []
    for value, label in VisitResult.choices:
        n = sum(1 for _c, r in rows if r == value)
        if n:
            results.append(f"{label} {n}")
    return [
        (_("Visits done"), len(rows)),
        (_("Customers visited"), _names(customers) or "—"),
        (_("Visit results"), "，".join(results) or "—"),
    ]


def customer_figures(user: User, start: date, end: date) -> list[tuple[Any, Any]]:
    """Built-in provider: customers the person entered this week (and still owns)."""
    lo, hi = _day_bounds(start, end)
    names = list(
        Customer.objects.filter(owner=user, created_at__gte=lo, created_at__lt=hi)
        .order_by("created_at")
        .values_list("name", flat=True)
    )
    return [(_("New customers"), len(names)), (_("New customers' names"), _names(names) or "—")]


def weekly_reports_missing(*, week_start: date) -> QuerySet[User]:
    """Writers (active, joined before the week ended) without a submitted report for the week."""
    _lo, hi = _day_bounds(week_start, week_start + timedelta(days=6))
    submitted = WeeklyReport.objects.filter(
        week_start=week_start, submitted_at__isnull=False
    ).values("owner_id")
    return (
        User.objects.filter(is_active=True, roles__in=writer_role_ids(), date_joined__lt=hi)
        .exclude(pk__in=submitted)
        .select_related("department", "manager", "department__head")
        .distinct()
        .order_by("department__path", "username")
    )


# --- meeting minutes ---------------------------------------------------------------------


def _minutes_visible(qs: QuerySet[MeetingMinutes], user: User) -> QuerySet[MeetingMinutes]:
    """Scope, and also the team's own members: minutes of one's department or where one
    attended."""
    condition = scope_q(MeetingMinutes, user)
    if condition is None:
        return qs
    if not (user.is_authenticated and user.is_active):
        return qs.none()
    attended = MeetingMinutes.attendees.through.objects.filter(user_id=user.pk).values(
        "meetingminutes_id"
    )
    member = Q(pk__in=attended)
    if user.department_id:
        member |= Q(department_id=user.department_id)
    return qs.filter(condition | member)


def minutes_list(
    *, user: User, department: Department | None = None, sort: str = "-held_on"
) -> QuerySet[MeetingMinutes]:
    qs = _minutes_visible(
        MeetingMinutes.objects.select_related("owner", "department").annotate(
            attendee_count=Count("attendees")
        ),
        user,
    )
    if department is not None:
        qs = qs.filter(department__path__startswith=department.path)
    sort = sort if sort in MINUTES_SORTS else "-held_on"
    return qs.order_by(sort, "-pk")


def minutes_get(*, user: User, minutes_id: int) -> MeetingMinutes:
    """Minutes the user may read; otherwise MeetingMinutes.DoesNotExist (a 404)."""
    return _minutes_visible(MeetingMinutes.objects.select_related("owner", "department"), user).get(
        pk=minutes_id
    )


def minutes_can_edit(*, minutes: MeetingMinutes, user: User) -> bool:
    """Writers of minutes whose scope covers the team (members only read)."""
    if not user.has_right(MINUTES_WRITE_RIGHT):
        return False
    return visible(MeetingMinutes.objects.filter(pk=minutes.pk), user).exists()


def minutes_attendee_choices(*, user: User, department: Department | None) -> QuerySet[User]:
    """Active members of the team (its subtree) in the user's scope."""
    qs = User.objects.filter(is_active=True)
    if department is not None:
        qs = qs.filter(department__path__startswith=department.path)
    return visible(qs, user).select_related("department").order_by("department__path", "username")
