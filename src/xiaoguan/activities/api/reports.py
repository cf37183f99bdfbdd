"""Work logs, weekly reports, comments and meeting minutes (R-TGT-5) under
``/api/v1/activities/reports``: the same scope, rules and messages as the pages. Input schemas
are allow-lists (never owner, department, figures or status)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from xiaoguan.activities.models import MeetingMinutes, ReportComment, WeeklyReport, WorkLog
from xiaoguan.activities.selectors import reports as selectors
from xiaoguan.activities.services import reports as services
from xiaoguan.core.api import require_any_right, require_rights
from xiaoguan.core.errors import NotFound
from xiaoguan.org.models import User

router = Router()

TEXT_MAX = services.TEXT_MAX


def _reader(request: HttpRequest) -> User:
    return require_any_right(request, selectors.WRITE_RIGHT, selectors.TEAM_RIGHT)


class Ref(Schema):
    id: int
    name: str


class CommentOut(Schema):
    id: int
    author: Ref
    text: str
    created_at: datetime


def _comment_out(c: ReportComment) -> CommentOut:
    return CommentOut(
        id=c.pk,
        author=Ref(id=c.author_id, name=str(c.author)),
        text=c.text,
        created_at=c.created_at,
    )


class CommentIn(Schema):
    text: str = Field(..., min_length=1, max_length=TEXT_MAX)

    model_config = {"extra": "forbid"}


# --- work logs ---------------------------------------------------------------------------


class WorkLogOut(Schema):
    id: int
    date: date
    content: str
    plan: str
    owner: Ref
    department: Ref
    editable: bool
    comment_count: int
    created_at: datetime
    updated_at: datetime


def _log_out(log: WorkLog, user: User) -> WorkLogOut:
    return WorkLogOut(
        id=log.pk,
        date=log.date,
        content=log.content,
        plan=log.plan,
        owner=Ref(id=log.owner_id, name=str(log.owner)),
        department=Ref(id=log.department_id, name=log.department.name),
        editable=selectors.worklog_is_editable(log, user),
        comment_count=getattr(log, "comment_count", 0),
        created_at=log.created_at,
        updated_at=log.updated_at,
    )


class WorkLogPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[WorkLogOut]


class WorkLogFilters(Schema):
    owner: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


def _page(qs: Any, page: int, page_size: int) -> tuple[int, list[Any]]:
    start = (page - 1) * page_size
    return qs.count(), list(qs[start : start + page_size])


@router.get("/logs", response=WorkLogPage, summary="Work logs the caller may see (own and team)")
def worklog_list(request, filters: Query[WorkLogFilters]):
    user = _reader(request)
    qs = selectors.worklog_list(
        user=user, owner_id=filters.owner, date_from=filters.date_from, date_to=filters.date_to
    )
    count, rows = _page(qs, filters.page, filters.page_size)
    return WorkLogPage(
        count=count,
        page=filters.page,
        page_size=filters.page_size,
        items=[_log_out(log, user) for log in rows],
    )


class WorkLogIn(Schema):
    date: date
    content: str = Field(..., min_length=1, max_length=TEXT_MAX)
    plan: str = Field("", max_length=TEXT_MAX)

    model_config = {"extra": "forbid"}


class WorkLogUpdate(Schema):
    content: str = Field(..., min_length=1, max_length=TEXT_MAX)
    plan: str = Field("", max_length=TEXT_MAX)

    model_config = {"extra": "forbid"}


def _log(user: User, worklog_id: int) -> WorkLog:
    try:
        return selectors.worklog_list(user=user).get(pk=worklog_id)
    except WorkLog.DoesNotExist:
        raise NotFound() from None


@router.post(
    "/logs",
    response={201: WorkLogOut},
    summary="Write the caller's log of a day (today or within the edit window); "
    "an existing log of that day is updated",
)
def worklog_create(request, payload: WorkLogIn):
    user = require_rights(request, selectors.WRITE_RIGHT)
    log = services.worklog_save(
        actor=user, day=payload.date, content=payload.content, plan=payload.plan
    )
    return Status(201, _log_out(_log(user, log.pk), user))


@router.get("/logs/{worklog_id}", response=WorkLogOut, summary="One work log")
def worklog_detail(request, worklog_id: int):
    user = _reader(request)
    return _log_out(_log(user, worklog_id), user)


@router.put("/logs/{worklog_id}", response=WorkLogOut, summary="Change one's own work log")
def worklog_update(request, worklog_id: int, payload: WorkLogUpdate):
    user = require_rights(request, selectors.WRITE_RIGHT)
    log = _log(user, worklog_id)
    services.worklog_update(log=log, actor=user, content=payload.content, plan=payload.plan)
    return _log_out(_log(user, worklog_id), user)


@router.get(
    "/logs/{worklog_id}/comments", response=list[CommentOut], summary="Comments on a work log"
)
def worklog_comments(request, worklog_id: int):
    user = _reader(request)
    log = _log(user, worklog_id)
    return [_comment_out(c) for c in selectors.report_comments(work_log=log)]


@router.post(
    "/logs/{worklog_id}/comments",
    response={201: CommentOut},
    summary="Comment on a work log (the author is told)",
)
def worklog_comment(request, worklog_id: int, payload: CommentIn):
    user = _reader(request)
    log = _log(user, worklog_id)
    comment = services.report_comment_add(actor=user, work_log=log, text=payload.text)
    return Status(201, _comment_out(comment))


# --- weekly reports ----------------------------------------------------------------------


class FigureOut(Schema):
    label: str
    value: Any


class WeeklyReportOut(Schema):
    id: int
    week_start: date
    owner: Ref
    department: Ref
    status: str
    summary: str
    problems: str
    next_week: str
    figures: list[FigureOut]
    submitted_at: datetime | None
    read_at: datetime | None
    comments: list[CommentOut]


def _report_out(report: WeeklyReport, *, full: bool = True) -> WeeklyReportOut:
    return WeeklyReportOut(
        id=report.pk,
        week_start=report.week_start,
        owner=Ref(id=report.owner_id, name=str(report.owner)),
        department=Ref(id=report.department_id, name=report.department.name),
        status=selectors.weekly_status(report),
        summary=report.summary,
        problems=report.problems,
        next_week=report.next_week,
        figures=[FigureOut(**f) for f in selectors.report_figures(report)] if full else [],
        submitted_at=report.submitted_at,
        read_at=report.read_at,
        comments=[_comment_out(c) for c in selectors.report_comments(weekly_report=report)]
        if full
        else [],
    )


class WeeklyReportPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[WeeklyReportOut]


class WeeklyReportFilters(Schema):
    owner: int | None = None
    week_start: date | None = None
    status: str = Field("", pattern="^(|draft|submitted|read)$")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


@router.get(
    "/weekly",
    response=WeeklyReportPage,
    summary="Weekly reports the caller may see (figures and comments only in the detail)",
)
def weekly_list(request, filters: Query[WeeklyReportFilters]):
    user = _reader(request)
    qs = selectors.weekly_report_list(
        user=user, owner_id=filters.owner, week_start=filters.week_start, status=filters.status
    )
    count, rows = _page(qs, filters.page, filters.page_size)
    return WeeklyReportPage(
        count=count,
        page=filters.page,
        page_size=filters.page_size,
        items=[_report_out(r, full=False) for r in rows],
    )


def _report(user: User, report_id: int) -> WeeklyReport:
    try:
        return selectors.weekly_report_get(user=user, report_id=report_id)
    except WeeklyReport.DoesNotExist:
        raise NotFound() from None


@router.get("/weekly/{report_id}", response=WeeklyReportOut, summary="One weekly report")
def weekly_detail(request, report_id: int):
    user = _reader(request)
    return _report_out(_report(user, report_id))


class WeeklyReportIn(Schema):
    week_start: date
    summary: str = Field(..., min_length=1, max_length=TEXT_MAX)
    problems: str = Field("", max_length=TEXT_MAX)
    next_week: str = Field("", max_length=TEXT_MAX)

    model_config = {"extra": "forbid"}


class WeeklyReportUpdate(Schema):
    summary: str = Field(..., min_length=1, max_length=TEXT_MAX)
    problems: str = Field("", max_length=TEXT_MAX)
    next_week: str = Field("", max_length=TEXT_MAX)

    model_config = {"extra": "forbid"}


@router.post(
    "/weekly",
    response={201: WeeklyReportOut},
    summary="Start the caller's report of a week (week_start: a Monday), as a draft",
)
def weekly_create(request, payload: WeeklyReportIn):
    user = require_rights(request, selectors.WRITE_RIGHT)
    report = services.weekly_report_create(
        actor=user,
        week_start=payload.week_start,
        data=services.WeeklyReportData(
            summary=payload.summary, problems=payload.problems, next_week=payload.next_week
        ),
    )
    return Status(201, _report_out(_report(user, report.pk)))


@router.put("/weekly/{report_id}", response=WeeklyReportOut, summary="Change a draft report")
def weekly_update(request, report_id: int, payload: WeeklyReportUpdate):
    user = require_rights(request, selectors.WRITE_RIGHT)
    services.weekly_report_update(
        report=_report(user, report_id),
        actor=user,
        data=services.WeeklyReportData(**payload.model_dump()),
    )
    return _report_out(_report(user, report_id))


@router.post(
    "/weekly/{report_id}/submit",
    response=WeeklyReportOut,
    summary="Submit: figures are frozen and the report becomes read-only",
)
def weekly_submit(request, report_id: int):
    user = require_rights(request, selectors.WRITE_RIGHT)
    services.weekly_report_submit(report=_report(user, report_id), actor=user)
    return _report_out(_report(user, report_id))


@router.post(
    "/weekly/{report_id}/read", response=WeeklyReportOut, summary="The manager marks it read"
)
def weekly_mark_read(request, report_id: int):
    user = require_rights(request, selectors.TEAM_RIGHT)
    services.weekly_report_mark_read(report=_report(user, report_id), actor=user)
    return _report_out(_report(user, report_id))


@router.post(
    "/weekly/{report_id}/comments",
    response={201: CommentOut},
    summary="Comment on a weekly report (the author is told)",
)
def weekly_comment(request, report_id: int, payload: CommentIn):
    user = _reader(request)
    comment = services.report_comment_add(
        actor=user, weekly_report=_report(user, report_id), text=payload.text
    )
    return Status(201, _comment_out(comment))


# --- meeting minutes ---------------------------------------------------------------------


class MinutesOut(Schema):
    id: int
    department: Ref
    held_on: date
    attendees: list[Ref]
    topics: str
    decisions: str
    actions: str
    owner: Ref
    created_at: datetime
    updated_at: datetime


def _minutes_out(m: MeetingMinutes) -> MinutesOut:
    return MinutesOut(
        id=m.pk,
        department=Ref(id=m.department_id, name=m.department.name),
        held_on=m.held_on,
        attendees=[Ref(id=u.pk, name=str(u)) for u in m.attendees.all()],
        topics=m.topics,
        decisions=m.decisions,
        actions=m.actions,
        owner=Ref(id=m.owner_id, name=str(m.owner)),
        created_at=m.created_at,
        updated_at=m.updated_at,
    )


class MinutesPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[MinutesOut]


class MinutesFilters(Schema):
    department: int | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/minutes", response=MinutesPage, summary="Meeting minutes the caller may read")
def minutes_list(request, filters: Query[MinutesFilters]):
    user = require_rights(request, "minutes.read")
    department = selectors.team_department_get(user=user, department_id=filters.department)
    if filters.department and department is None:
        return MinutesPage(count=0, page=filters.page, page_size=filters.page_size, items=[])
    qs = selectors.minutes_list(user=user, department=department).prefetch_related("attendees")
    count, rows = _page(qs, filters.page, filters.page_size)
    return MinutesPage(
        count=count,
        page=filters.page,
        page_size=filters.page_size,
        items=[_minutes_out(m) for m in rows],
    )


@router.get("/minutes/{minutes_id}", response=MinutesOut, summary="One meeting's minutes")
def minutes_detail(request, minutes_id: int):
    user = require_rights(request, "minutes.read")
    try:
        return _minutes_out(selectors.minutes_get(user=user, minutes_id=minutes_id))
    except MeetingMinutes.DoesNotExist:
        raise NotFound() from None


class MinutesIn(Schema):
    department: int
    held_on: date
    attendees: list[int] = Field(default_factory=list, max_length=200)
    topics: str = Field(..., min_length=1, max_length=TEXT_MAX)
    decisions: str = Field("", max_length=TEXT_MAX)
    actions: str = Field("", max_length=TEXT_MAX)

    model_config = {"extra": "forbid"}


@router.post("/minutes", response={201: MinutesOut}, summary="Record a team meeting")
def minutes_create(request, payload: MinutesIn):
    user = require_rights(request, selectors.MINUTES_WRITE_RIGHT)
    minutes = services.minutes_create(
        actor=user,
        data=services.MinutesData(
            department_id=payload.department,
            held_on=payload.held_on,
            topics=payload.topics,
            decisions=payload.decisions,
            actions=payload.actions,
            attendee_ids=payload.attendees,
        ),
    )
    return Status(201, _minutes_out(selectors.minutes_get(user=user, minutes_id=minutes.pk)))
