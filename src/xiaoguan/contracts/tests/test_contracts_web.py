"""The contract pages: drafting with the line and schedule editor, the detail page, submit,
signing with the scan upload, drafting from a quote; scope and rights on each page."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from xiaoguan.contracts.enums import ContractStatus
from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.services.contracts import contract_submit
from xiaoguan.contracts.tests.test_contracts_support import (
    PRICE_DAY,
    approval_chain,
    catalog,
    departments,
    draft,
    float_range,
    line,
    scan,
)
from xiaoguan.customers.tests.factories import make_customer


@pytest.fixture
def given(company):
    cat = catalog()
    float_range("sales_rep", "10")
    departments(company)
    approval_chain()
    customer = make_customer(company.rep_e1, "上海某大厦物业管理有限公司")
    return cat, customer


def _post(customer, cat, **extra):
    data = {
        "customer": customer.pk,
        "title": "消防器材采购合同",
        "price_date": PRICE_DAY.isoformat(),
        "delivery_date": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "delivery_place": "上海市浦东新区世纪大道100号",
        "line_product": [cat.extinguisher.pk, cat.hydrant.pk, ""],
        "line_unit": [cat.extinguisher.unit_id, cat.hydrant.unit_id, ""],
        "line_quantity": ["100", "2", ""],
        "line_unit_price": ["115", "", ""],
        "line_discount": ["", "5", ""],
        "line_spec": ["", "", ""],
        "term_label": ["预付款", "尾款"],
        "term_trigger": ["signing", "acceptance"],
        "term_days": ["7", "30"],
        "term_percent": ["30", "70"],
        "term_amount": ["", ""],
        "term_retention": ["0", "0"],
    }
    data.update(extra)
    return data


def test_draft_on_the_page_prices_lines_and_proposes_after_sales_terms(company, login, given):
    cat, customer = given
    client = login(company.rep_e1)
    assert client.get(reverse("contracts:contract_create")).status_code == 200
    response = client.post(reverse("contracts:contract_create"), _post(customer, cat))
    assert response.status_code == 302, response.content.decode()[:2000]
    contract = Contract.objects.get()
    # 100 × 115 + 2 × (850 − 5 %) = 11,500 + 1,615
    assert contract.total == Decimal("13115.00")
    assert contract.installation_required is True  # the hydrant needs installation
    assert contract.warranty_months == 24
    assert contract.inspection_cycle_months == 12
    assert [t.amount for t in contract.payment_terms.all()] == [
        Decimal("3934.50"),
        Decimal("9180.50"),
    ]
    page = client.get(reverse("contracts:contract_detail", args=[contract.pk])).content.decode()
    assert "¥13,115.00" in page
    assert 'data-testid="contract-missing"' not in page
    assert 'data-testid="contract-submit"' in page


def test_a_refused_draft_keeps_what_was_typed(company, login, given):
    cat, customer = given
    client = login(company.rep_e1)
    response = client.post(
        reverse("contracts:contract_create"),
        _post(customer, cat, term_percent=["30", "65"], line_quantity=["-1", "2", ""]),
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Line 1: the quantity must be positive." in body
    assert 'value="-1"' in body
    assert Contract.objects.count() == 0
    response = client.post(
        reverse("contracts:contract_create"), _post(customer, cat, term_percent=["30", "65"])
    )
    assert response.status_code == 422
    assert "The percentages add up to 95 %, 5 % short of 100 %." in response.content.decode()
    assert Contract.objects.count() == 0


def test_preview_shows_prices_and_instalments(company, login, given):
    cat, customer = given
    client = login(company.rep_e1)
    response = client.post(reverse("contracts:contract_preview"), _post(customer, cat))
    body = response.content.decode()
    assert response.status_code == 200
    assert "¥13,115.00" in body
    assert "¥3,934.50" in body
    assert 'data-testid="preview-suggested"' in body


def test_edit_submit_and_sign_on_the_pages(company, login, given):
    cat, customer = given
    contract = draft(company.rep_e1, customer, [line(cat.hydrant, "10")])
    client = login(company.rep_e1)
    edit = reverse("contracts:contract_edit", args=[contract.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {**_post(customer, cat), "version": contract.version})
    assert response.status_code == 302
    response = client.post(reverse("contracts:contract_submit", args=[contract.pk]))
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == ContractStatus.IN_APPROVAL
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.APPROVED)
    sign = reverse("contracts:contract_sign", args=[contract.pk])
    assert client.get(sign).status_code == 200
    response = client.post(
        sign,
        {
            "signed_on": timezone.localdate().isoformat(),
            "customer_signatory": "王经理",
            "company_signatory": "刘洋",
        },
    )
    assert response.status_code == 422  # the scan is required
    response = client.post(
        sign,
        {
            "signed_on": timezone.localdate().isoformat(),
            "customer_signatory": "王经理",
            "company_signatory": "刘洋",
            "scan": scan(),
        },
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SIGNED
    page = client.get(reverse("contracts:contract_detail", args=[contract.pk])).content.decode()
    assert 'data-testid="contract-scan"' in page


def test_pages_are_scoped_and_need_their_rights(company, login, given):
    cat, customer = given
    contract = draft(company.rep_e1, customer, [line(cat.hydrant, "10")])
    detail = reverse("contracts:contract_detail", args=[contract.pk])
    assert login(company.rep_w1).get(detail).status_code == 404
    assert login(company.rep_e1b).get(detail).status_code == 404
    assert login(company.mgr_east).get(detail).status_code == 200
    assert login(company.finance1).get(detail).status_code == 200
    assert login(company.marketing1).get(detail).status_code == 403
    finance = login(company.finance1)
    assert finance.get(reverse("contracts:contract_create")).status_code == 403
    assert finance.get(reverse("contracts:contract_edit", args=[contract.pk])).status_code == 403
    assert finance.post(reverse("contracts:contract_submit", args=[contract.pk])).status_code == 403
    assert finance.get(reverse("contracts:contract_sign", args=[contract.pk])).status_code == 403
    west = login(company.rep_w1)
    assert west.get(reverse("contracts:contract_edit", args=[contract.pk])).status_code == 404
    assert west.post(reverse("contracts:contract_submit", args=[contract.pk])).status_code == 404
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT


def test_effective_prices_are_hidden_without_the_pricing_right(company, login, given):
    cat, customer = given
    contract = draft(company.rep_e1, customer, [line(cat.extinguisher, "10", "115")])
    detail = reverse("contracts:contract_detail", args=[contract.pk])
    assert "¥120.00" in login(company.rep_e1).get(detail).content.decode()
    logistics = login(company.logistics1).get(detail).content.decode()
    assert "¥115.00" in logistics
    assert "¥120.00" not in logistics


def test_detail_page_query_count(company, login, given, django_assert_max_num_queries):
    cat, customer = given
    contract = draft(
        company.rep_e1, customer, [line(cat.extinguisher, str(i + 1)) for i in range(30)]
    )
    contract_submit(actor=company.rep_e1, contract=contract)
    client = login(company.mgr_east)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("contracts:contract_detail", args=[contract.pk]))
    assert response.content.decode().count('data-testid="contract-line"') == 30


def test_from_quote_on_the_page(company, login, given):
    from xiaoguan.contracts.tests.test_contracts_quotes import accepted_quote

    cat, customer = given
    quote = accepted_quote(company.rep_e1, customer, cat)
    client = login(company.rep_e1)
    response = client.post(reverse("contracts:contract_from_quote", args=[quote.pk]))
    contract = Contract.objects.get(quote=quote)
    assert response.status_code == 302
    assert response["Location"] == reverse("contracts:contract_edit", args=[contract.pk])
    again = client.post(reverse("contracts:contract_from_quote", args=[quote.pk]))
    assert again["Location"] == reverse("contracts:contract_detail", args=[contract.pk])
    assert Contract.objects.filter(quote=quote).count() == 1
    assert (
        login(company.rep_w1)
        .post(reverse("contracts:contract_from_quote", args=[quote.pk]))
        .status_code
        == 404
    )
