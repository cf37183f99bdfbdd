"""Demo opportunities (R-CUS-8): about 200 fire-equipment deals across the demo customers, in
every stage, with their stage histories; won and lost ones carry notes and reasons. Made
through the opportunity services by each customer's owner; the move dates are then spread
over the past months so the history reads like real work. Deterministic (fixed seed)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from xiaoguan.customers.models import Customer
from xiaoguan.sales.enums import OPEN_STAGES, LostReason, Stage
from xiaoguan.sales.models import Opportunity, StageChange
from xiaoguan.sales.services.opportunities import (
    OpportunityData,
    opportunity_create,
    opportunity_move,
)

TARGET = 200

PROJECTS = [
    ("{site}消防改造", 300_000, 3_000_000),
    ("厂区灭火器年度采购", 50_000, 300_000),
    ("{site}自动喷淋系统", 400_000, 2_500_000),
    ("火灾自动报警系统升级", 200_000, 1_800_000),
    ("室内消火栓箱及水带更新", 60_000, 400_000),
    ("消防器材年度巡检与充装", 50_000, 200_000),
    ("{site}气体灭火系统", 300_000, 2_000_000),
    ("应急照明及疏散指示改造", 80_000, 600_000),
    ("仓库消防设施配套", 150_000, 1_200_000),
    ("{site}防排烟系统改造", 250_000, 1_500_000),
    ("微型消防站器材配置", 50_000, 250_000),
    ("厨房自动灭火装置", 60_000, 350_000),
]
SITES = ["办公大厦", "一号厂房", "物流园", "商业广场", "酒店主楼", "研发中心", "综合楼", "数据机房"]
NOTES = {
    Stage.SOLUTION: ["已现场勘查，出具初步方案", "技术部确认选型", "客户认可方案方向"],
    Stage.QUOTE: ["已发正式报价", "按客户要求调整配置后重新报价", "报价已提交采购部"],
    Stage.NEGOTIATION: ["客户要求降价 5%", "谈付款方式：3-6-1", "等待客户内部审批"],
    Stage.WON: ["签订合同", "中标，准备签约", "客户确认下单"],
    Stage.LOST: ["客户选择了其他品牌", "预算砍掉，项目暂停", "价格未谈拢"],
}
# (final stage, weight): most deals are still open; about a third are closed.
FINAL = [
    (Stage.NEEDS, 22),
    (Stage.SOLUTION, 20),
    (Stage.QUOTE, 18),
    (Stage.NEGOTIATION, 12),
    (Stage.WON, 16),
    (Stage.LOST, 12),
]
PATH = [Stage.NEEDS, Stage.SOLUTION, Stage.QUOTE, Stage.NEGOTIATION]


def _amount(rnd: random.Random, low: int, high: int) -> Decimal:
    value = rnd.randint(low // 1000, high // 1000) * 1000
    return Decimal(max(50_000, min(3_000_000, value)))


def load(org: Any) -> int:
    # Converted leads (loaded before) bring their own opportunities; these are the others.
    if Opportunity.objects.filter(lead__isnull=True).exists():
        return 0
    rnd = random.Random(8808)
    customers = list(
        Customer.objects.filter(owner__isnull=False, is_active=True)
        .select_related("owner")
        .order_by("pk")
    )
    if not customers:
        return 0
    today = timezone.localdate()
    stages, weights = zip(*FINAL, strict=True)
    made = 0
    for i in range(TARGET):
        customer = (
            customers[(i * 7) % len(customers)] if i < len(customers) else rnd.choice(customers)
        )
        owner = customer.owner
        template, low, high = rnd.choice(PROJECTS)
        name = template.format(site=rnd.choice(SITES))
        final = rnd.choices(stages, weights)[0]
        if final in OPEN_STAGES:
            expected = today + timedelta(days=rnd.randint(-20, 240))
        else:
            expected = today - timedelta(days=rnd.randint(5, 200))
        opp = opportunity_create(
            actor=owner,
            data=OpportunityData(
                customer_id=customer.pk,
                name=name,
                amount=_amount(rnd, low, high),
                expected_close=expected,
                description=f"{customer.name}：{name}。",
            ),
        )
        path = PATH[: PATH.index(final) + 1] if final in OPEN_STAGES else PATH[: rnd.randint(1, 4)]
        for stage in path[1:]:
            opp = opportunity_move(
                actor=owner, opportunity=opp, stage=stage, note=rnd.choice(NOTES[stage])
            )
        if final == Stage.WON:
            opp = opportunity_move(
                actor=owner, opportunity=opp, stage=Stage.WON, note=rnd.choice(NOTES[Stage.WON])
            )
        elif final == Stage.LOST:
            opp = opportunity_move(
                actor=owner,
                opportunity=opp,
                stage=Stage.LOST,
                note=rnd.choice(NOTES[Stage.LOST]),
                lost_reason=rnd.choice(LostReason.values),
            )
        _backdate(opp, rnd, expected, closed=final not in OPEN_STAGES)
        made += 1
    return made


def _backdate(opp: Opportunity, rnd: random.Random, expected: date, *, closed: bool) -> None:
    """Spread the stage moves over the weeks before now (a closed deal: before its close)."""
    now = timezone.now()
    end = now
    if closed:
        end = min(now, timezone.make_aware(datetime.combine(expected, time(17, 0))))
    moves = list(StageChange.objects.filter(opportunity=opp).order_by("pk"))
    start = end - timedelta(days=rnd.randint(15, 35) * len(moves))
    at = start
    for index, move in enumerate(moves):
        if closed and index == len(moves) - 1:
            at = end
        StageChange.objects.filter(pk=move.pk).update(at=at)
        at = min(at + timedelta(days=rnd.randint(5, 30), hours=rnd.randint(0, 8)), end)
    Opportunity.objects.filter(pk=opp.pk).update(
        created_at=start, closed_at=end if closed else None
    )
