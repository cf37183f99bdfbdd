"""Periodic job of the collection part (R-AR-3): reminders before due, on the first day
overdue and of dunning next steps, and the automatic escalation to legal. Idempotent through
the notifications' dedupe keys and the one-open-task-per-customer rule."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from xiaoguan.core import jobs


@jobs.periodic("receivables.collection_reminders", every=timedelta(hours=6))
@shared_task(name="receivables.collection_reminders")
def collection_reminders() -> dict[str, int]:
    from xiaoguan.receivables.services.dunning import collection_send_reminders

    return collection_send_reminders()
