"""Aging (R-AR-4): buckets by days past due, dimensions, scope, filters, risk flags, sorting,
the policy's buckets and the drill-down."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from xiaoguan.core import policy
from xiaoguan.receivables.enums import DunningKind, InstalmentStatus
from xiaoguan.receivables.selectors.aging import (
    aging_instalments,
    aging_report,
    buckets,
    region_map,
)
from xiaoguan.receivables.tests.test_aging_support import (
    dunning,
    instalment,
    make_customer,
)

AS_OF = date(2026, 6, 30)


def days_ago(n: int) -> date:
    return AS_OF - timedelta(days=n)


@pytest.fixture
def book(company):
    """rep_e1's customer 甲 with one instalment in every bucket; rep_e2's 乙 and rep_w1's 丙
    with one overdue instalment each."""
    jia = make_customer(company.rep_e1, "杭州甲消防工程有限公司", customer_class="A")
    yi = make_customer(company.rep_e2, "宁波乙安防有限公司", customer_class="B")
    bing = make_customer(company.rep_w1, "成都丙置业有限公司")
    e1 = company.rep_e1
    instalment(e1, jia, "100.00", AS_OF + timedelta(days=10))  # not yet due
    instalment(e1, jia, "50.00", AS_OF)  # due today: not yet overdue
    instalment(e1, jia, "200.00", days_ago(1))  # 0-30
    instalment(e1, jia, "300.00", days_ago(30))  # 0-30
    instalment(e1, jia, "400.00", days_ago(31), collected="100.00")  # 31-60: 300 left
    instalment(e1, jia, "600.00", days_ago(90), written_off="100.00")  # 61-90: 500 left
    instalment(e1, jia, "700.00", days_ago(91))  # 91-180
    instalment(e1, jia, "800.00", days_ago(365))  # 181-365
    instalment(e1, jia, "1000.00", days_ago(366))  # over 365
    instalment(e1, jia, "900.00", None)  # waiting for delivery
    # Not receivable: paid, closed, written off.
    instalment(e1, jia, "5000.00", days_ago(40), collected="5000.00", status=InstalmentStatus.PAID)
    instalment(e1, jia, "6000.00", days_ago(40), status=InstalmentStatus.CLOSED)
    instalment(
        e1, jia, "7000.00", days_ago(40), written_off="7000.00", status=InstalmentStatus.WRITTEN_OFF
    )
    instalment(company.rep_e2, yi, "2000.00", days_ago(45))
    instalment(company.rep_w1, bing, "3000.00", days_ago(10))
    return company, jia, yi, bing


def amounts(row):
    return {k: str(v) for k, v in row.amounts.items() if v}


def test_outstanding_falls_into_the_buckets_by_days_past_due(book):
    company, jia, _yi, _bing = book
    # when
    report = aging_report(user=company.rep_e1, dimension="customer", as_of=AS_OF)
    # then
    assert [b.key for b in report.buckets] == [
        "not_due",
        "0-30",
        "31-60",
        "61-90",
        "91-180",
        "181-365",
        "over365",
    ]
    [row] = report.rows
    assert row.key == jia.pk and row.label == jia.name
    assert amounts(row) == {
        "not_due": "150.00",
        "0-30": "500.00",
        "31-60": "300.00",
        "61-90": "500.00",
        "91-180": "700.00",
        "181-365": "800.00",
        "over365": "1000.00",
    }
    assert row.waiting == Decimal("900.00")
    assert row.overdue == Decimal("3800.00")
    assert row.total == Decimal("4850.00")
    assert row.count == 10
    assert report.totals.total == Decimal("4850.00")


def test_rows_per_rep_team_and_region_within_the_scope(book):
    company, *_ = book
    # when: the East manager sees the East region only
    by_rep = aging_report(user=company.mgr_east, dimension="rep", as_of=AS_OF)
    by_team = aging_report(user=company.mgr_east, dimension="team", as_of=AS_OF)
    by_region = aging_report(user=company.gm, dimension="region", as_of=AS_OF)
    # then
    assert {(r.label, str(r.total)) for r in by_rep.rows} == {
        ("rep_e1", "4850.00"),
        ("rep_e2", "2000.00"),
    }
    assert {(r.label, str(r.total)) for r in by_team.rows} == {
        ("华东一组", "4850.00"),
        ("华东二组", "2000.00"),
    }
    assert by_rep.totals.total == Decimal("6850.00")
    # rep_w1 sits in the West region department itself: its own region.
    assert [(r.label, str(r.total)) for r in by_region.rows] == [
        ("华东区", "6850.00"),
        ("西部区", "3000.00"),
    ]
    assert by_region.rows[0].key == company.depts["R-E"].pk
    assert by_region.totals.total == Decimal("9850.00")


def test_a_rep_sees_only_their_own_rows(book):
    company, _jia, _yi, bing = book
    report = aging_report(user=company.rep_w1, dimension="customer", as_of=AS_OF)
    assert [(r.key, str(r.total)) for r in report.rows] == [(bing.pk, "3000.00")]
    assert aging_report(user=company.rep_e1b, dimension="customer", as_of=AS_OF).rows == []


def test_filters_by_owner_department_and_customer_class(book):
    company, jia, yi, _bing = book
    gm = company.gm
    by_owner = aging_report(
        user=gm, dimension="customer", as_of=AS_OF, filters={"owner": company.rep_e2.pk}
    )
    assert [r.key for r in by_owner.rows] == [yi.pk]
    by_dept = aging_report(
        user=gm, dimension="customer", as_of=AS_OF, filters={"department": company.depts["R-E"].pk}
    )
    assert {r.key for r in by_dept.rows} == {jia.pk, yi.pk}
    by_class = aging_report(
        user=gm, dimension="customer", as_of=AS_OF, filters={"customer_class": "A"}
    )
    assert [r.key for r in by_class.rows] == [jia.pk]
    # An owner or department outside the user's scope gives nothing, not their rows.
    outside = aging_report(
        user=company.mgr_east, dimension="rep", as_of=AS_OF, filters={"owner": company.rep_w1.pk}
    )
    assert outside.rows == [] and outside.totals.total == 0
    outside = aging_report(
        user=company.mgr_east,
        dimension="rep",
        as_of=AS_OF,
        filters={"department": company.depts["R-W"].pk},
    )
    assert outside.rows == []


def test_risk_flag_for_debt_beyond_the_bad_debt_days_or_a_lawsuit(book):
    company, jia, yi, bing = book
    # given: 乙 got a lawyer's letter; 丙 nothing
    dunning(company.rep_e2, yi, DunningKind.LAWYERS_LETTER)
    dunning(company.rep_w1, bing, DunningKind.PHONE)
    # when
    rows = {r.key: r for r in aging_report(user=company.gm, dimension="customer", as_of=AS_OF).rows}
    # then
    assert rows[jia.pk].risk and rows[jia.pk].bad_debt == Decimal("1000.00")
    assert not rows[jia.pk].legal
    assert rows[yi.pk].risk and rows[yi.pk].legal and rows[yi.pk].bad_debt == 0
    assert not rows[bing.pk].risk
    # The rep row of 乙 carries the flag too.
    reps = {r.key: r for r in aging_report(user=company.gm, dimension="rep", as_of=AS_OF).rows}
    assert reps[company.rep_e2.pk].risk and not reps[company.rep_w1.pk].risk


def test_bad_debt_days_come_from_the_policy(book):
    company, jia, _yi, _bing = book
    policy.policy_set(key="receivables.bad_debt_days", raw="60", actor=company.gm)
    rows = {r.key: r for r in aging_report(user=company.gm, dimension="customer", as_of=AS_OF).rows}
    # 61-90 (500) + 91-180 (700) + 181-365 (800) + over 365 (1000)
    assert rows[jia.pk].bad_debt == Decimal("3000.00")


def test_buckets_come_from_the_policy(book):
    company, *_ = book
    # when
    policy.policy_set(key="receivables.aging_buckets", raw="45,100", actor=company.gm)
    report = aging_report(user=company.rep_e1, dimension="customer", as_of=AS_OF)
    # then
    assert [b.key for b in report.buckets] == ["not_due", "0-45", "46-100", "over100"]
    assert amounts(report.rows[0]) == {
        "not_due": "150.00",
        "0-45": "800.00",
        "46-100": "1200.00",
        "over100": "1800.00",
    }


@pytest.mark.parametrize("raw", ["60,30", "abc", "0,30", ""])
def test_bucket_policy_refuses_bad_lists(company, raw):
    from xiaoguan.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        policy.policy_set(key="receivables.aging_buckets", raw=raw, actor=company.gm)
    assert [b.key for b in buckets()][1] == "0-30"


def test_sorted_by_an_allowed_column_and_paginated(book):
    company, jia, yi, bing = book
    report = aging_report(user=company.gm, dimension="customer", as_of=AS_OF, sort="-31-60")
    assert [r.key for r in report.rows][:2] == [yi.pk, jia.pk]  # 2,000 then 300
    report = aging_report(user=company.gm, dimension="customer", as_of=AS_OF, sort="total")
    assert [r.key for r in report.rows] == [yi.pk, bing.pk, jia.pk]
    page = aging_report(
        user=company.gm, dimension="customer", as_of=AS_OF, sort="total", offset=1, limit=1
    )
    assert [r.key for r in page.rows] == [bing.pk]
    assert page.row_count == 3 and page.totals.total == Decimal("9850.00")
    # An unknown sort falls back to the largest total first.
    report = aging_report(user=company.gm, dimension="customer", as_of=AS_OF, sort="pk; drop")
    assert report.sort == "-total" and report.rows[0].key == jia.pk


def test_unknown_dimension_is_refused(company):
    with pytest.raises(ValueError):
        aging_report(user=company.gm, dimension="planet")


def test_drill_down_lists_the_instalments_of_one_figure(book):
    company, jia, yi, _bing = book
    # when
    rows = list(
        aging_instalments(
            user=company.rep_e1, dimension="customer", key=jia.pk, bucket="0-30", as_of=AS_OF
        )
    )
    # then: oldest first, with what is left of each
    assert [(i.amount, i.outstanding_amount) for i in rows] == [
        (Decimal("300.00"), Decimal("300.00")),
        (Decimal("200.00"), Decimal("200.00")),
    ]
    waiting = aging_instalments(
        user=company.rep_e1, dimension="customer", key=jia.pk, bucket="waiting", as_of=AS_OF
    )
    assert [str(i.amount) for i in waiting] == ["900.00"]
    overdue = aging_instalments(
        user=company.gm,
        dimension="region",
        key=company.depts["R-E"].pk,
        bucket="overdue",
        as_of=AS_OF,
    )
    assert sum(i.outstanding_amount for i in overdue) == Decimal("5800.00")
    # Someone else's customer: nothing, even with its key.
    assert not aging_instalments(
        user=company.rep_e1, dimension="customer", key=yi.pk, bucket="total", as_of=AS_OF
    ).exists()
    with pytest.raises(ValueError):
        aging_instalments(user=company.gm, dimension="customer", key=jia.pk, bucket="x")


def test_region_of_a_department_is_its_nearest_region_ancestor(company):
    regions = region_map()
    d = company.depts
    assert regions[d["T-E1"].pk] == (d["R-E"].pk, "华东区")
    assert regions[d["R-W"].pk] == (d["R-W"].pk, "西部区")
    assert regions[d["SC"].pk] == (0, "")
    assert regions[d["FIN"].pk] == (0, "")
