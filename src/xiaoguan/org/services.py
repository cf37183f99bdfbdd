"""Writes to the organisation (R-ORG-1..4): departments (the tree), employees, roles,
handover (交接) of a leaving employee's records, and personal API tokens."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import bulk_update_with_history, get_history_manager_for_model

from xiaoguan.core.audit import audit_event_record
from xiaoguan.core.errors import PermissionDenied
from xiaoguan.core.history import track
from xiaoguan.core.models import AuditKind
from xiaoguan.org import registries, rights, scope
from xiaoguan.org.enums import DataScope, DepartmentKind
from xiaoguan.org.errors import (
    DepartmentInvalid,
    DepartmentNotEmpty,
    EmployeeInvalid,
    HandoverRefused,
    ManagerCycle,
    OrgTreeCycle,
    RoleInvalid,
    TokenInvalid,
)
from xiaoguan.org.models import ApiToken, Department, Handover, Role, User
from xiaoguan.org.selectors import token_digest


class _Unset:
    """Marks an argument the caller did not pass (None is a value: "no manager")."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


# --- departments ----------------------------------------------------------------------


def _department_lock(department_id: int) -> Department:
    return Department.objects.select_for_update().get(pk=department_id)


def _ensure_head(head: User | None) -> None:
    if head is not None and not head.is_active:
        raise DepartmentInvalid(
            _("The head must be an active employee."),
            fields={"head": _("The head must be an active employee.")},
        )


def _ensure_code_free(code: str, *, exclude_pk: int | None = None) -> None:
    qs = Department.objects.filter(code__iexact=code)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if not code or qs.exists():
        msg = _("This department code is taken.") if code else _("A department needs a code.")
        raise DepartmentInvalid(msg, fields={"code": msg})


@transaction.atomic
def department_create(
    *,
    actor: User,
    name: str,
    code: str,
    parent: Department | None,
    kind: str = DepartmentKind.TEAM,
    head: User | None = None,
) -> Department:
    """A new department under an active parent (a root only when the tree is empty)."""
    name, code = name.strip(), code.strip()
    if not name:
        raise DepartmentInvalid(
            _("A department needs a name."), fields={"name": _("A department needs a name.")}
        )
    _ensure_code_free(code)
    _ensure_head(head)
    if kind not in DepartmentKind.values:
        raise DepartmentInvalid(fields={"kind": _("Not one of the allowed values.")})
    department = Department(name=name, code=code, kind=kind, head=head)
    track(department, actor=actor, reason="created")
    if parent is None:
        if Department.objects.exists():
            msg = _("Choose the parent department.")
            raise DepartmentInvalid(msg, fields={"parent": msg})
        return Department.objects.add_root(instance=department)
    parent = _department_lock(parent.pk)
    if not parent.is_active:
        msg = _("The parent department is inactive.")
        raise DepartmentInvalid(msg, fields={"parent": msg})
    return Department.objects.add_child(parent, instance=department)


@transaction.atomic
def department_update(
    *,
    department: Department,
    actor: User,
    name: str | Any = UNSET,
    code: str | Any = UNSET,
    kind: str | Any = UNSET,
    head: User | Any | None = UNSET,
) -> Department:
    """Rename a department, change its code, kind or head."""
    department = _department_lock(department.pk)
    if name is not UNSET:
        name = name.strip()
        if not name:
            msg = _("A department needs a name.")
            raise DepartmentInvalid(msg, fields={"name": msg})
        department.name = name
    if code is not UNSET:
        code = code.strip()
        _ensure_code_free(code, exclude_pk=department.pk)
        department.code = code
    if kind is not UNSET:
        if kind not in DepartmentKind.values:
            raise DepartmentInvalid(fields={"kind": _("Not one of the allowed values.")})
        department.kind = kind
    if head is not UNSET:
        _ensure_head(head)
        department.head = head
    track(department, actor=actor, reason="updated")
    department.save()
    return department


@transaction.atomic
def department_move(*, department: Department, new_parent: Department, actor: User) -> Department:
    """Move a department with all its sub-departments under another one; never under itself
    or one of its own descendants (the tree would become a cycle)."""
    department = _department_lock(department.pk)
    new_parent = _department_lock(new_parent.pk)
    if new_parent.pk == department.pk or new_parent.path.startswith(department.path):
        raise OrgTreeCycle()
    if not new_parent.is_active:
        msg = _("The parent department is inactive.")
        raise DepartmentInvalid(msg, fields={"parent": msg})
    Department.objects.move(department, new_parent, "sorted-child")
    department = Department.objects.get(pk=department.pk)
    # The tree position is not a history field; the move is recorded as its own history row.
    track(department, actor=actor, reason=f"moved under {new_parent.code}")
    department.save()
    return department


