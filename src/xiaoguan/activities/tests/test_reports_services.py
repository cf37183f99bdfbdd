"""Work logs, weekly reports, comments, minutes and reminders (R-TGT-5): the services."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from xiaoguan.activities.enums import VisitStatus
from xiaoguan.activities.errors import ReportInvalid, ReportLocked
from xiaoguan.activities.models import Visit, WeeklyReport, WorkLog
from xiaoguan.activities.selectors import reports as selectors
from xiaoguan.activities.services import reports as services
from xiaoguan.core import policy
from xiaoguan.core.errors import PermissionDenied
from xiaoguan.core.models import Notification
from xiaoguan.customers.tests.factories import make_customer


def _today():
    return timezone.localdate()


def _monday():
    return selectors.week_start_of(_today())


def _report(user, week_start=None, summary="本周拜访客户三家"):
    return services.weekly_report_create(
        actor=user,
        week_start=week_start or _monday(),
        data=services.WeeklyReportData(summary=summary, problems="", next_week="继续跟进"),
    )


# --- work logs ----------------------------------------------------------------------------


def test_one_log_per_day_a_second_save_updates_it(company):
    # given
    rep = company.rep_e1
    services.worklog_save(actor=rep, day=_today(), content="拜访上海某物业公司")
    # when
    log = services.worklog_save(
        actor=rep, day=_today(), content="改：拜访两家物业公司", plan="报价"
    )
    # then
    assert WorkLog.objects.filter(owner=rep).count() == 1
    log.refresh_from_db()
    assert log.content == "改：拜访两家物业公司"
    assert log.plan == "报价"
    assert log.department == rep.department


def test_database_refuses_two_logs_of_one_day(company):
    from django.db import IntegrityError, transaction

    rep = company.rep_e1
    services.worklog_save(actor=rep, day=_today(), content="甲")
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkLog.objects.create(owner=rep, department=rep.department, date=_today(), content="乙")


def test_edit_window_past_days_allowed_older_locked(company):
    # given: the policy default is 3 days
    rep = company.rep_e1
    # when / then
    services.worklog_save(actor=rep, day=_today() - timedelta(days=3), content="三天前")
    with pytest.raises(ReportLocked) as exc:
        services.worklog_save(actor=rep, day=_today() - timedelta(days=4), content="四天前")
    assert exc.value.fields["date"]
    assert WorkLog.objects.filter(owner=rep).count() == 1


def test_edit_window_follows_the_policy(company):
    policy.policy_set(key="activities.worklog_edit_days", raw=7, actor=company.gm, reason="测试")
    services.worklog_save(
        actor=company.rep_e1, day=_today() - timedelta(days=6), content="六天前的日志"
    )
    assert WorkLog.objects.filter(owner=company.rep_e1).count() == 1


def test_locked_log_cannot_be_changed(company):
    # given: a log written long ago (direct insert: the service would refuse it)
    rep = company.rep_e1
    old = WorkLog.objects.create(
        owner=rep, department=rep.department, date=_today() - timedelta(days=10), content="旧"
    )
    # when / then
    with pytest.raises(ReportLocked):
        services.worklog_update(log=old, actor=rep, content="改旧日志")
    old.refresh_from_db()
    assert old.content == "旧"


def test_future_log_refused(company):
    with pytest.raises(ReportInvalid) as exc:
        services.worklog_save(
            actor=company.rep_e1, day=_today() + timedelta(days=1), content="明天"
        )
    assert "date" in exc.value.fields
    assert not WorkLog.objects.exists()


def test_empty_log_refused_and_someone_elses_log_not_editable(company):
    with pytest.raises(ReportInvalid):
        services.worklog_save(actor=company.rep_e1, day=_today(), content="   ")
    log = services.worklog_save(actor=company.rep_e1, day=_today(), content="甲")
    with pytest.raises(PermissionDenied):
        services.worklog_update(log=log, actor=company.rep_e1b, content="乙")


def test_roles_without_the_right_cannot_write(company):
    with pytest.raises(PermissionDenied):
        services.worklog_save(actor=company.legal1, day=_today(), content="法务日志")


# --- comments -------------------------------------------------------------------------


def test_manager_comment_notifies_the_author(company):
    # given
    log = services.worklog_save(actor=company.rep_e1, day=_today(), content="拜访三家")
    # when
    services.report_comment_add(actor=company.mgr_east, work_log=log, text="跟进报价")
    # then
    note = Notification.objects.get(recipient=company.rep_e1, kind="reports.comment")
    assert str(log.pk) in note.url
    assert note.body == "跟进报价"


def test_author_reply_notifies_the_manager(company):
    log = services.worklog_save(actor=company.rep_e1, day=_today(), content="拜访三家")
    services.report_comment_add(actor=company.rep_e1, work_log=log, text="好的")
    assert Notification.objects.filter(recipient=company.mgr_east, kind="reports.comment").exists()


def test_manager_of_another_region_cannot_comment(company):
    log = services.worklog_save(actor=company.rep_e1, day=_today(), content="拜访三家")
    with pytest.raises(PermissionDenied):
        services.report_comment_add(actor=company.mgr_west, work_log=log, text="?")
    with pytest.raises(PermissionDenied):
        services.report_comment_add(actor=company.rep_e1b, work_log=log, text="?")


# --- weekly reports ------------------------------------------------------------------------


def test_weekly_report_needs_a_monday_and_no_future_week(company):
    with pytest.raises(ReportInvalid):
        _report(company.rep_e1, week_start=_monday() + timedelta(days=1))
    with pytest.raises(ReportInvalid):
        _report(company.rep_e1, week_start=_monday() + timedelta(days=7))
    _report(company.rep_e1)
    with pytest.raises(ReportInvalid):  # one per week
        _report(company.rep_e1)
    assert WeeklyReport.objects.count() == 1


def test_submit_freezes_figures_and_locks_the_report(company):
    # given
    rep = company.rep_e1
    report = _report(rep)
    # when
    services.weekly_report_submit(report=report, actor=rep)
    report.refresh_from_db()
    # then
    assert report.submitted_at is not None
    assert report.figures["items"][0]["value"] == 0
    # a visit recorded after submission does not change the frozen figures
    customer = make_customer(rep, "提交后拜访的客户")
    Visit.objects.create(
        owner=rep,
        department=rep.department,
        customer=customer,
        status=VisitStatus.DONE,
        visited_at=timezone.now(),
    )
    assert selectors.report_figures(report)[0]["value"] == 0
    with pytest.raises(ReportLocked):
        services.weekly_report_update(
            report=report, actor=rep, data=services.WeeklyReportData(summary="改")
        )
    with pytest.raises(ReportLocked):
        services.weekly_report_submit(report=report, actor=rep)
    assert (
        Notification.objects.filter(
            recipient=company.mgr_east, kind="reports.weekly_submitted"
        ).count()
        == 1
    )


def test_manager_marks_read_and_comment_notifies(company):
    rep = company.rep_e1
    report = _report(rep)
    with pytest.raises(ReportInvalid):  # not submitted yet
        services.weekly_report_mark_read(report=report, actor=company.mgr_east)
    services.weekly_report_submit(report=report, actor=rep)
    services.weekly_report_mark_read(report=report, actor=company.mgr_east)
    services.report_comment_add(actor=company.mgr_east, weekly_report=report, text="做得好")
    report.refresh_from_db()
    assert report.read_at is not None
    assert Notification.objects.filter(recipient=rep, kind="reports.comment").count() == 1
    with pytest.raises(PermissionDenied):
        services.weekly_report_mark_read(report=report, actor=company.mgr_west)


# --- reminders -----------------------------------------------------------------------------


def _at(day, hour):
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def test_weekly_reminder_on_friday_afternoon_is_idempotent(company):
    # given: rep_e1 submitted, the others did not
    monday = _monday()
    report = _report(company.rep_e1)
    services.weekly_report_submit(report=report, actor=company.rep_e1)
    friday = monday + timedelta(days=4)
    # when: before the due hour nothing; after it, one reminder each; again nothing new
    assert services.weekly_reminders_run(_at(friday, 16)) == 0
    first = services.weekly_reminders_run(_at(friday, 17))
    second = services.weekly_reminders_run(_at(friday, 18))
    # then
    due = Notification.objects.filter(kind="reports.weekly_due")
    reminded = set(due.values_list("recipient__username", flat=True))
    assert {"rep_e1b", "rep_e2", "rep_w1", "mgr_east", "mgr_west"} <= reminded
    assert "rep_e1" not in reminded
    assert "legal1" not in reminded
    assert first == due.count()
    assert second == 0


def test_monday_morning_managers_get_the_missing_list(company):
    # given: everybody joined long ago; last week, only rep_e1 submitted
    from xiaoguan.org.models import User

    User.objects.update(date_joined=timezone.now() - timedelta(days=60))
    last_monday = _monday() - timedelta(days=7)
    report = _report(company.rep_e1, week_start=last_monday)
    services.weekly_report_submit(report=report, actor=company.rep_e1)
    # when
    services.weekly_reminders_run(_at(_monday(), 8))
    assert not Notification.objects.filter(kind="reports.weekly_missing").exists()
    services.weekly_reminders_run(_at(_monday(), 9))
    services.weekly_reminders_run(_at(_monday(), 10))
    # then
    east = Notification.objects.get(recipient=company.mgr_east, kind="reports.weekly_missing")
    assert "rep_e1b" in east.body and "rep_e2" in east.body
    assert "rep_e1," not in east.body and "rep_w1" not in east.body
    west = Notification.objects.get(recipient=company.mgr_west, kind="reports.weekly_missing")
    assert "rep_w1" in west.body


# --- scope ---------------------------------------------------------------------------------


def test_manager_of_east_does_not_see_west(company):
    services.worklog_save(actor=company.rep_e1, day=_today(), content="东区日志")
    services.worklog_save(actor=company.rep_w1, day=_today(), content="西区日志")
    _report(company.rep_w1)
    east = selectors.worklog_list(user=company.mgr_east)
    assert [log.owner for log in east] == [company.rep_e1]
    assert not selectors.weekly_report_list(user=company.mgr_east).exists()
    writers = {u.username for u in selectors.report_writers(user=company.mgr_east)}
    assert writers == {"rep_e1", "rep_e1b", "rep_e2"}
    day = selectors.team_day(user=company.mgr_east, day=_today())
    assert {u.username for u in day.missing} == {"rep_e1b", "rep_e2"}
    assert selectors.worklog_list(user=company.rep_e1b).count() == 0


# --- minutes -------------------------------------------------------------------------------


def _minutes(actor, department, attendees, **kw):
    return services.minutes_create(
        actor=actor,
        data=services.MinutesData(
            department_id=department.pk,
            held_on=kw.get("held_on", _today()),
            topics="本周业绩回顾",
            decisions="加大老客户回访",
            actions="张三：周五前提交报价",
            attendee_ids=[u.pk for u in attendees],
        ),
    )


def test_minutes_members_read_others_do_not(company):
    d = company.depts
    minutes = _minutes(company.mgr_east, d["T-E1"], [company.rep_e1, company.rep_e1b])
    assert list(minutes.attendees.order_by("username")) == [company.rep_e1, company.rep_e1b]
    assert selectors.minutes_list(user=company.rep_e1).count() == 1  # member
    assert selectors.minutes_list(user=company.rep_e2).count() == 0  # other team
    assert selectors.minutes_list(user=company.mgr_west).count() == 0
    assert selectors.minutes_list(user=company.director).count() == 1
    assert not selectors.minutes_can_edit(minutes=minutes, user=company.rep_e1)


def test_minutes_attendees_must_be_team_members_and_team_in_scope(company):
    d = company.depts
    with pytest.raises(ReportInvalid) as exc:
        _minutes(company.mgr_east, d["T-E1"], [company.rep_e2])
    assert "attendees" in exc.value.fields
    with pytest.raises(ReportInvalid):
        _minutes(company.mgr_east, d["R-W"], [])
    with pytest.raises(ReportInvalid):
        _minutes(company.mgr_east, d["T-E1"], [], held_on=_today() + timedelta(days=1))
    with pytest.raises(PermissionDenied):
        _minutes(company.rep_e1, d["T-E1"], [])
