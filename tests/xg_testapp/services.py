"""The test document's own transitions, written the way a real app drives the approval engine."""

from __future__ import annotations

from django.db import transaction

from xg_testapp.models import Expense, ExpenseStatus
from xiaoguan.approvals.services import approval_request_create
from xiaoguan.core.documents import ensure_transition
from xiaoguan.org.models import User


@transaction.atomic
def expense_submit(*, expense: Expense, actor: User) -> Expense:
    """A draft or returned expense goes to approval along the "expense" chain."""
    expense = Expense.objects.select_for_update().get(pk=expense.pk)
    ensure_transition(expense, to=ExpenseStatus.IN_APPROVAL)
    approval_request_create(subject=expense, doc_type="expense", requested_by=actor)
    expense.status = ExpenseStatus.IN_APPROVAL
    expense.save(update_fields=["status", "updated_at"])
    return expense


def _move(to: str):
    def callback(*, subject: Expense, request, actor) -> None:
        expense = Expense.objects.select_for_update().get(pk=subject.pk)
        ensure_transition(expense, to=to)
        expense.status = to
        expense.save(update_fields=["status", "updated_at"])

    return callback


on_approved = _move(ExpenseStatus.APPROVED)
on_rejected = _move(ExpenseStatus.REJECTED)
on_returned = _move(ExpenseStatus.RETURNED)
on_cancelled = _move(ExpenseStatus.DRAFT)
