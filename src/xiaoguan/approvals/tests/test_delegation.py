"""Delegation while on leave."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from xiaoguan.approvals.enums import RequestStatus
from xiaoguan.approvals.errors import ApprovalNotFound, DelegationInvalid, SelfApprovalRefused
from xiaoguan.approvals.models import Delegation
from xiaoguan.approvals.selectors import request_list, tasks_waiting_for
from xiaoguan.approvals.services import approval_decide, delegation_create, delegation_end

MANAGER = {"name": "Manager", "rule": "owner_manager"}


def _today():
    return timezone.localdate()


def test_the_delegate_sees_and_decides_on_behalf(company, expense_of, make_chain, submit):
    # given mgr_east is away and delegated to mgr_west
    delegation_create(
        actor=company.mgr_east,
        to_user=company.mgr_west,
        start_date=_today(),
        end_date=_today() + datetime.timedelta(days=5),
    )
    make_chain(MANAGER)
    request = submit(expense_of(company.rep_e1))
    task = request.tasks.get()
    # then mgr_west sees the task (and the request) and is notified
    assert [t.pk for t in tasks_waiting_for(user=company.mgr_west)] == [task.pk]
    assert request_list(user=company.mgr_west).filter(pk=request.pk).exists()
    assert company.mgr_west.notifications.filter(kind="approvals.task").count() == 1
    # when mgr_west approves
    approval_decide(task_id=task.pk, actor=company.mgr_west, decision="approve")
    # then it is recorded as mgr_west on behalf of mgr_east
    task.refresh_from_db()
    assert (task.approver, task.decided_by, task.on_behalf) == (
        company.mgr_east,
        company.mgr_west,
        True,
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED


def test_an_ended_or_future_delegation_gives_nothing(company, expense_of, make_chain, submit):
    # given
    ended = delegation_create(
        actor=company.mgr_east, to_user=company.mgr_west, start_date=_today(), end_date=_today()
    )
    delegation_end(actor=company.mgr_east, delegation_id=ended.pk)
    delegation_create(
        actor=company.mgr_east,
        to_user=company.director,
        start_date=_today() + datetime.timedelta(days=1),
        end_date=_today() + datetime.timedelta(days=2),
    )
    make_chain(MANAGER)
    task = submit(expense_of(company.rep_e1)).tasks.get()
    # when / then
    assert list(tasks_waiting_for(user=company.mgr_west)) == []
    assert list(tasks_waiting_for(user=company.director)) == []
    with pytest.raises(ApprovalNotFound):
        approval_decide(task_id=task.pk, actor=company.mgr_west, decision="approve")


def test_a_delegate_never_approves_their_own_request(company, expense_of, make_chain, submit):
    # given mgr_east delegated to rep_e1, who then submits his own expense
    delegation_create(
        actor=company.mgr_east, to_user=company.rep_e1, start_date=_today(), end_date=_today()
    )
    make_chain(MANAGER)
    request = submit(expense_of(company.rep_e1))
    task = request.tasks.get()
    # when / then
    with pytest.raises(SelfApprovalRefused):
        approval_decide(task_id=task.pk, actor=company.rep_e1, decision="approve")
    task.refresh_from_db()
    assert task.status == "pending"


def test_delegation_refusals(company):
    # given mgr_east delegated to mgr_west this week
    week = {"start_date": _today(), "end_date": _today() + datetime.timedelta(days=6)}
    delegation_create(actor=company.mgr_east, to_user=company.mgr_west, **week)
    # when / then: not to oneself, not circular, not twice, not backwards
    cases = [
        (company.director, company.director, week, "to_user"),
        (company.mgr_west, company.mgr_east, week, "to_user"),
        (company.mgr_east, company.director, week, "start_date"),
        (company.gm, company.mgr_east, week, "to_user"),
        (
            company.gm,
            company.director,
            {"start_date": _today(), "end_date": _today() - datetime.timedelta(days=1)},
            "end_date",
        ),
    ]
    for actor, to_user, period, field in cases:
        with pytest.raises(DelegationInvalid) as exc:
            delegation_create(actor=actor, to_user=to_user, **period)
        assert field in exc.value.fields, (actor, to_user)
    assert Delegation.objects.count() == 1


def test_only_the_delegator_ends_a_delegation(company):
    d = delegation_create(
        actor=company.mgr_east, to_user=company.mgr_west, start_date=_today(), end_date=_today()
    )
    with pytest.raises(ApprovalNotFound):
        delegation_end(actor=company.mgr_west, delegation_id=d.pk)
    d.refresh_from_db()
    assert d.is_active is True
