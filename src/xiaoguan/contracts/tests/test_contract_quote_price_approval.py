"""A contract drafted from a quote whose prices below the range were approved (价格审批表,
R-PRC-3) is submitted without a second price request for the same lines, for the same
customer; any change of an approved line, a new line below the range, another customer or an
amendment needs a request of the contract, as for any other document."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from xiaoguan.approvals.models import ApprovalRequest, ApprovalTask
from xiaoguan.approvals.services import approval_decide
from xiaoguan.contracts.enums import ContractStatus
from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.services.amendments import contract_amend_start
from xiaoguan.contracts.services.contracts import (
    contract_create_from_quote,
    contract_sign,
    contract_submit,
    contract_update,
)
from xiaoguan.contracts.tests.test_contracts_api import api  # noqa: F401  (fixture)
from xiaoguan.contracts.tests.test_contracts_quotes import accepted_quote
from xiaoguan.contracts.tests.test_contracts_support import (
    approval_chain,
    catalog,
    complete_data,
    departments,
    float_range,
    line,
    scan,
    terms_30_60_10,
)
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.pricing.enums import ApprovalDocStatus
from xiaoguan.pricing.errors import PriceBelowRange
from xiaoguan.pricing.models import PriceRequest
from xiaoguan.pricing.services.price_requests import (
    price_request_cancel,
    price_request_create_for_subject,
)

pytestmark = pytest.mark.django_db


def _approve_pending(doc_type: str, object_id: int) -> None:
    """Every step of the document's pending approval approved by its approver."""
    for _ in range(5):
        task = (
            ApprovalTask.objects.filter(
                request__doc_type=doc_type, request__object_id=object_id, status="pending"
            )
            .select_related("approver")
            .first()
        )
        if task is None:
            return
        approval_decide(task_id=task.pk, actor=task.approver, decision="approve")


@pytest.fixture
def given(company):
    """An accepted quote of rep_e1 (range 10 %): 100 extinguishers at ¥110 (list ¥120, within
    the range) and 4 hydrants at ¥700 (list ¥950, 26.32 % below), the hydrants' price approved
    by the sales manager and management (PR-…)."""
    cat = catalog()
    float_range("sales_rep", "10")
    departments(company)
    approval_chain()
    customer = make_customer(company.rep_e1, "上海某大厦物业管理有限公司")
    quote = accepted_quote(company.rep_e1, customer, cat)
    request = price_request_create_for_subject(
        actor=company.rep_e1, subject_kind="quote", subject_id=quote.pk, reason="竞品报价低"
    )
    _approve_pending("price_request", request.pk)
    request.refresh_from_db()
    assert request.status == ApprovalDocStatus.APPROVED
    return cat, customer, quote, request


def _from_quote(company, quote, cat, customer, lines=None) -> Contract:
    """The draft made from the quote, its terms filled in; ``lines`` as the rep edits them
    (the quote's lines unchanged by default)."""
    contract = contract_create_from_quote(actor=company.rep_e1, quote_id=quote.pk)
    return contract_update(
        actor=company.rep_e1,
        contract=contract,
        expected_version=contract.version,
        data=complete_data(customer, title=quote.title),
        lines=lines
        if lines is not None
        else [line(cat.extinguisher, "100", "110.00"), line(cat.hydrant, "4", "700.00")],
        terms=terms_30_60_10(),
    )


def _contract_approvals(contract: Contract) -> int:
    return ApprovalRequest.objects.filter(doc_type="contract", object_id=contract.pk).count()


def test_a_contract_with_the_quotes_approved_prices_submits_without_a_new_request(company, given):
    cat, customer, quote, request = given
    contract = _from_quote(company, quote, cat, customer)
    # when
    contract_submit(actor=company.rep_e1, contract=contract)
    # then
    contract.refresh_from_db()
    assert contract.status == ContractStatus.IN_APPROVAL
    assert _contract_approvals(contract) == 1
    assert list(PriceRequest.objects.values_list("pk", flat=True)) == [request.pk]


@pytest.mark.parametrize(
    "hydrant",
    [("4", "690.00"), ("5", "700.00"), ("3", "700.00")],
    ids=["price", "more", "fewer"],
)
def test_changing_an_approved_line_brings_the_refusal_back(company, given, hydrant):
    cat, customer, quote, request = given
    quantity, price = hydrant
    contract = _from_quote(
        company,
        quote,
        cat,
        customer,
        lines=[line(cat.extinguisher, "100", "110.00"), line(cat.hydrant, quantity, price)],
    )
    # when
    with pytest.raises(PriceBelowRange) as exc:
        contract_submit(actor=company.rep_e1, contract=contract)
    # then the refusal says which approval no longer fits, and nothing changed
    assert exc.value.code == "price_below_range"
    assert (
        f"The prices approved with {quote.number} 消防栓及灭火器采购 ({request.number}) "
        "were for different lines or prices" in exc.value.message
    )
    assert exc.value.extra["approval_stale"] is True
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT
    assert _contract_approvals(contract) == 0


def test_another_product_at_the_approved_figures_is_not_covered(company, given):
    cat, customer, quote, _request = given
    contract = _from_quote(
        company,
        quote,
        cat,
        customer,
        # the detector (list ¥260) is not the hydrant the approval was for
        lines=[line(cat.extinguisher, "100", "110.00"), line(cat.detector, "4", "200.00")],
    )
    with pytest.raises(PriceBelowRange):
        contract_submit(actor=company.rep_e1, contract=contract)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT


