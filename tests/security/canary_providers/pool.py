"""Canaries of the public pool (R-CUS-5): a West pool named with the marker (its members are
the West region's staff), a customer of the canary employee released into it with a marked
reason, and a second one that stays with its owner, locked with a marked reason."""

from __future__ import annotations

from typing import Any

MARKER = "CANARY"


def provide(*, company: Any, emp: Any, values: dict[str, Any]) -> dict[str, Any]:
    from xiaoguan.customers import services as customers
    from xiaoguan.customers.models import Pool
    from xiaoguan.customers.services import pool as pool_services

    pool = Pool.objects.filter(department=company.depts["R-W"]).first()
    if pool is None:
        pool = pool_services.pool_create(
            department=company.depts["R-W"], actor=company.gm, name=f"{MARKER}-POOL"
        )
    pooled = customers.customer_create(
        actor=emp, data=customers.CustomerData(name=f"{MARKER}-POOL-CUSTOMER")
    )
    pool_services.customer_release(
        customer_id=pooled.pk, actor=emp, reason=f"{MARKER}-RELEASE-REASON"
    )
    locked = customers.customer_create(
        actor=emp, data=customers.CustomerData(name=f"{MARKER}-LOCKED-CUSTOMER")
    )
    pool_services.customer_lock(
        customer_id=locked.pk, actor=company.mgr_west, reason=f"{MARKER}-LOCK-REASON"
    )
    return {"pool_id": pool.pk}
