"""The execution side of a contract's page (R-CON-4, R-CON-5): its one timeline over all
versions, the versions with the amendment on the way, the problems routed to departments, and
what the user may do (amend, terminate, log a problem). A constant number of queries whatever
the length of the timeline or the number of problems."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from xiaoguan.contracts.enums import ContractStatus, EventKind, ProblemStatus
from xiaoguan.contracts.models import Contract, ContractEvent, ContractProblem
from xiaoguan.contracts.selectors.versions import contract_versions
from xiaoguan.contracts.services.amendments import OPEN_AMENDMENT_STATUSES
from xiaoguan.org.enums import TaskStatus
from xiaoguan.org.models import Department, User
from xiaoguan.org.scope import visible

# Bootstrap icons of the timeline, per event kind.
EVENT_ICONS: dict[str, str] = {
    EventKind.CREATED: "file-earmark-plus",
    EventKind.EDITED: "pencil",
    EventKind.SUBMITTED: "send",
    EventKind.APPROVAL_STEP: "person-check",
    EventKind.APPROVED: "check2-circle",
    EventKind.RETURNED: "arrow-return-left",
    EventKind.REJECTED: "x-octagon",
    EventKind.SIGNED: "pen",
    EventKind.TASK: "inbox",
    EventKind.TASK_DONE: "check2-square",
    EventKind.PROBLEM: "exclamation-triangle",
    EventKind.PROBLEM_SOLVED: "patch-check",
    EventKind.AMENDMENT: "file-earmark-diff",
    EventKind.AMENDED: "arrow-repeat",
    EventKind.TERMINATED: "slash-circle",
    EventKind.CANCELLED: "x-circle",
    EventKind.COMPLETED: "flag",
    EventKind.SHIPMENT: "truck",
    EventKind.RECEIPT: "cash-coin",
    EventKind.INVOICE: "receipt",
    EventKind.NOTE: "chat-left-text",
}
# Bootstrap colour of the icon, per event kind (the rest are neutral).
EVENT_TONES: dict[str, str] = {
    EventKind.APPROVED: "success",
    EventKind.SIGNED: "success",
    EventKind.AMENDED: "success",
    EventKind.PROBLEM_SOLVED: "success",
    EventKind.TASK_DONE: "success",
    EventKind.COMPLETED: "success",
    EventKind.RETURNED: "warning",
    EventKind.PROBLEM: "warning",
    EventKind.REJECTED: "danger",
    EventKind.TERMINATED: "danger",
    EventKind.CANCELLED: "secondary",
}
TIMELINE_LIMIT = 300


def contract_timeline(*, contract: Contract) -> QuerySet[ContractEvent]:
    """Every entry of the contract's timeline (all versions), newest first. The caller has
    checked that the contract is in the user's scope."""
    return (
        ContractEvent.objects.filter(root_id=contract.root_id or contract.pk)
        .select_related("actor", "department", "contract")
        .order_by("-at", "-pk")
    )


def contract_problems(*, contract: Contract) -> QuerySet[ContractProblem]:
    """The problems logged on any version of the contract, open ones first, newest first."""
    root_id = contract.root_id or contract.pk
    return (
        ContractProblem.objects.filter(contract__in=_family_ids(root_id))
        .select_related("department", "raised_by", "resolved_by", "task", "contract")
        .order_by("status", "-raised_at", "-pk")
    )


def _family_ids(root_id: int) -> QuerySet[Contract, int]:
    return Contract.objects.filter(Q(pk=root_id) | Q(root_id=root_id)).values_list("pk", flat=True)


def contract_problem_get(*, user: User, contract: Contract, problem_id: int) -> ContractProblem:
    """A problem of this contract (which the caller fetched within the user's scope)."""
    from xiaoguan.contracts.errors import ProblemNotFound

    problem = contract_problems(contract=contract).filter(pk=problem_id).first()
    if problem is None:
        raise ProblemNotFound()
    return problem


def problem_departments() -> QuerySet[Department]:
    """Where a problem can be routed: every active department, in tree order."""
    return Department.objects.filter(is_active=True).order_by("path")


def _may_solve(user: User, problem: ContractProblem, headed: set[int], paths: list[str]) -> bool:
    """Mirrors the solve service's rule (which stays the authority): the department it was
    routed to (and above), its head, management, and whoever logged it."""
    if problem.status == ProblemStatus.SOLVED:
        return False
    department = problem.department
    if "management" in user.role_codes or problem.raised_by_id == user.pk:
        return True
    if department.head_id == user.pk or department.pk in headed:
        return True
    task_open = problem.task is not None and problem.task.status == TaskStatus.OPEN
    if task_open:
        return any(department.path.startswith(p) for p in paths)
    return user.department_id == department.pk


def contract_execution_context(*, contract: Contract, user: User) -> dict[str, Any]:
    """The context of the detail page's timeline, versions and problems partials."""
    versions = list(
        contract_versions(contract=contract, user=user).only(
            "pk",
            "number",
            "version_no",
            "status",
            "is_current",
            "total",
            "amends_id",
            "root_id",
            "amendment_reason",
            "signed_on",
            "created_at",
        )
    )
    pending = next(
        (v for v in versions if v.amends_id and v.status in OPEN_AMENDMENT_STATUSES), None
    )
    in_force = contract.status == ContractStatus.SIGNED and contract.is_current
    can_problems = user.has_right("contracts.problems")
    problems = list(contract_problems(contract=contract)) if can_problems else []
    if problems:
        headed = set(
            Department.objects.filter(head=user, is_active=True).values_list("pk", flat=True)
        )
        paths = list(
            Department.objects.filter(pk__in={*headed, user.department_id}).values_list(
                "path", flat=True
            )
        )
        for problem in problems:
            problem.can_solve = _may_solve(user, problem, headed, paths)  # type: ignore[attr-defined]
    events = list(contract_timeline(contract=contract)[:TIMELINE_LIMIT])
    for event in events:
        event.icon = EVENT_ICONS.get(event.kind, "dot")  # type: ignore[attr-defined]
        event.tone = EVENT_TONES.get(event.kind, "primary")  # type: ignore[attr-defined]
    can_log = can_problems and in_force
    return {
        "timeline": events,
        "timeline_truncated": len(events) == TIMELINE_LIMIT,
        "versions": versions,
        "has_versions": len(versions) > 1,
        "open_amendment": pending,
        "problems": problems,
        "open_problem_count": sum(1 for p in problems if p.status == ProblemStatus.OPEN),
        "problem_departments": list(problem_departments()) if can_log else [],
        "can_amend": (in_force and pending is None and user.has_right("contracts.edit")),
        "can_terminate": (
            in_force
            and user.has_right("contracts.terminate")
            and (pending is None or pending.status != ContractStatus.IN_APPROVAL)
        ),
        "can_discard_amendment": (
            contract.amends_id is not None
            and contract.status
            in (ContractStatus.DRAFT, ContractStatus.RETURNED, ContractStatus.APPROVED)
            and user.has_right("contracts.edit")
        ),
        "can_log_problem": can_log,
        "can_see_problems": can_problems,
    }


def visible_contract(*, user: User, contract_id: int) -> Contract | None:
    """A contract version in the user's scope, or None."""
    return visible(Contract.objects.all(), user).filter(pk=contract_id).first()
