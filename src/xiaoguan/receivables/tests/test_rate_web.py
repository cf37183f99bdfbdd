"""The collection-rate page: per rep and team, scope, bad periods, rights."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from xiaoguan.receivables.enums import InstalmentStatus
from xiaoguan.receivables.tests.test_aging_support import instalment, make_customer


def test_rate_page_per_rep_and_team(company, login, django_assert_max_num_queries):
    jia = make_customer(company.rep_e1, "杭州甲消防工程有限公司")
    bing = make_customer(company.rep_w1, "成都丙置业有限公司")
    instalment(
        company.rep_e1, jia, "1000.00", date(2026, 6, 10), collected="1000.00",
        status=InstalmentStatus.PAID, paid_on=date(2026, 6, 14),
    )  # fmt: skip
    instalment(company.rep_e1, jia, "1000.00", date(2026, 6, 20))
    instalment(company.rep_w1, bing, "5000.00", date(2026, 6, 5))
    client = login(company.mgr_east)
    params = {"start": "2026-06-01", "end": "2026-06-30"}
    with django_assert_max_num_queries(10):
        response = client.get(reverse("receivables:collection_rate"), params)
    body = response.content.decode()
    assert body.count('data-testid="rate-row"') == 1
    assert "rep_e1" in body and "50.0 %" in body and "4.0" in body
    assert "rep_w1" not in body
    body = client.get(
        reverse("receivables:collection_rate"), {**params, "dimension": "team"}
    ).content.decode()
    assert "华东一组" in body


def test_bad_period_falls_back_to_the_month_with_a_message(company, login):
    response = login(company.gm).get(
        reverse("receivables:collection_rate"), {"start": "2026-06-30", "end": "2026-06-01"}
    )
    assert response.status_code == 200
    assert "The end of the period is before its start." in response.content.decode()


def test_without_the_right_it_is_refused(company, login):
    assert login(company.hr1).get(reverse("receivables:collection_rate")).status_code == 403
