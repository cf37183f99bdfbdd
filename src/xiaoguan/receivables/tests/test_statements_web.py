"""Statement pages: search, the statement, its xlsx export and PDF (Chinese text extracted
with pypdf), audit, scope and refusals."""

from __future__ import annotations

import io
from datetime import date
from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from xiaoguan.core.models import AuditEvent, AuditKind
from xiaoguan.receivables.tests.test_aging_support import (
    contract_for,
    make_customer,
    receipt,
)


def pdf_text(response) -> str:
    reader = PdfReader(BytesIO(response.content))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "")


def setup_account(company):
    rep = company.rep_e1
    jia = make_customer(rep, "杭州西湖消防设备有限公司")
    contract_for(rep, jia, total="12345.60", number="HT-S-1", signed_on=date(2026, 3, 1))
    receipt(rep, jia, "2000.00", date(2026, 4, 5), number="HK-S-1")
    return jia


PERIOD = {"start": "2026-04-01", "end": "2026-06-30"}


def test_search_finds_customers_in_scope_only(company, login):
    jia = setup_account(company)
    make_customer(company.rep_w1, "杭州西湖另一家公司")
    body = (
        login(company.rep_e1)
        .get(reverse("receivables:statement_search"), {"q": "西湖"})
        .content.decode()
    )
    assert body.count('data-testid="statement-customer"') == 1
    assert reverse("receivables:statement_detail", args=[jia.pk]) in body


def test_statement_page_shows_opening_lines_and_closing(company, login):
    jia = setup_account(company)
    response = login(company.rep_e1).get(
        reverse("receivables:statement_detail", args=[jia.pk]), PERIOD
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "¥12,345.60" in body  # opening: the contract signed before the period
    assert "HK-S-1" in body
    assert "¥10,345.60" in body  # closing


def test_statement_export_and_pdf_are_audited(company, login):
    jia = setup_account(company)
    client = login(company.rep_e1)
    export = client.get(reverse("receivables:statement_export", args=[jia.pk]), PERIOD)
    raw = b"".join(export.streaming_content)
    rows = list(
        load_workbook(io.BytesIO(raw), read_only=True).worksheets[0].iter_rows(values_only=True)
    )
    assert rows[1][1] == "Opening balance" and float(rows[1][6]) == 12345.60
    assert rows[2][2] == "HK-S-1" and float(rows[2][5]) == 2000.0
    assert rows[-1][1] == "Closing balance" and float(rows[-1][6]) == 10345.60
    # when: the PDF
    response = client.get(reverse("receivables:statement_pdf", args=[jia.pk]), PERIOD)
    # then
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "对账单" in text and "杭州西湖消防设备有限公司" in text
    assert "总公司" in text  # the company's name
    assert "壹万零叁佰肆拾伍元陆角整" in text  # closing balance in capitals
    assert "客户盖章处" in text and "签字日期" in text
    whats = set(
        AuditEvent.objects.filter(kind=AuditKind.EXPORT).values_list("detail__what", flat=True)
    )
    assert {"receivables.statement", "receivables.statement_pdf"} <= whats


def test_out_of_scope_customer_is_not_found(company, login):
    jia = setup_account(company)
    client = login(company.rep_w1)
    for name in ("statement_detail", "statement_export", "statement_pdf"):
        assert client.get(reverse(f"receivables:{name}", args=[jia.pk]), PERIOD).status_code == 404


def test_a_backwards_period_is_refused_with_a_message(company, login):
    jia = setup_account(company)
    client = login(company.rep_e1)
    response = client.get(
        reverse("receivables:statement_detail", args=[jia.pk]),
        {"start": "2026-06-30", "end": "2026-01-01"},
    )
    assert response.status_code == 200
    assert "The end of the period is before its start." in response.content.decode()
    pdf = client.get(
        reverse("receivables:statement_pdf", args=[jia.pk]),
        {"start": "2026-06-30", "end": "2026-01-01"},
    )
    assert pdf.status_code == 200 and pdf["Content-Type"].startswith("text/html")
    garbage = client.get(
        reverse("receivables:statement_detail", args=[jia.pk]), {"start": "x", "end": "y"}
    )
    assert garbage.status_code == 200


def test_without_the_right_it_is_refused(company, login):
    jia = setup_account(company)
    assert (
        login(company.logistics1)
        .get(reverse("receivables:statement_detail", args=[jia.pk]))
        .status_code
        == 403
    )


def test_statement_page_queries_do_not_grow_with_its_lines(
    company, login, django_assert_max_num_queries
):
    jia = setup_account(company)
    for n in range(10):
        receipt(company.rep_e1, jia, "10.00", date(2026, 5, 1 + n), number=f"HK-Q-{n}")
    # session (2), user, roles, customer, the sources of the statement (each one statement for
    # the opening, one for the lines), the unallocated credit, the unread count
    client = login(company.rep_e1)
    with django_assert_max_num_queries(21):
        response = client.get(reverse("receivables:statement_detail", args=[jia.pk]), PERIOD)
    assert response.content.decode().count('data-testid="statement-line"') == 11
