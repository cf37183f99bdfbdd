"""Collection rate and timeliness (R-AR-6) per rep and team, and the weekly-report figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from xiaoguan.core import period_figures
from xiaoguan.receivables.enums import InstalmentStatus, ReceiptStatus
from xiaoguan.receivables.selectors.collection_rate import (
    collection_rate,
    person_week_figures,
)
from xiaoguan.receivables.tests.test_aging_support import (
    allocate,
    instalment,
    make_customer,
    receipt,
)

START, END = date(2026, 6, 1), date(2026, 6, 30)


@pytest.fixture
def june(company):
    e1, e2 = company.rep_e1, company.rep_e2
    jia = make_customer(e1, "杭州甲消防工程有限公司")
    yi = make_customer(e2, "宁波乙安防有限公司")
    # Paid on time, paid 10 days late, partly paid before its due date.
    i1 = instalment(
        e1, jia, "1000.00", date(2026, 6, 10), collected="1000.00",
        status=InstalmentStatus.PAID, paid_on=date(2026, 6, 8),
    )  # fmt: skip
    i2 = instalment(
        e1, jia, "2000.00", date(2026, 6, 15), collected="2000.00",
        status=InstalmentStatus.PAID, paid_on=date(2026, 6, 25),
    )  # fmt: skip
    i3 = instalment(e1, jia, "1000.00", date(2026, 6, 20), collected="400.00")
    allocate(receipt(e1, jia, "1000.00", date(2026, 6, 8), allocated="1000.00"), i1, "1000.00")
    allocate(receipt(e1, jia, "2000.00", date(2026, 6, 25), allocated="2000.00"), i2, "2000.00")
    r3 = receipt(e1, jia, "500.00", date(2026, 6, 18), allocated="400.00")
    allocate(r3, i3, "400.00")
    allocate(r3, i3, "100.00", active=False)  # released: does not count
    # Outside the period or closed: not counted.
    instalment(e1, jia, "500.00", date(2026, 7, 5))
    instalment(e1, jia, "3000.00", date(2026, 6, 12), status=InstalmentStatus.CLOSED)
    instalment(e2, yi, "1000.00", date(2026, 6, 5))
    return company, jia, yi


def test_rate_on_time_rate_and_days_late_per_rep(june):
    company, *_ = june
    # when
    result = collection_rate(user=company.mgr_east, start=START, end=END)
    # then
    rows = {r.label: r for r in result.rows}
    e1 = rows["rep_e1"]
    assert (e1.due, e1.collected, e1.on_time) == (
        Decimal("4000.00"),
        Decimal("3400.00"),
        Decimal("1400.00"),
    )
    assert (e1.rate, e1.on_time_rate, e1.average_days_late) == (
        Decimal("85.0"),
        Decimal("35.0"),
        Decimal("5.0"),
    )
    e2 = rows["rep_e2"]
    assert (e2.rate, e2.on_time_rate, e2.average_days_late) == (
        Decimal("0.0"),
        Decimal("0.0"),
        None,
    )
    assert [r.label for r in result.rows] == ["rep_e1", "rep_e2"]  # largest due first
    assert result.totals.due == Decimal("5000.00")
    assert result.totals.rate == Decimal("68.0")


def test_per_team_and_within_the_scope(june):
    company, *_ = june
    teams = collection_rate(user=company.gm, start=START, end=END, dimension="team")
    assert [(r.label, str(r.due)) for r in teams.rows] == [
        ("华东一组", "4000.00"),
        ("华东二组", "1000.00"),
    ]
    own = collection_rate(user=company.rep_e2, start=START, end=END)
    assert [(r.label, str(r.due)) for r in own.rows] == [("rep_e2", "1000.00")]
    assert collection_rate(user=company.rep_w1, start=START, end=END).rows == []
    with pytest.raises(ValueError):
        collection_rate(user=company.gm, start=START, end=END, dimension="planet")


def test_weekly_report_figures_of_a_person(june):
    company, *_ = june
    figures = person_week_figures(
        user=company.rep_e1, start=date(2026, 6, 8), end=date(2026, 6, 14)
    )
    assert [(str(label), value) for label, value in figures] == [
        ("Collected in the week (CNY)", "1,000.00"),
        ("Due in the week (CNY)", "1,000.00"),
        ("Collection rate of what fell due", "100.0 %"),
    ]
    # Registered for the weekly report.
    collected = dict(period_figures.collect(company.rep_e1, date(2026, 6, 8), date(2026, 6, 14)))
    assert collected["Collected in the week (CNY)"] == "1,000.00"


def test_reversed_receipts_are_not_collected_in_the_week(june):
    company, jia, _yi = june
    receipt(
        company.rep_e1, jia, "900.00", date(2026, 6, 9),
        status=ReceiptStatus.REVERSED, reversal_reason="错账",
    )  # fmt: skip
    week = person_week_figures(user=company.rep_e1, start=date(2026, 6, 8), end=date(2026, 6, 14))
    figures = {str(k): v for k, v in week}
    assert figures["Collected in the week (CNY)"] == "1,000.00"
