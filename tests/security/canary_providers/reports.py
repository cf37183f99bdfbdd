"""Canaries of the reports part (R-TGT-5): a work log, a weekly report and meeting minutes of
the West canary employee, each carrying the marker; also a comment on the log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

MARKER = "CANARY"


def provide(*, company: Any, emp: Any, values: dict[str, Any]) -> dict[str, Any]:
    from django.utils import timezone

    from xiaoguan.activities.models import MeetingMinutes, ReportComment, WeeklyReport, WorkLog

    today = timezone.localdate()
    log = WorkLog.objects.create(
        owner=emp,
        department=emp.department,
        date=today,
        content=f"{MARKER}-WORKLOG",
        plan=f"{MARKER}-PLAN",
    )
    ReportComment.objects.create(work_log=log, author=company.mgr_west, text=f"{MARKER}-COMMENT")
    report = WeeklyReport.objects.create(
        owner=emp,
        department=emp.department,
        week_start=today - timedelta(days=today.weekday()),
        summary=f"{MARKER}-WEEKLY",
        figures={"items": [{"label": f"{MARKER}-FIGURE", "value": 1}]},
        submitted_at=timezone.now(),
    )
    minutes = MeetingMinutes.objects.create(
        owner=emp, department=emp.department, held_on=today, topics=f"{MARKER}-MINUTES"
    )
    minutes.attendees.set([emp])
    return {"worklog_id": log.pk, "report_id": report.pk, "minutes_id": minutes.pk}
