"""Quote pages: list (scoped, filters, export with the confidential column only for its
holders), detail, the line editor's price preview, entry and edit, the actions, and the PDF
(its text extracted again)."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xiaoguan.core.models import AuditEvent, AuditKind
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.sales.enums import QuoteStatus
from xiaoguan.sales.models import Quote
from xiaoguan.sales.services import quotes as services
from xiaoguan.sales.tests.quote_factories import (
    float_ranges,
    line,
    make_quote,
    priced_product,
    quote_chain,
)


@pytest.fixture
def setup(company):
    quote_chain()
    float_ranges(sales_rep="5", sales_manager="10")
    customers = {
        "e1": make_customer(company.rep_e1, "上海安消消防设备有限公司"),
        "e2": make_customer(company.rep_e2, "杭州某化工厂"),
        "w": make_customer(company.rep_w1, "成都某商业广场"),
    }
    ext = priced_product("MFZ-ABC4", "手提式干粉灭火器", price="100.00")
    return company, customers, ext


def _rows(response) -> int:
    assert response.status_code == 200
    return response.content.decode().count('data-testid="quote-row"')


def _approve(quote, company):
    from xiaoguan.approvals.models import ApprovalTask
    from xiaoguan.approvals.services import approval_decide

    services.quote_submit(actor=quote.owner, quote=quote)
    for task in ApprovalTask.objects.filter(request__doc_type="quote", status="pending"):
        approval_decide(task_id=task.pk, actor=task.approver, decision="approve")
    quote.refresh_from_db()
    return quote


def test_list_is_scoped_and_filtered(setup, login):
    company, c, ext = setup
    make_quote(company.rep_e1, c["e1"], [line(ext)], title="大厦灭火器")
    make_quote(company.rep_e2, c["e2"], [line(ext)], title="化工厂报价")
    make_quote(company.rep_w1, c["w"], [line(ext)], title="成都报价")
    url = reverse("sales:quote_list")
    assert _rows(login(company.rep_e1).get(url)) == 1
    assert _rows(login(company.mgr_east).get(url)) == 2
    assert _rows(login(company.director).get(url)) == 3
    mgr = login(company.mgr_east)
    assert _rows(mgr.get(url, {"customer": c["e2"].pk})) == 1
    assert _rows(mgr.get(url, {"status": "approved"})) == 0
    assert _rows(mgr.get(url, {"q": "化工"})) == 1
    assert _rows(mgr.get(url, {"expiring": "1"})) == 0
    assert _rows(mgr.get(url, {"sort": "-total"})) == 2


def test_list_denied_without_the_right(setup, login):
    company, _c, _e = setup
    assert login(company.finance1).get(reverse("sales:quote_list")).status_code == 403
    assert login(company.finance1).get(reverse("sales:quote_create")).status_code == 403


def test_list_query_count_is_constant(setup, login, django_assert_max_num_queries):
    company, c, ext = setup
    for i in range(25):
        make_quote(company.rep_e1, c["e1"], [line(ext)], title=f"第{i}期")
    client = login(company.mgr_east)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("sales:quote_list"))
    assert _rows(response) == 25


def test_cost_column_only_with_the_confidential_right(setup, login):
    company, c, ext = setup
    make_quote(company.director, c["e1"], [line(ext)], cost_estimate="4321")
    url = reverse("sales:quote_list")
    assert 'data-testid="cost-column"' not in login(company.rep_e1).get(url).content.decode()
    body = login(company.director).get(url).content.decode()
    assert 'data-testid="cost-column"' in body
    assert "4,321.00" in body


def _sheet(response):
    data = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(data)).active.values)


def test_export_is_audited_and_hides_the_cost_from_reps(setup, login):
    company, c, ext = setup
    make_quote(company.director, c["e1"], [line(ext, "3")], cost_estimate="150")
    rep_rows = _sheet(login(company.rep_e1).get(reverse("sales:quote_export")))
    assert "材料成本估算" not in rep_rows[0] and "material cost estimate" not in rep_rows[0]
    assert len(rep_rows) == 2
    assert Decimal(str(rep_rows[1][8])) == Decimal("300")
    director_rows = _sheet(login(company.director).get(reverse("sales:quote_export")))
    assert len(director_rows[0]) == len(rep_rows[0]) + 1
    assert Decimal(str(director_rows[1][9])) == Decimal("150")
    assert AuditEvent.objects.filter(kind=AuditKind.EXPORT).count() == 2


def test_detail_scoped_and_shows_lines_and_totals(setup, login):
    company, c, ext = setup
    quote = make_quote(company.rep_e1, c["e1"], [line(ext, "3", unit_price="97")])
    url = reverse("sales:quote_detail", args=[quote.pk])
    body = login(company.rep_e1).get(url).content.decode()
    assert "手提式干粉灭火器" in body
    assert "291.00" in body
    assert 'data-testid="quote-submit"' in body
    assert login(company.rep_w1).get(url).status_code == 404
    assert login(company.rep_e2).get(url).status_code == 404


def test_detail_offers_a_price_request_when_below_the_range(setup, login):
    company, c, ext = setup
    quote = make_quote(company.rep_e1, c["e1"], [line(ext, "10", unit_price="80")])
    body = login(company.rep_e1).get(reverse("sales:quote_detail", args=[quote.pk])).content
    body = body.decode()
    assert 'data-testid="quote-price-problem"' in body
    assert f"subject_kind=quote&amp;subject_id={quote.pk}" in body


def test_create_from_the_form(setup, login):
    company, c, ext = setup
    client = login(company.rep_e1)
    url = reverse("sales:quote_create")
    assert client.get(url).status_code == 200  # the customer picker
    assert client.get(url, {"customer": c["e1"].pk}).status_code == 200
    assert client.get(url, {"customer": c["w"].pk}).status_code == 404
    response = client.post(
        url,
        {
            "customer": c["e1"].pk,
            "title": "消防器材报价",
            "line-product": [ext.pk, ""],
            "line-unit": ["", ""],
            "line-quantity": ["4", ""],
            "line-unit_price": ["", ""],
            "line-discount": ["2", ""],
            "line-spec": ["", ""],
        },
    )
    quote = Quote.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sales:quote_detail", args=[quote.pk])
    assert quote.total == Decimal("392.00")


def test_bad_line_shows_the_form_again_and_saves_nothing(setup, login):
    company, c, ext = setup
    response = login(company.rep_e1).post(
        reverse("sales:quote_create"),
        {
            "customer": c["e1"].pk,
            "title": "消防器材报价",
            "line-product": [ext.pk],
            "line-quantity": ["0"],
        },
    )
    assert response.status_code == 422
    assert "数量" in response.content.decode() or "quantity" in response.content.decode()
    assert not Quote.objects.exists()


def test_edit_with_a_stale_version_is_refused(setup, login):
    company, c, ext = setup
    quote = make_quote(company.rep_e1, c["e1"], [line(ext)])
    client = login(company.rep_e1)
    url = reverse("sales:quote_edit", args=[quote.pk])
    assert client.get(url).status_code == 200
    post = {
        "title": "新标题",
        "version": 1,
        "line-product": [ext.pk],
        "line-quantity": ["2"],
    }
    assert client.post(url, post).status_code == 302
    assert client.post(url, {**post, "title": "旧版本的修改"}).status_code == 422
    quote.refresh_from_db()
    assert (quote.title, quote.version, quote.total) == ("新标题", 2, Decimal("200.00"))


def test_line_preview_shows_the_effective_price(setup, login):
    company, c, ext = setup
    response = login(company.rep_e1).get(
        reverse("sales:quote_line_preview"),
        {
            "customer": c["e1"].pk,
            "line-product": ext.pk,
            "line-quantity": "3",
            "line-discount": "10",
        },
    )
    body = response.content.decode()
    assert 'data-testid="line-preview-price"' in body
    assert "100.00" in body
    assert "270.00" in body
    # another rep's customer: no preview
    other = login(company.rep_e1).get(
        reverse("sales:quote_line_preview"), {"customer": c["w"].pk, "line-product": ext.pk}
    )
    assert "line-preview-price" not in other.content.decode()


def test_submit_accept_and_lose_from_the_page(setup, login):
    company, c, ext = setup
    quote = make_quote(company.rep_e1, c["e1"], [line(ext)])
    client = login(company.rep_e1)
    client.post(reverse("sales:quote_submit", args=[quote.pk]))
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.IN_APPROVAL
    from xiaoguan.approvals.models import ApprovalTask
    from xiaoguan.approvals.services import approval_decide

    task = ApprovalTask.objects.get(request__doc_type="quote", status="pending")
    approval_decide(task_id=task.pk, actor=task.approver, decision="approve")
    client.post(reverse("sales:quote_lose", args=[quote.pk]), {"lost_reason": ""})
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED  # no reason: refused
    client.post(reverse("sales:quote_accept", args=[quote.pk]), {"note": "客户已签回"})
    quote.refresh_from_db()
    assert (quote.status, quote.outcome_note) == (QuoteStatus.ACCEPTED, "客户已签回")


def test_actions_denied_without_the_edit_right_or_out_of_scope(setup, login):
    company, c, ext = setup
    quote = make_quote(company.rep_e1, c["e1"], [line(ext)])
    assert (
        login(company.finance1).post(reverse("sales:quote_submit", args=[quote.pk])).status_code
        == 403
    )
    assert (
        login(company.rep_w1).post(reverse("sales:quote_submit", args=[quote.pk])).status_code
        == 404
    )
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.DRAFT


def _pdf_text(response) -> str:
    from pypdf import PdfReader

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_pdf_of_an_approved_quote(setup, login):
    company, c, ext = setup
    quote = make_quote(
        company.director, c["e1"], [line(ext, "12", unit_price="98.50")], cost_estimate="777.77"
    )
    quote = _approve(quote, company)
    assert quote.status == QuoteStatus.APPROVED
    text = _pdf_text(login(company.rep_e1).get(reverse("sales:quote_pdf", args=[quote.pk])))
    assert "上海安消消防设备有限公司" in text
    assert "手提式干粉灭火器" in text
    assert "1,182.00" in text
    assert "壹仟壹佰捌拾贰元整" in text
    assert "公司盖章" in text
    assert "总公司" in text  # the company's name: the root department
    assert "777" not in text  # the cost estimate is never printed
    assert "草稿" not in text


def test_pdf_of_a_draft_carries_the_watermark(setup, login):
    company, c, ext = setup
    quote = make_quote(company.rep_e1, c["e1"], [line(ext)])
    text = _pdf_text(login(company.rep_e1).get(reverse("sales:quote_pdf", args=[quote.pk])))
    assert "草稿" in text
    assert "公司盖章" not in text
    assert login(company.rep_w1).get(reverse("sales:quote_pdf", args=[quote.pk])).status_code == 404


def test_detail_query_count_does_not_grow_with_lines(setup, login, django_assert_max_num_queries):
    company, c, ext = setup
    hydrant = priced_product("SN65", "室内消火栓", price="850.00", unit="套")
    quote = make_quote(
        company.rep_e1, c["e1"], [line(ext, str(i + 1)) for i in range(10)] + [line(hydrant)]
    )
    client = login(company.rep_e1)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("sales:quote_detail", args=[quote.pk]))
    assert response.content.decode().count('data-testid="quote-line"') == 11


def test_customer_page_lists_its_quotes(setup, login):
    company, c, ext = setup
    make_quote(company.rep_e1, c["e1"], [line(ext)], title="大厦灭火器")
    body = login(company.rep_e1).get(reverse("customers:detail", args=[c["e1"].pk])).content
    body = body.decode()
    assert 'data-testid="customer-quotes"' in body
    assert "大厦灭火器" in body
    assert 'data-testid="customer-quote-add"' in body
