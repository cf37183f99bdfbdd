import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.sales.enums import Stage
from xiaoguan.sales.models import Opportunity, StageChange
from xiaoguan.sales.selectors.opportunities import weighted_pipeline
from xiaoguan.sales.services.opportunities import opportunity_move
from xiaoguan.sales.tests.factories import make_opportunity


def _rows(response) -> int:
    assert response.status_code == 200
    return response.content.decode().count('data-testid="opportunity-row"')


@pytest.fixture
def east(company):
    return {
        "e1": make_customer(company.rep_e1, "上海某大厦物业管理有限公司"),
        "e2": make_customer(company.rep_e2, "杭州某化工厂"),
        "w": make_customer(company.rep_w1, "成都某商业广场"),
    }


def test_list_is_scoped_and_filtered(company, login, east):
    make_opportunity(company.rep_e1, east["e1"], "某某大厦消防改造", amount=Decimal("500000"))
    make_opportunity(
        company.rep_e2, east["e2"], "厂区灭火器年度采购", amount=Decimal("80000"), stage="quote"
    )
    make_opportunity(company.rep_w1, east["w"], "自动喷淋系统")
    url = reverse("sales:opportunity_list")
    assert _rows(login(company.rep_e1).get(url)) == 1
    assert _rows(login(company.mgr_east).get(url)) == 2
    assert _rows(login(company.director).get(url)) == 3
    mgr = login(company.mgr_east)
    assert _rows(mgr.get(url, {"stage": "quote"})) == 1
    assert _rows(mgr.get(url, {"owner": company.rep_e1.pk})) == 1
    assert _rows(mgr.get(url, {"team": company.depts["T-E2"].pk})) == 1
    assert _rows(mgr.get(url, {"amount_min": "100000"})) == 1
    assert _rows(mgr.get(url, {"customer": east["e2"].pk})) == 1
    assert _rows(mgr.get(url, {"close_from": "2027-01-01"})) == 0
    assert _rows(mgr.get(url, {"sort": "-amount"})) == 2
    # a West team or owner is not a filter an East manager may use
    assert _rows(mgr.get(url, {"team": company.depts["R-W"].pk})) == 2  # invalid choice ignored
    assert login(company.finance1).get(url).status_code == 403


def test_list_query_count_is_constant(company, login, east, django_assert_max_num_queries):
    for i in range(30):
        make_opportunity(company.rep_e1, east["e1"], f"第{i}期消防改造")
    client = login(company.mgr_east)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("sales:opportunity_list"))
    assert _rows(response) == 25
    with django_assert_max_num_queries(12):
        response = client.get(reverse("sales:opportunity_list"), {"page": 2, "sort": "-amount"})
    assert _rows(response) == 5


