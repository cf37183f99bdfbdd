"""Pages of work logs, weekly reports and meeting minutes (R-TGT-5). Thin: selectors read
(scoped), services write."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.activities.models import MeetingMinutes, WeeklyReport, WorkLog
from xiaoguan.activities.selectors import reports as selectors
from xiaoguan.activities.services import reports as services
from xiaoguan.activities.web.reports_forms import (
    CommentForm,
    MinutesForm,
    WeeklyReportForm,
    WorkLogForm,
)
from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error

PAGE_SIZE = 20
WRITE = selectors.WRITE_RIGHT
TEAM = selectors.TEAM_RIGHT


def _parse_date(raw: str | None, default: date) -> date:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return default


def _int(raw: str | None) -> int | None:
    try:
        return int(raw or "")
    except ValueError:
        return None


def _reader(request: HttpRequest) -> None:
    """Logs and reports are for their writers and the team's readers."""
    user = request.user
    if not (user.has_right(WRITE) or user.has_right(TEAM)):
        raise DjangoPermissionDenied


def _worklog(request: HttpRequest, worklog_id: int) -> WorkLog:
    try:
        return selectors.worklog_get(user=request.user, worklog_id=worklog_id)
    except WorkLog.DoesNotExist:
        raise Http404 from None


def _report(request: HttpRequest, report_id: int) -> WeeklyReport:
    try:
        return selectors.weekly_report_get(user=request.user, report_id=report_id)
    except WeeklyReport.DoesNotExist:
        raise Http404 from None


def _minutes(request: HttpRequest, minutes_id: int) -> MeetingMinutes:
    try:
        return selectors.minutes_get(user=request.user, minutes_id=minutes_id)
    except MeetingMinutes.DoesNotExist:
        raise Http404 from None


# --- my logs and reports -----------------------------------------------------------------


