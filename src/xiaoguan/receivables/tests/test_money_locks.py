"""Money paths racing an amendment that takes effect (docs/dev/locking.md): the signing of the
amendment rebuilds the collection plan and moves the collected money while a receipt is
recorded, allocated, reversed or its bill dishonoured for the same contract. Neither may end
in a deadlock, and the figures must add up afterwards: what the contract collected plus what
its plan still owes is its total, to the cent, and no instalment or receipt is over-allocated.

These run on PostgreSQL only (``@pytest.mark.postgres``; SQLite ignores row locks and has one
writer at a time, so they are skipped there). The "widened" tests make the bad interleaving
certain by pausing each side between its locks: the receipt after it took the instalments,
the amendment after it took the contract; the "repeated" tests race the real services with
no pause."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import race
from xiaoguan.contracts.enums import ContractStatus, PaymentTrigger
from xiaoguan.contracts.models import Contract, ContractLine
from xiaoguan.contracts.selectors.family import family_current
from xiaoguan.contracts.services.amendments import contract_amend_start
from xiaoguan.contracts.services.contracts import contract_sign
from xiaoguan.contracts.tests.test_contracts_support import scan
from xiaoguan.receivables.enums import InstalmentStatus, ReceiptStatus
from xiaoguan.receivables.models import Allocation, Instalment, Receipt
from xiaoguan.receivables.services import plans, receipts
from xiaoguan.receivables.services.bills import bill_dishonour
from xiaoguan.receivables.services.receipts import (
    customer_credit_use,
    family_q,
    receipt_allocate,
    receipt_reverse,
)
from xiaoguan.receivables.tests.factories import contract_with_plan, customer, pay, set_terms

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PAUSE = 0.4  # seconds; longer than either side needs to reach its next lock


def _approved_amendment(contract: Contract, actor, *, quantity: str) -> Contract:
    """An amendment of ``contract`` with a new quantity, approved and waiting to be signed."""
    new = contract_amend_start(actor=actor, contract=contract, reason="客户调整数量")
    line = ContractLine.objects.get(contract=new)
    line.quantity = Decimal(quantity)
    line.amount = (line.quantity * line.unit_price).quantize(Decimal("0.01"))
    line.save()
    Contract.objects.filter(pk=new.pk).update(
        total=line.amount, list_total=line.amount, status=ContractStatus.APPROVED
    )
    advance = (line.amount * Decimal("0.3")).quantize(Decimal("0.01"))
    set_terms(
        new,
        [
            ("预付款", PaymentTrigger.SIGNING, 7, str(advance)),
            ("到货款", PaymentTrigger.DELIVERY, 30, str(line.amount - advance)),
        ],
    )
    return Contract.objects.get(pk=new.pk)


def _sign(company, amendment: Contract):
    return lambda: contract_sign(
        actor=company.rep_e1,
        contract=amendment.pk,
        signed_on=timezone.localdate(),
        customer_signatory="王经理",
        company_signatory="刘洋",
        scan=scan(),
    )


def _assert_consistent(contract: Contract) -> None:
    """Collected + outstanding = total to the cent; nothing over-allocated; the ledger's
    collected figure is the sum of the active allocations."""
    root_id = contract.root_id or contract.pk
    current = family_current(root_id).get()
    plan = list(Instalment.objects.filter(contract=current).exclude(status=InstalmentStatus.CLOSED))
    assert plan, "the version in force has a collection plan"
    active = Allocation.objects.filter(family_q(root_id, "instalment__contract"), is_active=True)
    allocated = sum((a.amount for a in active), Decimal(0))
    collected = sum((i.collected for i in plan), Decimal(0))
    outstanding = sum((i.amount - i.collected - i.written_off for i in plan), Decimal(0))
    assert current.collected_amount == allocated == collected
    assert collected + outstanding == current.total
    for instalment in Instalment.objects.filter(customer_id=current.customer_id):
        assert 0 <= instalment.collected <= instalment.amount - instalment.written_off
        mine = Allocation.objects.filter(instalment=instalment, is_active=True)
        assert instalment.collected == sum((a.amount for a in mine), Decimal(0))
    for receipt in Receipt.objects.filter(customer_id=current.customer_id):
        mine = Allocation.objects.filter(receipt=receipt, is_active=True)
        assert receipt.allocated == sum((a.amount for a in mine), Decimal(0))
        assert 0 <= receipt.allocated <= receipt.amount
        if receipt.status == ReceiptStatus.REVERSED:
            assert receipt.allocated == 0


def _no_errors(results) -> None:
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], errors


@pytest.fixture
def widened(monkeypatch):
    """Pause the receipt after it locked the instalments (before the contract figures) and the
    amendment after it locked the contract (before the receipts and instalments)."""
    apply, release, lock_money = (
        receipts.allocations_apply,
        receipts.allocations_release,
        plans._lock_money,
    )

    def slow(function):
        def wrapper(*args, **kwargs):
            time.sleep(PAUSE)
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(receipts, "allocations_apply", slow(apply))
    monkeypatch.setattr(receipts, "allocations_release", slow(release))
    monkeypatch.setattr(plans, "_lock_money", slow(lock_money))


def _given(company, *, paid: str = "2000.00"):
    cust = customer(company.rep_e1)
    contract = contract_with_plan(company.rep_e1, cust=cust)  # 3,000 + 7,000
    first = pay(company.finance1, cust, paid)
    amendment = _approved_amendment(contract, company.rep_e1, quantity="150")  # 15,000
    return cust, contract, amendment, first


def _after(contract: Contract, amendment: Contract) -> None:
    amendment.refresh_from_db()
    assert amendment.is_current and amendment.status == ContractStatus.SIGNED
    _assert_consistent(contract)


def test_widened_receipt_recorded_while_the_amendment_takes_effect(company, widened):
    cust, contract, amendment, _first = _given(company)
    results = race([_sign(company, amendment), lambda: pay(company.finance1, cust, "3000.00")])
    _no_errors(results)
    _after(contract, amendment)
    assert Contract.objects.get(pk=amendment.pk).collected_amount == Decimal("5000.00")


def test_widened_credit_allocated_while_the_amendment_takes_effect(company, widened):
    cust, contract, amendment, _first = _given(company)
    credit = pay(company.finance1, cust, "3000.00", allocate="none")
    results = race(
        [
            _sign(company, amendment),
            lambda: receipt_allocate(actor=company.finance1, receipt_id=credit.pk),
        ]
    )
    _no_errors(results)
    _after(contract, amendment)
    assert Contract.objects.get(pk=amendment.pk).collected_amount == Decimal("5000.00")


def test_widened_receipt_reversed_while_the_amendment_takes_effect(company, widened):
    _cust, contract, amendment, first = _given(company)
    results = race(
        [
            _sign(company, amendment),
            lambda: receipt_reverse(actor=company.finance1, receipt_id=first.pk, reason="错账"),
        ]
    )
    _no_errors(results)
    _after(contract, amendment)
    assert Contract.objects.get(pk=amendment.pk).collected_amount == 0


def test_widened_bill_dishonoured_while_the_amendment_takes_effect(company, widened):
    cust = customer(company.rep_e1)
    contract = contract_with_plan(company.rep_e1, cust=cust)
    bill = pay(
        company.finance1,
        cust,
        "2000.00",
        contract=contract,
        method="bank_bill",
        bill_no="31300051-0009",
        bill_bank="招商银行成都分行",
        bill_maturity=timezone.localdate(),
    )
    amendment = _approved_amendment(contract, company.rep_e1, quantity="150")
    results = race(
        [
            _sign(company, amendment),
            lambda: bill_dishonour(actor=company.finance1, receipt_id=bill.pk),
        ]
    )
    _no_errors(results)
    _after(contract, amendment)
    assert Contract.objects.get(pk=amendment.pk).collected_amount == 0


@pytest.mark.parametrize("attempt", range(6))
def test_repeated_receipts_racing_an_amendment(company, attempt):
    """The real services with no pause, several times: a recorded receipt, the credit of an
    earlier receipt, and the amendment, all at once."""
    cust, contract, amendment, _first = _given(company)
    pay(company.finance1, cust, "1500.00", allocate="none")
    results = race(
        [
            _sign(company, amendment),
            lambda: pay(company.finance1, cust, "3000.00"),
            lambda: customer_credit_use(actor=company.finance1, customer_id=cust.pk),
        ]
    )
    _no_errors(results)
    _after(contract, amendment)
    assert Contract.objects.get(pk=amendment.pk).collected_amount == Decimal("6500.00")


def test_widened_write_off_withdrawn_while_it_is_approved(company, monkeypatch):
    """Finance withdraws a write-off while management approves its last step: the engine takes
    the approval request, then the write-off; the withdrawal takes them in the same order, so
    one of the two wins and the other is refused, with no deadlock."""
    from xiaoguan.approvals.models import ApprovalRequest, ApprovalTask
    from xiaoguan.approvals.services.chains import default_chains_ensure
    from xiaoguan.approvals.services.requests import approval_decide
    from xiaoguan.receivables.models import WriteOff
    from xiaoguan.receivables.services import write_offs
    from xiaoguan.receivables.tests.test_overdue_support import contract, instalment

    default_chains_ensure()
    inst = instalment(contract(company.rep_e1), "3000.00", days_overdue=400)
    w = write_offs.write_off_request(
        actor=company.finance1, instalment_id=inst.pk, amount="3000", reason="x", submit=True
    )
    request = ApprovalRequest.objects.get(doc_type="write_off", object_id=w.pk)
    first = ApprovalTask.objects.get(request=request, status="pending")
    approval_decide(task_id=first.pk, actor=first.approver, decision="approve")
    last = ApprovalTask.objects.get(request=request, status="pending")
    lock, fresh = write_offs._lock, write_offs._fresh

    def slow_lock(*args, **kwargs):  # the withdrawal, holding the write-off
        row = lock(*args, **kwargs)
        time.sleep(PAUSE)
        return row

    def slow_fresh(*args, **kwargs):  # the decision, holding the approval request
        time.sleep(PAUSE)
        return fresh(*args, **kwargs)

    monkeypatch.setattr(write_offs, "_lock", slow_lock)
    monkeypatch.setattr(write_offs, "_fresh", slow_fresh)
    results = race(
        [
            lambda: approval_decide(task_id=last.pk, actor=last.approver, decision="approve"),
            lambda: write_offs.write_off_cancel(actor=company.finance1, write_off_id=w.pk),
        ]
    )
    failed = [r for r in results if isinstance(r, BaseException)]
    assert len(failed) == 1, results
    assert "deadlock" not in str(failed[0])
    w.refresh_from_db()
    inst.refresh_from_db()
    if isinstance(results[0], BaseException):
        assert w.status == "cancelled" and inst.written_off == 0
    else:
        assert w.status == "approved" and inst.written_off == Decimal("3000.00")
    assert WriteOff.objects.filter(instalment=inst).count() == 1
