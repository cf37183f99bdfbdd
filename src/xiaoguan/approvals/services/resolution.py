"""Who approves: a chain's steps resolved for one document into ordered stages of people.

Rules (docs/dev/approvals.md):
- a step whose condition is not met (amount < ``min_amount``, discount < ``min_discount``,
  or the value unknown) is skipped;
- ``owner_manager``: the head of the document's department, or the owner's own manager when
  the owner is that head (or the department has none);
- ``manager_levels``: the owner's manager, that manager's manager, ... N levels up, each a
  stage of its own (inactive managers are passed over);
- ``department_head``: the head of the named department;
- ``role``: every active employee holding the role;
- ``employee``: the named employee;
- the requester and the owner never approve their own document: they are dropped from a
  stage, and a stage left empty falls back to the requester's manager; if there is none,
  the submission is refused.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from xiaoguan.approvals.enums import ApproverRule
from xiaoguan.approvals.errors import ApprovalChainUnresolvable
from xiaoguan.approvals.models import ApprovalStep
from xiaoguan.org.models import User


def step_applies(step: ApprovalStep, *, amount: Decimal | None, discount: Decimal | None) -> bool:
    if step.min_amount is not None and (amount is None or amount < step.min_amount):
        return False
    return not (
        step.min_discount is not None and (discount is None or discount < step.min_discount)
    )


def _active(user: User | None) -> User | None:
    return user if user is not None and user.is_active else None


def _managers_up(owner: User, levels: int) -> list[User]:
    found: list[User] = []
    seen = {owner.pk}
    current = owner
    while len(found) < levels and current.manager_id and current.manager_id not in seen:
        current = User.objects.select_related("manager").get(pk=current.manager_id)
        seen.add(current.pk)
        if current.is_active:
            found.append(current)
    return found


def resolve_step(step: ApprovalStep, *, owner: User | None, department: Any) -> list[list[User]]:
    """The stages (each a list of people) one step stands for, before self-exclusion."""
    rule = step.rule
    if rule == ApproverRule.OWNER_MANAGER:
        if owner is None:
            return [[]]
        head = _active(department.head) if department is not None and department.head_id else None
        if head is None or head.pk == owner.pk:
            head = _active(owner.manager) if owner.manager_id else None
        return [[head] if head else []]
    if rule == ApproverRule.MANAGER_LEVELS:
        managers = _managers_up(owner, step.levels) if owner is not None else []
        return [[m] for m in managers] or [[]]
    if rule == ApproverRule.DEPARTMENT_HEAD:
        dept = step.department
        head = _active(dept.head) if dept is not None and dept.is_active and dept.head_id else None
        return [[head] if head else []]
    if rule == ApproverRule.ROLE:
        if step.role_id is None:
            return [[]]
        return [list(User.objects.filter(roles=step.role_id, is_active=True).order_by("pk"))]
    if rule == ApproverRule.EMPLOYEE:
        person = _active(step.employee) if step.employee_id else None
        return [[person] if person else []]
    return [[]]


def build_plan(
    steps: list[ApprovalStep],
    *,
    owner: User,
    department: Any,
    requested_by: User,
    amount: Decimal | None,
    discount: Decimal | None,
) -> list[dict[str, Any]]:
    """The stages of one request; raises ApprovalChainUnresolvable if one finds nobody."""
    excluded = {requested_by.pk, owner.pk}
    plan: list[dict[str, Any]] = []
    position = 0
    for step in steps:
        if not step_applies(step, amount=amount, discount=discount):
            plan.append(
                {
                    "position": 0,
                    "step": step.position,
                    "name": step.name,
                    "mode": step.mode,
                    "approvers": [],
                    "skipped": True,
                }
            )
            continue
        stages = resolve_step(step, owner=owner, department=department)
        for index, people in enumerate(stages, start=1):
            if not people:
                raise ApprovalChainUnresolvable(
                    _(
                        "The approval step “%(step)s” finds nobody to approve; "
                        "ask management to check the chain."
                    )
                    % {"step": step.name}
                )
            ids = [p.pk for p in people if p.pk not in excluded]
            if not ids:
                fallback = approver_fallback(requested_by, excluded=excluded)
                if fallback is None:
                    raise ApprovalChainUnresolvable(
                        _(
                            "In the step “%(step)s” you would approve your own request, "
                            "and you have no manager to "
                            "approve it instead."
                        )
                        % {"step": step.name}
                    )
                ids = [fallback.pk]
            position += 1
            name = step.name if len(stages) == 1 else f"{step.name} ({index}/{len(stages)})"
            plan.append(
                {
                    "position": position,
                    "step": step.position,
                    "name": name,
                    "mode": step.mode,
                    "approvers": ids,
                    "skipped": False,
                }
            )
    return plan


def approver_fallback(requested_by: User, *, excluded: set[int]) -> User | None:
    """Who approves instead of someone who would approve their own request."""
    manager = _managers_up(requested_by, 3)
    for person in manager:
        if person.pk not in excluded:
            return person
    return None


def step_resolvable_today(step: ApprovalStep) -> bool:
    """Refuse configuring a step that finds nobody today (owner-based rules depend on the
    document and are checked at submission)."""
    if step.rule in (ApproverRule.OWNER_MANAGER, ApproverRule.MANAGER_LEVELS):
        return True
    return any(resolve_step(step, owner=None, department=None)[0])
