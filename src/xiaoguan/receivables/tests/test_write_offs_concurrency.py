"""Collection actions racing on one row (PostgreSQL: rows are locked): two write-off requests
for one instalment, two invoice requests for what is left of one contract, and an approval
racing a receipt."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import race
from xiaoguan.approvals.models import ApprovalRequest, ApprovalTask
from xiaoguan.approvals.services.chains import default_chains_ensure
from xiaoguan.approvals.services.requests import approval_decide
from xiaoguan.core.errors import ValidationFailed
from xiaoguan.receivables.models import Instalment, InvoiceRecord, WriteOff
from xiaoguan.receivables.services.invoices import invoice_request
from xiaoguan.receivables.services.write_offs import write_off_request
from xiaoguan.receivables.tests.test_overdue_support import contract, instalment, pay


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_write_off_requests_for_one_instalment(company):
    inst = instalment(contract(company.rep_e1), "3000.00", days_overdue=400)
    results = race(
        [
            lambda: write_off_request(
                actor=company.finance1, instalment_id=inst.pk, amount="3000", reason="a"
            ),
            lambda: write_off_request(
                actor=company.gm, instalment_id=inst.pk, amount="3000", reason="b"
            ),
        ]
    )
    assert sum(isinstance(r, ValidationFailed) for r in results) == 1, results
    assert WriteOff.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_invoice_requests_for_the_rest_of_a_contract(company):
    c = contract(company.rep_e1, total="1000.00")
    results = race(
        [
            lambda: invoice_request(
                actor=company.rep_e1, contract_id=c.pk, kind="vat_special", amount="700"
            ),
            lambda: invoice_request(
                actor=company.mgr_east, contract_id=c.pk, kind="vat_special", amount="700"
            ),
        ]
    )
    assert sum(isinstance(r, ValidationFailed) for r in results) == 1, results
    assert InvoiceRecord.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_approval_racing_a_receipt(company):
    """Management approves the last step while finance posts a receipt to the same instalment:
    either the write-off goes through and the receipt finds less to pay (credit), or the
    receipt goes first and the approval is refused. Never over-allocated."""
    default_chains_ensure()
    inst = instalment(contract(company.rep_e1), "3000.00", days_overdue=400)
    w = write_off_request(
        actor=company.finance1, instalment_id=inst.pk, amount="3000", reason="x", submit=True
    )
    request = ApprovalRequest.objects.get(doc_type="write_off", object_id=w.pk)
    first = ApprovalTask.objects.get(request=request, status="pending")
    approval_decide(task_id=first.pk, actor=first.approver, decision="approve")
    last = ApprovalTask.objects.get(request=request, status="pending")
    results = race(
        [
            lambda: approval_decide(task_id=last.pk, actor=last.approver, decision="approve"),
            lambda: pay(company.finance1, inst.customer, "1000.00"),
        ]
    )
    inst = Instalment.objects.get(pk=inst.pk)
    assert inst.collected + inst.written_off <= inst.amount
    w.refresh_from_db()
    if isinstance(results[0], Exception):
        assert w.status == "in_approval" and inst.collected == Decimal("1000.00")
    else:
        assert w.status == "approved" and inst.written_off == Decimal("3000.00")
        assert inst.collected == 0
