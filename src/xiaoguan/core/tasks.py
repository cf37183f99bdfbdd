"""Core's periodic tasks (thin: each calls one function)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from xiaoguan.core import jobs


@jobs.periodic("core.idempotency_purge", every=timedelta(hours=1))
@shared_task(name="xiaoguan.core.idempotency_purge")
def idempotency_purge() -> int:
    """Forget stored Idempotency-Key answers older than 24 hours."""
    from xiaoguan.core.idempotency import idempotency_purge as purge

    return purge()
