"""Fixtures of the org tests: a production department and two registered task kinds."""

from __future__ import annotations

import pytest

from xiaoguan.org.enums import DepartmentKind
from xiaoguan.org.models import Department
from xiaoguan.org.registries import TaskField, TaskKind, register_task_kind
from xiaoguan.org.tests.factories import UserFactory, department_create

completed_calls: list[tuple[int, int]] = []
cancelled_calls: list[int] = []


def _on_completed(*, task, actor):
    completed_calls.append((task.pk, actor.pk))


def _on_cancelled(*, task, actor):
    cancelled_calls.append(task.pk)


KIND = register_task_kind(
    TaskKind(
        code="test.cost",
        label="Cost and lead time",
        fields=(
            TaskField("cost", "Material cost", "decimal"),
            TaskField("days", "Lead time", "int"),
            TaskField("ready_on", "Ready on", "date", required=False),
            TaskField("notes", "Notes", "text", required=False),
        ),
        on_completed=_on_completed,
        on_cancelled=_on_cancelled,
    )
)
PLAIN = register_task_kind(TaskKind(code="test.plain", label="Plain"))


@pytest.fixture
def prod(company):
    """A production department (head xie, member worker, sub-team member welder)."""
    dept = department_create(
        name="生产部", code="PRD", kind=DepartmentKind.PRODUCTION, parent=company.depts["HQ"]
    )
    sub = department_create(name="焊接班", code="PRD-W", kind=DepartmentKind.TEAM, parent=dept)
    head = UserFactory(username="xie", department=dept, roles=["production"])
    Department.objects.filter(pk=dept.pk).update(head=head)
    dept.refresh_from_db()
    worker = UserFactory(username="worker", department=dept, roles=["production"])
    welder = UserFactory(
        username="welder", department=Department.objects.get(pk=sub.pk), roles=["production"]
    )
    gone = UserFactory(username="gone", department=dept, roles=["production"])
    gone.is_active = False
    gone.save()
    return {"dept": dept, "sub": sub, "head": head, "worker": worker, "welder": welder}
