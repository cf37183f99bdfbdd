from __future__ import annotations

from decimal import Decimal

import pytest

from xiaoguan.approvals.models import ApprovalChain, ApprovalStep


@pytest.fixture
def expense_of(company):
    """An expense claim in draft owned by ``owner`` in the owner's department."""
    from xg_testapp.models import Expense

    def make(owner, amount="1000.00", discount=None, title="Taxi to customer"):
        return Expense.objects.create(
            owner=owner,
            department=owner.department,
            title=title,
            amount=Decimal(amount),
            discount=None if discount is None else Decimal(discount),
        )

    return make


@pytest.fixture
def make_chain(company):
    """An active "expense" chain with the given steps (dicts of ApprovalStep fields)."""

    def make(*steps, doc_type="expense", name="Expense approval", active=True):
        chain = ApprovalChain.objects.create(doc_type=doc_type, name=name, is_active=False)
        for position, fields in enumerate(steps, start=1):
            ApprovalStep.objects.create(chain=chain, position=position, **fields)
        if active:
            chain.is_active = True
            chain.save()
        return chain

    return make


@pytest.fixture
def submit():
    from xg_testapp.services import expense_submit

    def do(expense, actor=None):
        expense = expense_submit(expense=expense, actor=actor or expense.owner)
        from xiaoguan.approvals.selectors import pending_request_for

        return pending_request_for(expense)

    return do
