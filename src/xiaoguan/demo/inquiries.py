"""Demo inquiries and tenders (R-QUO-1): about 25 across the reps, in every status — awaiting
the decision, one large bid waiting for management's approval, being bid (some with the
technical parameters, cost and lead time filled in by the technical and production
departments, some with the tasks still open), no bid, won, lost and cancelled. Made through
the services by the people who would do it; the dates of the closed ones are then moved into
the past. Deterministic (fixed seed)."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from xiaoguan.customers.models import Customer
from xiaoguan.org.department_tasks import department_task_complete
from xiaoguan.sales.enums import InquiryStatus
from xiaoguan.sales.models import Inquiry
from xiaoguan.sales.services.inquiries import (
    TASK_COST,
    TASK_TECHNICAL,
    InquiryData,
    inquiry_cancel,
    inquiry_close,
    inquiry_create,
    inquiry_decide,
    inquiry_request_figures,
)

REPS = [
    "rep",
    "zhaolei",
    "sunli",
    "wuqiang",
    "zhengmin",
    "hejing",
    "linfeng",
    "machao",
    "huting",
    "fengxue",
    "dengkai",
]
SUBJECTS = [
    ("{site}消防改造询价", "inquiry", "phone"),
    ("厂区灭火器年度采购询价", "inquiry", "email"),
    ("{site}自动喷淋系统招标", "tender", "tender_platform"),
    ("火灾自动报警系统升级招标", "tender", "tender_platform"),
    ("室内消火栓箱及水带更新询价", "inquiry", "visit"),
    ("{site}气体灭火系统询价", "inquiry", "referral"),
    ("应急照明及疏散指示改造招标", "tender", "website"),
    ("微型消防站器材配置询价", "inquiry", "phone"),
]
SITES = ["办公大厦", "一号厂房", "物流园", "商业广场", "酒店主楼", "研发中心", "数据机房"]
REQUIREMENTS = [
    "需提供产品3C认证及型式检验报告；含安装调试。",
    "按图纸清单报价，含运输到现场；质保两年。",
    "投标保证金2万元，需现场踏勘；工期60天。",
    "分批供货，首批需在合同签订后15天内到货。",
]
# (final status, count, with tasks: "" | "open" | "done")
PLAN = [
    (InquiryStatus.NEW, 5, ""),
    (InquiryStatus.ESCALATED, 1, ""),
    (InquiryStatus.BIDDING, 3, "done"),
    (InquiryStatus.BIDDING, 2, "open"),
    (InquiryStatus.BIDDING, 3, ""),
    (InquiryStatus.NO_BID, 3, ""),
    (InquiryStatus.WON, 3, "done"),
    (InquiryStatus.LOST, 3, "done"),
    (InquiryStatus.CANCELLED, 2, ""),
]
TECH_NOTES = [
    "MFZ/ABC4 手提式干粉灭火器，4kg，灭火级别 3A 55B；配套 XMDF 箱体。",
    "SN65 室内消火栓，DN65 衬胶水带 25m，QZ19 直流水枪；箱体 1800×700×240。",
    "JTY-GD-G3 点型光电感烟探测器，总线制；配 JB-QB 控制器 1 台。",
    "七氟丙烷气体灭火装置 GQQ120/2.5，防护区 2 个，需压力泄放口。",
]


def _amount(rnd: random.Random, large: bool = False) -> Decimal:
    if large:
        return Decimal(rnd.randint(60, 180) * 10_000)
    return Decimal(rnd.randint(5, 48) * 10_000)


def load(users: dict[str, Any]) -> int:
    if Inquiry.objects.exists():
        return 0
    rnd = random.Random(4401)
    customers_of = {
        username: list(
            Customer.objects.filter(owner=users[username], is_active=True).order_by("pk")[:12]
        )
        for username in REPS
        if username in users
    }
    reps = [u for u in REPS if customers_of.get(u)]
    if not reps:
        return 0
    gm = users["gm"]
    tech = [users[u] for u in ("songzhiyuan", "fanyu") if u in users]
    prod = [users[u] for u in ("xieguoqiang", "xiabin") if u in users]
    now = timezone.now()
    made = 0
    n = 0
    for status, count, tasks in PLAN:
        for _ in range(count):
            username = reps[n % len(reps)]
            rep = users[username]
            customer = customers_of[username][n % len(customers_of[username])]
            title, kind, source = SUBJECTS[n % len(SUBJECTS)]
            n += 1
            manager = rep.manager or gm
            closed = status in (
                InquiryStatus.NO_BID,
                InquiryStatus.WON,
                InquiryStatus.LOST,
                InquiryStatus.CANCELLED,
            )
            deadline = now + timedelta(days=rnd.randint(2, 30), hours=rnd.randint(0, 8))
            inquiry = inquiry_create(
                actor=rep,
                data=InquiryData(
                    customer_id=customer.pk,
                    title=title.format(site=rnd.choice(SITES)),
                    kind=kind,
                    source=source,
                    tender_number=f"ZB{now.year}-{rnd.randint(100, 999)}"
                    if kind == "tender"
                    else "",
                    deadline=deadline,
                    estimated_amount=_amount(rnd, large=status == InquiryStatus.ESCALATED),
                    description=rnd.choice(REQUIREMENTS),
                    opportunity_id=None,
                ),
            )
            made += 1
            if status == InquiryStatus.NEW:
                continue
            if status == InquiryStatus.CANCELLED:
                inquiry_cancel(actor=rep, inquiry=inquiry, note="客户项目取消")
            elif status == InquiryStatus.NO_BID:
                inquiry_decide(
                    actor=manager,
                    inquiry=inquiry,
                    bid=False,
                    reason=rnd.choice(["资质要求不符", "交期无法满足", "价格空间太小"]),
                )
            else:
                inquiry_decide(
                    actor=manager,
                    inquiry=inquiry,
                    bid=True,
                    reason=rnd.choice(["老客户，必须参与", "产品匹配度高", "有利于进入新区域"]),
                )
            if status == InquiryStatus.ESCALATED or status in (
                InquiryStatus.NO_BID,
                InquiryStatus.CANCELLED,
            ):
                _backdate(inquiry, closed=closed, rnd=rnd)
                continue
            if tasks and tech and prod:
                created = inquiry_request_figures(actor=rep, inquiry=inquiry)
                if tasks == "done":
                    for task in created:
                        if task.kind == TASK_TECHNICAL:
                            department_task_complete(
                                actor=rnd.choice(tech),
                                task_id=task.pk,
                                response="已按清单核对选型。",
                                data={"parameters": rnd.choice(TECH_NOTES)},
                            )
                        elif task.kind == TASK_COST:
                            amount = inquiry.estimated_amount or Decimal(100_000)
                            cost = (amount * Decimal(rnd.randint(45, 62)) / 100).quantize(
                                Decimal("0.01")
                            )
                            department_task_complete(
                                actor=rnd.choice(prod),
                                task_id=task.pk,
                                response="按当前原材料价格核算。",
                                data={
                                    "material_cost": str(cost),
                                    "lead_time_days": rnd.choice([15, 20, 25, 30, 45]),
                                },
                            )
            if status == InquiryStatus.WON:
                inquiry_close(actor=rep, inquiry=inquiry, won=True, note="中标，准备签约")
            elif status == InquiryStatus.LOST:
                inquiry_close(
                    actor=rep,
                    inquiry=inquiry,
                    won=False,
                    note=rnd.choice(["价格高于竞争对手", "客户选择了其他品牌"]),
                )
            _backdate(inquiry, closed=closed, rnd=rnd)
    return made


def _backdate(inquiry: Inquiry, *, closed: bool, rnd: random.Random) -> None:
    """Closed inquiries were registered weeks ago and their deadline has passed."""
    if not closed:
        return
    now = timezone.now()
    created = now - timedelta(days=rnd.randint(30, 120))
    Inquiry.objects.filter(pk=inquiry.pk).update(
        created_at=created, deadline=created + timedelta(days=rnd.randint(10, 25))
    )
