"""An order cancelled while finance decides the release of its credit hold
(docs/dev/locking.md). The approvals engine takes the approval request, then (in the
callback) the order and the hold; cancelling the order takes the order, then the pending
request, then the hold. Neither may end in a deadlock: one of the two wins and the other is
refused, and the order, its hold and the approval request agree afterwards. A recheck of the
order (order, then hold) racing the release must not deadlock either.

These run on PostgreSQL only (``@pytest.mark.postgres``; SQLite ignores row locks and has one
writer at a time, so they are skipped there). The "widened" tests make the bad interleaving
certain by pausing each side between its locks: the cancellation after it took the order, the
decision after it took the approval request; the "repeated" test races the real services with
no pause."""

from __future__ import annotations

import time

import pytest

from conftest import race
from xiaoguan.approvals.models import ApprovalRequest
from xiaoguan.approvals.services import requests as engine
from xiaoguan.approvals.services.requests import approval_decide
from xiaoguan.core.errors import Conflict
from xiaoguan.orders.enums import CreditHoldStatus, OrderStatus
from xiaoguan.orders.models import CreditHold, Order
from xiaoguan.orders.services import orders as order_services
from xiaoguan.orders.services.credit import credit_hold_request_release
from xiaoguan.orders.services.orders import order_cancel, order_confirm, order_submit
from xiaoguan.orders.tests.factories import (
    credit_chain,
    customer,
    direct_order,
    goods,
    line,
    set_limit,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PAUSE = 0.4  # seconds; longer than either side needs to reach its next lock


def _pending_release(company) -> tuple[Order, CreditHold, ApprovalRequest]:
    """A direct order on credit hold whose release mgr_east asked finance for."""
    credit_chain()
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    set_limit(cust, "1000")
    order = direct_order(company.rep_e1, cust, [line(g.hydrant, "2")])  # ¥1,700
    order = order_submit(actor=company.rep_e1, order=order)
    order = order_confirm(actor=company.mgr_east, order=order, confirmation_note="电话确认")
    assert order.status == OrderStatus.CREDIT_HOLD
    hold = credit_hold_request_release(
        actor=company.mgr_east, hold=CreditHold.objects.get(order=order), reason="月底回款"
    )
    request = ApprovalRequest.objects.get(doc_type="credit_hold", object_id=hold.pk)
    return order, hold, request


def _decide(company, request: ApprovalRequest, decision: str):
    task = request.tasks.get(status="pending")
    return lambda: approval_decide(
        task_id=task.pk, actor=company.finance1, decision=decision, comment="财务意见"
    )


def _cancel(company, order: Order):
    return lambda: order_cancel(actor=company.mgr_east, order=order.pk, reason="客户取消")


@pytest.fixture
def widened(monkeypatch):
    """Pause the cancellation after it locked the order (and released its stock), before the
    credit holds; pause the decision after it locked the approval request and its task, before
    the subject's callback, longer, so that the cancellation reaches the hold and the request
    while the decision holds the request."""
    release, subject_of = order_services._release, engine._subject_of

    def slow_release(*args, **kwargs):
        result = release(*args, **kwargs)
        time.sleep(PAUSE)
        return result

    def slow_subject_of(*args, **kwargs):
        time.sleep(3 * PAUSE)
        return subject_of(*args, **kwargs)

    monkeypatch.setattr(order_services, "_release", slow_release)
    monkeypatch.setattr(engine, "_subject_of", slow_subject_of)


def _assert_consistent(order: Order, hold: CreditHold, request: ApprovalRequest) -> None:
    """Whichever won, the three rows tell the same story and the request is closed: withdrawn
    with the order cancelled; approved with the hold released (the order confirmed, or
    cancelled afterwards); rejected with the order still on hold, or cancelled afterwards
    together with its hold."""
    order.refresh_from_db()
    hold.refresh_from_db()
    request.refresh_from_db()
    story = (request.status, hold.status, order.status)
    assert story in {
        ("cancelled", CreditHoldStatus.CANCELLED, OrderStatus.CANCELLED),
        ("approved", CreditHoldStatus.RELEASED, OrderStatus.CONFIRMED),
        ("approved", CreditHoldStatus.RELEASED, OrderStatus.CANCELLED),
        ("rejected", CreditHoldStatus.REFUSED, OrderStatus.CREDIT_HOLD),
        ("rejected", CreditHoldStatus.CANCELLED, OrderStatus.CANCELLED),
    }, story


def _failed(results) -> list[BaseException]:
    failed = [r for r in results if isinstance(r, BaseException)]
    assert not any("deadlock" in str(f).lower() for f in failed), failed
    return failed


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_widened_order_cancelled_while_finance_decides_the_release(company, widened, decision):
    order, hold, request = _pending_release(company)
    results = race([_decide(company, request, decision), _cancel(company, order)])
    # The decision holds the request when the cancellation reaches it: the cancellation is
    # refused as "changed meanwhile" and the decision goes through.
    assert _failed(results) == [results[1]] and isinstance(results[1], Conflict), results
    _assert_consistent(order, hold, request)
    # Tried again, the cancellation goes through: a released hold stays released (it no
    # longer blocks anything), a refused one ends with the order.
    order_cancel(actor=company.mgr_east, order=order.pk, reason="客户取消")
    order.refresh_from_db()
    hold.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    expected = CreditHoldStatus.RELEASED if decision == "approve" else CreditHoldStatus.CANCELLED
    assert hold.status == expected


@pytest.mark.parametrize("attempt", range(3))
@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_repeated_order_cancel_racing_the_decision(company, decision, attempt):
    """The real services with no pause: no deadlock, at most one side refused (an approver who
    comes second finds the request withdrawn; a cancellation that comes second after the
    decision simply goes through), and the rows agree."""
    order, hold, request = _pending_release(company)
    results = race([_decide(company, request, decision), _cancel(company, order)])
    assert len(_failed(results)) <= 1, results
    _assert_consistent(order, hold, request)


def test_widened_order_rechecked_while_finance_releases_the_hold(company, monkeypatch):
    """A reviewer rechecks the order (order, then hold) while finance approves the release:
    the engine's callback takes the order before the hold too, so the decision waits for the
    recheck instead of holding the hold it wants."""
    from xiaoguan.orders.services import credit
    from xiaoguan.orders.services.orders import order_credit_recheck

    order, hold, request = _pending_release(company)
    figures, subject_of = credit.order_credit_figures, engine._subject_of

    def slow_figures(*args, **kwargs):  # the recheck, holding the order
        time.sleep(3 * PAUSE)
        return figures(*args, **kwargs)

    def slow_subject_of(*args, **kwargs):  # the decision, holding the approval request
        time.sleep(PAUSE)
        return subject_of(*args, **kwargs)

    monkeypatch.setattr(credit, "order_credit_figures", slow_figures)
    monkeypatch.setattr(engine, "_subject_of", slow_subject_of)
    results = race(
        [
            _decide(company, request, "approve"),
            lambda: order_credit_recheck(actor=company.mgr_east, order=order.pk),
        ]
    )
    assert _failed(results) == [], results
    _assert_consistent(order, hold, request)
    assert order.status == OrderStatus.CONFIRMED
