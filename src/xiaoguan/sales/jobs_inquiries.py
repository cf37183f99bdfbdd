"""Periodic job: remind the owner of an inquiry being bid, without an approved quote, that its
deadline is 3 days and then 1 day away (R-QUO-1, R-X-4). Idempotent (dedupe keys)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from xiaoguan.core import jobs


@jobs.periodic("sales.remind_inquiry_deadlines", every=timedelta(hours=1))
@shared_task(name="sales.remind_inquiry_deadlines")
def remind_inquiry_deadlines() -> int:
    from xiaoguan.sales.services.inquiries import inquiries_remind_deadlines

    return inquiries_remind_deadlines()
