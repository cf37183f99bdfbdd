"""The engine driven through the test-only "expense" document type."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xg_testapp.models import Expense
from xiaoguan.approvals.enums import RequestStatus, TaskStatus
from xiaoguan.approvals.errors import (
    ApprovalAlreadyDecided,
    ApprovalAlreadyPending,
    ApprovalChainUnresolvable,
    ApprovalInvalid,
    ApprovalNotFound,
    ApprovalNotYours,
)
from xiaoguan.approvals.models import ApprovalRequest, ApprovalTask
from xiaoguan.approvals.selectors import approval_history_for
from xiaoguan.approvals.services import (
    approval_decide,
    approval_request_cancel,
    approval_request_create,
)
from xiaoguan.core.models import AuditEvent, AuditKind, Notification

MANAGER = {"name": "Manager", "rule": "owner_manager"}


def _pending(request):
    return list(
        ApprovalTask.objects.filter(request=request, status=TaskStatus.PENDING)
        .order_by("approver__username")
        .values_list("approver__username", flat=True)
    )


def test_owner_manager_approves_and_the_callback_moves_the_document(
    company, expense_of, make_chain, submit
):
    # given a one-step chain: the manager of the owner (team T-E1 has no head: rep_e1's manager)
    make_chain(MANAGER)
    expense = expense_of(company.rep_e1)
    # when rep_e1 submits
    request = submit(expense)
    # then mgr_east has one task and a notification
    assert request.status == RequestStatus.PENDING
    assert request.title == "Taxi to customer"
    assert request.amount == Decimal("1000.00")
    assert request.owner == company.rep_e1
    assert request.department == company.depts["T-E1"]
    assert _pending(request) == ["mgr_east"]
    assert (
        Notification.objects.filter(recipient=company.mgr_east, kind="approvals.task").count() == 1
    )
    # when mgr_east approves
    task = request.tasks.get()
    approval_decide(task_id=task.pk, actor=company.mgr_east, decision="approve")
    # then the request is approved, the callback approved the expense, the requester is told
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert request.decided_at is not None
    assert Expense.objects.get(pk=expense.pk).status == "approved"
    assert (
        Notification.objects.filter(recipient=company.rep_e1, kind="approvals.approved").count()
        == 1
    )
    event = AuditEvent.objects.filter(kind=AuditKind.APPROVAL, detail__action="approve").get()
    assert event.actor_id == company.mgr_east.pk
    assert event.object_id == str(request.pk)


def test_owner_manager_of_a_department_head_is_their_own_manager(
    company, expense_of, make_chain, submit
):
    # given mgr_east, head of R-E, claims an expense
    make_chain(MANAGER)
    # when submitted
    request = submit(expense_of(company.mgr_east))
    # then the head's own manager approves, not the head himself
    assert _pending(request) == ["director"]


def test_owner_manager_is_the_department_head_when_there_is_one(
    company, expense_of, make_chain, submit
):
    # given rep_w1 sits in R-W, whose head is mgr_west
    make_chain(MANAGER)
    # when
    request = submit(expense_of(company.rep_w1))
    # then
    assert _pending(request) == ["mgr_west"]


def test_manager_levels_are_successive_stages(company, expense_of, make_chain, submit):
    # given three levels of managers
    make_chain({"name": "Line", "rule": "manager_levels", "levels": 3})
    request = submit(expense_of(company.rep_e1))
    assert [s["name"] for s in request.plan] == ["Line (1/3)", "Line (2/3)", "Line (3/3)"]
    # when each level approves in turn
    for username in ["mgr_east", "director", "gm"]:
        assert _pending(request) == [username]
        task = request.tasks.get(status=TaskStatus.PENDING)
        approval_decide(task_id=task.pk, actor=getattr(company, username), decision="approve")
    # then
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert list(request.tasks.order_by("step_position").values_list("step_position", "status")) == [
        (1, "approved"),
        (2, "approved"),
        (3, "approved"),
    ]


def test_amount_condition_skips_a_step_below_the_threshold(company, expense_of, make_chain, submit):
    # given a second step only from 5,000
    make_chain(
        MANAGER,
        {"name": "GM", "rule": "employee", "employee": company.gm, "min_amount": Decimal("5000")},
    )
    # when a small expense is submitted and approved by the manager
    request = submit(expense_of(company.rep_e1, amount="4999.99"))
    approval_decide(task_id=request.tasks.get().pk, actor=company.mgr_east, decision="approve")
    # then it is approved without the GM
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert [(s["name"], s["skipped"]) for s in request.plan] == [("Manager", False), ("GM", True)]
    assert not ApprovalTask.objects.filter(approver=company.gm).exists()


def test_amount_condition_applies_at_the_threshold(company, expense_of, make_chain, submit):
    # given
    make_chain(
        MANAGER,
        {"name": "GM", "rule": "employee", "employee": company.gm, "min_amount": Decimal("5000")},
    )
    request = submit(expense_of(company.rep_e1, amount="5000.00"))
    # when the manager approves
    approval_decide(task_id=request.tasks.get().pk, actor=company.mgr_east, decision="approve")
    # then the GM's step starts and the GM is notified
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    assert request.current_step == 2
    assert _pending(request) == ["gm"]
    assert Notification.objects.filter(recipient=company.gm, kind="approvals.task").count() == 1


def test_discount_condition(company, expense_of, make_chain, submit):
    # given a step only from 10 % discount
    make_chain(
        {
            "name": "Director",
            "rule": "employee",
            "employee": company.director,
            "min_discount": Decimal("10"),
        },
        MANAGER,
    )
    # when / then: 9.99 % skips it, 10 % and unknown discount as documented
    low = submit(expense_of(company.rep_e1, discount="9.99", title="low"))
    high = submit(expense_of(company.rep_e1b, discount="10", title="high"))
    assert _pending(low) == ["mgr_east"]
    assert _pending(high) == ["director"]


def test_any_one_of_a_role_decides_for_all(company, expense_of, make_chain, submit):
    # given every sales manager may approve, any one of them
    make_chain(
        {"name": "Managers", "rule": "role", "role": company.mgr_east.roles.get(), "mode": "any"}
    )
    request = submit(expense_of(company.rep_e1))
    assert _pending(request) == ["mgr_east", "mgr_west"]
    # when mgr_west approves
    task = request.tasks.get(approver=company.mgr_west)
    approval_decide(task_id=task.pk, actor=company.mgr_west, decision="approve")
    # then the request is approved and mgr_east's task is skipped
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert request.tasks.get(approver=company.mgr_east).status == TaskStatus.SKIPPED
    # and mgr_east deciding afterwards is refused, nothing changes
    with pytest.raises(ApprovalAlreadyDecided):
        approval_decide(
            task_id=request.tasks.get(approver=company.mgr_east).pk,
            actor=company.mgr_east,
            decision="reject",
            comment="too late",
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED


def test_all_of_a_role_must_approve(company, expense_of, make_chain, submit):
    # given
    make_chain(
        {"name": "Managers", "rule": "role", "role": company.mgr_east.roles.get(), "mode": "all"}
    )
    request = submit(expense_of(company.rep_e1))
    # when one approves
    approval_decide(
        task_id=request.tasks.get(approver=company.mgr_west).pk,
        actor=company.mgr_west,
        decision="approve",
    )
    # then it still waits for the other
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    assert _pending(request) == ["mgr_east"]
    # when the other approves too
    approval_decide(
        task_id=request.tasks.get(approver=company.mgr_east).pk,
        actor=company.mgr_east,
        decision="approve",
    )
    # then
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED


def test_department_head_and_named_employee(company, expense_of, make_chain, submit):
    # given legal's head, then finance1 by name
    make_chain(
        {"name": "Legal", "rule": "department_head", "department": company.depts["LEG"]},
        {"name": "Finance", "rule": "employee", "employee": company.finance1},
    )
    request = submit(expense_of(company.rep_e1))
    assert _pending(request) == ["legal1"]
    approval_decide(task_id=request.tasks.get().pk, actor=company.legal1, decision="approve")
    # then
    assert _pending(request) == ["finance1"]


def test_requester_is_dropped_and_their_manager_approves_instead(
    company, expense_of, make_chain, submit
):
    # given a step naming rep_e1, who submits his own expense
    make_chain({"name": "Named", "rule": "employee", "employee": company.rep_e1})
    # when
    request = submit(expense_of(company.rep_e1))
    # then his manager approves instead
    assert _pending(request) == ["mgr_east"]


def test_self_approval_without_a_manager_is_refused(company, expense_of, make_chain):
    # given the management role step and gm (no manager) submits
    from xg_testapp.services import expense_submit

    make_chain({"name": "Management", "rule": "role", "role": company.gm.roles.get()})
    expense = expense_of(company.gm)
    # when / then
    with pytest.raises(ApprovalChainUnresolvable) as exc:
        expense_submit(expense=expense, actor=company.gm)
    assert "Management" in str(exc.value.message)
    # nothing changed
    assert ApprovalRequest.objects.count() == 0
    assert Expense.objects.get(pk=expense.pk).status == "draft"


def test_no_active_chain_is_a_clear_refusal(company, expense_of, make_chain):
    # given only an inactive chain
    make_chain(MANAGER, active=False)
    expense = expense_of(company.rep_e1)
    # when / then
    with pytest.raises(ApprovalChainUnresolvable) as exc:
        approval_request_create(subject=expense, doc_type="expense", requested_by=company.rep_e1)
    assert exc.value.code == "approval_chain_unresolvable"
    assert ApprovalRequest.objects.count() == 0


def test_a_step_that_finds_nobody_refuses_the_submission(company, expense_of, make_chain):
    # given a department-head step on a department without head (the head left since)
    make_chain(
        {"name": "Team head", "rule": "department_head", "department": company.depts["T-E1"]}
    )
    # when / then
    with pytest.raises(ApprovalChainUnresolvable) as exc:
        approval_request_create(
            subject=expense_of(company.rep_e1), doc_type="expense", requested_by=company.rep_e1
        )
    assert "Team head" in str(exc.value.message)
    assert ApprovalRequest.objects.count() == 0
    assert ApprovalTask.objects.count() == 0


def test_second_submission_while_pending_is_refused(company, expense_of, make_chain, submit):
    # given
    make_chain(MANAGER)
    expense = expense_of(company.rep_e1)
    submit(expense)
    # when / then
    with pytest.raises(ApprovalAlreadyPending):
        approval_request_create(subject=expense, doc_type="expense", requested_by=company.rep_e1)
    assert ApprovalRequest.objects.count() == 1


def test_return_for_changes_then_resubmit(company, expense_of, make_chain, submit):
    # given
    make_chain(MANAGER)
    expense = expense_of(company.rep_e1)
    first = submit(expense)
    # when the manager returns it with a comment
    approval_decide(
        task_id=first.tasks.get().pk,
        actor=company.mgr_east,
        decision="return",
        comment="Add the receipt",
    )
    # then the expense is editable again and the requester is told
    first.refresh_from_db()
    assert first.status == RequestStatus.RETURNED
    expense.refresh_from_db()
    assert expense.status == "returned"
    assert (
        Notification.objects.filter(recipient=company.rep_e1, kind="approvals.returned").count()
        == 1
    )
    # when resubmitted and approved
    second = submit(expense)
    approval_decide(task_id=second.tasks.get().pk, actor=company.mgr_east, decision="approve")
    # then the history shows both rounds
    history = approval_history_for(expense)
    assert [(r.pk, r.status) for r in history] == [(first.pk, "returned"), (second.pk, "approved")]
    assert history[0].tasks.all()[0].comment == "Add the receipt"
    assert Expense.objects.get(pk=expense.pk).status == "approved"


def test_reject_needs_a_comment(company, expense_of, make_chain, submit):
    # given
    make_chain(MANAGER)
    request = submit(expense_of(company.rep_e1))
    task = request.tasks.get()
    # when / then
    with pytest.raises(ApprovalInvalid) as exc:
        approval_decide(task_id=task.pk, actor=company.mgr_east, decision="reject", comment="  ")
    assert "comment" in exc.value.fields
    task.refresh_from_db()
    assert task.status == TaskStatus.PENDING
    # when with a comment
    approval_decide(
        task_id=task.pk, actor=company.mgr_east, decision="reject", comment="Not a business trip"
    )
    # then
    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED
    assert Expense.objects.get(pk=request.object_id).status == "rejected"
    assert (
        Notification.objects.filter(recipient=company.rep_e1, kind="approvals.rejected").count()
        == 1
    )


def test_deciding_twice_is_refused(company, expense_of, make_chain, submit):
    # given an approved task (a double click)
    make_chain(MANAGER, {"name": "GM", "rule": "employee", "employee": company.gm})
    request = submit(expense_of(company.rep_e1))
    task = request.tasks.get()
    approval_decide(task_id=task.pk, actor=company.mgr_east, decision="approve")
    # when / then
    with pytest.raises(ApprovalAlreadyDecided) as exc:
        approval_decide(task_id=task.pk, actor=company.mgr_east, decision="approve")
    assert exc.value.status == 409
    assert ApprovalTask.objects.filter(request=request).count() == 2


def test_someone_else_cannot_decide(company, expense_of, make_chain, submit):
    # given
    make_chain(MANAGER)
    request = submit(expense_of(company.rep_e1))
    task = request.tasks.get()
    # when / then: out of scope looks like not found; in scope but not the approver is refused
    with pytest.raises(ApprovalNotFound):
        approval_decide(task_id=task.pk, actor=company.rep_w1, decision="approve")
    with pytest.raises(ApprovalNotYours):
        approval_decide(task_id=task.pk, actor=company.director, decision="approve")
    task.refresh_from_db()
    assert task.status == TaskStatus.PENDING


def test_unknown_decision_is_refused(company, expense_of, make_chain, submit):
    make_chain(MANAGER)
    request = submit(expense_of(company.rep_e1))
    with pytest.raises(ApprovalInvalid):
        approval_decide(task_id=request.tasks.get().pk, actor=company.mgr_east, decision="maybe")


def test_requester_cancels(company, expense_of, make_chain, submit):
    # given
    make_chain(MANAGER)
    request = submit(expense_of(company.rep_e1))
    # when someone else tries, then the requester
    with pytest.raises(ApprovalNotYours):
        approval_request_cancel(request_id=request.pk, actor=company.mgr_east)
    approval_request_cancel(request_id=request.pk, actor=company.rep_e1)
    # then
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED
    assert request.tasks.get().status == TaskStatus.SKIPPED
    assert Expense.objects.get(pk=request.object_id).status == "draft"
    with pytest.raises(ApprovalAlreadyDecided):
        approval_request_cancel(request_id=request.pk, actor=company.rep_e1)


def test_a_failing_callback_rolls_the_decision_back(company, expense_of, make_chain, submit):
    # given an expense another hand moved out of approval (the callback's transition fails)
    make_chain(MANAGER)
    request = submit(expense_of(company.rep_e1))
    Expense.objects.filter(pk=request.object_id).update(status="approved")
    # when
    from xiaoguan.core.errors import InvalidTransition

    with pytest.raises(InvalidTransition):
        approval_decide(
            task_id=request.tasks.get().pk, actor=company.mgr_east, decision="return", comment="x"
        )
    # then nothing of the decision remains
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    assert request.tasks.get().status == TaskStatus.PENDING
