"""Bad-debt write-offs (R-AR-4): the refusals, the approval through finance and management,
the re-check on approval (a receipt that came in meanwhile), rejection and withdrawal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xiaoguan.approvals.models import ApprovalRequest, ApprovalTask
from xiaoguan.approvals.services.chains import default_chains_ensure
from xiaoguan.approvals.services.requests import approval_decide
from xiaoguan.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from xiaoguan.receivables.enums import InstalmentStatus, WriteOffStatus
from xiaoguan.receivables.models import Instalment, WriteOff
from xiaoguan.receivables.services.write_offs import (
    write_off_cancel,
    write_off_request,
    write_off_submit,
)
from xiaoguan.receivables.tests.test_overdue_support import approve_all, contract, instalment, pay


@pytest.fixture
def setup(company):
    default_chains_ensure()
    c = contract(company.rep_e1)
    inst = instalment(c, "3000.00", days_overdue=400)
    return c, inst


def _request(write_off: WriteOff) -> ApprovalRequest:
    return ApprovalRequest.objects.get(doc_type="write_off", object_id=write_off.pk)


def test_approved_through_finance_then_management(company, setup):
    _c, inst = setup
    w = write_off_request(
        actor=company.finance1,
        instalment_id=inst.pk,
        amount="3000.00",
        reason="客户破产清算",
        submit=True,
    )
    assert w.status == WriteOffStatus.IN_APPROVAL
    assert w.number.startswith("HX")
    request = _request(w)
    first = ApprovalTask.objects.get(request=request, status="pending")
    # The requester never approves their own request: the finance step falls to someone else.
    assert first.approver_id != company.finance1.pk
    approve_all(request)
    w.refresh_from_db()
    inst.refresh_from_db()
    assert w.status == WriteOffStatus.APPROVED and w.approved_at is not None
    assert inst.written_off == Decimal("3000.00")
    assert inst.status == InstalmentStatus.WRITTEN_OFF
    assert inst.outstanding == 0


def test_partial_write_off_leaves_the_instalment_open(company, setup):
    _c, inst = setup
    w = write_off_request(
        actor=company.finance1,
        instalment_id=inst.pk,
        amount="1000.00",
        reason="协商减免",
        submit=True,
    )
    approve_all(_request(w))
    inst.refresh_from_db()
    assert inst.written_off == Decimal("1000.00")
    assert inst.status == InstalmentStatus.OPEN
    assert inst.outstanding == Decimal("2000.00")


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        ("0", "amount"),
        ("-5", "amount"),
        ("3000.01", "amount"),
        ("1.234", "amount"),
        ("abc", "amount"),
    ],
)
def test_bad_amounts_refused(company, setup, amount, field):
    _c, inst = setup
    with pytest.raises(ValidationFailed) as exc:
        write_off_request(actor=company.finance1, instalment_id=inst.pk, amount=amount, reason="x")
    assert field in exc.value.fields
    assert not WriteOff.objects.exists()


def test_reason_required(company, setup):
    _c, inst = setup
    with pytest.raises(ValidationFailed) as exc:
        write_off_request(actor=company.finance1, instalment_id=inst.pk, amount="10", reason="  ")
    assert "reason" in exc.value.fields


def test_paid_instalment_refused(company, setup):
    _c, inst = setup
    pay(company.finance1, inst.customer, "3000.00")
    inst.refresh_from_db()
    assert inst.status == InstalmentStatus.PAID
    with pytest.raises(ValidationFailed) as exc:
        write_off_request(actor=company.finance1, instalment_id=inst.pk, amount="1", reason="x")
    assert "only what an open instalment still owes" in str(exc.value.message)


def test_second_pending_request_refused(company, setup):
    _c, inst = setup
    write_off_request(actor=company.finance1, instalment_id=inst.pk, amount="100", reason="x")
    with pytest.raises(ValidationFailed) as exc:
        write_off_request(actor=company.finance1, instalment_id=inst.pk, amount="100", reason="y")
    assert "already on the way" in str(exc.value.message)
    assert WriteOff.objects.count() == 1


def test_rights_and_scope(company, setup):
    _c, inst = setup
    with pytest.raises(PermissionDenied):
        write_off_request(actor=company.rep_e1, instalment_id=inst.pk, amount="1", reason="x")
    other = instalment(contract(company.rep_w1), "500.00")
    # Finance sees every region's instalments; a manager may not request at all.
    write_off_request(actor=company.finance1, instalment_id=other.pk, amount="1", reason="x")
    with pytest.raises(PermissionDenied):
        write_off_request(actor=company.mgr_east, instalment_id=other.pk, amount="1", reason="x")
    with pytest.raises(NotFound):
        write_off_request(actor=company.finance1, instalment_id=10**9, amount="1", reason="x")


def test_receipt_meanwhile_makes_the_approval_fail(company, setup):
    _c, inst = setup
    w = write_off_request(
        actor=company.finance1, instalment_id=inst.pk, amount="3000.00", reason="x", submit=True
    )
    pay(company.finance1, inst.customer, "500.00")
    request = _request(w)
    with pytest.raises(ValidationFailed) as exc:
        approve_all(request)
    assert "now owes ¥2,500.00" in str(exc.value.message)
    inst.refresh_from_db()
    w.refresh_from_db()
    assert inst.written_off == 0 and inst.collected == Decimal("500.00")
    # The approval chain may have passed its first step; the write-off itself is untouched.
    assert w.status == WriteOffStatus.IN_APPROVAL


def test_rejection_leaves_it_open(company, setup):
    _c, inst = setup
    w = write_off_request(
        actor=company.finance1, instalment_id=inst.pk, amount="3000.00", reason="x", submit=True
    )
    task = ApprovalTask.objects.filter(request=_request(w), status="pending").first()
    approval_decide(task_id=task.pk, actor=task.approver, decision="reject", comment="继续催收")
    w.refresh_from_db()
    inst.refresh_from_db()
    assert w.status == WriteOffStatus.REJECTED
    assert inst.status == InstalmentStatus.OPEN and inst.written_off == 0
    # A new request may follow once the first is decided.
    write_off_request(actor=company.finance1, instalment_id=inst.pk, amount="10", reason="x")


def test_withdraw_in_approval_and_draft(company, setup):
    _c, inst = setup
    w = write_off_request(
        actor=company.finance1, instalment_id=inst.pk, amount="10", reason="x", submit=True
    )
    write_off_cancel(actor=company.finance1, write_off_id=w.pk)
    w.refresh_from_db()
    assert w.status == WriteOffStatus.CANCELLED
    assert _request(w).status == "cancelled"
    d = write_off_request(actor=company.finance1, instalment_id=inst.pk, amount="10", reason="x")
    write_off_cancel(actor=company.finance1, write_off_id=d.pk)
    d.refresh_from_db()
    assert d.status == WriteOffStatus.CANCELLED
    with pytest.raises(ApplicationError):
        write_off_submit(actor=company.finance1, write_off_id=d.pk)


def test_submit_rechecks_outstanding(company, setup):
    _c, inst = setup
    d = write_off_request(actor=company.finance1, instalment_id=inst.pk, amount="3000", reason="x")
    pay(company.finance1, inst.customer, "100.00")
    with pytest.raises(ApplicationError):
        write_off_submit(actor=company.finance1, write_off_id=d.pk)
    d.refresh_from_db()
    assert d.status == WriteOffStatus.DRAFT
    assert Instalment.objects.get(pk=inst.pk).written_off == 0