@require_right(WRITE)
def report_home(request: HttpRequest) -> HttpResponse:
    """The rep's page: a quick log for today (or a recent day), own logs and reports."""
    user = request.user
    today = timezone.localdate()
    first, _last = selectors.worklog_window(today)
    day = _parse_date(request.GET.get("date"), today)
    existing = selectors.worklog_for_day(user=user, day=day)
    initial = {"date": day}
    if existing is not None:
        initial.update(content=existing.content, plan=existing.plan)
    form = WorkLogForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.worklog_save(actor=user, day=d["date"], content=d["content"], plan=d["plan"])
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Work log saved."))
            return redirect("activities:report_home")
    logs = Paginator(selectors.worklog_own(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    this_week = selectors.week_start_of(today)
    reports = Paginator(selectors.weekly_report_list(user=user, owner_id=user.pk), 8).get_page(
        request.GET.get("rpage")
    )
    return render(
        request,
        "activities/report_home.html",
        {
            "form": form,
            "existing": existing,
            "day": day,
            "today": today,
            "first_editable": first,
            "logs": logs,
            "reports": reports,
            "this_week": this_week,
            "this_week_report": selectors.weekly_report_for(user=user, week_start=this_week),
            "recent_days": [today - timedelta(days=i) for i in range((today - first).days + 1)],
        },
    )


@require_right(None)
def worklog_detail(request: HttpRequest, worklog_id: int) -> HttpResponse:
    _reader(request)
    log = _worklog(request, worklog_id)
    return render(
        request,
        "activities/worklog_detail.html",
        {
            "log": log,
            "comments": selectors.report_comments(work_log=log),
            "comment_form": CommentForm(),
            "can_edit": selectors.worklog_is_editable(log, request.user),
            "can_comment": log.owner_id == request.user.pk or request.user.has_right(TEAM),
        },
    )


@require_right(WRITE)
def worklog_edit(request: HttpRequest, worklog_id: int) -> HttpResponse:
    log = _worklog(request, worklog_id)
    if log.owner_id != request.user.pk:
        raise Http404
    form = WorkLogForm(
        request.POST or None,
        initial={"date": log.date, "content": log.content, "plan": log.plan},
        fixed_date=True,
    )
    locked = not selectors.worklog_is_editable(log, request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.worklog_update(
                log=log, actor=request.user, content=d["content"], plan=d["plan"]
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Work log saved."))
            return redirect("activities:worklog_detail", worklog_id=log.pk)
    return render(
        request, "activities/worklog_form.html", {"form": form, "log": log, "locked": locked}
    )


@require_right(None)
@require_POST
def worklog_comment(request: HttpRequest, worklog_id: int) -> HttpResponse:
    _reader(request)
    log = _worklog(request, worklog_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.report_comment_add(
                actor=request.user, work_log=log, text=form.cleaned_data["text"]
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Comment added."))
    else:
        messages.error(request, _("Write a comment first."))
    return redirect("activities:worklog_detail", worklog_id=log.pk)


# --- the team ------------------------------------------------------------------------------


def _team_filters(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    department = selectors.team_department_get(
        user=user, department_id=_int(request.GET.get("department"))
    )
    return {"department": department, "departments": selectors.team_departments(user=user)}


@require_right(TEAM)
def report_team(request: HttpRequest) -> HttpResponse:
    """The team's week: reps × days with log presence, and each weekly report's status."""
    user = request.user
    today = timezone.localdate()
    week = selectors.week_start_of(_parse_date(request.GET.get("week"), today))
    filters = _team_filters(request)
    writers = Paginator(
        selectors.report_writers(user=user, department=filters["department"]), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    rows = selectors.team_week_grid(user=user, week_start=week, writers=list(writers))
    return render(
        request,
        "activities/report_team.html",
        {
            "page": writers,
            "rows": rows,
            "week": week,
            "days": selectors.week_days(week),
            "prev_week": week - timedelta(days=7),
            "next_week": week + timedelta(days=7)
            if week < selectors.week_start_of(today)
            else None,
            "today": today,
            **filters,
        },
    )


@require_right(TEAM)
def report_team_day(request: HttpRequest) -> HttpResponse:
    """The team's logs of one day, and who has not written one."""
    user = request.user
    today = timezone.localdate()
    day = _parse_date(request.GET.get("date"), today)
    filters = _team_filters(request)
    result = selectors.team_day(user=user, day=day, department=filters["department"])
    logs = Paginator(result.logs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/worklog_team_day.html",
        {
            "day": day,
            "page": logs,
            "missing": result.missing,
            "prev_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1) if day < today else None,
            **filters,
        },
    )


@require_right(TEAM)
def weekly_list(request: HttpRequest) -> HttpResponse:
    """The team's weekly reports, newest week first; filter by week and status."""
    user = request.user
    try:
        week = selectors.week_start_of(date.fromisoformat(request.GET.get("week") or ""))
    except ValueError:
        week = None
    status = request.GET.get("status", "")
    status = status if status in selectors.WEEKLY_STATUSES else ""
    qs = selectors.weekly_report_list(user=user, week_start=week, status=status).exclude(owner=user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/report_weekly_list.html",
        {"page": page, "week": week, "status": status, "statuses": selectors.WEEKLY_STATUSES},
    )


# --- weekly reports --------------------------------------------------------------------------


@require_right(WRITE)
def weekly_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    this_week = selectors.week_start_of(timezone.localdate())
    week = selectors.week_start_of(_parse_date(request.GET.get("week"), this_week))
    existing = selectors.weekly_report_for(user=user, week_start=week)
    if existing is not None and request.method != "POST":
        return redirect("activities:weekly_detail", report_id=existing.pk)
    form = WeeklyReportForm(request.POST or None, initial={"week_start": week.isoformat()})
    if request.method == "POST" and form.is_valid():
        week = form.cleaned_data["week_start"]
        try:
            report = services.weekly_report_create(actor=user, week_start=week, data=form.to_data())
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Weekly report saved as a draft."))
            return redirect("activities:weekly_detail", report_id=report.pk)
    return render(
        request,
        "activities/report_weekly_form.html",
        {
            "form": form,
            "report": None,
            "week": week,
            "figures": selectors.weekly_figures(owner=user, week_start=week),
        },
    )


@require_right(None)
def weekly_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    _reader(request)
    user = request.user
    report = _report(request, report_id)
    is_author = report.owner_id == user.pk
    return render(
        request,
        "activities/report_weekly_detail.html",
        {
            "report": report,
            "week_end": report.week_start + timedelta(days=6),
            "status": selectors.weekly_status(report),
            "figures": selectors.report_figures(report),
            "comments": selectors.report_comments(weekly_report=report),
            "comment_form": CommentForm(),
            "is_author": is_author,
            "can_edit": is_author and report.submitted_at is None,
            "can_mark_read": not is_author
            and user.has_right(TEAM)
            and report.submitted_at is not None
            and report.read_at is None,
            "can_comment": is_author or (user.has_right(TEAM) and report.submitted_at is not None),
        },
    )


@require_right(WRITE)
def weekly_edit(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    if report.owner_id != request.user.pk:
        raise Http404
    if report.submitted_at is not None:
        messages.error(request, _("The report has been submitted and can no longer be changed."))
        return redirect("activities:weekly_detail", report_id=report.pk)
    form = WeeklyReportForm(
        request.POST or None,
        with_week=False,
        initial={
            "summary": report.summary,
            "problems": report.problems,
            "next_week": report.next_week,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.weekly_report_update(report=report, actor=request.user, data=form.to_data())
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Weekly report saved."))
            return redirect("activities:weekly_detail", report_id=report.pk)
    return render(
        request,
        "activities/report_weekly_form.html",
        {
            "form": form,
            "report": report,
            "week": report.week_start,
            "figures": selectors.report_figures(report),
        },
    )


def _act(request: HttpRequest, action, success: str, report: WeeklyReport) -> HttpResponse:
    try:
        action()
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success)
    return redirect("activities:weekly_detail", report_id=report.pk)


@require_right(WRITE)
@require_POST
def weekly_submit(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    return _act(
        request,
        lambda: services.weekly_report_submit(report=report, actor=request.user),
        _("Weekly report submitted."),
        report,
    )


@require_right(TEAM)
@require_POST
def weekly_mark_read(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    return _act(
        request,
        lambda: services.weekly_report_mark_read(report=report, actor=request.user),
        _("Marked as read."),
        report,
    )


@require_right(None)
@require_POST
def weekly_comment(request: HttpRequest, report_id: int) -> HttpResponse:
    _reader(request)
    report = _report(request, report_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment first."))
        return redirect("activities:weekly_detail", report_id=report.pk)
    return _act(
        request,
        lambda: services.report_comment_add(
            actor=request.user, weekly_report=report, text=form.cleaned_data["text"]
        ),
        _("Comment added."),
        report,
    )


# --- meeting minutes -------------------------------------------------------------------------


@require_right("minutes.read")
def minutes_list(request: HttpRequest) -> HttpResponse:
    filters = _team_filters(request)
    sort = request.GET.get("sort", "-held_on")
    qs = selectors.minutes_list(user=request.user, department=filters["department"], sort=sort)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/minutes_list.html",
        {
            "page": page,
            "sort": sort if sort in selectors.MINUTES_SORTS else "-held_on",
            "can_write": request.user.has_right(selectors.MINUTES_WRITE_RIGHT),
            **filters,
        },
    )


@require_right("minutes.read")
def minutes_detail(request: HttpRequest, minutes_id: int) -> HttpResponse:
    minutes = _minutes(request, minutes_id)
    return render(
        request,
        "activities/minutes_detail.html",
        {
            "minutes": minutes,
            "attendees": minutes.attendees.select_related("department").order_by("username"),
            "can_edit": selectors.minutes_can_edit(minutes=minutes, user=request.user),
        },
    )


@require_right(selectors.MINUTES_WRITE_RIGHT)
def minutes_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial: dict[str, Any] = {"held_on": timezone.localdate()}
    if user.department_id:
        initial["department"] = user.department_id
    form = MinutesForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            minutes = services.minutes_create(actor=user, data=form.to_data())
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Meeting minutes saved."))
            return redirect("activities:minutes_detail", minutes_id=minutes.pk)
    return render(request, "activities/minutes_form.html", {"form": form, "minutes": None})


@require_right(selectors.MINUTES_WRITE_RIGHT)
def minutes_edit(request: HttpRequest, minutes_id: int) -> HttpResponse:
    user = request.user
    minutes = _minutes(request, minutes_id)
    if not selectors.minutes_can_edit(minutes=minutes, user=user):
        raise Http404
    form = MinutesForm(
        request.POST or None,
        user=user,
        initial={
            "department": minutes.department_id,
            "held_on": minutes.held_on,
            "attendees": list(minutes.attendees.values_list("pk", flat=True)),
            "topics": minutes.topics,
            "decisions": minutes.decisions,
            "actions": minutes.actions,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_update(minutes=minutes, actor=user, data=form.to_data())
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Meeting minutes saved."))
            return redirect("activities:minutes_detail", minutes_id=minutes.pk)
    return render(request, "activities/minutes_form.html", {"form": form, "minutes": minutes})
