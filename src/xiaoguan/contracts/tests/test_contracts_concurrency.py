"""Two people acting on one contract at the same moment (PostgreSQL: rows are locked)."""

from __future__ import annotations

import pytest

from conftest import race
from xiaoguan.approvals.errors import ApprovalAlreadyDecided
from xiaoguan.approvals.models import ApprovalRequest
from xiaoguan.approvals.services.requests import approval_decide
from xiaoguan.contracts.enums import ContractStatus, EventKind
from xiaoguan.contracts.models import Contract, ContractEvent
from xiaoguan.contracts.services.contracts import contract_submit, contract_update
from xiaoguan.contracts.tests.test_contracts_support import (
    approval_chain,
    catalog,
    complete_data,
    draft,
    float_range,
    line,
    terms_30_60_10,
)
from xiaoguan.core.errors import StaleEdit
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org.tests.factories import UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvers_approving_the_same_step_at_once(company):
    """Two lawyers hold the legal step ("any one of them"): both press approve at the same
    moment; one decision counts, the other is told it was decided, and the contract is approved
    once."""
    cat = catalog()
    float_range()
    approval_chain()
    second_lawyer = UserFactory(
        username="legal2", full_name="legal2", department=company.depts["LEG"], roles=["legal"]
    )
    customer = make_customer(company.rep_e1, "宁波港务集团")
    contract = draft(company.rep_e1, customer, [line(cat.hydrant, "10")])
    contract_submit(actor=company.rep_e1, contract=contract)
    request = ApprovalRequest.objects.get(object_id=contract.pk, doc_type="contract")
    head = request.tasks.get(status="pending")
    approval_decide(task_id=head.pk, actor=company.mgr_east, decision="approve")
    tasks = {t.approver_id: t.pk for t in request.tasks.filter(status="pending")}
    assert set(tasks) == {company.legal1.pk, second_lawyer.pk}
    results = race(
        [
            lambda: approval_decide(
                task_id=tasks[company.legal1.pk], actor=company.legal1, decision="approve"
            ),
            lambda: approval_decide(
                task_id=tasks[second_lawyer.pk], actor=second_lawyer, decision="approve"
            ),
        ]
    )
    assert sum(isinstance(r, ApprovalAlreadyDecided) for r in results) == 1, results
    contract.refresh_from_db()
    assert contract.status == ContractStatus.APPROVED
    assert ContractEvent.objects.filter(contract=contract, kind=EventKind.APPROVED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_edits_of_a_draft_from_the_same_version_one_wins(company):
    cat = catalog()
    customer = make_customer(company.rep_e1, "宁波港务集团")
    contract = draft(company.rep_e1, customer, [line(cat.hydrant, "10")])

    def edit(actor, quantity):
        return contract_update(
            actor=actor,
            contract=contract.pk,
            expected_version=1,
            data=complete_data(customer),
            lines=[line(cat.hydrant, quantity)],
            terms=terms_30_60_10(),
        )

    results = race([lambda: edit(company.rep_e1, "20"), lambda: edit(company.mgr_east, "30")])
    assert sum(isinstance(r, StaleEdit) for r in results) == 1, results
    saved = Contract.objects.get(pk=contract.pk)
    assert saved.version == 2
    assert saved.lines.count() == 1
