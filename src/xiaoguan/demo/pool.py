"""Demo public pool (公海, R-CUS-5): a pool for each region with its staff as members; about
30 customers waiting in the pools (released by reps with a reason, or returned by the job
for lack of follow-up), one of them claimed back by a colleague; a key customer locked by
its manager; and customers of the demo rep about to return (warnings in the inbox).

Through the services; only the dates are moved back (created_at, class) so that the job
finds customers old enough to warn and return, as it would after weeks of real use."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone, translation

from xiaoguan.customers.enums import OwnerChangeKind
from xiaoguan.customers.models import Customer, OwnerChange
from xiaoguan.customers.services import pool as pool_services
from xiaoguan.org.models import Department, User

REGIONS = ("HA-E", "HA-S", "HA-N", "HA-W")
RELEASE_REASONS = [
    "客户已选定其他供应商，短期内无采购计划",
    "联系人离职，暂无新对接人",
    "项目已取消",
    "客户位于其他片区，建议转交当地同事",
    "多次联系无回应",
    "客户预算冻结，明年再议",
]


def _reps_of(region: Department) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, department__path__startswith=region.path, roles__code="sales_rep"
        )
        .distinct()
        .order_by("username")
    )


def _age(customer_ids: list[int], created_at: Any) -> None:
    """Date customers (and their creation in the owner history) back, as class C."""
    Customer.objects.filter(pk__in=customer_ids).update(customer_class="C", created_at=created_at)
    OwnerChange.objects.filter(customer_id__in=customer_ids, kind=OwnerChangeKind.CREATED).update(
        at=created_at
    )


def load(users: dict[str, Any], departments: dict[str, Any]) -> int:
    """Create the pools and fill them; returns how many customers are in the pools."""
    with translation.override("zh-hans"):  # stored texts (reasons, inbox) in Chinese
        return _load(users, departments)


def _load(users: dict[str, Any], departments: dict[str, Any]) -> int:
    rnd = random.Random(2026_05)
    now = timezone.now()
    director = users["director"]
    pools = {}
    for code in REGIONS:
        region = departments.get(code)
        if region is not None:
            pools[code] = pool_services.pool_create(
                department=region, actor=director, name=f"{region.name}公海"
            )

    for code in pools:
        region = Department.objects.get(pk=departments[code].pk)
        reps = _reps_of(region)
        if not reps:
            continue
        owned = list(Customer.objects.filter(owner__in=reps, is_active=True).order_by("pk"))
        rnd.shuffle(owned)
        # Released by their owners over the last two months, each with a reason.
        for customer in owned[:4]:
            pool_services.customer_release(
                customer_id=customer.pk,
                actor=customer.owner,
                reason=rnd.choice(RELEASE_REASONS),
                now=now - timedelta(days=rnd.randint(3, 60), hours=rnd.randint(0, 23)),
            )
        # Not followed up: aged, warned and then returned by the job (as on earlier days).
        aged = [c.pk for c in owned[4:7]]
        _age(aged, now - timedelta(days=rnd.randint(100, 140)))
    pool_services.pool_run(now=now - timedelta(days=40))
    pool_services.pool_run(now=now - timedelta(days=30))

    # A colleague claimed one returned customer back from the East pool.
    east = pools.get("HA-E")
    if east is not None:
        returned = Customer.objects.filter(pool=east, owner__isnull=True).order_by("pk").first()
        claimer = users.get("zhaolei")
        if returned is not None and claimer is not None:
            pool_services.customer_claim(
                customer_id=returned.pk, actor=claimer, now=now - timedelta(days=10)
            )
        # Ownerless customers entered by the pool team directly (e.g. from a trade show).
        manager = users.get("manager")
        if manager is not None:
            for customer in Customer.objects.filter(owner=manager).order_by("pk")[:2]:
                pool_services.customer_release(
                    customer_id=customer.pk,
                    actor=manager,
                    reason="展会收集的名单，待分配",
                    now=now - timedelta(days=2),
                )

    # A key customer the East manager keeps with its owner whatever happens.
    rep = users.get("rep")
    manager = users.get("manager")
    if rep is not None and manager is not None:
        mine = list(Customer.objects.filter(owner=rep, is_active=True).order_by("pk"))
        if mine:
            pool_services.customer_lock(
                customer_id=mine[0].pk, actor=manager, reason="重点工程项目跟进中，不退回公海"
            )
        # And three of the rep's customers not followed up for nearly a month: warned today.
        _age([c.pk for c in mine[1:4]], now - timedelta(days=26))
        pool_services.pool_warn_due(now=now)
    return Customer.objects.filter(owner__isnull=True, pool__isnull=False).count()
