"""Demo leads (R-CUS-4): about 60 leads from trade shows, the website, campaigns, phone calls
and referrals, in every status. Marketing and the assistant enter leads and the director
or the region managers assign them; reps enter their own referrals. Some referral leads
missed the follow-up deadline (breaches), some are converted into customers with an
opportunity. Created through the services; deterministic (fixed seed)."""

from __future__ import annotations

import contextlib
import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from xiaoguan.core.errors import ApplicationError
from xiaoguan.customers.enums import DisqualifyReason, Industry, LeadStatus, SourceChannel
from xiaoguan.customers.models import Customer, Lead
from xiaoguan.customers.services.leads import (
    LeadData,
    lead_assign,
    lead_create,
    lead_disqualify,
    lead_mark_contacted,
    lead_qualify,
)

# rep username -> (province, city, city's short name, area code)
REP_CITIES = {
    "rep": ("310000", "310100", "上海", "021"),
    "zhaolei": ("310000", "310100", "上海", "021"),
    "sunli": ("310000", "310100", "上海", "021"),
    "wuqiang": ("330000", "330100", "杭州", "0571"),
    "zhengmin": ("330000", "330100", "杭州", "0571"),
    "hejing": ("440000", "440100", "广州", "020"),
    "linfeng": ("440000", "440100", "广州", "020"),
    "liangying": ("440000", "440300", "深圳", "0755"),
    "machao": ("110000", "110100", "北京", "010"),
    "guoliang": ("120000", "120100", "天津", "022"),
    "fengxue": ("510000", "510100", "成都", "028"),
    "dengkai": ("510000", "510100", "成都", "028"),
}
WORDS = ["远航", "正泰", "华康", "明珠", "绿源", "锦江", "九州", "星辰", "同创", "润发", "凯旋"]
KINDS = [
    ("仓储", Industry.TRANSPORT, "新建冷链仓库消防验收前需要配齐灭火器和消火栓"),
    ("置业", Industry.REAL_ESTATE, "小区 12 栋楼消防设施维保外包"),
    ("精细化工", Industry.PETROCHEMICAL, "罐区泡沫灭火系统改造"),
    ("商业广场", Industry.RETAIL, "商场火灾自动报警系统升级"),
    ("酒店", Industry.HOSPITALITY, "客房感烟探测器更换约 400 只"),
    ("机械制造", Industry.MANUFACTURING, "厂房自动喷水灭火系统新建"),
    ("医院", Industry.HEALTHCARE, "住院楼气体灭火系统（七氟丙烷）"),
    ("学校", Industry.EDUCATION, "校区灭火器年度更换与充装"),
]
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙"]
TITLES = ["经理", "总", "工", "主任"]
REFERRERS = ["老客户恒达物业", "合作设计院", "消防检测站朋友", "老客户华盛建设"]
# (source, count, entered by): marketing's trade shows and campaigns, the assistant's web
# leads and calls, the reps' own referrals.
BATCHES = [
    (SourceChannel.TRADE_SHOW, 16, "marketing"),
    (SourceChannel.CAMPAIGN, 6, "panyue"),
    (SourceChannel.WEB_SEARCH, 12, "assistant"),
    (SourceChannel.PHONE, 6, "assistant"),
    (SourceChannel.REFERRAL, 20, None),
]
# Status plan, cycled per batch: most leads are open, some closed either way.
PLAN = [
    LeadStatus.NEW,
    LeadStatus.CONTACTED,
    LeadStatus.QUALIFIED,
    LeadStatus.NEW,
    LeadStatus.CONVERTED,
    LeadStatus.DISQUALIFIED,
    LeadStatus.CONTACTED,
    LeadStatus.NEW,
    LeadStatus.CONVERTED,
    LeadStatus.QUALIFIED,
]