def _ensure_empty(department: Department, *, active_only: bool) -> None:
    members = department.members.all()
    children = Department.objects.filter(
        path__startswith=department.path, depth=department.depth + 1
    )
    if active_only:
        members = members.filter(is_active=True)
        children = children.filter(is_active=True)
    if members.exists() or children.exists():
        raise DepartmentNotEmpty()


@transaction.atomic
def department_deactivate(*, department: Department, actor: User) -> Department:
    """A department without active employees or active sub-departments can be closed."""
    department = _department_lock(department.pk)
    _ensure_empty(department, active_only=True)
    department.is_active = False
    track(department, actor=actor, reason="deactivated")
    department.save()
    return department


@transaction.atomic
def department_reactivate(*, department: Department, actor: User) -> Department:
    department = _department_lock(department.pk)
    parent = department.get_parent(update=True)
    if parent is not None and not parent.is_active:
        raise DepartmentInvalid(_("The parent department is inactive."))
    department.is_active = True
    track(department, actor=actor, reason="reactivated")
    department.save()
    return department


@transaction.atomic
def department_delete(*, department: Department, actor: User) -> None:
    """Delete a department created by mistake: only while nobody and nothing refers to it
    (no employees, former employees, sub-departments or owned records)."""
    department = _department_lock(department.pk)
    _ensure_empty(department, active_only=False)
    track(department, actor=actor, reason="deleted")
    try:
        with transaction.atomic():
            department.delete()
    except ProtectedError:
        raise DepartmentNotEmpty(
            _("Records still belong to this department; deactivate it instead.")
        ) from None


# --- employees ------------------------------------------------------------------------


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise EmployeeInvalid(
            _("The password is too weak."), fields={"password": list(exc.messages)}
        ) from None


def _ensure_manager(employee: User | None, manager: User | None) -> None:
    """No self-manager, no cycle in the reporting line, only active managers."""
    if manager is None:
        return
    if not manager.is_active:
        msg = _("The manager must be an active employee.")
        raise EmployeeInvalid(msg, fields={"manager": msg})
    if employee is None or employee.pk is None:
        return
    seen: set[int] = set()
    current: int | None = manager.pk
    while current is not None and current not in seen:
        if current == employee.pk:
            raise ManagerCycle(fields={"manager": ManagerCycle().message})
        seen.add(current)
        current = User.objects.filter(pk=current).values_list("manager_id", flat=True).first()


def _ensure_department(department: Department | None) -> None:
    if department is None or not department.is_active:
        msg = _("Choose an active department.")
        raise EmployeeInvalid(msg, fields={"department": msg})


def _ensure_roles(roles: Iterable[Role]) -> list[Role]:
    roles = list(roles)
    ids = {r.pk for r in roles}
    if len(ids) != Role.objects.filter(pk__in=ids).count():
        raise EmployeeInvalid(fields={"roles": _("Not one of the allowed values.")})
    return roles


@transaction.atomic
def employee_create(
    *,
    actor: User,
    username: str,
    full_name: str,
    department: Department,
    password: str | None = None,
    manager: User | None = None,
    roles: Iterable[Role] = (),
    title: str = "",
    phone: str = "",
    email: str = "",
    employee_no: str = "",
) -> tuple[User, str | None]:
    """A new employee in an active department. With no password given, a one-time password
    is generated and returned once (the employee changes it after signing in)."""
    username = username.strip()
    if not username:
        msg = _("This field is required.")
        raise EmployeeInvalid(msg, fields={"username": msg})
    if User.objects.filter(username__iexact=username).exists():
        msg = _("This user name is taken.")
        raise EmployeeInvalid(msg, fields={"username": msg})
    _ensure_department(department)
    _ensure_manager(None, manager)
    roles = _ensure_roles(roles)
    user = User(
        username=username,
        full_name=full_name.strip(),
        department=department,
        manager=manager,
        title=title,
        phone=phone,
        email=email,
        employee_no=employee_no,
    )
    generated = None
    if password is None:
        generated = password = secrets.token_urlsafe(12)
    else:
        _check_password(password, user)
    user.set_password(password)
    track(user, actor=actor, reason="created")
    user.save()
    if roles:
        user.roles.set(roles)
    return user, generated


