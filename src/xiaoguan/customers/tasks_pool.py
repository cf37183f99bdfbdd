"""Periodic job of the public pool (R-CUS-5): warn owners, then return customers not
followed up in time. Idempotent; hourly so that a missed run catches up soon."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from xiaoguan.core import jobs


@jobs.periodic("customers.pool_return", every=timedelta(hours=1))
@shared_task(name="customers.pool_return")
def pool_return() -> dict[str, int]:
    from xiaoguan.customers.services.pool import pool_run

    return pool_run()
