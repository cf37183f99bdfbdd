"""Demo of classification, grades, credit file and customer care (R-CUS-3, R-CUS-9, R-CUS-10):
the reps judge purchase potential, intent and history (so every customer is scored), managers
override a few classes with reasons and grade their customers, finance rates ~40 customers
with limits and investigation notes, some key customers are overdue for a visit, and some
contacts have birthdays in the coming weeks. Through the services; deterministic."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from xiaoguan.customers.models import Contact, Customer
from xiaoguan.customers.services import (
    ContactData,
    classification,
    contact_update,
    credit,
    customer_touch,
)

OVERRIDE_REASONS = [
    ("A", "集团总部统一采购，年框协议在谈，按重点客户维护"),
    ("A", "市重点消防改造工程业主，政府背景，战略意义大"),
    ("B", "规模大但今年预算已冻结，暂按二级客户跟进"),
    ("B", "老客户，采购稳定但量不大"),
    ("C", "实际采购由总包方决定，我方无直接决策权"),
    ("A", "与设计院关系紧密，可带动多个项目"),
    ("C", "经营异常，工商信息显示存在诉讼"),
    ("B", "新开三个门店，需求在增长"),
]
NOTES = [
    "查询国家企业信用信息公示系统：登记状态存续，无行政处罚记录。",
    "走访财务负责人，付款流程约 45 天，历史无拖欠。",
    "中国裁判文书网查到一起买卖合同纠纷（已结案），需关注。",
    "银行账户稳定，注册资本实缴，股东背景为地方国企。",
    "同行反馈该公司付款偏慢，常拖至 90 天以上。",
    "年报显示营收增长 20%，现金流良好。",
    "存在两笔小额逾期，已补交；建议控制授信额度。",
]
RATING_LIMITS = {
    "AAA": (1_000_000, 3_000_000),
    "AA": (500_000, 1_500_000),
    "A": (200_000, 600_000),
    "B": (50_000, 200_000),
    "C": (0, 50_000),
}


def _with_role(users: dict[str, Any], code: str) -> Any:
    for user in sorted(users.values(), key=lambda u: u.username):
        if code in {r.code for r in user.roles.all()}:
            return user
    return None


def _manager_for(customer: Customer, fallback: Any) -> Any:
    manager = customer.owner.manager if customer.owner else None
    if manager is not None and manager.has_right("customers.classify"):
        return manager
    return fallback


def load(org: Any) -> int:
    rnd = random.Random(2027)
    users = org.users
    boss = _with_role(users, "management")
    finance = _with_role(users, "finance")
    customers = list(
        Customer.objects.filter(is_active=True, owner__isnull=False)
        .select_related("owner", "owner__manager")
        .order_by("pk")
    )
    # 1. The reps judge the scoring inputs; the class follows the scoring rule.
    for c in customers:
        size = ("lt50", "50_199", "200_999", "1000_plus").index(c.employee_band or "lt50")
        classification.scoring_inputs_set(
            customer=c,
            actor=c.owner,
            purchase_potential=rnd.choices(["low", "medium", "high"], weights=[3, 4, 1 + size])[0],
            purchase_intent=rnd.choices(["low", "medium", "high", ""], weights=[3, 4, 3, 1])[0],
            purchase_history=rnd.choices(["none", "once", "repeat"], weights=[5, 3, 2])[0],
        )
    customers = list(
        Customer.objects.filter(pk__in=[c.pk for c in customers])
        .select_related("owner", "owner__manager")
        .order_by("pk")
    )
    # 2. Managers override a few classes, with reasons.
    for (klass, reason), c in zip(
        OVERRIDE_REASONS, rnd.sample(customers, len(OVERRIDE_REASONS)), strict=True
    ):
        if c.customer_class != klass and boss is not None:
            classification.class_override(
                customer=c, actor=_manager_for(c, boss), customer_class=klass, reason=reason
            )
    # 3. Grades: mostly the class in force, sometimes one step apart.
    customers = list(
        Customer.objects.filter(pk__in=[c.pk for c in customers])
        .select_related("owner", "owner__manager")
        .order_by("pk")
    )
    for c in customers:
        if boss is None or rnd.random() < 0.1:
            continue  # not graded yet
        grade = c.customer_class or "C"
        if rnd.random() < 0.15:
            grade = {"A": "B", "B": rnd.choice("AC"), "C": "B"}[grade]
        classification.grade_set(customer=c, actor=_manager_for(c, boss), grade=grade)
    # 4. Some key customers are overdue for a visit (last contact 35–70 days ago).
    now = timezone.now()
    key = [c for c in customers if c.customer_class == "A"]
    for c in rnd.sample(key, min(12, len(key))):
        if boss is not None:
            classification.grade_set(customer=c, actor=_manager_for(c, boss), grade="A")
        customer_touch(customer=c, at=now - timedelta(days=rnd.randint(35, 70)))
    # 5. Finance rates ~40 customers, with limits and investigation notes.
    if finance is not None:
        for c in rnd.sample(customers, min(40, len(customers))):
            rating = rnd.choices(["AAA", "AA", "A", "B", "C"], weights=[2, 4, 6, 3, 1])[0]
            low, high = RATING_LIMITS[rating]
            limit = Decimal(rnd.randrange(low, high + 1, 10_000))
            credit.credit_set(
                customer=c, actor=finance, rating=rating, limit=limit, reason="年度资信评估"
            )
            for _i in range(rnd.randint(1, 2)):
                credit.credit_note_add(
                    customer=c,
                    actor=rnd.choice([finance, c.owner]),
                    content=rnd.choice(NOTES),
                    investigated_on=timezone.localdate() - timedelta(days=rnd.randint(5, 200)),
                    rating=rating if rnd.random() < 0.5 else "",
                )
    # 6. Contacts with birthdays in the coming weeks (for the care page and reminders).
    today = timezone.localdate()
    contacts = list(
        Contact.objects.filter(customer__in=customers, is_primary=True)
        .select_related("customer", "customer__owner")
        .order_by("pk")
    )
    for contact in rnd.sample(contacts, min(20, len(contacts))):
        day = today + timedelta(days=rnd.randint(0, 28))
        if (day.month, day.day) == (2, 29):
            day -= timedelta(days=1)
        data = ContactData(
            name=contact.name,
            title=contact.title,
            phone=contact.phone,
            wechat=contact.wechat,
            email=contact.email,
            birthday=day.replace(year=rnd.randint(1965, 1992)),
            is_primary=contact.is_primary,
            notes=contact.notes,
        )
        contact_update(contact=contact, actor=contact.customer.owner, data=data)
    return len(customers)
