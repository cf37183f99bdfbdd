"""Aging pages: the report (dimension switch, as-of date, filters, sort, totals, risk flag,
query count), the drill-down, the xlsx exports (audited), rights and scope."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xiaoguan.core.models import AuditEvent, AuditKind
from xiaoguan.receivables.enums import DunningKind
from xiaoguan.receivables.tests.test_aging_support import dunning, instalment, make_customer

AS_OF = date(2026, 6, 30)


@pytest.fixture
def book(company):
    jia = make_customer(company.rep_e1, "杭州甲消防工程有限公司")
    yi = make_customer(company.rep_e2, "宁波乙安防有限公司")
    bing = make_customer(company.rep_w1, "成都丙置业有限公司")
    instalment(company.rep_e1, jia, "1200.00", AS_OF - timedelta(days=20))
    instalment(company.rep_e1, jia, "800.00", AS_OF + timedelta(days=5))
    instalment(company.rep_e1, jia, "300.00", None)
    instalment(company.rep_e2, yi, "2000.00", AS_OF - timedelta(days=400))
    instalment(company.rep_w1, bing, "3000.00", AS_OF - timedelta(days=45))
    dunning(company.rep_w1, bing, DunningKind.LAWSUIT)
    return company, jia, yi, bing


def workbook_rows(response) -> list[tuple]:
    raw = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(raw), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_report_page_per_customer_with_totals_and_flags(book, login, django_assert_max_num_queries):
    company, _jia, _yi, _bing = book
    client = login(company.mgr_east)
    # when
    with django_assert_max_num_queries(12):
        response = client.get(reverse("receivables:aging"), {"as_of": AS_OF.isoformat()})
    # then: the East only, the largest total first
    assert response.status_code == 200
    body = response.content.decode()
    assert "宁波乙安防有限公司" in body and "杭州甲消防工程有限公司" in body
    assert "成都丙置业有限公司" not in body
    assert body.index("杭州甲消防工程有限公司") < body.index("宁波乙安防有限公司")
    assert "¥4,300.00" in body  # the total of the East
    assert body.count('data-testid="aging-risk"') == 1  # 乙: over 365 days


def test_dimension_switch_filters_and_sort(book, login):
    company, *_ = book
    client = login(company.gm)
    url = reverse("receivables:aging")
    body = client.get(url, {"as_of": AS_OF, "dimension": "region"}).content.decode()
    assert "华东区" in body and "西部区" in body
    body = client.get(
        url, {"as_of": AS_OF, "dimension": "rep", "owner": company.rep_w1.pk}
    ).content.decode()
    assert body.count('data-testid="aging-row"') == 1 and "rep_w1" in body
    # The West row carries the lawsuit flag.
    assert 'data-testid="aging-risk"' in body
    body = client.get(url, {"as_of": AS_OF, "dimension": "team", "sort": "label"}).content.decode()
    assert body.index("华东一组") < body.index("华东二组")


def test_bad_filters_are_shown_and_ignored(book, login):
    company, *_ = book
    response = login(company.gm).get(
        reverse("receivables:aging"),
        {"as_of": "31.02.2026", "dimension": "planet", "owner": "abc", "sort": "evil"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="aging-filter-errors"' in body
    assert body.count('data-testid="aging-row"') == 3


def test_drill_down_and_its_export(book, login):
    company, jia, yi, _bing = book
    client = login(company.rep_e1)
    params = {"dimension": "customer", "key": jia.pk, "bucket": "0-30", "as_of": AS_OF}
    # when
    response = client.get(reverse("receivables:aging_instalments"), params)
    # then
    body = response.content.decode()
    assert body.count('data-testid="drill-row"') == 1 and "¥1,200.00" in body
    export = client.get(reverse("receivables:aging_instalments_export"), params)
    rows = workbook_rows(export)
    assert rows[1][0] == "杭州甲消防工程有限公司" and rows[1][7] == 20
    assert AuditEvent.objects.filter(
        kind=AuditKind.EXPORT, detail__what="receivables.aging_instalments"
    ).exists()
    # Another rep's customer: nothing, even by its key.
    other = client.get(reverse("receivables:aging_instalments"), {**params, "key": yi.pk})
    assert "宁波乙安防有限公司" not in other.content.decode()
    bad = client.get(reverse("receivables:aging_instalments"), {**params, "bucket": "1-2"})
    assert bad.status_code == 200 and 'data-testid="drill-errors"' in bad.content.decode()


def test_report_export_has_every_row_and_the_totals(book, login):
    company, *_ = book
    response = login(company.gm).get(
        reverse("receivables:aging_export"), {"as_of": AS_OF, "dimension": "customer"}
    )
    rows = workbook_rows(response)
    assert rows[0][0] == "Customer" and rows[0][1] == "Not yet due"
    assert [r[0] for r in rows[1:]] == [
        "成都丙置业有限公司",
        "杭州甲消防工程有限公司",
        "宁波乙安防有限公司",
        "Total",
    ]
    assert float(rows[-1][-2]) == 7300.0
    assert AuditEvent.objects.filter(
        kind=AuditKind.EXPORT, detail__what="receivables.aging"
    ).exists()


@pytest.mark.parametrize("name", ["aging", "aging_export", "aging_instalments"])
def test_roles_without_the_right_are_refused(company, login, name):
    response = login(company.logistics1).get(reverse(f"receivables:{name}"))
    assert response.status_code == 403
    assert login(company.assistant).get(reverse(f"receivables:{name}")).status_code == 403
