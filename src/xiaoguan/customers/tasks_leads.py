"""Periodic job of the leads part: remind owners of referral leads not yet contacted and tell
managers of breaches (R-CUS-4, R-X-4). Thin: the service does the work, idempotently."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from xiaoguan.core import jobs


@jobs.periodic("customers.leads_referral_followup", every=timedelta(minutes=30))
@shared_task(name="customers.leads_referral_followup")
def leads_referral_followup() -> int:
    from xiaoguan.customers.services.leads import leads_referral_remind

    return leads_referral_remind()