@transaction.atomic
def employee_update(
    *,
    employee: User,
    actor: User,
    full_name: str | Any = UNSET,
    title: str | Any = UNSET,
    phone: str | Any = UNSET,
    email: str | Any = UNSET,
    employee_no: str | Any = UNSET,
    department: Department | Any = UNSET,
    manager: User | Any | None = UNSET,
    roles: Iterable[Role] | Any = UNSET,
) -> User:
    """Change an employee's department, manager, roles or contact details. The change of
    department, roles or rights takes effect on the employee's next request."""
    employee = User.objects.select_for_update().get(pk=employee.pk)
    for name, value in (
        ("full_name", full_name),
        ("title", title),
        ("phone", phone),
        ("email", email),
        ("employee_no", employee_no),
    ):
        if value is not UNSET:
            setattr(employee, name, (value or "").strip())
    if department is not UNSET:
        if department is None or department.pk != employee.department_id:
            _ensure_department(department)
        employee.department = department
    if manager is not UNSET:
        if manager is not None and manager.pk == employee.pk:
            raise ManagerCycle(fields={"manager": ManagerCycle().message})
        if manager is None or manager.pk != employee.manager_id:
            _ensure_manager(employee, manager)
        employee.manager = manager
    track(employee, actor=actor, reason="updated")
    employee.save()
    if roles is not UNSET:
        roles = _ensure_roles(roles)
        if {r.pk for r in roles} != set(employee.roles.values_list("pk", flat=True)):
            track(employee, actor=actor, reason="roles changed")
            employee.roles.set(roles)
    return employee


@transaction.atomic
def employee_set_password(
    *, employee: User, actor: User, password: str | None = None
) -> str | None:
    """Management sets a new password (or a generated one-time password, returned once)."""
    employee = User.objects.select_for_update().get(pk=employee.pk)
    generated = None
    if password is None:
        generated = password = secrets.token_urlsafe(12)
    else:
        _check_password(password, employee)
    employee.set_password(password)
    employee.save(update_fields=["password"])
    audit_event_record(
        kind=AuditKind.PASSWORD_CHANGED,
        actor=actor,
        obj=employee,
        summary=f"password of {employee.username} set by {actor.username}",
    )
    return generated


@transaction.atomic
def employee_reactivate(*, employee: User, actor: User) -> User:
    employee = User.objects.select_for_update().get(pk=employee.pk)
    _ensure_department(employee.department)
    employee.is_active = True
    employee.left_on = None
    track(employee, actor=actor, reason="reactivated")
    employee.save()
    return employee


# --- roles ----------------------------------------------------------------------------


def _clean_role(
    *, name: str, scope_value: str, role_rights: Iterable[str]
) -> tuple[str, list[str]]:
    name = name.strip()
    fields: dict[str, Any] = {}
    if not name:
        fields["name"] = _("This field is required.")
    if scope_value not in DataScope.values:
        fields["scope"] = _("Choose a data scope.")
    cleaned = sorted(set(role_rights))
    unknown = [code for code in cleaned if not rights.is_known(code)]
    if unknown:
        fields["rights"] = _("Unknown rights: %(codes)s") % {"codes": ", ".join(unknown)}
    if fields:
        raise RoleInvalid(next(iter(fields.values())), fields=fields)
    return name, cleaned


@transaction.atomic
def role_create(
    *, actor: User, code: str, name: str, scope: str, rights: Iterable[str], description: str = ""
) -> Role:
    """A new role: a data scope and rights from the rights registry only."""
    code = code.strip()
    if not code or Role.objects.filter(code=code).exists():
        msg = _("This role code is taken.") if code else _("This field is required.")
        raise RoleInvalid(msg, fields={"code": msg})
    name, cleaned = _clean_role(name=name, scope_value=scope, role_rights=rights)
    role = Role(code=code, name=name, scope=scope, rights=cleaned, description=description.strip())
    track(role, actor=actor, reason="created")
    role.save()
    return role


@transaction.atomic
def role_update(
    *, role: Role, actor: User, name: str, scope: str, rights: Iterable[str], description: str = ""
) -> Role:
    """Change a role's name, data scope and rights (built-in roles too; their code stays)."""
    role = Role.objects.select_for_update().get(pk=role.pk)
    name, cleaned = _clean_role(name=name, scope_value=scope, role_rights=rights)
    role.name, role.scope, role.rights, role.description = name, scope, cleaned, description.strip()
    track(role, actor=actor, reason="updated")
    role.save()
    return role


# --- handover -------------------------------------------------------------------------


def _has_history(model: type) -> bool:
    try:
        get_history_manager_for_model(model)
    except NotHistoricalModelError:
        return False
    return True


