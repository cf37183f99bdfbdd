"""Given-helpers of the collection tests (overdue, dunning, write-offs, invoices): a signed
contract written as rows (the contracts test helper) with instalments written directly, so the
due dates are the test's; receipts go through the receipt service."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.tests.test_amendments_support import lines_of, product, signed_contract
from xiaoguan.receivables.models import Instalment


def contract(
    owner: Any, *, total: str = "10000.00", cust: Any = None, title: str = "消防器材采购合同"
) -> Contract:
    p = product("MFZ-ABC4", "手提式干粉灭火器")
    return signed_contract(owner, lines_of((p, "1", total)), cust=cust, title=title)


def instalment(
    c: Contract,
    amount: str,
    *,
    days_overdue: int | None = 30,
    due: date | None = None,
    position: int = 1,
    label: str = "预付款",
) -> Instalment:
    """An open instalment of ``c`` due ``days_overdue`` days ago (negative: in the future)."""
    if due is None and days_overdue is not None:
        due = timezone.localdate() - timedelta(days=days_overdue)
    return Instalment.objects.create(
        owner=c.owner,
        department=c.department,
        customer=c.customer,
        contract=c,
        position=position,
        label=label,
        trigger="signing",
        amount=Decimal(amount),
        due_date=due,
    )


def pay(actor: Any, cust: Any, amount: str) -> Any:
    from xiaoguan.receivables.services.receipts import ReceiptData, receipt_record

    return receipt_record(
        actor=actor,
        data=ReceiptData(
            customer_id=cust.pk, method="transfer", amount=amount, received_on=timezone.localdate()
        ),
        allocate="auto",
    )


def approve_all(request: Any) -> Any:
    """Decide every step of an approval request as whoever it waits for."""
    from xiaoguan.approvals.models import ApprovalTask
    from xiaoguan.approvals.services.requests import approval_decide

    for _ in range(10):
        request.refresh_from_db()
        if request.status != "pending":
            return request
        task = (
            ApprovalTask.objects.filter(request=request, status="pending")
            .select_related("approver")
            .first()
        )
        approval_decide(task_id=task.pk, actor=task.approver, decision="approve")
    return request
