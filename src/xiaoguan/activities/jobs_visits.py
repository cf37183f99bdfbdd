"""Periodic job: remind reps of follow-ups due today or overdue and of visits planned for
today (R-CUS-6, R-X-4). Idempotent: one reminder per item per day (dedupe keys)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from xiaoguan.core import jobs


@jobs.periodic("activities.remind_visits", every=timedelta(hours=1))
@shared_task(name="activities.remind_visits")
def remind_visits() -> int:
    from xiaoguan.activities.services.visits import visits_remind

    return visits_remind()
