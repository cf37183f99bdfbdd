"""Periodic job: remind writers of weekly reports not submitted by the due day and hour, and
give managers the list of last week's missing reports on Monday morning (R-TGT-5, R-X-4).
Idempotent (dedupe keys)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from xiaoguan.core import jobs


@jobs.periodic("activities.remind_weekly_reports", every=timedelta(hours=1))
@shared_task(name="activities.remind_weekly_reports")
def remind_weekly_reports() -> int:
    from xiaoguan.activities.services.reports import weekly_reminders_run

    return weekly_reminders_run()
