"""Demo visits and follow-ups (R-CUS-6): about 1,500 visits over the past twelve months by
the reps to their own customers, with Chinese feedback on fire equipment; follow-ups (most
done, some overdue, some ahead); this week's planned visits; and a few customers visited
three times without progress and without a new plan (they block business trips, R-CUS-7).
Made through the services, replaying each moment; deterministic (fixed seed)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from xiaoguan.activities.enums import VisitKind, VisitResult
from xiaoguan.activities.models import FollowUp
from xiaoguan.activities.services import visits as services
from xiaoguan.customers.models import Contact, Customer

TOTAL_VISITS = 1500
STUCK_CUSTOMERS = 6

TOPICS = [
    (
        "消防设施年检",
        [
            "客户消防设施年检将到期，需要我方出具检测方案",
            "物业工程部确认年检时间，希望一次性完成全楼检测",
            "客户对去年年检的服务满意，愿意续签",
        ],
    ),
    (
        "灭火器更换",
        [
            "部分干粉灭火器压力不足，需要批量更换",
            "客户询问二氧化碳灭火器和干粉灭火器的价格差异",
            "仓库区域灭火器配置不足，需按规范补配",
        ],
    ),
    (
        "喷淋系统改造",
        [
            "厂房扩建，原有喷淋系统需要改造并增加喷头",
            "客户关注改造期间是否影响正常生产",
            "设计院图纸尚未确定，改造预算待审批",
        ],
    ),
    (
        "消防栓维护",
        [
            "室外消火栓锈蚀严重，需整体更换",
            "客户希望签订年度维保合同",
        ],
    ),
    (
        "火灾报警系统升级",
        [
            "报警主机老旧，客户考虑升级为智能消防物联网系统",
            "客户要求提供同类项目案例",
        ],
    ),
    (
        "应急照明与疏散指示",
        [
            "消防验收提出疏散指示不合格，需要整改",
            "客户对集中电源型应急照明有兴趣",
        ],
    ),
]
DEMAND = [
    "",
    "",
    "需求量由200具增加到350具",
    "预算削减约两成，需要重新报价",
    "增加两处新厂区的消防设施需求",
    "改为分两期实施",
]
NEXT = [
    "发送正式报价",
    "安排技术人员现场勘察",
    "约采购部再次沟通",
    "提交样品和检测报告",
    "等待客户内部审批",
    "邀请客户参观工厂",
]
FOLLOW = [
    "发送报价单",
    "确认勘察时间",
    "回访采购负责人",
    "寄送样品",
    "跟进合同审批进度",
    "提交整改方案",
]
OUTCOMES = ["已完成，客户已确认", "客户已收到，等待反馈", "已电话沟通", "已现场确认"]
NO_PROGRESS_FEEDBACK = [
    "客户表示今年暂无预算，暂不考虑",
    "负责人出差，未能见面，只与前台交流",
    "客户仍在比较其他供应商价格，没有新进展",
]
RESULT_WEIGHTS = [
    (VisitResult.PROGRESS, 50),
    (VisitResult.NO_PROGRESS, 35),
    (VisitResult.DEAL, 10),
    (VisitResult.LOST, 5),
]
KIND_WEIGHTS = [
    (VisitKind.ONSITE, 55),
    (VisitKind.PHONE, 25),
    (VisitKind.VIDEO, 10),
    (VisitKind.EXHIBITION, 4),
    (VisitKind.RECEPTION, 6),
]


def _pick(rnd: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rnd.choices(values, weights=weights)[0]


def _moment(rnd: random.Random, now: datetime, days_ago: int) -> datetime:
    day = timezone.localdate(now) - timedelta(days=days_ago)
    while day.weekday() >= 5 and days_ago > 1:  # reps visit on working days
        day -= timedelta(days=1)
    at = datetime.combine(day, time(rnd.randint(9, 17), rnd.choice((0, 15, 30, 45))))
    at = timezone.make_aware(at)
    return min(at, now - timedelta(minutes=30))


def _record(rnd, rep, customer, contacts, at, result, *, with_followup: bool, now):
    topic, lines = rnd.choice(TOPICS)
    feedback = (
        rnd.choice(NO_PROGRESS_FEEDBACK) if result == VisitResult.NO_PROGRESS else rnd.choice(lines)
    )
    met = rnd.sample(contacts, k=min(len(contacts), rnd.randint(0, 2))) if contacts else []
    due = (at + timedelta(days=rnd.randint(3, 21))).date() if with_followup else None
    lat = lng = None
    kind = _pick(rnd, KIND_WEIGHTS)
    if kind == VisitKind.ONSITE and rnd.random() < 0.4:
        lat = round(31.0 + rnd.random() * 9, 6)
        lng = round(104.0 + rnd.random() * 17, 6)
    return services.visit_record(
        actor=rep,
        customer=customer,
        data=services.VisitData(
            kind=kind,
            visited_at=at,
            result=result,
            purpose=topic,
            feedback=feedback,
            demand_change=rnd.choice(DEMAND) if result == VisitResult.PROGRESS else "",
            next_step=rnd.choice(NEXT) if result != VisitResult.LOST else "",
            contact_ids=[c.pk for c in met],
            latitude=lat,
            longitude=lng,
            followup_title=rnd.choice(FOLLOW) if with_followup else "",
            followup_due=due,
        ),
        now=at + timedelta(minutes=5) if at + timedelta(minutes=5) < now else now,
    )


def load(org: Any) -> int:
    """Create the demo visits; returns how many."""
    rnd = random.Random(2027)
    now = timezone.now()
    today = timezone.localdate(now)
    reps = [u for u in org.users.values() if "sales_rep" in {r.code for r in u.roles.all()}]
    reps.sort(key=lambda u: (u.username != "rep", u.username))  # the demo login first
    by_rep: dict[int, list[Customer]] = {}
    for c in Customer.objects.filter(owner__in=reps, is_active=True).order_by("pk"):
        by_rep.setdefault(c.owner_id, []).append(c)
    contacts: dict[int, list[Contact]] = {}
    for p in Contact.objects.filter(customer__owner__in=reps).order_by("pk"):
        contacts.setdefault(p.customer_id, []).append(p)
    pairs = [(rep, c) for rep in reps for c in by_rep.get(rep.pk, [])]
    if not pairs:
        return 0
    # A few customers of different reps stall: three visits in a row without progress.
    stuck = []
    seen_reps: set[int] = set()
    for rep, c in pairs:
        if rep.pk not in seen_reps and len(stuck) < STUCK_CUSTOMERS:
            stuck.append((rep, c))
            seen_reps.add(rep.pk)
    stuck_ids = {c.pk for _rep, c in stuck}
    made = 0
    plan: list[tuple[Any, Customer, int]] = []
    for _ in range(TOTAL_VISITS - 3 * len(stuck)):
        rep, customer = rnd.choice(pairs)
        days_ago = rnd.randint(2, 364)
        if customer.pk in stuck_ids and days_ago < 60:
            days_ago += 60  # the stalled ones: nothing else since their three visits
        plan.append((rep, customer, days_ago))
    plan.sort(key=lambda p: -p[2])  # oldest first, as it happened
    followups = []
    for rep, customer, days_ago in plan:
        at = _moment(rnd, now, days_ago)
        result = _pick(rnd, RESULT_WEIGHTS)
        with_followup = customer.pk not in stuck_ids and rnd.random() < 0.3
        visit = _record(
            rnd,
            rep,
            customer,
            contacts.get(customer.pk, []),
            at,
            result,
            with_followup=with_followup,
            now=now,
        )
        made += 1
        if with_followup:
            followups.append(visit.pk)
    # The stalled customers: their last three visits, each without progress, in the last weeks.
    for rep, customer in stuck:
        for days_ago in (40, 25, 9):
            _record(
                rnd,
                rep,
                customer,
                contacts.get(customer.pk, []),
                _moment(rnd, now, days_ago),
                VisitResult.NO_PROGRESS,
                with_followup=False,
                now=now,
            )
            made += 1
    # Follow-ups whose day has passed are mostly done; some are left overdue.
    for f in FollowUp.objects.filter(visit_id__in=followups).select_related("owner").order_by("pk"):
        if f.due_date < today - timedelta(days=30) or (f.due_date < today and rnd.random() < 0.6):
            done_at = timezone.make_aware(datetime.combine(f.due_date, time(16, 0)))
            services.followup_complete(
                actor=f.owner, followup=f, outcome=rnd.choice(OUTCOMES), now=min(done_at, now)
            )
    # This week's plans, some of them today, and a few stand-alone follow-ups.
    for rep in reps:
        own = [c for c in by_rep.get(rep.pk, []) if c.pk not in stuck_ids]
        for i, customer in enumerate(rnd.sample(own, k=min(len(own), 3))):
            topic, _lines = rnd.choice(TOPICS)
            services.visit_plan(
                actor=rep,
                customer=customer,
                planned_for=today + timedelta(days=0 if i == 0 else rnd.randint(1, 6)),
                purpose=topic,
                kind=VisitKind.ONSITE,
                now=now,
            )
        if own:
            services.followup_create(
                actor=rep,
                customer=rnd.choice(own),
                title=rnd.choice(FOLLOW),
                due_date=today,
                now=now,
            )
    return made
