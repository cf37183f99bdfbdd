"""Problems in executing a contract (R-CON-4): logged on the contract, routed to the department
that must solve them as a task in its inbox, and shown on the timeline until solved. The
department solves it by completing the task (with how it was solved); whoever may act on the
task can also mark it solved from the contract page, which closes the task."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext

from xiaoguan.contracts.enums import ContractStatus, EventKind, ProblemStatus
from xiaoguan.contracts.errors import (
    ProblemAlreadySolved,
    ProblemInvalid,
    ProblemNotAllowed,
    ProblemNotFound,
)
from xiaoguan.contracts.models import Contract, ContractProblem
from xiaoguan.contracts.services.contracts import SUBJECT_TYPE
from xiaoguan.contracts.services.timeline import contract_event_add
from xiaoguan.core.errors import PermissionDenied
from xiaoguan.core.history import track
from xiaoguan.org import department_tasks
from xiaoguan.org.enums import TaskStatus
from xiaoguan.org.models import Department, DepartmentTask, User

# How department tasks name a contract (``DepartmentTask.subject_type``), as signing does.
CONTRACT_SUBJECT_TYPE = SUBJECT_TYPE
PROBLEM_TASK_KIND = "contracts.problem"
TITLE_MAX = 200
TEXT_MAX = 5000
# Problems are logged against a contract being executed.
PROBLEM_STATUSES = (ContractStatus.SIGNED,)


def contract_url(contract: Contract) -> str:
    try:
        return reverse("contracts:contract_detail", kwargs={"contract_id": contract.pk})
    except NoReverseMatch:  # pragma: no cover - the contract pages are always mounted
        return ""


def _department(department_id: Any) -> Department:
    try:
        pk = int(department_id)
    except (TypeError, ValueError):
        pk = 0
    department = Department.objects.filter(pk=pk, is_active=True).first()
    if department is None:
        msg = gettext("Choose the department that must solve the problem.")
        raise ProblemInvalid(msg, fields={"department_id": msg})
    return department


@transaction.atomic
def contract_problem_log(
    *,
    actor: User,
    contract: Contract,
    title: str,
    description: str = "",
    department_id: Any,
) -> ContractProblem:
    """Log a problem of a contract in force and put it in the inbox of the department that
    must solve it."""
    title = (title or "").strip()
    description = (description or "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = gettext("Say what the problem is.")
    elif len(title) > TITLE_MAX:
        errors["title"] = gettext("The title is too long (at most 200 characters).")
    if len(description) > TEXT_MAX:
        errors["description"] = gettext("The text is too long (at most 5,000 characters).")
    if errors:
        raise ProblemInvalid(next(iter(errors.values())), fields=errors)
    department = _department(department_id)
    current = Contract.objects.select_for_update().get(pk=contract.pk)
    if current.status not in PROBLEM_STATUSES or not current.is_current:
        raise ProblemNotAllowed()
    problem = ContractProblem(
        contract=current,
        title=title,
        description=description,
        department=department,
        raised_by=actor,
    )
    track(problem, actor, "logged")
    problem.save()
    task = department_tasks.department_task_create(
        actor=actor,
        department=department,
        kind=PROBLEM_TASK_KIND,
        title=gettext("Contract %(number)s: %(title)s")
        % {"number": current.number, "title": title},
        description=description,
        subject_type=CONTRACT_SUBJECT_TYPE,
        subject_id=current.pk,
        subject_label=str(current),
        subject_url=contract_url(current),
    )
    problem.task = task
    track(problem, actor, "routed")
    problem.save(update_fields=["task"])
    contract_event_add(
        contract=current,
        kind=EventKind.PROBLEM,
        summary=gettext("Problem logged and routed to %(department)s: %(title)s")
        % {"department": department.name, "title": title},
        actor=actor,
        department=department,
        detail={"problem": problem.pk, "task": task.pk},
    )
    return problem


def _solve(problem: ContractProblem, *, actor: User, resolution: str) -> None:
    problem.status = ProblemStatus.SOLVED
    problem.resolution = resolution
    problem.resolved_by = actor
    problem.resolved_at = timezone.now()
    track(problem, actor, "solved")
    problem.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    contract_event_add(
        contract=problem.contract,
        kind=EventKind.PROBLEM_SOLVED,
        summary=gettext("Problem solved: %(title)s. %(resolution)s")
        % {"title": problem.title, "resolution": resolution},
        actor=actor,
        department=problem.department,
        detail={"problem": problem.pk, "task": problem.task_id},
    )


def problem_task_completed(*, task: DepartmentTask, actor: User) -> None:
    """``on_completed`` of the problem task kind: the department's answer solves the problem
    (in the completion's transaction)."""
    problem = (
        ContractProblem.objects.select_for_update(of=("self",))
        .select_related("contract", "department")
        .filter(task_id=task.pk)
        .first()
    )
    if problem is None or problem.status == ProblemStatus.SOLVED:
        return
    resolution = str((task.response_data or {}).get("resolution") or task.response or "")
    _solve(problem, actor=actor, resolution=resolution.strip())


@transaction.atomic
def contract_problem_solve(
    *, actor: User, problem: ContractProblem, resolution: str
) -> ContractProblem:
    """Mark a problem solved from the contract page. Its open task is completed with the same
    answer when the actor works in the department (or is management), or withdrawn when the
    actor logged it or heads that department; anyone else is refused."""
    resolution = (resolution or "").strip()
    if not resolution:
        msg = gettext("Say how the problem was solved.")
        raise ProblemInvalid(msg, fields={"resolution": msg})
    if len(resolution) > TEXT_MAX:
        msg = gettext("The text is too long (at most 5,000 characters).")
        raise ProblemInvalid(msg, fields={"resolution": msg})
    locked = (
        ContractProblem.objects.select_for_update(of=("self",))
        .select_related("contract", "department", "task__department")
        .filter(pk=problem.pk)
        .first()
    )
    if locked is None:
        raise ProblemNotFound()
    if locked.status == ProblemStatus.SOLVED:
        raise ProblemAlreadySolved()
    task = locked.task
    if task is not None and task.status == TaskStatus.OPEN:
        if department_tasks.can_complete(user=actor, task=task):
            department_tasks.department_task_complete(
                actor=actor, task_id=task.pk, response=resolution, data={"resolution": resolution}
            )
            locked.refresh_from_db()
            return locked
        if not department_tasks.can_cancel(user=actor, task=task):
            raise PermissionDenied(
                gettext(
                    "Only the department the problem was routed to, its head or whoever "
                    "logged it can mark it solved."
                )
            )
        _solve(locked, actor=actor, resolution=resolution)
        department_tasks.department_task_cancel(
            actor=actor,
            task_id=task.pk,
            reason=gettext("Solved, marked on the contract: %(resolution)s")
            % {"resolution": resolution},
        )
        return locked
    if not _may_close(actor, locked):
        raise PermissionDenied(
            gettext(
                "Only the department the problem was routed to, its head or whoever "
                "logged it can mark it solved."
            )
        )
    _solve(locked, actor=actor, resolution=resolution)
    return locked


def _may_close(user: User, problem: ContractProblem) -> bool:
    """Who may mark solved a problem whose task is already closed: whoever logged it, the
    department it was routed to (members and head) and management."""
    department = problem.department
    return (
        problem.raised_by_id == user.pk
        or department.head_id == user.pk
        or user.department_id == department.pk
        or "management" in user.role_codes
    )
