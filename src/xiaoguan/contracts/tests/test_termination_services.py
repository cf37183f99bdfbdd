"""Termination (R-CON-5): reason and settlement recorded, open tasks and a pending amendment
cancelled, ``contract_terminated`` handlers inside the transaction; every refusal leaves the
contract as it was."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from xiaoguan.contracts import registries
from xiaoguan.contracts.enums import ContractStatus, EventKind, TerminationKind
from xiaoguan.contracts.errors import TerminationInvalid, TerminationNotAllowed
from xiaoguan.contracts.models import Contract, ContractEvent
from xiaoguan.contracts.services.amendments import contract_amend_start
from xiaoguan.contracts.services.problems import contract_problem_log
from xiaoguan.contracts.services.termination import contract_terminate
from xiaoguan.contracts.tests.test_amendments_support import (
    lines_of,
    product,
    signed_contract,
    snapshot,
)
from xiaoguan.org.enums import TaskStatus
from xiaoguan.org.models import DepartmentTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(company):
    return signed_contract(
        company.rep_e1, lines_of((product("MFZ-ABC4", "手提式干粉灭火器"), "100", "85.00"))
    )


def _terminate(actor, contract, **overrides):
    values = {
        "kind": TerminationKind.MUTUAL,
        "reason": "客户项目取消，双方协商解除",
        "settlement_amount": Decimal("1200.00"),
        "settlement_note": "我方退还预付款余额",
        "terminated_on": timezone.localdate(),
    }
    values.update(overrides)
    return contract_terminate(actor=actor, contract=contract, **values)


def test_termination_records_the_reason_and_the_settlement(company, contract):
    # when
    _terminate(company.legal1, contract)
    # then
    contract.refresh_from_db()
    assert contract.status == ContractStatus.TERMINATED
    assert contract.is_current is True
    assert (
        contract.termination_kind,
        contract.termination_reason,
        contract.settlement_amount,
        contract.settlement_note,
        contract.terminated_on,
    ) == (
        TerminationKind.MUTUAL,
        "客户项目取消，双方协商解除",
        Decimal("1200.00"),
        "我方退还预付款余额",
        timezone.localdate(),
    )
    event = ContractEvent.objects.get(root=contract, kind=EventKind.TERMINATED)
    assert event.actor == company.legal1
    assert event.detail["settlement_amount"] == "1200.00"
    assert "客户项目取消" in event.summary


def test_handlers_run_inside_the_transaction_and_see_the_terminated_contract(company, contract):
    seen = []

    def handler(*, contract, actor):
        seen.append((contract.pk, contract.status, actor.pk, connection.in_atomic_block))

    registries.contract_terminated.connect(handler)
    try:
        _terminate(company.gm, contract)
    finally:
        registries.contract_terminated.disconnect(handler)
    assert seen == [(contract.pk, ContractStatus.TERMINATED, company.gm.pk, True)]


def test_a_failing_handler_rolls_everything_back(company, contract):
    problem = contract_problem_log(
        actor=company.rep_e1,
        contract=contract,
        title="到货破损",
        description="3具外壳破损",
        department_id=company.depts["LOG"].pk,
    )
    before = snapshot(contract)

    def handler(*, contract, actor):
        raise RuntimeError("collection plan refused")

    registries.contract_terminated.connect(handler)
    try:
        with pytest.raises(RuntimeError):
            _terminate(company.gm, contract)
    finally:
        registries.contract_terminated.disconnect(handler)
    assert snapshot(contract) == before
    assert DepartmentTask.objects.get(pk=problem.task_id).status == TaskStatus.OPEN


def test_open_tasks_of_every_version_are_cancelled_even_by_someone_who_did_not_request_them(
    company, contract
):
    # given a task requested by the rep, and a finished one
    open_task = contract_problem_log(
        actor=company.rep_e1,
        contract=contract,
        title="到货破损",
        department_id=company.depts["LOG"].pk,
    ).task
    done = contract_problem_log(
        actor=company.rep_e1,
        contract=contract,
        title="发票抬头错误",
        department_id=company.depts["FIN"].pk,
    ).task
    DepartmentTask.objects.filter(pk=done.pk).update(status=TaskStatus.DONE)
    # when legal terminates (legal neither requested the task nor heads logistics)
    _terminate(company.legal1, contract)
    # then
    open_task.refresh_from_db()
    assert open_task.status == TaskStatus.CANCELLED
    assert open_task.completed_by == company.legal1
    assert "客户项目取消" in open_task.response
    assert DepartmentTask.objects.get(pk=done.pk).status == TaskStatus.DONE
    event = ContractEvent.objects.get(root=contract, kind=EventKind.TERMINATED)
    assert event.detail["tasks_cancelled"] == 1


def test_an_amendment_on_the_way_is_cancelled(company, contract):
    draft = contract_amend_start(actor=company.rep_e1, contract=contract, reason="追加数量")
    _terminate(company.gm, contract)
    draft.refresh_from_db()
    assert draft.status == ContractStatus.CANCELLED
    assert draft.is_current is False


def test_refuses_while_an_amendment_is_in_approval(company, contract):
    draft = contract_amend_start(actor=company.rep_e1, contract=contract, reason="追加数量")
    Contract.objects.filter(pk=draft.pk).update(status=ContractStatus.IN_APPROVAL)
    before = snapshot(contract)
    with pytest.raises(TerminationNotAllowed) as exc:
        _terminate(company.gm, contract)
    assert "v2" in str(exc.value.message)
    assert snapshot(contract) == before


def test_refuses_to_terminate_twice(company, contract):
    _terminate(company.gm, contract)
    contract.refresh_from_db()
    before = snapshot(contract)
    with pytest.raises(TerminationNotAllowed):
        _terminate(company.gm, contract, reason="再次终止")
    assert snapshot(contract) == before


@pytest.mark.parametrize(
    "status",
    [
        ContractStatus.DRAFT,
        ContractStatus.IN_APPROVAL,
        ContractStatus.APPROVED,
        ContractStatus.SUPERSEDED,
        ContractStatus.COMPLETED,
        ContractStatus.CANCELLED,
    ],
)
def test_refuses_a_contract_not_signed_and_in_force(company, contract, status):
    Contract.objects.filter(pk=contract.pk).update(status=status)
    contract.refresh_from_db()
    before = snapshot(contract)
    with pytest.raises(TerminationNotAllowed):
        _terminate(company.gm, contract)
    assert snapshot(contract) == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "x" * 2001}, "reason"),
        ({"kind": "bored"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"settlement_amount": Decimal("-0.01")}, "settlement_amount"),
        ({"settlement_amount": None}, "settlement_amount"),
        ({"settlement_amount": "abc"}, "settlement_amount"),
        ({"settlement_amount": Decimal("1.005")}, "settlement_amount"),
        ({"settlement_amount": Decimal("NaN")}, "settlement_amount"),
        ({"terminated_on": None}, "terminated_on"),
        ({"settlement_note": "x" * 2001}, "settlement_note"),
    ],
)
def test_refuses_bad_input_and_changes_nothing(company, contract, overrides, field):
    before = snapshot(contract)
    with pytest.raises(TerminationInvalid) as exc:
        _terminate(company.gm, contract, **overrides)
    assert field in exc.value.fields
    assert exc.value.status == 422
    assert snapshot(contract) == before


def test_refuses_a_termination_date_in_the_future(company, contract):
    before = snapshot(contract)
    with pytest.raises(TerminationInvalid) as exc:
        _terminate(company.gm, contract, terminated_on=timezone.localdate() + timedelta(days=1))
    assert "terminated_on" in exc.value.fields
    assert snapshot(contract) == before


def test_refuses_a_termination_date_before_the_signing(company, contract):
    before = snapshot(contract)
    with pytest.raises(TerminationInvalid) as exc:
        _terminate(company.gm, contract, terminated_on=contract.signed_on - timedelta(days=1))
    assert contract.signed_on.isoformat() in str(exc.value.fields["terminated_on"])
    assert snapshot(contract) == before


def test_accepts_a_termination_on_the_signing_day_with_no_settlement(company, contract):
    _terminate(
        company.gm,
        contract,
        kind=TerminationKind.FORCE_MAJEURE,
        terminated_on=contract.signed_on,
        settlement_amount=Decimal("0"),
    )
    contract.refresh_from_db()
    assert (contract.status, contract.settlement_amount) == (
        ContractStatus.TERMINATED,
        Decimal("0.00"),
    )


def test_terminating_an_amended_contract_terminates_the_version_in_force(company, contract):
    from django.db import transaction

    from xiaoguan.contracts.services.amendments import amendment_take_effect

    v2 = contract_amend_start(actor=company.rep_e1, contract=contract, reason="追加数量")
    Contract.objects.filter(pk=v2.pk).update(status=ContractStatus.SIGNED)
    v2.refresh_from_db()
    with transaction.atomic():
        amendment_take_effect(old=contract, new=v2, actor=company.rep_e1)
    contract.refresh_from_db()
    with pytest.raises(TerminationNotAllowed):
        _terminate(company.gm, contract)
    _terminate(company.gm, v2)
    assert list(
        Contract.objects.filter(number=contract.number)
        .order_by("version_no")
        .values_list("status", flat=True)
    ) == [ContractStatus.SUPERSEDED, ContractStatus.TERMINATED]
