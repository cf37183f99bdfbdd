"""Demo business trips (R-CUS-7) in every state — draft, blocked by the three-visit rule,
overridden, in approval, returned, approved, rejected, reported, cancelled — requested by
the demo reps and decided by their managers through the approval engine. Deterministic."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from xiaoguan.activities.selectors.visits import no_progress_customers
from xiaoguan.activities.services import trips as services
from xiaoguan.approvals.models import ApprovalRequest, ApprovalTask
from xiaoguan.approvals.services import approval_decide
from xiaoguan.customers.models import Customer
from xiaoguan.org.models import User

DESTINATIONS = {
    "HA-E1": ["苏州", "无锡", "南通"],
    "HA-E2": ["宁波", "绍兴", "温州"],
    "HA-S1": ["佛山", "东莞", "珠海"],
    "HA-S2": ["惠州", "中山", "汕头"],
    "HA-N1": ["石家庄", "保定", "唐山"],
    "HA-N2": ["沧州", "廊坊", "秦皇岛"],
    "HA-W1": ["绵阳", "德阳", "宜宾"],
}
PURPOSES = [
    "拜访重点客户，洽谈消防设施年检及维保合同",
    "现场勘察厂房喷淋系统改造，确认报价",
    "推进灭火器批量更换项目，与采购部敲定交期",
    "参加客户消防验收，处理整改问题",
]
REPORTS = [
    "与客户设备部确认了喷淋系统改造范围，已提交正式报价，预计下月签约。",
    "完成两家客户的年检方案沟通，其中一家已同意续签年度维保合同。",
    "客户对灭火器更换方案认可，要求补充检测报告，已安排技术部支持。",
]


def _decide(trip, decision: str, comment: str = "") -> None:
    request = ApprovalRequest.objects.filter(object_id=trip.pk, doc_type="trip").latest("pk")
    task = ApprovalTask.objects.filter(request=request, status="pending").first()
    if task is None:
        return
    approval_decide(task_id=task.pk, actor=task.approver, decision=decision, comment=comment)


def load(org: Any) -> int:
    """Create the demo trips; returns how many."""
    rnd = random.Random(2028)
    now = timezone.now()
    today = timezone.localdate(now)
    users = org.users
    services.trip_default_chain_ensure(actor=users["gm"])
    made = 0

    def customers_of(rep, k=2, exclude=()):
        own = list(
            Customer.objects.filter(owner=rep, is_active=True)
            .exclude(pk__in=exclude)
            .order_by("pk")
        )
        blocked = no_progress_customers(customer_ids=[c.pk for c in own], n=3)
        fine = [c for c in own if c.pk not in blocked]
        return rnd.sample(fine, k=min(k, len(fine))), [c for c in own if c.pk in blocked]

    def request(rep, *, start_in: int, days: int, customers, at=None):
        nonlocal made
        team = rep.department.code if rep.department else ""
        start = today + timedelta(days=start_in)
        trip = services.trip_create(
            actor=rep,
            data=services.TripData(
                destination=rnd.choice(DESTINATIONS.get(team, ["南京"])),
                purpose=rnd.choice(PURPOSES),
                start_date=start,
                end_date=start + timedelta(days=days),
                budget=Decimal(rnd.randrange(800, 6000, 100)),
                customer_ids=[c.pk for c in customers],
            ),
            now=at,
        )
        made += 1
        return trip

    def past(days_ago: int) -> datetime:
        return timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(9, 0)))

    # Fresh from the database: the demo org's objects may carry stale department paths.
    reps = list(
        User.objects.filter(
            pk__in=[u.pk for u in users.values()], roles__code="sales_rep", is_active=True
        )
        .select_related("department__head", "manager")
        .distinct()
    )
    reps.sort(key=lambda u: (u.username != "rep", u.username))
    for index, rep in enumerate(reps[:6]):
        picks, blocked = customers_of(rep, k=2)
        if not picks:
            continue
        # Reported: a trip of last month, approved and written up.
        t = request(rep, start_in=-30 - index, days=2, customers=picks, at=past(40 + index))
        services.trip_submit(actor=rep, trip=t, now=past(40 + index))
        _decide(t, "approve")
        services.trip_report(
            actor=rep,
            trip=t,
            report=rnd.choice(REPORTS),
            actual_cost=(t.budget * Decimal("0.9")).quantize(Decimal("0.01")),
        )
        # Approved, coming up.
        t = request(rep, start_in=5 + index, days=1, customers=picks[:1])
        services.trip_submit(actor=rep, trip=t)
        _decide(t, "approve")
        if index % 3 == 0:
            # In approval, waiting for the manager.
            t = request(rep, start_in=10, days=2, customers=picks)
            services.trip_submit(actor=rep, trip=t)
        elif index % 3 == 1:
            # Returned for changes.
            t = request(rep, start_in=12, days=3, customers=picks)
            services.trip_submit(actor=rep, trip=t)
            _decide(t, "return", "预算偏高，请压缩住宿费用后重新提交")
        else:
            # Rejected.
            t = request(rep, start_in=8, days=2, customers=picks[:1])
            services.trip_submit(actor=rep, trip=t)
            _decide(t, "reject", "本月差旅预算已用完，改为电话沟通")
        if index < 2:
            # A draft and a cancelled one.
            request(rep, start_in=20, days=2, customers=picks)
            t = request(rep, start_in=15, days=1, customers=picks[:1])
            services.trip_cancel(actor=rep, trip=t, reason="客户临时调整行程")
        if blocked:
            # A draft caught by the three-visit rule; for the first rep the manager overrode it.
            t = request(rep, start_in=14, days=2, customers=[blocked[0], *picks[:1]])
            if index == 0:
                head = rep.department.head if rep.department.head_id else rep.manager
                if head is not None and head.pk != rep.pk:
                    services.trip_override(
                        actor=head,
                        trip=t,
                        customer_id=blocked[0].pk,
                        reason="客户新任采购经理已约见，值得再跑一次",
                    )
    return made
