"""Writes of the reports part (R-TGT-5): daily work logs, weekly reports (pre-filled figures,
submission, reading, comments), meeting minutes, and the weekly-report reminders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoguan.activities.errors import ReportInvalid, ReportLocked
from xiaoguan.activities.models import MeetingMinutes, ReportComment, WeeklyReport, WorkLog
from xiaoguan.activities.selectors import reports as selectors
from xiaoguan.core import policy
from xiaoguan.core.errors import PermissionDenied
from xiaoguan.core.notifications import notify
from xiaoguan.org.models import Department, User
from xiaoguan.org.scope import can_see

TEXT_MAX = 5000


def _require(actor: User, right: str) -> None:
    if not actor.has_right(right):
        raise PermissionDenied()


def _department_of(actor: User) -> Department:
    if actor.department_id is None:
        raise ReportInvalid(_("You belong to no department; ask an administrator."))
    return actor.department  # type: ignore[return-value]


def _text(value: str, name: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ReportInvalid(fields={name: _("This field is required.")})
    if len(value) > TEXT_MAX:
        raise ReportInvalid(
            fields={name: _("At most %(n)s characters.") % {"n": TEXT_MAX}},
        )
    return value


def manager_of(user: User) -> User | None:
    """Who reads a person's reports: the direct manager, else the department head."""
    if user.manager_id:
        return user.manager
    department = user.department
    if department is not None and department.head_id and department.head_id != user.pk:
        return department.head
    return None


# --- work logs ---------------------------------------------------------------------------


def _check_log_date(day: date) -> None:
    first, today = selectors.worklog_window()
    if day > today:
        raise ReportInvalid(fields={"date": _("A work log cannot be written for a future day.")})
    if day < first:
        raise ReportLocked(
            _(
                "Logs older than %(n)s days are locked: the log of %(day)s can no longer be "
                "written or changed."
            )
            % {"n": selectors.worklog_edit_days(), "day": day.isoformat()},
            fields={"date": _("Locked: outside the edit window.")},
        )


@transaction.atomic
def worklog_save(*, actor: User, day: date, content: str, plan: str = "") -> WorkLog:
    """Write the actor's log of ``day`` (today or within the edit window): creates it, or
    updates the one already there (one log per person and day)."""
    _require(actor, selectors.WRITE_RIGHT)
    _check_log_date(day)
    content = _text(content, "content", required=True)
    plan = _text(plan, "plan")
    log = WorkLog.objects.select_for_update().filter(owner=actor, date=day).first()
    if log is None:
        try:
            with transaction.atomic():
                return WorkLog.objects.create(
                    owner=actor,
                    department=_department_of(actor),
                    date=day,
                    content=content,
                    plan=plan,
                )
        except IntegrityError:  # written at the same moment elsewhere: update that one
            log = WorkLog.objects.select_for_update().get(owner=actor, date=day)
    log.content, log.plan = content, plan
    log.save(update_fields=["content", "plan", "updated_at"])
    return log


@transaction.atomic
def worklog_update(*, log: WorkLog, actor: User, content: str, plan: str = "") -> WorkLog:
    """Change one's own log while its day is within the edit window."""
    _require(actor, selectors.WRITE_RIGHT)
    if log.owner_id != actor.pk:
        raise PermissionDenied(_("Only the author can change a work log."))
    return worklog_save(actor=actor, day=log.date, content=content, plan=plan)


# --- comments ----------------------------------------------------------------------------


@transaction.atomic
def report_comment_add(
    *,
    actor: User,
    text: str,
    work_log: WorkLog | None = None,
    weekly_report: WeeklyReport | None = None,
) -> ReportComment:
    """A manager comments on a log or a report in scope (the author may answer); the other
    side gets an inbox note."""
    target: WorkLog | WeeklyReport | None = work_log or weekly_report
    if target is None or (work_log is not None and weekly_report is not None):
        raise ReportInvalid()
    is_author = target.owner_id == actor.pk
    if not is_author and not actor.has_right(selectors.TEAM_RIGHT):
        raise PermissionDenied()
    if not can_see(target, actor):
        raise PermissionDenied()
    if (
        weekly_report is not None
        and not is_author
        and not WeeklyReport.objects.filter(
            pk=weekly_report.pk, submitted_at__isnull=False
        ).exists()
    ):
        raise ReportInvalid(_("The report has not been submitted yet."))
    text = _text(text, "text", required=True)
    comment = ReportComment.objects.create(
        work_log=work_log, weekly_report=weekly_report, author=actor, text=text
    )
    if work_log is not None:
        url = reverse("activities:worklog_detail", kwargs={"worklog_id": work_log.pk})
        what = gettext("%(who)s commented on the work log of %(day)s") % {
            "who": actor,
            "day": work_log.date.isoformat(),
        }
    else:
        assert weekly_report is not None
        url = reverse("activities:weekly_detail", kwargs={"report_id": weekly_report.pk})
        what = gettext("%(who)s commented on the weekly report of the week of %(day)s") % {
            "who": actor,
            "day": weekly_report.week_start.isoformat(),
        }
    recipient = target.owner if not is_author else manager_of(target.owner)
    if recipient is not None and recipient.pk != actor.pk:
        notify(
            recipient=recipient,
            kind="reports.comment",
            title=what,
            url=url,
            body=text[:500],
            dedupe_key=f"reports.comment:{comment.pk}",
        )
    return comment