def test_export_is_the_filtered_scope(company, login, east):
    make_opportunity(company.rep_e1, east["e1"], "=HYPERLINK(1)", amount=Decimal("1000"))
    make_opportunity(company.rep_w1, east["w"], "自动喷淋系统")
    response = login(company.rep_e1).get(reverse("sales:opportunity_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_create_from_customer_page_and_edit_with_version(company, login, east):
    client = login(company.rep_e1)
    page = client.get(reverse("customers:detail", args=[east["e1"].pk]))
    assert b'data-testid="customer-opportunities"' in page.content
    assert b'data-testid="customer-opportunity-add"' in page.content
    form_url = reverse("sales:opportunity_create") + f"?customer={east['e1'].pk}"
    assert client.get(form_url).status_code == 200
    response = client.post(
        form_url,
        {
            "customer": east["e1"].pk,
            "name": "某某大厦消防改造",
            "stage": "solution",
            "amount": "350000",
            "expected_close": "2026-12-20",
            "probability": "",
            "owner": company.rep_e2.pk,  # not on the allow-list: ignored
        },
    )
    opp = Opportunity.objects.get()
    assert response.status_code == 302
    assert opp.owner == company.rep_e1 and opp.stage == "solution" and opp.probability == 40
    page = client.get(reverse("customers:detail", args=[east["e1"].pk]))
    assert page.content.decode().count('data-testid="customer-opportunity-row"') == 1
    edit_url = reverse("sales:opportunity_edit", args=[opp.pk])
    data = {"name": "改名", "amount": "1", "expected_close": "2026-12-20", "version": 1}
    assert client.post(edit_url, data).status_code == 302
    stale = client.post(edit_url, {**data, "name": "旧的"})  # still version 1
    assert stale.status_code == 200
    opp.refresh_from_db()
    assert opp.name == "改名" and opp.version == 2


def test_create_refuses_bad_input_and_foreign_customer(company, login, east):
    client = login(company.rep_e1)
    url = reverse("sales:opportunity_create")
    base = {"customer": east["e1"].pk, "name": "x", "amount": "-5", "expected_close": "2026-12-20"}
    response = client.post(url, base)
    assert response.status_code == 200 and b"is-invalid" in response.content
    response = client.post(url, {**base, "amount": "5", "customer": east["w"].pk})
    assert response.status_code == 200
    assert not Opportunity.objects.exists()
    assert client.get(url + f"?customer={east['w'].pk}").status_code == 404


def test_detail_move_and_lost_reason(company, login, east, django_assert_max_num_queries):
    opp = make_opportunity(company.rep_e1, east["e1"])
    client = login(company.rep_e1)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("sales:opportunity_detail", args=[opp.pk]))
    assert page.status_code == 200 and b'data-testid="stage-history-row"' in page.content
    move = reverse("sales:opportunity_move", args=[opp.pk])
    assert client.post(move, {"stage": "lost"}).status_code == 302
    opp.refresh_from_db()
    assert opp.stage == "needs"
    refused = client.post(move, {"stage": "lost"}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "stage_move_invalid"
    ok = client.post(
        move, {"stage": "lost", "lost_reason": "price"}, HTTP_ACCEPT="application/json"
    )
    assert ok.status_code == 200 and ok.json()["stage"] == "lost"
    assert StageChange.objects.filter(opportunity=opp).count() == 2
    # out of scope: 404; without the right: 403
    assert login(company.rep_e1b).post(move, {"stage": "needs", "note": "x"}).status_code == 404
    assert login(company.finance1).post(move, {"stage": "needs"}).status_code == 403


def test_pipeline_board_columns_and_totals(company, login, east, django_assert_max_num_queries):
    make_opportunity(company.rep_e1, east["e1"], "甲", amount=Decimal("100000"))
    make_opportunity(company.rep_e1, east["e1"], "乙", amount=Decimal("200000"), stage="quote")
    make_opportunity(company.rep_e2, east["e2"], "丙", amount=Decimal("300000"), stage="quote")
    won = make_opportunity(company.rep_e2, east["e2"], "丁", amount=Decimal("50000"))
    opportunity_move(actor=company.rep_e2, opportunity=won, stage=Stage.WON)
    client = login(company.mgr_east)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("sales:pipeline"))
    html = page.content.decode()
    assert html.count('data-testid="pipeline-column"') == 4
    assert html.count('data-testid="pipeline-card"') == 3
    assert 'data-testid="pipeline-drop-won"' in html and 'data-testid="pipeline-drop-lost"' in html
    assert "xg/pipeline.js" in html and "<script>" not in html
    owner_only = client.get(reverse("sales:pipeline"), {"owner": company.rep_e1.pk})
    assert owner_only.content.decode().count('data-testid="pipeline-card"') == 2
    team = client.get(reverse("sales:pipeline"), {"team": company.depts["T-E2"].pk})
    assert team.content.decode().count('data-testid="pipeline-card"') == 1


def test_weighted_pipeline_numbers(company, east):
    make_opportunity(
        company.rep_e1, east["e1"], "甲", amount=Decimal("100000"), expected_close=date(2026, 12, 5)
    )  # 20 % -> 20 000
    make_opportunity(
        company.rep_e1,
        east["e1"],
        "乙",
        amount=Decimal("200000.50"),
        stage="quote",
        expected_close=date(2027, 1, 10),
    )  # 60 % -> 120 000.30
    make_opportunity(
        company.rep_e2,
        east["e2"],
        "丙",
        amount=Decimal("300000"),
        probability=35,
        expected_close=date(2026, 12, 31),
    )  # 35 % -> 105 000
    lost = make_opportunity(company.rep_e2, east["e2"], "丁", amount=Decimal("999999"))
    opportunity_move(actor=company.rep_e2, opportunity=lost, stage=Stage.LOST, lost_reason="price")
    make_opportunity(company.rep_w1, east["w"], "西", amount=Decimal("777777"))

    report = weighted_pipeline(user=company.mgr_east, group="owner")
    assert report.total.count == 3
    assert report.total.amount == Decimal("600000.50")
    assert report.total.weighted == Decimal("245000.30")
    by_rep = {r.key: r for r in report.rows}
    assert by_rep[company.rep_e1.pk].weighted == Decimal("140000.30")
    assert by_rep[company.rep_e2.pk].weighted == Decimal("105000.00")
    assert report.months == [date(2026, 12, 1), date(2027, 1, 1)]
    assert report.total.months[date(2026, 12, 1)]["weighted"] == Decimal("125000.00")
    assert report.total.months[date(2026, 12, 1)]["count"] == 2

    teams = weighted_pipeline(user=company.mgr_east, group="department")
    assert {r.key: r.amount for r in teams.rows} == {
        company.depts["T-E1"].pk: Decimal("300000.50"),
        company.depts["T-E2"].pk: Decimal("300000.00"),
    }
    rep = weighted_pipeline(user=company.rep_e1, group="owner")
    assert rep.total.count == 2


def test_report_page(company, login, east, django_assert_max_num_queries):
    make_opportunity(company.rep_e1, east["e1"], "甲", amount=Decimal("100000"))
    client = login(company.mgr_east)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("sales:pipeline_report"), {"group": "department"})
    assert page.status_code == 200
    assert re.search(r'data-testid="pipeline-report-row"', page.content.decode())


def test_edit_page_shows_the_saved_close_date_on_a_chinese_page(company, login, east):
    opp = make_opportunity(
        company.rep_e1, east["e1"], "甲", amount=Decimal("1000"), expected_close=date(2026, 12, 5)
    )
    page = login(company.rep_e1).get(
        reverse("sales:opportunity_edit", args=[opp.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    html = page.content.decode()
    assert re.search(r'name="expected_close"[^>]*value="2026-12-05"', html) or re.search(
        r'value="2026-12-05"[^>]*name="expected_close"', html
    )
