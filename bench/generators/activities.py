"""Visits and opportunities over the bench customers: 50,000 visits and 5,000 opportunities
per scale unit (1,000,000 / 100,000 at scale 20).

Visits fall on ~80 % of the customers (1-10 each, dated between the customer's creation and
today, 90 % done, the rest planned or cancelled), then every customer's ``last_contact_at``
is set to its latest done visit (none: never contacted), so the list's last-contact filter
sees realistic data. Written with ``bulk_create`` in chunks, no change history; every bench
row's text starts with ``NOTES_MARK``.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from bench.gen import GenContext, step
from bench.generators.customers import NOTES_MARK

VISITS_PER_SCALE = 50_000
OPPORTUNITIES_PER_SCALE = 5_000
CHUNK = 10_000
PURPOSES = (
    "年度维保洽谈",
    "新项目需求了解",
    "报价跟进",
    "设备巡检回访",
    "合同条款沟通",
    "演示新产品",
)
FEEDBACK = ("对价格有顾虑", "需要内部审批", "希望提供方案", "满意当前服务", "等待预算下达", "")
NEXT_STEPS = ("发送报价", "安排技术交流", "两周后回访", "提交方案", "邀请参观工厂", "")
OPP_WORDS = ("消防系统改造", "灭火器采购", "火灾报警维保", "喷淋系统新建", "应急照明更换")


def _bench_visits(ctx: GenContext) -> bool:
    from xiaoguan.activities.models import Visit

    return Visit.objects.filter(purpose__startswith=NOTES_MARK).exists()


def _bench_opportunities(ctx: GenContext) -> bool:
    from xiaoguan.sales.models import Opportunity

    return Opportunity.objects.filter(number__startswith="BENCH-").exists()


def _customers():
    from bench.generators.customers import _bench_customers

    return list(
        _bench_customers()
        .order_by("pk")
        .values_list("pk", "owner_id", "department_id", "created_at")
    )


@step(
    "visits",
    f"{VISITS_PER_SCALE:,} visits per scale unit; customers' last contact from them",
    done=_bench_visits,
)
def generate_visits(ctx: GenContext) -> dict[str, int]:
    from django.db import connection
    from django.utils import timezone

    from xiaoguan.activities.models import Visit

    rng = ctx.rng
    customers = _customers()
    if not customers:
        raise RuntimeError("no bench customers: run the customers step first")
    now = timezone.now().replace(microsecond=0)
    total = VISITS_PER_SCALE * ctx.scale
    visited = [c for c in customers if rng.random() < 0.8]
    created_field = Visit._meta.get_field("created_at")
    created_field.auto_now_add = False
    made = 0
    batch: list[Visit] = []
    try:
        while made < total:
            pk, owner_id, department_id, created = visited[rng.randrange(len(visited))]
            span = max(1, int((now - created).total_seconds() // 60))
            at = created + timedelta(minutes=rng.randint(0, span))
            roll = rng.random()
            status = "done" if roll < 0.9 else ("planned" if roll < 0.97 else "cancelled")
            batch.append(
                Visit(
                    customer_id=pk,
                    owner_id=owner_id,
                    department_id=department_id,
                    status=status,
                    kind=rng.choice(("onsite", "onsite", "phone", "video", "exhibition")),
                    planned_for=at.date(),
                    visited_at=at if status == "done" else None,
                    purpose=f"{NOTES_MARK}{rng.choice(PURPOSES)}",
                    feedback=rng.choice(FEEDBACK),
                    result=rng.choice(("progress", "no_progress", "no_progress", "deal"))
                    if status == "done"
                    else "",
                    next_step=rng.choice(NEXT_STEPS),
                    created_at=at,
                )
            )
            made += 1
            if len(batch) >= CHUNK:
                Visit.objects.bulk_create(batch, batch_size=2000)
                batch = []
        if batch:
            Visit.objects.bulk_create(batch, batch_size=2000)
    finally:
        created_field.auto_now_add = True
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE customers_customer c SET last_contact_at = v.last
            FROM (
                SELECT customer_id, max(visited_at) AS last FROM activities_visit
                WHERE status = 'done' GROUP BY customer_id
            ) v
            WHERE v.customer_id = c.id
            """
        )
        cursor.execute(
            """
            UPDATE customers_customer c SET last_contact_at = NULL
            WHERE c.notes LIKE %s AND c.last_contact_at IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM activities_visit v
                WHERE v.customer_id = c.id AND v.status = 'done'
            )
            """,
            [NOTES_MARK + "%"],
        )
    return {"visits": made}


@step(
    "opportunities",
    f"{OPPORTUNITIES_PER_SCALE:,} opportunities per scale unit",
    done=_bench_opportunities,
)
def generate_opportunities(ctx: GenContext) -> dict[str, int]:
    from django.utils import timezone

    from xiaoguan.sales.models import Opportunity

    rng = ctx.rng
    customers = _customers()
    if not customers:
        raise RuntimeError("no bench customers: run the customers step first")
    today = timezone.localdate()
    total = OPPORTUNITIES_PER_SCALE * ctx.scale
    stages = ("needs", "solution", "quote", "negotiation", "won", "lost")
    probability = {"needs": 10, "solution": 30, "quote": 50, "negotiation": 70, "won": 100}
    batch = []
    for i in range(total):
        pk, owner_id, department_id, _created = customers[rng.randrange(len(customers))]
        stage = rng.choice(stages)
        closed = stage in ("won", "lost")
        batch.append(
            Opportunity(
                number=f"BENCH-{i + 1:08d}",
                name=f"{rng.choice(OPP_WORDS)}项目",
                customer_id=pk,
                owner_id=owner_id,
                department_id=department_id,
                stage=stage,
                amount=Decimal(rng.randint(5, 2000) * 1000),
                probability=probability.get(stage, 0),
                expected_close=today + timedelta(days=rng.randint(-180, 270)),
                lost_reason="price" if stage == "lost" else "",
                closed_at=timezone.now() - timedelta(days=rng.randint(1, 300)) if closed else None,
                description=NOTES_MARK,
            )
        )
    Opportunity.objects.bulk_create(batch, batch_size=2000)
    return {"opportunities": total}
