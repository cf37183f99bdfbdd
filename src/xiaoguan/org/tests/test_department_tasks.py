"""Department tasks (R-ORG-4): create, notify, complete with figures, cancel, the inbox."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from xiaoguan.core.errors import InvalidTransition, NotFound, PermissionDenied
from xiaoguan.core.models import Notification
from xiaoguan.org import department_tasks as tasks
from xiaoguan.org.enums import DepartmentKind, TaskStatus
from xiaoguan.org.models import Department, DepartmentTask
from xiaoguan.org.registries import TaskField
from xiaoguan.org.tests.conftest import cancelled_calls, completed_calls


def _task(company, prod, **kw):
    args = {
        "actor": company.rep_e1,
        "department": prod["dept"],
        "kind": "test.cost",
        "title": "报价 BJ-1 成本",
        "description": "请核算",
        "subject_type": "inquiry",
        "subject_id": 7,
        "subject_label": "XJ-2026-000007",
        "subject_url": "/sales/inquiries/7/",
    }
    args.update(kw)
    return tasks.department_task_create(**args)


def test_department_for_finds_the_first_active_department_of_a_kind(company, prod):
    assert tasks.department_for(kind=DepartmentKind.PRODUCTION) == prod["dept"]
    assert tasks.department_for(kind=DepartmentKind.TECHNICAL) is None
    Department.objects.filter(pk=prod["dept"].pk).update(is_active=False)
    assert tasks.department_for(kind=DepartmentKind.PRODUCTION) is None


def test_create_notifies_head_and_active_members_once(company, prod):
    # when
    task = _task(company, prod)
    # then
    assert (task.status, task.requested_by, task.department) == (
        TaskStatus.OPEN,
        company.rep_e1,
        prod["dept"],
    )
    notes = Notification.objects.filter(kind="department_task").order_by("recipient__username")
    assert [n.recipient.username for n in notes] == ["worker", "xie"]
    assert notes[0].url == f"/org/tasks/{task.pk}/"
    assert notes[0].dedupe_key == f"department_task:{task.pk}:created"
    assert "报价 BJ-1 成本" in notes[0].title


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "no.such"}, "kind"),
        ({"title": "  "}, "title"),
        ({"due_on": dt.date(2000, 1, 1)}, "due_on"),
    ],
)
def test_create_refuses_bad_input_and_saves_nothing(company, prod, change, field):
    with pytest.raises(tasks.TaskInvalid) as exc:
        _task(company, prod, **change)
    assert field in exc.value.fields
    assert DepartmentTask.objects.count() == 0
    assert Notification.objects.count() == 0


def test_create_refuses_an_inactive_department(company, prod):
    Department.objects.filter(pk=prod["dept"].pk).update(is_active=False)
    prod["dept"].refresh_from_db()
    with pytest.raises(tasks.TaskInvalid):
        _task(company, prod)
    assert DepartmentTask.objects.count() == 0


def test_complete_validates_figures_stores_them_and_calls_the_kind(company, prod):
    task = _task(company, prod)
    completed_calls.clear()
    # when
    done = tasks.department_task_complete(
        actor=prod["worker"],
        task_id=task.pk,
        response="已核算",
        data={"cost": "12,345.6", "days": "20", "ready_on": "2030-01-02", "notes": " 无 "},
    )
    # then
    done.refresh_from_db()
    assert done.status == TaskStatus.DONE
    assert done.response_data == {
        "cost": "12345.60",
        "days": 20,
        "ready_on": "2030-01-02",
        "notes": "无",
    }
    assert (done.completed_by, done.response) == (prod["worker"], "已核算")
    assert completed_calls == [(task.pk, prod["worker"].pk)]
    note = Notification.objects.get(recipient=company.rep_e1)
    assert note.url == "/sales/inquiries/7/"


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, {"cost", "days"}),
        ({"cost": "abc", "days": "1.5"}, {"cost", "days"}),
        ({"cost": "-1", "days": "-2"}, {"cost", "days"}),
        ({"cost": "NaN", "days": "3"}, {"cost"}),
        ({"cost": "1", "days": "3", "ready_on": "2030-02-30"}, {"ready_on"}),
        ({"cost": "1e20", "days": "3"}, {"cost"}),
    ],
)
def test_complete_refuses_bad_figures_and_changes_nothing(company, prod, data, errors):
    task = _task(company, prod)
    completed_calls.clear()
    with pytest.raises(tasks.TaskInvalid) as exc:
        tasks.department_task_complete(
            actor=prod["worker"], task_id=task.pk, response="", data=data
        )
    assert set(exc.value.fields) == errors
    task.refresh_from_db()
    assert (task.status, task.response_data, completed_calls) == (TaskStatus.OPEN, {}, [])


def test_a_kind_without_fields_needs_a_response(company, prod):
    task = _task(company, prod, kind="test.plain")
    with pytest.raises(tasks.TaskInvalid) as exc:
        tasks.department_task_complete(actor=prod["worker"], task_id=task.pk, response=" ", data={})
    assert "response" in exc.value.fields
    done = tasks.department_task_complete(
        actor=prod["worker"], task_id=task.pk, response="完成", data={}
    )
    assert done.status == TaskStatus.DONE


def test_only_the_department_completes_and_only_once(company, prod):
    task = _task(company, prod)
    # the requester sees the task but is not of the department
    with pytest.raises(PermissionDenied):
        tasks.department_task_complete(
            actor=company.rep_e1, task_id=task.pk, response="", data={"cost": "1", "days": "1"}
        )
    # someone who does not see it: not found
    with pytest.raises(NotFound):
        tasks.department_task_complete(
            actor=company.rep_w1, task_id=task.pk, response="", data={"cost": "1", "days": "1"}
        )
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    tasks.department_task_complete(
        actor=company.gm, task_id=task.pk, response="", data={"cost": "1", "days": "1"}
    )
    with pytest.raises(InvalidTransition):
        tasks.department_task_complete(
            actor=prod["worker"], task_id=task.pk, response="", data={"cost": "2", "days": "2"}
        )
    task.refresh_from_db()
    assert task.response_data == {"cost": "1.00", "days": 1}


def test_cancel_by_requester_or_head_with_a_reason(company, prod):
    first, second = _task(company, prod), _task(company, prod)
    cancelled_calls.clear()
    with pytest.raises(PermissionDenied):
        tasks.department_task_cancel(actor=prod["worker"], task_id=first.pk, reason="不做")
    with pytest.raises(tasks.TaskInvalid):
        tasks.department_task_cancel(actor=company.rep_e1, task_id=first.pk, reason=" ")
    first.refresh_from_db()
    assert first.status == TaskStatus.OPEN
    tasks.department_task_cancel(actor=company.rep_e1, task_id=first.pk, reason="客户取消")
    tasks.department_task_cancel(actor=prod["head"], task_id=second.pk, reason="重复")
    first.refresh_from_db()
    assert (first.status, first.response) == (TaskStatus.CANCELLED, "客户取消")
    assert cancelled_calls == [first.pk, second.pk]
    with pytest.raises(InvalidTransition):
        tasks.department_task_cancel(actor=company.rep_e1, task_id=first.pk, reason="再次")


def test_inbox_is_the_department_subtree_and_own_requests(company, prod):
    # given: a task for production, one for the welding team, one for legal by the director
    mine = _task(company, prod)
    team = _task(company, prod, department=prod["sub"], actor=company.mgr_east)
    legal = _task(company, prod, department=company.depts["LEG"], actor=company.director)

    def inbox(user, status=None):
        return set(tasks.department_task_inbox(user=user, status=status))

    # who may open which task: the departments reached, the requester, all-records scopes
    assert inbox(prod["head"]) == {mine, team}  # the head: the department and below
    assert inbox(prod["worker"]) == {mine}  # a department scope: the own department only
    assert inbox(prod["welder"]) == {team}
    assert inbox(company.rep_e1) == {mine}
    assert inbox(company.mgr_east) == {team}
    assert inbox(company.legal1) == {mine, team, legal}  # legal's scope is all records
    assert inbox(company.gm) == {mine, team, legal}
    assert inbox(company.rep_w1) == set()
    assert inbox(company.assistant) == set()  # the sales centre does not see other depts'
    tasks.department_task_complete(
        actor=prod["welder"], task_id=team.pk, response="", data={"cost": "1", "days": "1"}
    )
    assert inbox(prod["head"], TaskStatus.OPEN) == {mine}
    assert inbox(prod["head"], TaskStatus.DONE) == {team}
    assert tasks.department_task_open_count(user=prod["head"]) == 1
    assert tasks.department_task_open_count(user=prod["worker"]) == 1
    # the count is the inbox's open tasks, which include what the user requested
    assert tasks.department_task_open_count(user=company.rep_e1) == 1
    assert tasks.department_task_open_count(user=company.marketing1) == 0
    with pytest.raises(NotFound):
        tasks.department_task_get(user=company.rep_w1, task_id=mine.pk)


def test_inbox_list_is_the_own_departments_for_everyone_and_every_task_on_request(company, prod):
    # given: a task for production, one for legal, one for logistics (all by the director)
    mine = _task(company, prod)
    legal = _task(company, prod, department=company.depts["LEG"], actor=company.director)
    logistics_dept = company.logistics1.department
    shipping = _task(company, prod, department=logistics_dept, actor=company.director)

    def listed(user, **kw):
        return set(tasks.department_task_list(user=user, **kw))

    # then an all-records scope opens every task but lists its own department's by default
    assert set(tasks.department_task_inbox(user=company.logistics1)) == {mine, legal, shipping}
    assert listed(company.logistics1) == {shipping}
    assert listed(company.logistics1, every=True) == {mine, legal, shipping}
    assert tasks.department_task_open_count(user=company.logistics1) == 1
    assert tasks.can_list_every_task(user=company.logistics1)
    # the director requested all three: they are in the director's inbox
    assert listed(company.director) == {mine, legal, shipping}
    # a department scope cannot widen its list
    assert not tasks.can_list_every_task(user=prod["worker"])
    assert listed(prod["worker"], every=True) == {mine}


def test_tasks_for_subject(company, prod):
    a = _task(company, prod)
    _task(company, prod, subject_id=8)
    assert list(tasks.tasks_for_subject(subject_type="inquiry", subject_id=7)) == [a]


def test_clean_task_value_kinds():
    field = TaskField("d", "d", "date")
    assert tasks.clean_task_value(field, timezone.localdate()) == timezone.localdate().isoformat()
    assert tasks.clean_task_value(TaskField("n", "n", "int"), 5) == 5
    assert tasks.clean_task_value(TaskField("t", "t", "text", required=False), "") is None