@transaction.atomic
def employee_handover(
    *, employee: User, successor: User, actor: User, deactivate: bool = True, note: str = ""
) -> Handover:
    """Hand everything a leaving employee owns to a successor in one action (交接, R-ORG-3):
    owned records (with their history), direct reports, department headships and what
    higher apps registered (e.g. pending approvals); then the employee is deactivated."""
    if successor.pk == employee.pk:
        msg = _("Choose a successor other than the employee.")
        raise HandoverRefused(msg, fields={"successor": msg})
    locked = {
        u.pk: u for u in User.objects.select_for_update().filter(pk__in=[employee.pk, successor.pk])
    }
    employee, successor = locked[employee.pk], locked[successor.pk]
    if not successor.is_active:
        msg = _("The successor must be an active employee.")
        raise HandoverRefused(msg, fields={"successor": msg})
    if successor.department_id is None:
        msg = _("The successor must belong to a department.")
        raise HandoverRefused(msg, fields={"successor": msg})
    reason = f"handover {employee.username} -> {successor.username}"
    counts: dict[str, int] = {}
    for model in scope.owned_models():
        qs = model._default_manager.filter(owner=employee)
        if _has_history(model):
            objs = list(qs.select_for_update())
            for obj in objs:
                obj.owner = successor
                obj.department_id = successor.department_id
            moved = len(objs)
            if objs:
                bulk_update_with_history(
                    objs,
                    model,
                    ["owner", "department"],
                    default_user=actor,
                    default_change_reason=reason,
                )
        else:
            moved = qs.update(owner=successor, department_id=successor.department_id)
        if moved:
            counts[model._meta.label] = moved

    reports = list(User.objects.select_for_update().filter(manager=employee))
    for report in reports:
        # The successor never ends up as their own manager: they take the leaver's manager.
        report.manager = employee.manager if report.pk == successor.pk else successor
        if report.manager_id == report.pk:
            report.manager = None
    if reports:
        bulk_update_with_history(
            reports, User, ["manager"], default_user=actor, default_change_reason=reason
        )
        counts["org.User.manager"] = len(reports)
    headed = list(Department.objects.select_for_update().filter(head=employee))
    for department in headed:
        department.head = successor
    if headed:
        bulk_update_with_history(
            headed, Department, ["head"], default_user=actor, default_change_reason=reason
        )
        counts["org.Department.head"] = len(headed)

    handled = registries.run_handover_handlers(
        from_employee=employee, to_employee=successor, actor=actor
    )
    counts.update({label: n for label, n in handled.items() if n})

    if deactivate:
        employee.is_active = False
        employee.left_on = timezone.localdate()
        track(employee, actor=actor, reason=reason)
        employee.save()
        ApiToken.objects.filter(user=employee, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    handover = Handover.objects.create(
        from_employee=employee,
        to_employee=successor,
        performed_by=actor,
        deactivated=deactivate,
        note=note.strip()[:300],
        counts=counts,
    )
    audit_event_record(
        kind=AuditKind.HANDOVER,
        actor=actor,
        obj=employee,
        summary=reason,
        detail={
            "handover_id": handover.pk,
            "to": successor.username,
            "counts": counts,
            "deactivated": deactivate,
        },
    )
    return handover


# --- API tokens -----------------------------------------------------------------------

TOKEN_MAX_DAYS = 365


@transaction.atomic
def api_token_create(*, user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A personal API token: 256 random bits, returned once, stored as its SHA-256 digest."""
    if not user.has_right("api.use"):
        raise PermissionDenied()
    name = name.strip()
    if not name:
        msg: str | Promise = _("Give the token a name.")
        raise TokenInvalid(msg, fields={"name": msg})
    days = settings.XG_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= TOKEN_MAX_DAYS:
        msg = _("Between 1 and %(max)d days.") % {"max": TOKEN_MAX_DAYS}
        raise TokenInvalid(msg, fields={"days": msg})
    raw = "xg_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=raw[:10],
        digest=token_digest(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_event_record(
        kind=AuditKind.TOKEN_CREATED,
        actor=user,
        obj=token,
        summary=f"{token.name} ({token.prefix}…)",
        detail={"prefix": token.prefix, "expires_at": token.expires_at.isoformat()},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke a token at once (its owner, or management for anyone's token)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk and not actor.has_right("org.manage"):
        raise PermissionDenied()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_event_record(
            kind=AuditKind.TOKEN_REVOKED,
            actor=actor,
            obj=token,
            summary=f"{token.name} ({token.prefix}…)",
            detail={"prefix": token.prefix, "owner": token.user.username},
        )
    return token


# --- first administrator --------------------------------------------------------------


@transaction.atomic
def administrator_create(
    *, username: str, password: str | None, full_name: str = "", email: str = ""
) -> tuple[User, str | None]:
    """The first administrator of a real installation: the management role at the root of
    the org tree. With no password given, a random one is generated and returned once."""
    if User.objects.filter(username=username).exists():
        raise EmployeeInvalid(
            _("This user name is taken."), fields={"username": _("This user name is taken.")}
        )
    generated = None
    if password is None:
        generated = password = secrets.token_urlsafe(18)
    user = User(username=username, full_name=full_name, email=email, is_staff=False)
    _check_password(password, user)
    root = Department.objects.get_root_nodes().first()
    if root is None:
        root = Department.objects.add_root(
            instance=Department(name=str(_("Company")), code="HQ", kind="company")
        )
    user.department = root
    user.set_password(password)
    user.save()
    user.roles.add(Role.objects.get(code="management"))
    return user, generated
