"""Reads of the organisation, always through the data scope."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from xiaoguan.core.search import PICKER_LIMIT, picker_term
from xiaoguan.org import rights as rights_registry
from xiaoguan.org import scope
from xiaoguan.org.models import ApiToken, Department, Handover, Role, User
from xiaoguan.org.scope import visible


def token_digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


def api_token_user(*, raw_token: str) -> User | None:
    """The active employee a usable token belongs to, else None (expired, revoked, unknown)."""
    if not raw_token or len(raw_token) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__department")
        .filter(
            digest=token_digest(raw_token), revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .first()
    )
    if token is None or not token.user.is_active or not token.user.has_right("api.use"):
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def department_list(*, user: User) -> QuerySet[Department]:
    return visible(Department.objects.select_related("head"), user).order_by("path")


def department_get(*, user: User, department_id: int) -> Department:
    """A department the user may see; otherwise Department.DoesNotExist (a 404)."""
    return department_list(user=user).get(pk=department_id)


def employee_list(*, user: User, include_inactive: bool = False) -> QuerySet[User]:
    qs = User.objects.select_related("department", "manager").prefetch_related("roles")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return visible(qs, user).order_by("department__path", "username")


def employee_get(*, user: User, employee_id: int) -> User:
    """An employee the user may see (active or not); otherwise User.DoesNotExist (a 404)."""
    return visible(User.objects.select_related("department", "manager"), user).get(pk=employee_id)


@dataclass
class TreeNode:
    department: Department
    member_count: int
    children: list[TreeNode] = field(default_factory=list)


def department_tree(*, user: User, include_inactive: bool = False) -> list[TreeNode]:
    """The visible part of the org tree, nested, with heads and the number of active
    members the user may see — one query. A visible department whose parent is not visible
    is shown at the top."""
    members = visible(User.objects.filter(is_active=True, department=OuterRef("pk")), user)
    counted = members.order_by().values("department").annotate(n=Count("pk")).values("n")
    qs = department_list(user=user).annotate(
        member_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0)
    )
    if not include_inactive:
        qs = qs.filter(is_active=True)
    roots: list[TreeNode] = []
    stack: list[TreeNode] = []  # ancestors of the current row, by path order
    for department in qs:
        node = TreeNode(department=department, member_count=department.member_count)
        while stack and not department.path.startswith(stack[-1].department.path):
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


def department_choices(*, user: User) -> QuerySet[Department]:
    """Active departments the user may pick (forms, filters)."""
    return visible(Department.objects.filter(is_active=True), user).order_by("path")


def department_children_count(*, department: Department) -> int:
    return Department.objects.filter(
        path__startswith=department.path, depth=department.depth + 1
    ).count()


EMPLOYEE_ACTIVE_FILTERS = ("active", "inactive", "all")


def employee_search(
    *, user: User, q: str = "", department_id: int | None = None, active: str = "active"
) -> QuerySet[User]:
    """The employee directory: search by name, user name, number, title or phone; filter by
    a department (with its sub-departments) and the active flag."""
    qs = employee_list(user=user, include_inactive=True)
    if active == "active":
        qs = qs.filter(is_active=True)
    elif active == "inactive":
        qs = qs.filter(is_active=False)
    if department_id is not None:
        department = department_list(user=user).filter(pk=department_id).first()
        if department is None:
            return qs.none()
        qs = qs.filter(department__path__startswith=department.path)
    q = q.strip()[:100]
    if q:
        qs = qs.filter(
            Q(full_name__icontains=q)
            | Q(username__icontains=q)
            | Q(employee_no__icontains=q)
            | Q(title__icontains=q)
            | Q(phone__icontains=q)
        )
    return qs


def employee_choices(*, user: User) -> QuerySet[User]:
    """Active employees the user may pick (manager, head, successor)."""
    return visible(User.objects.filter(is_active=True).select_related("department"), user).order_by(
        "department__path", "username"
    )


def employee_picker(*, user: User, q: str, limit: int = PICKER_LIMIT) -> list[User]:
    """The employee picker's suggestions: active employees in the user's scope whose name or
    user name contains ``q`` — those starting with it first, then by name — at most ``limit``,
    in one query. A query too short to mean anything (core.search.picker_term) finds nobody."""
    term = picker_term(q)
    if not term:
        return []
    starts = Q(full_name__istartswith=term) | Q(username__istartswith=term)
    qs = (
        employee_choices(user=user)
        .filter(Q(full_name__icontains=term) | Q(username__icontains=term))
        .annotate(rank=Case(When(starts, then=Value(0)), default=Value(1)))
        .only("pk", "full_name", "username", "department__name")
        .order_by("rank", "full_name", "username", "pk")
    )
    return list(qs[:limit])


def employee_history(*, employee: User) -> QuerySet:
    """The employee's change history, newest first (who changed what and why)."""
    return employee.history.select_related("history_user").order_by("-history_date", "-history_id")


def employee_handovers(*, employee: User) -> QuerySet[Handover]:
    return Handover.objects.filter(
        Q(from_employee=employee) | Q(to_employee=employee)
    ).select_related("from_employee", "to_employee", "performed_by")


def handover_get(*, user: User, handover_id: int) -> Handover:
    """A handover whose leaving employee the user may see."""
    visible_ids = visible(User.objects.all(), user).values("pk")
    return Handover.objects.select_related("from_employee", "to_employee", "performed_by").get(
        pk=handover_id, from_employee__in=visible_ids
    )


def handover_preview(*, employee: User) -> list[dict[str, Any]]:
    """What a handover of ``employee`` would move: per model, how many records."""
    rows: list[dict[str, Any]] = []
    for model in scope.owned_models():
        n = model._default_manager.filter(owner=employee).count()
        rows.append(
            {"key": model._meta.label, "label": model._meta.verbose_name_plural, "count": n}
        )
    rows.append(
        {
            "key": "org.User.manager",
            "label": User._meta.get_field("manager").verbose_name,
            "count": User.objects.filter(manager=employee).count(),
        }
    )
    rows.append(
        {
            "key": "org.Department.head",
            "label": Department._meta.get_field("head").verbose_name,
            "count": Department.objects.filter(head=employee).count(),
        }
    )
    return rows


def role_list() -> QuerySet[Role]:
    return Role.objects.annotate(
        member_count=Count("members", filter=Q(members__is_active=True))
    ).order_by("name")


def role_get(*, role_id: int) -> Role:
    return Role.objects.get(pk=role_id)


def rights_grouped() -> list[tuple[str, list[rights_registry.Right]]]:
    """The registered rights by group, in registration order (role editor checkboxes)."""
    groups: dict[str, list[rights_registry.Right]] = {}
    for right in rights_registry.all_rights():
        groups.setdefault(str(right.group), []).append(right)
    return list(groups.items())


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def api_token_get(*, user: User, token_id: int) -> ApiToken:
    """One of the user's own tokens; anyone else's does not exist."""
    return ApiToken.objects.get(pk=token_id, user=user)
