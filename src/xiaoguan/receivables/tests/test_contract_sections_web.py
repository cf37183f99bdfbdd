"""The contract page's receivables sections ("Collection plan", "Invoices") and the page as a
whole with every section: the instalments and invoice records of the contract's whole family
with their figures and links, nothing for a user without ``receivables.view``, nothing out of
the user's scope, and a page that reads the same number of queries for one order, instalment
and invoice as for five."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xiaoguan.contracts.enums import PaymentTrigger
from xiaoguan.contracts.models import Contract
from xiaoguan.orders.tests.factories import contract_order
from xiaoguan.receivables.models import Instalment, InvoiceRecord
from xiaoguan.receivables.selectors.instalments import contract_collection_plan
from xiaoguan.receivables.services.invoices import invoice_issue, invoice_request
from xiaoguan.receivables.tests.factories import amend, contract_with_plan, pay, plan_of

pytestmark = pytest.mark.django_db


def _page(client, contract: Contract) -> str:
    response = client.get(reverse("contracts:contract_detail", args=[contract.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}".*?(?=<div class="card mb-3"|$)', html, re.S)
    return match.group(0) if match else ""


def _invoice(actor, contract: Contract, amount: str) -> InvoiceRecord:
    return invoice_request(actor=actor, contract_id=contract.pk, kind="vat_special", amount=amount)


def test_the_plan_shows_every_version_with_its_figures(client, company):
    today = timezone.localdate()
    contract = contract_with_plan(company.rep_e1, quantity="100", price="100.00")  # ¥10,000
    pay(company.finance1, contract.customer, "1000.00", contract=contract)
    v2 = amend(contract, company.rep_e1, quantity="120")  # ¥12,000: a new plan
    rows = plan_of(v2)
    assert {i.contract_id for i in rows} == {contract.pk, v2.pk}
    advance = next(i for i in rows if i.contract_id == v2.pk and i.position == 1)
    Instalment.objects.filter(pk=advance.pk).update(due_date=today - timedelta(days=3))
    client.force_login(company.rep_e1)
    for shown in (contract, v2):  # whichever version the page shows
        html = _page(client, shown)
        section = _section(html, "contract-plan")
        assert section.count('data-testid="contract-instalment"') == len(rows)
        assert reverse("receivables:contract_plan", args=[shown.pk]) in section
        assert "v2" in section
    plan = contract_collection_plan(user=company.rep_e1, root_id=contract.pk)
    live = [i for i in plan.instalments if i.status != "closed"]
    assert plan.amount == sum(i.amount for i in live) == Decimal("12000.00")
    assert plan.collected == Decimal("1000.00")
    assert plan.outstanding == Decimal("11000.00")
    assert plan.overdue == advance.amount - Decimal("1000.00")
    assert [i.pk for i in plan.instalments if i.is_overdue] == [advance.pk]
    html = _page(client, v2)
    section = _section(html, "contract-plan")
    assert "11,000.00" in section and "12,000.00" in section
    assert 'data-testid="contract-plan-overdue"' in html
    # The delivery instalment waits for its event: no date yet, the event is shown.
    assert "On delivery" in section and "30 days" in section


def test_the_invoices_of_the_family_with_links(client, company):
    contract = contract_with_plan(company.rep_e1, quantity="100", price="100.00")
    first = _invoice(company.rep_e1, contract, "3000.00")
    invoice_issue(
        actor=company.finance1,
        invoice_id=first.pk,
        invoice_no="04400001",
        issued_on=timezone.localdate(),
    )
    v2 = amend(contract, company.rep_e1, quantity="120")
    second = _invoice(company.rep_e1, v2, "2000.00")
    client.force_login(company.rep_e1)
    html = _page(client, contract)
    section = _section(html, "contract-invoices")
    assert section.count('data-testid="contract-invoice"') == 2
    for inv in (first, second):
        assert reverse("receivables:invoice_detail", args=[inv.pk]) in section
    assert "04400001" in section
    assert "3,000.00" in section and "2,000.00" in section
    # The old version offers no request; the version in force does.
    assert 'data-testid="contract-invoice-new"' not in html
    assert 'data-testid="contract-invoice-new"' in _page(client, v2)


def test_no_receivables_sections_without_the_right(client, company):
    contract = contract_with_plan(company.rep_e1)
    _invoice(company.rep_e1, contract, "100.00")
    contract_order(company.rep_e1, contract, {1: "1"})
    client.force_login(company.logistics1)  # sees contracts and orders, not receivables
    html = _page(client, contract)
    assert 'data-testid="contract-orders"' in html
    assert 'data-testid="contract-plan"' not in html
    assert 'data-testid="contract-invoices"' not in html
    client.force_login(company.finance1)
    html = _page(client, contract)
    assert 'data-testid="contract-plan"' in html and 'data-testid="contract-invoices"' in html


def test_records_out_of_the_users_scope_are_not_shown(client, company):
    contract = contract_with_plan(company.rep_e1)
    rows = plan_of(contract)
    mine = _invoice(company.rep_e1, contract, "100.00")
    theirs = _invoice(company.rep_e1, contract, "200.00")
    elsewhere = {"owner": company.rep_w1, "department": company.rep_w1.department}
    InvoiceRecord.objects.filter(pk=theirs.pk).update(**elsewhere)
    Instalment.objects.filter(pk=rows[1].pk).update(**elsewhere)
    client.force_login(company.rep_e1)
    html = _page(client, contract)
    plan = _section(html, "contract-plan")
    assert plan.count('data-testid="contract-instalment"') == 1
    assert rows[1].label not in plan
    invoices = _section(html, "contract-invoices")
    assert mine.number in invoices and theirs.number not in invoices
    client.force_login(company.gm)
    html = _page(client, contract)
    assert _section(html, "contract-plan").count('data-testid="contract-instalment"') == 2
    assert theirs.number in _section(html, "contract-invoices")


def _contract_with(owner, n: int) -> Contract:
    """A signed contract with ``n`` instalments, ``n`` orders and ``n`` invoice requests."""
    terms = [(f"第{k}期", PaymentTrigger.SIGNING, k, "100.00") for k in range(1, n + 1)]
    contract = contract_with_plan(owner, quantity="100", price="10.00", terms=terms)
    for _k in range(n):
        contract_order(owner, contract, {1: "1"})
        _invoice(owner, contract, "10.00")
    return contract


@pytest.mark.parametrize(("who", "pinned"), [("rep_e1", 22), ("finance1", 19)])
def test_the_page_reads_a_fixed_number_of_queries(
    client, company, django_assert_max_num_queries, who, pinned
):
    one = _contract_with(company.rep_e1, 1)
    five = _contract_with(company.rep_e1, 5)
    client.force_login(getattr(company, who))
    _page(client, one)  # warm the per-process caches (policy, navigation)
    counts = []
    for contract, n in ((one, 1), (five, 5)):
        with CaptureQueriesContext(connection) as queries:
            html = _page(client, contract)
        counts.append(len(queries))
        assert html.count('data-testid="contract-order"') == n
        assert html.count('data-testid="contract-instalment"') == n
        assert html.count('data-testid="contract-invoice"') == n
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(pinned):
        _page(client, five)
