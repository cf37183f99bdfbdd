"""Pages of work logs, weekly reports and minutes: behaviour, scope and query counts."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from xiaoguan.activities.models import MeetingMinutes, WeeklyReport, WorkLog
from xiaoguan.activities.selectors import reports as selectors
from xiaoguan.activities.services import reports as services
from xiaoguan.core.models import Notification


def _today():
    return timezone.localdate()


def _count(response, testid: str) -> int:
    return len(re.findall(rf'data-testid="{testid}"', response.content.decode()))


def _report(user, week_start=None):
    return services.weekly_report_create(
        actor=user,
        week_start=week_start or selectors.week_start_of(_today()),
        data=services.WeeklyReportData(summary="本周拜访五家客户", next_week="跟进报价"),
    )


def test_quick_log_entry_from_the_home_page(company, login):
    client = login(company.rep_e1)
    url = reverse("activities:report_home")
    response = client.get(url)
    assert response.status_code == 200
    assert _count(response, "worklog-form") == 1
    response = client.post(
        url, {"date": _today().isoformat(), "content": "拜访上海某物业", "plan": "报价"}
    )
    assert response.status_code == 302
    assert WorkLog.objects.get(owner=company.rep_e1).content == "拜访上海某物业"
    response = client.get(url)
    assert _count(response, "worklog-row") == 1


def test_future_or_locked_day_shows_a_message_and_saves_nothing(company, login):
    client = login(company.rep_e1)
    url = reverse("activities:report_home")
    for day in (_today() + timedelta(days=1), _today() - timedelta(days=30)):
        response = client.post(url, {"date": day.isoformat(), "content": "x"})
        assert response.status_code == 200
        assert "is-invalid" in response.content.decode()
    assert not WorkLog.objects.exists()


def test_log_detail_edit_and_comment(company, login):
    log = services.worklog_save(actor=company.rep_e1, day=_today(), content="原内容")
    client = login(company.rep_e1)
    response = client.post(
        reverse("activities:worklog_edit", args=[log.pk]),
        {"date": log.date.isoformat(), "content": "新内容", "plan": ""},
    )
    assert response.status_code == 302
    log.refresh_from_db()
    assert log.content == "新内容"
    manager = login(company.mgr_east)
    response = manager.post(
        reverse("activities:worklog_comment", args=[log.pk]), {"text": "不错，继续"}
    )
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=company.rep_e1, kind="reports.comment").exists()
    response = manager.get(reverse("activities:worklog_detail", args=[log.pk]))
    assert _count(response, "comment-row") == 1
    assert _count(response, "worklog-edit") == 0  # the manager reads, does not edit


def test_other_region_and_colleagues_get_404(company, login):
    log = services.worklog_save(actor=company.rep_e1, day=_today(), content="东区")
    report = _report(company.rep_e1)
    for user in (company.mgr_west, company.rep_e1b):
        client = login(user)
        assert client.get(reverse("activities:worklog_detail", args=[log.pk])).status_code == 404
        assert client.get(reverse("activities:weekly_detail", args=[report.pk])).status_code == 404
    assert (
        login(company.legal1).get(reverse("activities:worklog_detail", args=[log.pk])).status_code
        == 403
    )
    assert login(company.rep_e1).get(reverse("activities:report_team")).status_code == 403


def test_weekly_report_create_submit_read_flow(company, login):
    rep = login(company.rep_e1)
    monday = selectors.week_start_of(_today())
    response = rep.get(reverse("activities:weekly_create"))
    assert _count(response, "figure-row") >= 5
    response = rep.post(
        reverse("activities:weekly_create"),
        {
            "week_start": monday.isoformat(),
            "summary": "本周总结",
            "problems": "",
            "next_week": "计划",
        },
    )
    report = WeeklyReport.objects.get(owner=company.rep_e1)
    assert response.status_code == 302
    response = rep.get(reverse("activities:weekly_detail", args=[report.pk]))
    assert _count(response, "weekly-submit") == 1
    rep.post(reverse("activities:weekly_submit", args=[report.pk]))
    report.refresh_from_db()
    assert report.submitted_at is not None
    # read-only now: the edit page sends back, a POST changes nothing
    rep.post(
        reverse("activities:weekly_edit", args=[report.pk]),
        {"summary": "改", "problems": "", "next_week": ""},
    )
    report.refresh_from_db()
    assert report.summary == "本周总结"
    manager = login(company.mgr_east)
    response = manager.get(reverse("activities:weekly_detail", args=[report.pk]))
    assert _count(response, "weekly-mark-read") == 1
    manager.post(reverse("activities:weekly_mark_read", args=[report.pk]))
    manager.post(reverse("activities:weekly_comment", args=[report.pk]), {"text": "收到"})
    report.refresh_from_db()
    assert report.read_at is not None
    assert report.comments.count() == 1


def test_team_grid_shows_presence_and_status(company, login):
    # given
    monday = selectors.week_start_of(_today())
    services.worklog_save(actor=company.rep_e1, day=_today(), content="写了")
    report = _report(company.rep_e1b)
    services.weekly_report_submit(report=report, actor=company.rep_e1b)
    # when
    response = login(company.mgr_east).get(
        reverse("activities:report_team"), {"week": monday.isoformat()}
    )
    # then
    body = response.content.decode()
    assert _count(response, "team-row") == 3  # rep_e1, rep_e1b, rep_e2 (not West)
    assert _count(response, "cell-log") == 1
    assert _count(response, "status-submitted") == 1
    assert "rep_w1" not in body


def test_team_day_lists_who_has_not_written(company, login):
    services.worklog_save(actor=company.rep_e1, day=_today(), content="写了")
    response = login(company.mgr_east).get(reverse("activities:report_team_day"))
    assert _count(response, "team-log") == 1
    assert _count(response, "missing-row") == 2
    east_team = company.depts["T-E2"]
    response = login(company.mgr_east).get(
        reverse("activities:report_team_day"), {"department": east_team.pk}
    )
    assert _count(response, "team-log") == 0
    assert _count(response, "missing-row") == 1


def test_minutes_form_list_detail(company, login):
    client = login(company.mgr_east)
    team = company.depts["T-E1"]
    response = client.post(
        reverse("activities:minutes_create"),
        {
            "department": team.pk,
            "held_on": _today().isoformat(),
            "attendees": [company.rep_e1.pk, company.rep_e1b.pk],
            "topics": "本周业绩",
            "decisions": "",
            "actions": "",
        },
    )
    assert response.status_code == 302
    minutes = MeetingMinutes.objects.get()
    assert minutes.department == team
    # an attendee from another team is refused with a message on the form
    response = client.post(
        reverse("activities:minutes_edit", args=[minutes.pk]),
        {
            "department": team.pk,
            "held_on": _today().isoformat(),
            "attendees": [company.rep_e2.pk],
            "topics": "改",
        },
    )
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    member = login(company.rep_e1)
    assert _count(member.get(reverse("activities:minutes_list")), "minutes-row") == 1
    response = member.get(reverse("activities:minutes_detail", args=[minutes.pk]))
    assert response.status_code == 200
    assert _count(response, "minutes-edit") == 0
    assert (
        login(company.rep_e2)
        .get(reverse("activities:minutes_detail", args=[minutes.pk]))
        .status_code
        == 404
    )


def test_lists_have_constant_query_counts(company, login, django_assert_max_num_queries):
    # given: logs, reports and minutes of the East team over several weeks
    reps = [company.rep_e1, company.rep_e1b, company.rep_e2]
    for i in range(4):
        for rep in reps:
            services.worklog_save(actor=rep, day=_today() - timedelta(days=i), content=f"日志{i}")
    for i in range(3):
        for rep in reps:
            _report(rep, selectors.week_start_of(_today()) - timedelta(days=7 * i))
    for i in range(5):
        services.minutes_create(
            actor=company.mgr_east,
            data=services.MinutesData(
                department_id=company.depts["T-E1"].pk,
                held_on=_today() - timedelta(days=7 * i),
                topics=f"例会{i}",
                attendee_ids=[company.rep_e1.pk, company.rep_e1b.pk],
            ),
        )
    manager = login(company.mgr_east)
    pages = [
        (manager, reverse("activities:report_team"), {}),
        (manager, reverse("activities:report_team_day"), {}),
        (manager, reverse("activities:weekly_list"), {}),
        (manager, reverse("activities:minutes_list"), {}),
    ]
    for client, url, params in pages:
        with django_assert_max_num_queries(14):
            assert client.get(url, params).status_code == 200
    from django.test import Client

    rep = Client()
    rep.force_login(company.rep_e1)
    with django_assert_max_num_queries(16):
        response = rep.get(reverse("activities:report_home"))
    assert _count(response, "worklog-row") == 4


def test_home_panel_for_reps_and_managers(company, login):
    services.worklog_save(actor=company.rep_e1, day=_today(), content="写了")
    response = login(company.rep_e1b).get(reverse("home"))
    assert _count(response, "panel-write-log") == 1
    response = login(company.rep_e1).get(reverse("home"))
    assert _count(response, "panel-logged") == 1
    response = login(company.mgr_east).get(reverse("home"))
    assert re.search(r'data-testid="panel-missing-today">2<', response.content.decode())
    assert _count(login(company.legal1).get(reverse("home")), "reports-panel") == 0
