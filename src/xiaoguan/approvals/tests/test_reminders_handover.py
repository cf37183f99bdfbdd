"""The periodic reminder and the handover of pending tasks."""

from __future__ import annotations

import datetime

from django.utils import timezone

from xiaoguan.approvals.enums import TaskStatus
from xiaoguan.approvals.models import ApprovalTask
from xiaoguan.approvals.services.reminders import approvals_remind_waiting
from xiaoguan.approvals.tasks import remind_waiting
from xiaoguan.core import jobs
from xiaoguan.core.models import Notification
from xiaoguan.org.services import employee_handover

MANAGER = {"name": "Manager", "rule": "owner_manager"}


def test_waiting_tasks_are_reminded_once_per_period(company, expense_of, make_chain, submit):
    # given a task waiting 25 hours and one waiting 1 hour
    make_chain(MANAGER)
    old = submit(expense_of(company.rep_e1, title="old")).tasks.get()
    submit(expense_of(company.rep_w1, title="new"))
    ApprovalTask.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    # when the job runs twice
    first = remind_waiting.apply().get()
    second = approvals_remind_waiting()
    # then one reminder, for the old task only
    assert (first, second) == (1, 0)
    reminders = Notification.objects.filter(kind="approvals.reminder")
    assert list(reminders.values_list("recipient__username", "dedupe_key")) == [
        ("mgr_east", f"approvals.remind:{old.pk}:1")
    ]
    # and a period later: the old task's second reminder, the new task's first
    assert approvals_remind_waiting(now=timezone.now() + datetime.timedelta(hours=24)) == 2
    assert reminders.filter(dedupe_key=f"approvals.remind:{old.pk}:2").count() == 1
    assert "approvals.remind_waiting" in [j.name for j in jobs.registered()]


def test_handover_moves_pending_tasks_to_the_successor(company, expense_of, make_chain, submit):
    # given mgr_east has a pending task and is a later approver of another request
    make_chain(MANAGER, {"name": "East", "rule": "employee", "employee": company.mgr_east})
    first = submit(expense_of(company.rep_e1))
    later = submit(expense_of(company.rep_w1))
    # when mgr_east leaves and hands over to mgr_west
    employee_handover(employee=company.mgr_east, successor=company.mgr_west, actor=company.hr1)
    # then the pending task and the future stage belong to mgr_west
    task = first.tasks.get()
    assert (task.approver, task.status) == (company.mgr_west, TaskStatus.PENDING)
    later.refresh_from_db()
    assert later.plan[1]["approvers"] == [company.mgr_west.pk]
