"""API of work logs, weekly reports, comments and minutes (/api/v1/activities/reports)."""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

from xiaoguan.activities.models import WeeklyReport, WorkLog
from xiaoguan.activities.selectors import reports as selectors
from xiaoguan.activities.services import reports as services
from xiaoguan.core.models import Notification

BASE = "/api/v1/activities/reports"


def _post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def _put(client, url, data):
    return client.put(url, data=json.dumps(data), content_type="application/json")


def test_worklog_create_update_list(company, login):
    client = login(company.rep_e1)
    today = timezone.localdate()
    r = _post(client, f"{BASE}/logs", {"date": today.isoformat(), "content": "拜访客户"})
    assert r.status_code == 201, r.content
    log_id = r.json()["id"]
    assert r.json()["editable"] is True
    r = _put(client, f"{BASE}/logs/{log_id}", {"content": "拜访两家客户", "plan": "报价"})
    assert r.status_code == 200
    assert WorkLog.objects.get().content == "拜访两家客户"
    r = client.get(f"{BASE}/logs")
    assert r.json()["count"] == 1
    # the future and the locked past: 4xx with a code, nothing saved
    r = _post(
        client, f"{BASE}/logs", {"date": (today + timedelta(days=1)).isoformat(), "content": "x"}
    )
    assert r.status_code == 422 and r.json()["code"] == "report_invalid"
    r = _post(
        client, f"{BASE}/logs", {"date": (today - timedelta(days=9)).isoformat(), "content": "x"}
    )
    assert r.status_code == 409 and r.json()["code"] == "report_locked"
    # owner and department are not accepted
    r = _post(
        client,
        f"{BASE}/logs",
        {"date": today.isoformat(), "content": "x", "owner": company.rep_w1.pk},
    )
    assert r.status_code == 422
    assert WorkLog.objects.count() == 1


def test_scope_and_comments(company, login):
    log = services.worklog_save(actor=company.rep_e1, day=timezone.localdate(), content="东区")
    west = login(company.mgr_west)
    assert west.get(f"{BASE}/logs").json()["count"] == 0
    assert west.get(f"{BASE}/logs/{log.pk}").status_code == 404
    assert _post(west, f"{BASE}/logs/{log.pk}/comments", {"text": "?"}).status_code == 404
    east = login(company.mgr_east)
    r = _post(east, f"{BASE}/logs/{log.pk}/comments", {"text": "好"})
    assert r.status_code == 201
    assert Notification.objects.filter(recipient=company.rep_e1, kind="reports.comment").exists()
    assert len(east.get(f"{BASE}/logs/{log.pk}/comments").json()) == 1
    assert login(company.legal1).get(f"{BASE}/logs").status_code == 403


def test_weekly_report_flow(company, login):
    rep = login(company.rep_e1)
    monday = selectors.week_start_of(timezone.localdate())
    r = _post(
        rep,
        f"{BASE}/weekly",
        {"week_start": (monday + timedelta(days=2)).isoformat(), "summary": "总结"},
    )
    assert r.status_code == 422
    r = _post(rep, f"{BASE}/weekly", {"week_start": monday.isoformat(), "summary": "总结"})
    assert r.status_code == 201, r.content
    report_id = r.json()["id"]
    assert r.json()["status"] == "draft"
    assert len(r.json()["figures"]) >= 5
    r = _put(rep, f"{BASE}/weekly/{report_id}", {"summary": "新总结", "next_week": "计划"})
    assert r.status_code == 200 and r.json()["summary"] == "新总结"
    r = _post(rep, f"{BASE}/weekly/{report_id}/submit", {})
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    r = _put(rep, f"{BASE}/weekly/{report_id}", {"summary": "再改"})
    assert r.status_code == 409 and r.json()["code"] == "report_locked"
    manager = login(company.mgr_east)
    assert manager.get(f"{BASE}/weekly").json()["count"] == 1
    r = _post(manager, f"{BASE}/weekly/{report_id}/read", {})
    assert r.json()["status"] == "read"
    r = _post(manager, f"{BASE}/weekly/{report_id}/comments", {"text": "收到"})
    assert r.status_code == 201
    assert len(manager.get(f"{BASE}/weekly/{report_id}").json()["comments"]) == 1
    assert WeeklyReport.objects.get().figures["items"]
    assert login(company.mgr_west).get(f"{BASE}/weekly/{report_id}").status_code == 404


def test_minutes_api(company, login):
    client = login(company.mgr_east)
    team = company.depts["T-E1"]
    r = _post(
        client,
        f"{BASE}/minutes",
        {
            "department": team.pk,
            "held_on": timezone.localdate().isoformat(),
            "attendees": [company.rep_e1.pk],
            "topics": "周例会",
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["attendees"][0]["id"] == company.rep_e1.pk
    r = _post(
        client,
        f"{BASE}/minutes",
        {
            "department": company.depts["R-W"].pk,
            "held_on": timezone.localdate().isoformat(),
            "topics": "别区",
        },
    )
    assert r.status_code == 422
    assert login(company.rep_e1).get(f"{BASE}/minutes").json()["count"] == 1
    assert login(company.rep_w1).get(f"{BASE}/minutes").json()["count"] == 0
    assert _post(login(company.rep_e1), f"{BASE}/minutes", {}).status_code in (403, 422)


def test_api_lists_have_constant_query_counts(company, login, django_assert_max_num_queries):
    today = timezone.localdate()
    for rep in (company.rep_e1, company.rep_e1b, company.rep_e2):
        for i in range(3):
            services.worklog_save(actor=rep, day=today - timedelta(days=i), content="日志")
        services.weekly_report_create(
            actor=rep,
            week_start=selectors.week_start_of(today),
            data=services.WeeklyReportData(summary="总结"),
        )
    for i in range(4):
        services.minutes_create(
            actor=company.mgr_east,
            data=services.MinutesData(
                department_id=company.depts["T-E1"].pk,
                held_on=today - timedelta(days=7 * i),
                topics="例会",
                attendee_ids=[company.rep_e1.pk],
            ),
        )
    client = login(company.mgr_east)
    for url in (f"{BASE}/logs", f"{BASE}/weekly", f"{BASE}/minutes"):
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200