def load(org: Any) -> int:
    """Create the demo leads; returns how many."""
    from xiaoguan.sales.services.conversion import (
        ConversionData,
        customer_data_from_lead,
        lead_convert,
    )

    rnd = random.Random(4)
    users = org.users
    reps = [users[u] for u in REP_CITIES if u in users]
    if not reps or "director" not in users:
        return 0
    director = users["director"]
    now = timezone.now()
    used: set[str] = set()
    made = 0
    for source, count, entered_by in BATCHES:
        for i in range(count):
            rep = reps[(made * 5 + i) % len(reps)]
            province, city, short, area = REP_CITIES[rep.username]
            kind, industry, demand = rnd.choice(KINDS)
            name = ""
            while not name or name in used:
                name = f"{short}{rnd.choice(WORDS)}{kind}有限公司"
            used.add(name)
            creator = users.get(entered_by) if entered_by else rep
            status = PLAN[made % len(PLAN)]
            age_hours = rnd.randint(2, 24 * 40)
            if source == SourceChannel.REFERRAL and i < 4:
                status, age_hours = LeadStatus.NEW, 30 + i * 12  # missed the deadline
            elif source == SourceChannel.REFERRAL and i < 6:
                status, age_hours = LeadStatus.NEW, 14  # the owner was just reminded
            created = now - timedelta(hours=age_hours + 2)
            phone = (
                f"1{rnd.choice('3589')}{rnd.randint(0, 9)}{rnd.randint(1000_0000, 9999_9999)}"
                if rnd.random() < 0.7
                else f"{area}-{rnd.randint(2000_0000, 8999_9999)}"
            )
            try:
                lead = lead_create(
                    actor=creator,
                    data=LeadData(
                        name=name,
                        source=source,
                        contact_name=f"{rnd.choice(SURNAMES)}{rnd.choice(TITLES)}",
                        phone=phone,
                        province=province,
                        city=city,
                        industry=industry,
                        referrer=rnd.choice(REFERRERS) if source == SourceChannel.REFERRAL else "",
                        demand=demand,
                    ),
                )
            except ApplicationError:
                continue
            Lead.objects.filter(pk=lead.pk).update(created_at=created)
            made += 1
            assigned = created + timedelta(hours=1)
            if creator.pk != rep.pk and not (entered_by and i % 7 == 6):  # a few stay unassigned
                lead_assign(leads=[lead], actor=director, to_user=rep, now=assigned)
            elif source == SourceChannel.REFERRAL:
                assigned = created
            contacted = assigned + timedelta(hours=rnd.randint(1, 20))
            lead = Lead.objects.get(pk=lead.pk)
            if lead.owner_id != rep.pk:
                continue  # waiting for a manager to assign it
            if status in (LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.CONVERTED):
                lead_mark_contacted(lead=lead, actor=rep, now=contacted)
            if status in (LeadStatus.QUALIFIED, LeadStatus.CONVERTED):
                lead_qualify(lead=lead, actor=rep, now=contacted)
            if status == LeadStatus.DISQUALIFIED:
                reason = rnd.choice(
                    [
                        DisqualifyReason.NO_BUDGET,
                        DisqualifyReason.COMPETITOR,
                        DisqualifyReason.NO_NEED,
                    ]
                )
                lead_disqualify(lead=lead, actor=rep, reason=reason, note="")
            if status == LeadStatus.CONVERTED:
                with contextlib.suppress(ApplicationError):
                    lead_convert(
                        actor=rep,
                        lead=lead,
                        data=ConversionData(
                            opportunity_name=f"{kind}消防项目",
                            amount=Decimal(rnd.randint(3, 120) * 5000),
                            expected_close=(now + timedelta(days=rnd.randint(20, 150))).date(),
                            description=demand,
                            customer=customer_data_from_lead(lead),
                        ),
                        now=contacted + timedelta(days=2),
                    )
    _duplicate_examples(org, now)
    return made


def _duplicate_examples(org: Any, now) -> None:
    """Two web leads for companies already on file: the lead page warns of the duplicate."""
    assistant = org.users.get("assistant")
    if assistant is None:
        return
    for customer in Customer.objects.filter(owner__isnull=False).order_by("pk")[:2]:
        try:
            lead = lead_create(
                actor=assistant,
                data=LeadData(
                    name=customer.name,
                    source=SourceChannel.WEB_SEARCH,
                    contact_name="网站留言",
                    demand="官网留言询价：灭火器批量采购",
                    province=customer.province,
                    city=customer.city,
                ),
            )
        except ApplicationError:
            continue
        Lead.objects.filter(pk=lead.pk).update(created_at=now - timedelta(hours=5))