def test_a_new_line_below_the_range_needs_a_request(company, given):
    cat, customer, quote, _request = given
    contract = _from_quote(
        company,
        quote,
        cat,
        customer,
        lines=[
            line(cat.extinguisher, "100", "110.00"),
            line(cat.hydrant, "4", "700.00"),
            line(cat.detector, "10", "200.00"),  # 23.08 % below ¥260
        ],
    )
    with pytest.raises(PriceBelowRange) as exc:
        contract_submit(actor=company.rep_e1, contract=contract)
    assert [x["product_id"] for x in exc.value.extra["lines"]] == [cat.hydrant.pk, cat.detector.pk]
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT


def test_lines_within_the_range_may_change_freely(company, given):
    cat, customer, quote, _request = given
    contract = _from_quote(
        company,
        quote,
        cat,
        customer,
        lines=[
            line(cat.extinguisher, "120", "112.00"),  # more, another price, still within 10 %
            line(cat.hydrant, "4", "700.00"),
            line(cat.detector, "10", "250.00"),  # a new line within the range
        ],
    )
    contract_submit(actor=company.rep_e1, contract=contract)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.IN_APPROVAL


def test_a_cancelled_quote_approval_no_longer_covers_the_contract(company, given):
    cat, customer, quote, request = given
    contract = _from_quote(company, quote, cat, customer)
    price_request_cancel(actor=company.rep_e1, request=request, reason="客户改了需求")
    with pytest.raises(PriceBelowRange):
        contract_submit(actor=company.rep_e1, contract=contract)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT


def test_the_quotes_approval_does_not_cover_a_contract_for_another_customer(company, given):
    # given a contract row pointing at the quote but for customer B (the services keep the
    # quote's customer; the rule does not rely on that)
    cat, customer, quote, _request = given
    contract = _from_quote(company, quote, cat, customer)
    other = make_customer(company.rep_e1, "上海另一家物业管理有限公司")
    Contract.objects.filter(pk=contract.pk).update(customer=other)
    # when / then
    with pytest.raises(PriceBelowRange):
        contract_submit(actor=company.rep_e1, contract=contract)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT
    assert _contract_approvals(contract) == 0


def test_an_amendment_needs_its_own_price_request(company, given):
    # given version 1, drafted from the quote, submitted on the quote's approval and signed
    cat, customer, quote, _request = given
    v1 = _from_quote(company, quote, cat, customer)
    contract_submit(actor=company.rep_e1, contract=v1)
    _approve_pending("contract", v1.pk)
    contract_sign(
        actor=company.rep_e1,
        contract=v1,
        signed_on=timezone.localdate(),
        customer_signatory="王经理",
        company_signatory="刘洋",
        scan=scan(),
    )
    v1.refresh_from_db()
    assert v1.status == ContractStatus.SIGNED
    # when an amendment keeps the same lines
    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="推迟交货")
    assert (v2.quote_id, v2.version_no) == (quote.pk, 2)
    # then its prices below the range need a request of its own
    with pytest.raises(PriceBelowRange):
        contract_submit(actor=company.rep_e1, contract=v2)
    v2.refresh_from_db()
    assert v2.status == ContractStatus.DRAFT
    # and once approved for the amendment, it goes
    own = price_request_create_for_subject(
        actor=company.rep_e1, subject_kind="contract", subject_id=v2.pk, reason="原价延续"
    )
    _approve_pending("price_request", own.pk)
    contract_submit(actor=company.rep_e1, contract=v2)
    v2.refresh_from_db()
    assert v2.status == ContractStatus.IN_APPROVAL


def test_api_submit_follows_the_same_rule(company, given, api):  # noqa: F811
    cat, customer, quote, _request = given
    rep = api(company.rep_e1)
    covered = _from_quote(company, quote, cat, customer)
    response = rep.post(f"/api/v1/contracts/contracts/{covered.pk}/submit")
    assert response.status_code == 200
    assert response.json()["status"] == ContractStatus.IN_APPROVAL
    covered.refresh_from_db()
    assert covered.status == ContractStatus.IN_APPROVAL
    assert PriceRequest.objects.count() == 1


def test_api_submit_refuses_a_changed_approved_line(company, given, api):  # noqa: F811
    cat, customer, quote, _request = given
    rep = api(company.rep_e1)
    changed = _from_quote(
        company,
        quote,
        cat,
        customer,
        lines=[line(cat.extinguisher, "100", "110.00"), line(cat.hydrant, "4", "690.00")],
    )
    response = rep.post(f"/api/v1/contracts/contracts/{changed.pk}/submit")
    assert response.status_code == 422
    assert response.json()["code"] == "price_below_range"
    changed.refresh_from_db()
    assert changed.status == ContractStatus.DRAFT


def test_the_page_says_the_prices_were_approved_with_the_quote(company, login, given):
    cat, customer, quote, request = given
    contract = _from_quote(company, quote, cat, customer)
    client = login(company.rep_e1)
    html = client.get(reverse("contracts:contract_detail", args=[contract.pk])).content.decode()
    assert f"Prices below the range approved with quote {quote.number} ({request.number})." in html
    assert 'data-testid="contract-price-request"' not in html
    assert 'data-testid="contract-below-range"' not in html


def test_the_page_asks_for_a_request_once_an_approved_line_changed(company, login, given):
    cat, customer, quote, _request = given
    contract = _from_quote(
        company,
        quote,
        cat,
        customer,
        lines=[line(cat.extinguisher, "100", "110.00"), line(cat.hydrant, "5", "700.00")],
    )
    client = login(company.rep_e1)
    html = client.get(reverse("contracts:contract_detail", args=[contract.pk])).content.decode()
    assert 'data-testid="contract-price-approved"' not in html
    assert 'data-testid="contract-price-request"' in html
