"""Periodic job: remind approvers of tasks waiting too long (R-X-4)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from xiaoguan.core import jobs


@jobs.periodic("approvals.remind_waiting", every=timedelta(hours=1))
@shared_task(name="approvals.remind_waiting")
def remind_waiting() -> int:
    from xiaoguan.approvals.services.reminders import approvals_remind_waiting

    return approvals_remind_waiting()