# --- weekly reports ----------------------------------------------------------------------


@dataclass
class WeeklyReportData:
    summary: str
    problems: str = ""
    next_week: str = ""


def _clean_report(data: WeeklyReportData) -> WeeklyReportData:
    return WeeklyReportData(
        summary=_text(data.summary, "summary", required=True),
        problems=_text(data.problems, "problems"),
        next_week=_text(data.next_week, "next_week"),
    )


@transaction.atomic
def weekly_report_create(*, actor: User, week_start: date, data: WeeklyReportData) -> WeeklyReport:
    """Start the actor's report of a week (this week or an earlier one), as a draft."""
    _require(actor, selectors.WRITE_RIGHT)
    if week_start.weekday() != 0:
        raise ReportInvalid(fields={"week_start": _("A week starts on a Monday.")})
    if week_start > selectors.week_start_of(timezone.localdate()):
        raise ReportInvalid(
            fields={"week_start": _("A weekly report cannot be written for a future week.")}
        )
    data = _clean_report(data)
    if WeeklyReport.objects.filter(owner=actor, week_start=week_start).exists():
        raise ReportInvalid(fields={"week_start": _("You already have a report for this week.")})
    try:
        with transaction.atomic():
            return WeeklyReport.objects.create(
                owner=actor,
                department=_department_of(actor),
                week_start=week_start,
                summary=data.summary,
                problems=data.problems,
                next_week=data.next_week,
            )
    except IntegrityError:
        raise ReportInvalid(
            fields={"week_start": _("You already have a report for this week.")}
        ) from None


def _locked_report(report: WeeklyReport, actor: User) -> WeeklyReport:
    if report.owner_id != actor.pk:
        raise PermissionDenied(_("Only the author can change a weekly report."))
    locked = WeeklyReport.objects.select_for_update().get(pk=report.pk)
    if locked.submitted_at is not None:
        raise ReportLocked(_("The report has been submitted and can no longer be changed."))
    return locked


@transaction.atomic
def weekly_report_update(
    *, report: WeeklyReport, actor: User, data: WeeklyReportData
) -> WeeklyReport:
    _require(actor, selectors.WRITE_RIGHT)
    locked = _locked_report(report, actor)
    data = _clean_report(data)
    locked.summary, locked.problems, locked.next_week = data.summary, data.problems, data.next_week
    locked.save(update_fields=["summary", "problems", "next_week", "updated_at"])
    return locked


@transaction.atomic
def weekly_report_submit(*, report: WeeklyReport, actor: User) -> WeeklyReport:
    """Submit: the week's figures are frozen into the report, which becomes read-only; the
    manager is told."""
    _require(actor, selectors.WRITE_RIGHT)
    locked = _locked_report(report, actor)
    now = timezone.now()
    locked.figures = {
        "items": selectors.weekly_figures(owner=locked.owner, week_start=locked.week_start),
        "at": now.isoformat(),
    }
    locked.submitted_at = now
    locked.save(update_fields=["figures", "submitted_at", "updated_at"])
    manager = manager_of(locked.owner)
    if manager is not None:
        notify(
            recipient=manager,
            kind="reports.weekly_submitted",
            title=gettext("%(who)s submitted the weekly report of the week of %(day)s")
            % {"who": locked.owner, "day": locked.week_start.isoformat()},
            url=reverse("activities:weekly_detail", kwargs={"report_id": locked.pk}),
            dedupe_key=f"reports.weekly_submitted:{locked.pk}",
        )
    return locked


@transaction.atomic
def weekly_report_mark_read(*, report: WeeklyReport, actor: User) -> WeeklyReport:
    """The manager has read a submitted report (once; reading again changes nothing)."""
    _require(actor, selectors.TEAM_RIGHT)
    if report.owner_id == actor.pk or not can_see(report, actor):
        raise PermissionDenied()
    locked = WeeklyReport.objects.select_for_update().get(pk=report.pk)
    if locked.submitted_at is None:
        raise ReportInvalid(_("The report has not been submitted yet."))
    if locked.read_at is None:
        locked.read_at = timezone.now()
        locked.save(update_fields=["read_at", "updated_at"])
    return locked


