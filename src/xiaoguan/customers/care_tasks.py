"""Periodic job: customer-care reminders (R-CUS-10); idempotent through dedupe keys."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from xiaoguan.core import jobs


@jobs.periodic("customers.care_reminders", every=timedelta(hours=6))
@shared_task(name="customers.care_reminders")
def care_reminders() -> int:
    from xiaoguan.customers.services.care import care_send_reminders

    return care_send_reminders()
