"""An amendment end to end through the contract services and the approval engine: signed v1 →
amend → edit → submit → approve (sales head, legal) → sign → v2 in force, v1 superseded."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from xiaoguan.approvals.models import ApprovalRequest
from xiaoguan.approvals.services import approval_decide
from xiaoguan.contracts import registries
from xiaoguan.contracts.enums import ContractStatus, EventKind
from xiaoguan.contracts.errors import AmendmentBelowShipped, AmendmentOpen
from xiaoguan.contracts.models import Contract, ContractEvent
from xiaoguan.contracts.selectors.versions import contract_diff
from xiaoguan.contracts.services.amendments import contract_amend_start
from xiaoguan.contracts.services.contracts import (
    contract_sign,
    contract_submit,
    contract_update,
)
from xiaoguan.contracts.tests.test_amendments_support import ShippedProvider
from xiaoguan.contracts.tests.test_contracts_support import (
    approval_chain,
    catalog,
    complete_data,
    departments,
    draft,
    float_range,
    line,
    scan,
    terms_30_60_10,
)
from xiaoguan.customers.tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def given(company):
    cat = catalog()
    float_range("sales_rep", "10")
    departments(company)
    approval_chain()
    customer = make_customer(company.rep_e1, "上海某大厦物业管理有限公司")
    return cat, customer


def _approve(contract, approvers):
    for person in approvers:
        request = ApprovalRequest.objects.get(
            object_id=contract.pk, doc_type="contract", status="pending"
        )
        task = request.tasks.get(status="pending", step_position=request.current_step)
        assert task.approver_id == person.pk, (task.step_name, task.approver)
        approval_decide(task_id=task.pk, actor=person, decision="approve")


def _sign(company, contract, day=None):
    return contract_sign(
        actor=company.rep_e1,
        contract=contract,
        signed_on=day or timezone.localdate(),
        customer_signatory="王经理",
        company_signatory="刘洋",
        scan=scan(),
    )


def _signed_v1(company, given):
    cat, customer = given
    v1 = draft(company.rep_e1, customer, [line(cat.extinguisher, "100"), line(cat.hydrant, "10")])
    contract_submit(actor=company.rep_e1, contract=v1)
    _approve(v1, [company.mgr_east, company.legal1])
    return _sign(company, v1, day=timezone.localdate() - timedelta(days=3))


def _edit(company, given, v2, quantities, **header):
    cat, customer = given
    v2.refresh_from_db()
    lines = [line(getattr(cat, name), qty) for name, qty in quantities]
    return contract_update(
        actor=company.rep_e1,
        contract=v2,
        expected_version=v2.version,
        data=complete_data(customer, **header),
        lines=lines,
        terms=terms_30_60_10(),
    )


def test_an_amendment_goes_through_approval_and_replaces_the_signed_version(company, given):
    v1 = _signed_v1(company, given)
    assert (v1.total, v1.is_current) == (Decimal("20500.00"), True)
    # when the customer wants 20 more extinguishers, 5 detectors and a later delivery
    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="客户追加数量并推迟交货")
    later = v1.delivery_date + timedelta(days=14)
    v2 = _edit(
        company,
        given,
        v2,
        [("extinguisher", "120"), ("hydrant", "10"), ("detector", "5")],
        delivery_date=later,
    )
    contract_submit(actor=company.rep_e1, contract=v2)
    _approve(v2, [company.mgr_east, company.legal1])
    amended, signed = [], []

    def on_amended(*, old, new, actor):
        amended.append((old.pk, new.pk, actor.pk, connection.in_atomic_block))

    def on_signed(*, contract, actor):
        signed.append(contract.pk)

    registries.contract_amended.connect(on_amended)
    registries.contract_signed.connect(on_signed)
    try:
        _sign(company, v2)
    finally:
        registries.contract_amended.disconnect(on_amended)
        registries.contract_signed.disconnect(on_signed)
    # then
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v1.is_current) == (ContractStatus.SUPERSEDED, False)
    assert (v2.status, v2.is_current, v2.version_no) == (ContractStatus.SIGNED, True, 2)
    assert v2.total == Decimal("24200.00")  # 120 × 120 + 10 × 850 + 5 × 260
    assert amended == [(v1.pk, v2.pk, company.rep_e1.pk, True)]
    assert signed == []
    assert list(
        Contract.objects.filter(number=v1.number, is_current=True).values_list("pk", flat=True)
    ) == [v2.pk]
    kinds = list(
        ContractEvent.objects.filter(root=v1).order_by("at", "pk").values_list("kind", flat=True)
    )
    assert kinds.count(EventKind.AMENDMENT) == 1
    assert kinds.count(EventKind.AMENDED) == 1
    assert kinds.count(EventKind.SIGNED) == 2
    # and the page's diff shows it line by line
    diff = contract_diff(old=v1, new=v2)
    assert [(c.kind, c.product_name, c.old_quantity, c.new_quantity) for c in diff.lines] == [
        ("changed", "手提式干粉灭火器", "100", "120"),
        ("same", "室内消火栓", "10", "10"),
        ("added", "点型光电感烟火灾探测器", "", "5"),
    ]
    assert [f.name for f in diff.header] == ["total", "delivery_date"]
    assert diff.total_delta == Decimal("3700.00")


def test_submission_is_refused_below_what_was_shipped(company, given):
    cat, _customer = given
    v1 = _signed_v1(company, given)
    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="减少灭火器数量")
    v2 = _edit(company, given, v2, [("extinguisher", "40"), ("hydrant", "10")])
    key = (cat.extinguisher.pk, cat.extinguisher.unit_id)
    with ShippedProvider({key: Decimal("60")}), pytest.raises(AmendmentBelowShipped) as exc:
        contract_submit(actor=company.rep_e1, contract=v2)
    assert "手提式干粉灭火器" in str(exc.value.message)
    v2.refresh_from_db()
    assert v2.status == ContractStatus.DRAFT
    assert not ApprovalRequest.objects.filter(object_id=v2.pk, doc_type="contract").exists()


def test_signing_is_refused_when_shipments_overtook_the_approved_amendment(company, given):
    cat, _customer = given
    v1 = _signed_v1(company, given)
    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="减少灭火器数量")
    v2 = _edit(company, given, v2, [("extinguisher", "40"), ("hydrant", "10")])
    contract_submit(actor=company.rep_e1, contract=v2)
    _approve(v2, [company.mgr_east, company.legal1])
    key = (cat.extinguisher.pk, cat.extinguisher.unit_id)
    events = ContractEvent.objects.count()
    with ShippedProvider({key: Decimal("50")}), pytest.raises(AmendmentBelowShipped):
        _sign(company, v2)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v1.is_current) == (ContractStatus.SIGNED, True)
    assert (v2.status, v2.is_current) == (ContractStatus.APPROVED, False)
    assert ContractEvent.objects.count() == events


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_starting_an_amendment_at_once_get_one(company):
    """PostgreSQL: the row lock of the version in force serialises the two."""
    from conftest import race
    from xiaoguan.contracts.tests.test_amendments_support import lines_of, product, signed_contract

    v1 = signed_contract(company.rep_e1, lines_of((product("MFZ-ABC4", "灭火器"), "10", "85")))
    results = race(
        [
            lambda: contract_amend_start(actor=company.rep_e1, contract=v1, reason="甲"),
            lambda: contract_amend_start(actor=company.mgr_east, contract=v1, reason="乙"),
        ]
    )
    assert sorted(type(r).__name__ for r in results) == ["AmendmentOpen", "Contract"]
    assert any(isinstance(r, AmendmentOpen) for r in results)
    assert Contract.objects.filter(root=v1).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_signing_an_amendment_and_terminating_at_once_do_not_deadlock(company, given):
    """PostgreSQL: both take the amendment's lock first, so one waits for the other."""
    from conftest import race
    from xiaoguan.contracts.services.termination import contract_terminate

    v1 = _signed_v1(company, given)
    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="追加数量")
    v2 = _edit(company, given, v2, [("extinguisher", "120"), ("hydrant", "10")])
    contract_submit(actor=company.rep_e1, contract=v2)
    _approve(v2, [company.mgr_east, company.legal1])
    results = race(
        [
            lambda: _sign(company, v2),
            lambda: contract_terminate(
                actor=company.gm,
                contract=v1,
                kind="mutual",
                reason="协商解除",
                settlement_amount=Decimal(0),
                terminated_on=timezone.localdate(),
            ),
        ]
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert type(errors[0]).__name__ in ("TerminationNotAllowed", "InvalidTransition")
    current = Contract.objects.filter(number=v1.number, is_current=True)
    assert current.count() == 1
    statuses = dict(Contract.objects.filter(number=v1.number).values_list("version_no", "status"))
    assert statuses in (
        {1: ContractStatus.SUPERSEDED, 2: ContractStatus.SIGNED},
        {1: ContractStatus.TERMINATED, 2: ContractStatus.CANCELLED},
    )
