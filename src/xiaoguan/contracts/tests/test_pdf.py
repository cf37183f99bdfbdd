"""The contract PDF (R-CON-6): Chinese text rendered and extractable, the total in capital
numerals, only the customer's figures, the draft mark, scope and right."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from xiaoguan.catalog.tests.factories import make_product
from xiaoguan.contracts.tests.test_ledger import ledger_contract
from xiaoguan.customers.tests.factories import make_customer


def pdf_text(response) -> str:
    reader = PdfReader(BytesIO(response.content))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "")


@pytest.fixture
def signed(company):
    today = timezone.localdate()
    customer = make_customer(
        company.rep_e1,
        "杭州西湖消防设备有限公司",
        province="330000",
        city="330100",
        district="330106",
        street="文三路90号",
    )
    extinguisher = make_product("MFZ-ABC4", "手提式干粉灭火器", model="MFZ/ABC4", spec="4kg")
    detector = make_product("JTY-GD", "点型光电感烟火灾探测器", model="JTY-GD-G3", unit="个")
    contract = ledger_contract(
        company.rep_e1,
        customer,
        "HT-2026-000123",
        total="12345.60",
        signed_on=today - timedelta(days=3),
        delivery_date=today + timedelta(days=30),
        delivery_place="杭州市西湖区文三路90号仓库",
        customer_signatory="王建国",
        company_signatory="刘洋",
        warranty_months=12,
        installation_required=True,
        clauses=[{"title": "违约责任", "body": "任何一方违约，应向对方支付违约金。"}],
        lines=[(extinguisher, "100", "96.00"), (detector, "28.2", "97.36")],
        list_total=Decimal("15000.00"),
    )
    return company, contract


def test_pdf_renders_chinese_text_and_the_total_in_words(signed, login):
    company, contract = signed
    # when
    response = login(company.rep_e1).get(reverse("contracts:contract_pdf", args=[contract.pk]))
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "销售合同" in text
    assert "HT-2026-000123" in text
    assert "杭州西湖消防设备有限公司" in text
    assert "浙江省杭州市西湖区文三路90号" in text
    assert "手提式干粉灭火器" in text and "点型光电感烟火灾探测器" in text
    assert "MFZ/ABC4" in text
    assert "人民币壹万贰仟叁佰肆拾伍元陆角整" in text
    assert "¥12,345.60" in text
    assert "总公司" in text  # the company: the root of the org tree
    assert "违约责任" in text and "王建国" in text
    assert "28.2" in text  # a quantity without trailing zeros
    assert "合同签订时" in text and "到货后10天内" in text  # the schedule's triggers
    assert "草稿" not in text and "DRAFT" not in text


def test_pdf_shows_no_effective_price_or_discount(signed, login):
    company, contract = signed
    # given: the list total (15,000) differs from the contract total; even the director
    response = login(company.director).get(reverse("contracts:contract_pdf", args=[contract.pk]))
    text = pdf_text(response)
    # then: only the customer's figures
    assert "15,000" not in text and "折扣" not in text and "成本" not in text


def test_unsigned_version_is_marked_draft(company, login):
    customer = make_customer(company.rep_e1, "嘉兴南湖物业服务有限公司")
    product = make_product("SN65", "室内消火栓", model="SN65")
    contract = ledger_contract(
        company.rep_e1,
        customer,
        "HT-2026-000200",
        status="draft",
        total="420.00",
        lines=[(product, "1", "420.00")],
    )
    response = login(company.rep_e1).get(reverse("contracts:contract_pdf", args=[contract.pk]))
    text = pdf_text(response)
    assert "草稿" in text and "DRAFT" in text


def test_out_of_scope_contract_is_not_found(signed, login):
    company, contract = signed
    url = reverse("contracts:contract_pdf", args=[contract.pk])
    assert login(company.rep_w1).get(url).status_code == 404
    assert login(company.rep_e2).get(url).status_code == 404
    assert login(company.mgr_east).get(url).status_code == 200


def test_user_without_the_right_is_refused(signed, login):
    company, contract = signed
    url = reverse("contracts:contract_pdf", args=[contract.pk])
    assert login(company.hr1).get(url).status_code == 403
    assert (
        login(company.hr1).get(reverse("contracts:contract_pdf", args=[999999])).status_code == 403
    )
