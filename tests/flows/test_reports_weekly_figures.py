"""Cross-app flow (R-TGT-5): the weekly report is pre-filled from real visits (activities),
customers (customers) and opportunities (sales, through ``core.period_figures``)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from xiaoguan.activities.enums import VisitResult, VisitStatus
from xiaoguan.activities.models import Visit
from xiaoguan.activities.selectors import reports as selectors
from xiaoguan.activities.services import reports as services
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.sales.enums import Stage
from xiaoguan.sales.models import Opportunity, StageChange


def _report(user, week_start):
    return services.weekly_report_create(
        actor=user,
        week_start=week_start,
        data=services.WeeklyReportData(summary="本周拜访客户三家"),
    )


def test_figures_are_prefilled_from_visits_customers_and_opportunities(company):
    # given: last week's real rows of rep_e1 (and noise of others and other weeks)
    rep = company.rep_e1
    monday = selectors.week_start_of(timezone.localdate()) - timedelta(days=7)
    tz = timezone.get_current_timezone()
    tuesday = datetime.combine(monday + timedelta(days=1), time(10), tzinfo=tz)
    a = make_customer(rep, "上海甲物业管理有限公司")
    b = make_customer(rep, "上海乙商业广场")
    make_customer(company.rep_e1b, "别人的客户")
    from xiaoguan.customers.models import Customer

    Customer.objects.filter(pk__in=[a.pk, b.pk]).update(created_at=tuesday)
    for customer, result in (
        (a, VisitResult.PROGRESS),
        (a, VisitResult.NO_PROGRESS),
        (b, VisitResult.PROGRESS),
    ):
        Visit.objects.create(
            owner=rep,
            department=rep.department,
            customer=customer,
            status=VisitStatus.DONE,
            visited_at=tuesday,
            result=result,
        )
    Visit.objects.create(  # planned, not done: not counted
        owner=rep, department=rep.department, customer=a, status=VisitStatus.PLANNED
    )
    Visit.objects.create(  # done the week before: not counted
        owner=rep,
        department=rep.department,
        customer=a,
        status=VisitStatus.DONE,
        visited_at=tuesday - timedelta(days=7),
    )
    opp = Opportunity.objects.create(
        owner=rep,
        department=rep.department,
        number="OPP-T-1",
        name="消防栓更换",
        customer=a,
        amount=Decimal("120000.00"),
        probability=20,
        expected_close=monday + timedelta(days=30),
    )
    Opportunity.objects.filter(pk=opp.pk).update(created_at=tuesday, stage=Stage.WON)
    for frm, to in (("", Stage.NEEDS), (Stage.NEEDS, Stage.QUOTE), (Stage.QUOTE, Stage.WON)):
        sc = StageChange.objects.create(opportunity=opp, from_stage=frm, to_stage=to, by=rep)
        StageChange.objects.filter(pk=sc.pk).update(at=tuesday)
    # when
    report = _report(rep, week_start=monday)
    figures = {f["label"]: f["value"] for f in selectors.report_figures(report)}
    # then
    values = list(figures.values())
    assert values[0] == 3  # visits done
    assert "上海甲物业管理有限公司" in values[1] and "上海乙商业广场" in values[1]
    assert values[3] == 2  # new customers
    assert "别人的客户" not in values[4]
    assert values[5] == 1  # opportunities created
    assert values[6] == 1  # opportunities moved
    assert values[7] == 1  # won
    assert values[8] == "120,000.00"
