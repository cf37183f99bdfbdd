"""Two people deciding the same stage at once (PostgreSQL: SQLite ignores row locks)."""

from __future__ import annotations

import pytest

from conftest import race
from xiaoguan.approvals.enums import RequestStatus, TaskStatus
from xiaoguan.approvals.errors import ApprovalAlreadyDecided
from xiaoguan.approvals.models import ApprovalTask
from xiaoguan.approvals.services import approval_decide
from xiaoguan.core.models import AuditEvent, Notification


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvers_of_an_any_one_step_at_once(company, expense_of, make_chain, submit):
    # given both sales managers may approve, any one of them; one approves, one rejects at once
    make_chain(
        {"name": "Managers", "rule": "role", "role": company.mgr_east.roles.get(), "mode": "any"}
    )
    request = submit(expense_of(company.rep_e1))
    east = request.tasks.get(approver=company.mgr_east)
    west = request.tasks.get(approver=company.mgr_west)
    # when
    results = race(
        [
            lambda: approval_decide(task_id=east.pk, actor=company.mgr_east, decision="approve"),
            lambda: approval_decide(
                task_id=west.pk, actor=company.mgr_west, decision="reject", comment="No"
            ),
        ]
    )
    # then exactly one wins, the other is told it was already decided; one consistent outcome
    refused = [r for r in results if isinstance(r, ApprovalAlreadyDecided)]
    assert len(refused) == 1, results
    request.refresh_from_db()
    statuses = sorted(ApprovalTask.objects.filter(request=request).values_list("status", flat=True))
    if request.status == RequestStatus.APPROVED:
        assert statuses == [TaskStatus.APPROVED, TaskStatus.SKIPPED]
        assert request.subject.status == "approved"
    else:
        assert request.status == RequestStatus.REJECTED
        assert statuses == [TaskStatus.REJECTED, TaskStatus.SKIPPED]
        assert request.subject.status == "rejected"
    assert AuditEvent.objects.filter(detail__action__in=["approve", "reject"]).count() == 1
    assert Notification.objects.filter(recipient=company.rep_e1).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_click_decides_once(company, expense_of, make_chain, submit):
    # given a two-step chain
    make_chain(
        {"name": "Manager", "rule": "owner_manager"},
        {"name": "GM", "rule": "employee", "employee": company.gm},
    )
    request = submit(expense_of(company.rep_e1))
    task = request.tasks.get()
    # when the same approval arrives twice at once
    results = race(
        [
            lambda: approval_decide(task_id=task.pk, actor=company.mgr_east, decision="approve"),
            lambda: approval_decide(task_id=task.pk, actor=company.mgr_east, decision="approve"),
        ]
    )
    # then one decision, one next stage, one task for the GM
    assert sum(isinstance(r, ApprovalAlreadyDecided) for r in results) == 1, results
    request.refresh_from_db()
    assert request.current_step == 2
    assert list(
        ApprovalTask.objects.filter(request=request)
        .order_by("step_position")
        .values_list("approver__username", "status")
    ) == [("mgr_east", "approved"), ("gm", "pending")]