# --- meeting minutes ---------------------------------------------------------------------


@dataclass
class MinutesData:
    department_id: int
    held_on: date
    topics: str
    decisions: str = ""
    actions: str = ""
    attendee_ids: Sequence[int] = ()


def _clean_minutes(actor: User, data: MinutesData) -> tuple[Department, list[User], dict[str, Any]]:
    department = selectors.team_department_get(user=actor, department_id=data.department_id)
    if department is None:
        raise ReportInvalid(fields={"department": _("Choose a team in your scope.")})
    if data.held_on > timezone.localdate():
        raise ReportInvalid(fields={"held_on": _("The meeting cannot be in the future.")})
    ids = {int(i) for i in data.attendee_ids}
    attendees = list(
        selectors.minutes_attendee_choices(user=actor, department=department).filter(pk__in=ids)
    )
    if len(attendees) != len(ids):
        raise ReportInvalid(
            fields={"attendees": _("Attendees must be active members of the team.")}
        )
    fields = {
        "held_on": data.held_on,
        "topics": _text(data.topics, "topics", required=True),
        "decisions": _text(data.decisions, "decisions"),
        "actions": _text(data.actions, "actions"),
    }
    return department, attendees, fields


@transaction.atomic
def minutes_create(*, actor: User, data: MinutesData) -> MeetingMinutes:
    """Record a team meeting; the department of the minutes is the team."""
    _require(actor, selectors.MINUTES_WRITE_RIGHT)
    department, attendees, fields = _clean_minutes(actor, data)
    minutes = MeetingMinutes.objects.create(owner=actor, department=department, **fields)
    minutes.attendees.set(attendees)
    return minutes


@transaction.atomic
def minutes_update(*, minutes: MeetingMinutes, actor: User, data: MinutesData) -> MeetingMinutes:
    _require(actor, selectors.MINUTES_WRITE_RIGHT)
    if not selectors.minutes_can_edit(minutes=minutes, user=actor):
        raise PermissionDenied()
    department, attendees, fields = _clean_minutes(actor, data)
    locked = MeetingMinutes.objects.select_for_update().get(pk=minutes.pk)
    locked.department = department
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    locked.attendees.set(attendees)
    return locked


# --- reminders ---------------------------------------------------------------------------


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour=hour), tzinfo=timezone.get_current_timezone())


def weekly_reminders_run(now: datetime | None = None) -> int:
    """Remind writers whose report of this week is not submitted by the due day and hour,
    and on Monday morning give each manager the list of last week's missing reports.
    Idempotent (dedupe keys): running it again sends nothing new."""
    now = timezone.localtime(now or timezone.now())
    this_monday = selectors.week_start_of(now.date())
    due_weekday = int(policy.value("activities.weekly_report_due_weekday"))  # 1 = Monday
    due = _at(
        this_monday + timedelta(days=due_weekday - 1),
        int(policy.value("activities.weekly_report_due_hour")),
    )
    sent = 0
    url = reverse("activities:report_home")
    if now >= due:
        for writer in selectors.weekly_reports_missing(week_start=this_monday):
            note = notify(
                recipient=writer,
                kind="reports.weekly_due",
                title=gettext("Your weekly report of the week of %(day)s is due")
                % {"day": this_monday.isoformat()},
                url=url,
                dedupe_key=f"reports.weekly_due:{writer.pk}:{this_monday.isoformat()}",
            )
            sent += note is not None
    last_monday = this_monday - timedelta(days=7)
    if now >= _at(this_monday, int(policy.value("activities.weekly_report_escalate_hour"))):
        missing: dict[int, tuple[User, list[User]]] = {}
        for writer in selectors.weekly_reports_missing(week_start=last_monday):
            manager = manager_of(writer)
            if manager is not None:
                missing.setdefault(manager.pk, (manager, []))[1].append(writer)
        team_url = reverse("activities:report_team") + f"?week={last_monday.isoformat()}"
        for manager, writers in missing.values():
            note = notify(
                recipient=manager,
                kind="reports.weekly_missing",
                title=gettext("%(n)s weekly reports of the week of %(day)s are missing")
                % {"n": len(writers), "day": last_monday.isoformat()},
                url=team_url,
                body="、".join(str(w) for w in writers),
                dedupe_key=f"reports.weekly_missing:{manager.pk}:{last_monday.isoformat()}",
            )
            sent += note is not None
    return sent
