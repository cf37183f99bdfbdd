"""Department tasks (R-ORG-4): work routed to a department's inbox, with the figures the
department fills in (technical parameters, cost and lead time, production of a contract ...).

The kinds are registered by the apps that create such tasks (``org.registries.task_kinds``);
this module creates, completes and cancels tasks and reads the inbox. The inbox of a person,
for everyone: the tasks of their department (and of its sub-departments when their data scope
is the subtree or all records), of the departments they head and below, plus the tasks they
requested; its open tasks are the sidebar's count. Holders of an all-records scope and
management may open every task and list them with the "all departments" filter, but another
department's work is not mixed into their own inbox.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from xiaoguan.core.history import track
from xiaoguan.core.notifications import notify
from xiaoguan.org.enums import DataScope, TaskStatus
from xiaoguan.org.models import Department, DepartmentTask, User
from xiaoguan.org.registries import TaskField, TaskKind, task_kind, task_subject

NOTIFICATION_KIND = "department_task"
MAX_DECIMAL = Decimal("1e13")  # what a MONEY column (15, 2) can hold
MAX_INT = 1_000_000


class TaskInvalid(ValidationFailed):
    code = "department_task_invalid"


# --- helpers ----------------------------------------------------------------------------


def task_url(task: DepartmentTask) -> str:
    try:
        return reverse("org:task_detail", args=[task.pk])
    except NoReverseMatch:  # pragma: no cover - the org pages are always mounted
        return ""


def _kind_or_error(code: str) -> TaskKind:
    kind = task_kind(code)
    if kind is None:
        raise TaskInvalid(
            _("Unknown kind of department task."),
            fields={"kind": _("Unknown kind of department task.")},
        )
    return kind


def _reach(user: User) -> list[tuple[Department, bool]]:
    """The departments whose tasks reach the user, each with whether its sub-departments'
    tasks do too: the own department (with the sub-departments for a subtree or all-records
    scope) and the departments the user heads (always with their sub-departments)."""
    found: list[tuple[Department, bool]] = []
    if user.department_id and user.department:
        wide = user.data_scope in (DataScope.SUBTREE, DataScope.ALL)
        found.append((user.department, wide))
    found += [(d, True) for d in Department.objects.filter(head=user, is_active=True)]
    return found


def _works_in(user: User, department: Department) -> bool:
    """Whether tasks of ``department`` are the user's work (see ``_reach``)."""
    if department.head_id == user.pk:
        return True
    return any(
        department.pk == d.pk or (below and department.path.startswith(d.path))
        for d, below in _reach(user)
    )


def _reach_q(user: User) -> Q | None:
    """The filter on DepartmentTask of the departments that reach the user (None: none)."""
    condition: Q | None = None
    for department, below in _reach(user):
        part = (
            Q(department__path__startswith=department.path) if below else Q(department=department)
        )
        condition = part if condition is None else condition | part
    return condition


def _sees_all(user: User) -> bool:
    return user.data_scope == DataScope.ALL or "management" in user.role_codes


def can_list_every_task(*, user: User) -> bool:
    """Holders of an all-records scope and management may open any task and get the inbox's
    "all departments" filter."""
    return bool(user and user.is_authenticated and user.is_active and _sees_all(user))


def can_complete(*, user: User, task: DepartmentTask) -> bool:
    """Members of the task's department (or above it), its head and management."""
    if not user.is_active or task.status != TaskStatus.OPEN:
        return False
    return _works_in(user, task.department) or "management" in user.role_codes


def can_cancel(*, user: User, task: DepartmentTask) -> bool:
    """The requester, the department's head, and management."""
    if not user.is_active or task.status != TaskStatus.OPEN:
        return False
    return (
        task.requested_by_id == user.pk
        or task.department.head_id == user.pk
        or "management" in user.role_codes
    )


def figures_visible(*, user: User, task: DepartmentTask) -> list[dict[str, Any]]:
    """The filled-in figures the user may see, with their labels, in the kind's order. A
    figure with a ``right`` (a cost) is shown to holders of that right and to the department
    that filled it in."""
    data = task.response_data or {}
    kind = task_kind(task.kind)
    if kind is None:
        return []
    own_department = _works_in(user, task.department)
    return [
        {"name": f.name, "label": f.label, "value": data[f.name], "kind": f.kind}
        for f in kind.fields
        if f.name in data and (not f.right or own_department or user.has_right(f.right))
    ]


def _recipients(department: Department) -> list[User]:
    people: dict[int, User] = {}
    if department.head_id and department.head and department.head.is_active:
        people[department.head.pk] = department.head
    for member in User.objects.filter(department=department, is_active=True):
        people.setdefault(member.pk, member)
    return list(people.values())


def clean_task_value(field: TaskField, raw: Any) -> Any:
    """One figure as stored in ``response_data`` (JSON): decimal as a string, int as int,
    date as ISO text, text stripped; raises TaskInvalid with the field's message."""

    def bad(message: Any) -> TaskInvalid:
        return TaskInvalid(message, fields={field.name: message})

    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if field.required:
            raise bad(_("This field is required."))
        return None
    if field.kind == "decimal":
        try:
            value = Decimal(str(raw).strip().replace(",", ""))
        except (InvalidOperation, ValueError):
            raise bad(_("Enter a number.")) from None
        if not value.is_finite():
            raise bad(_("Enter a number."))
        if value < 0:
            raise bad(_("Enter zero or a positive number."))
        if value >= MAX_DECIMAL:
            raise bad(_("The number is too large."))
        return str(value.quantize(Decimal("0.01")))
    if field.kind == "int":
        if isinstance(raw, bool):
            raise bad(_("Enter a whole number."))
        try:
            if isinstance(raw, float) and raw != int(raw):
                raise ValueError
            value_int = int(str(raw).strip()) if not isinstance(raw, int | float) else int(raw)
        except (TypeError, ValueError):
            raise bad(_("Enter a whole number.")) from None
        if value_int < 0:
            raise bad(_("Enter zero or a positive number."))
        if value_int > MAX_INT:
            raise bad(_("The number is too large."))
        return value_int
    if field.kind == "date":
        if isinstance(raw, dt.datetime):
            raw = raw.date()
        if isinstance(raw, dt.date):
            return raw.isoformat()
        try:
            return dt.date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            raise bad(_("Enter a valid date.")) from None
    text = str(raw).strip()
    if len(text) > 5000:
        raise bad(_("The text is too long (at most 5,000 characters)."))
    return text


def clean_task_data(kind: TaskKind, data: dict[str, Any]) -> dict[str, Any]:
    """All of a kind's figures, validated together (every field's error at once)."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for field in kind.fields:
        try:
            value = clean_task_value(field, (data or {}).get(field.name))
        except TaskInvalid as exc:
            errors.update(exc.fields)
            continue
        if value is not None:
            cleaned[field.name] = value
    if errors:
        raise TaskInvalid(_("Some figures are missing or not valid."), fields=errors)
    return cleaned


# --- services ---------------------------------------------------------------------------


def department_for(*, kind: str) -> Department | None:
    """The first active department of that DepartmentKind (in tree order)."""
    return Department.objects.filter(kind=kind, is_active=True).order_by("path").first()


@transaction.atomic
def department_task_create(
    *,
    actor: User,
    department: Department,
    kind: str,
    title: str,
    description: str = "",
    subject_type: str = "",
    subject_id: int | None = None,
    subject_label: str = "",
    subject_url: str = "",
    due_on: dt.date | None = None,
) -> DepartmentTask:
    """Put a task in ``department``'s inbox and tell its head and members."""
    _kind_or_error(kind)
    title = (title or "").strip()
    if department is None or not department.is_active:
        msg = _("Tasks can only be sent to an active department.")
        raise TaskInvalid(msg, fields={"department": msg})
    if not title:
        msg = _("A task needs a title.")
        raise TaskInvalid(msg, fields={"title": msg})
    if due_on is not None and due_on < timezone.localdate():
        msg = _("The due date cannot be in the past.")
        raise TaskInvalid(msg, fields={"due_on": msg})
    task = DepartmentTask(
        department=department,
        kind=kind,
        title=title[:200],
        description=(description or "").strip(),
        subject_type=subject_type[:40],
        subject_id=subject_id,
        subject_label=str(subject_label)[:200],
        subject_url=subject_url[:500],
        requested_by=actor,
        due_on=due_on,
    )
    track(task, actor, "created")
    task.save()
    url = task_url(task)
    note_title = gettext("New task for %(department)s: %(title)s") % {
        "department": department.name,
        "title": task.title,
    }
    for person in _recipients(department):
        if person.pk == actor.pk:
            continue
        notify(
            recipient=person,
            kind=NOTIFICATION_KIND,
            title=note_title,
            url=url,
            body=task.description,
            dedupe_key=f"department_task:{task.pk}:created",
        )
    return task


def _task_for_update(task_id: int) -> DepartmentTask:
    task = (
        DepartmentTask.objects.select_for_update(of=("self",))
        .select_related("department")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFound()
    return task


@transaction.atomic
def department_task_complete(
    *, actor: User, task_id: int, response: str, data: dict[str, Any]
) -> DepartmentTask:
    """Fill in the kind's figures and close the task; the registering app's
    ``on_completed(task=, actor=)`` runs in the same transaction."""
    task = _task_for_update(task_id)
    if not department_task_inbox(user=actor).filter(pk=task.pk).exists():
        raise NotFound()
    if task.status != TaskStatus.OPEN:
        raise InvalidTransition(_("This task is already closed."))
    if not can_complete(user=actor, task=task):
        raise PermissionDenied(_("Only the department the task was sent to can complete it."))
    kind = _kind_or_error(task.kind)
    cleaned = clean_task_data(kind, data)
    response = (response or "").strip()
    if not kind.fields and not response:
        msg = _("Write what was done.")
        raise TaskInvalid(msg, fields={"response": msg})
    task.status = TaskStatus.DONE
    task.response = response
    task.response_data = cleaned
    task.completed_by = actor
    task.completed_at = timezone.now()
    if task.assignee_id is None:
        task.assignee = actor
    track(task, actor, "completed")
    task.save()
    if kind.on_completed is not None:
        kind.on_completed(task=task, actor=actor)
    if task.requested_by_id != actor.pk:
        notify(
            recipient=task.requested_by,
            kind=NOTIFICATION_KIND,
            title=gettext("Task done: %(title)s") % {"title": task.title},
            url=task.subject_url or task_url(task),
            body=response,
            dedupe_key=f"department_task:{task.pk}:done",
        )
    return task


@transaction.atomic
def department_task_cancel(*, actor: User, task_id: int, reason: str) -> DepartmentTask:
    """Withdraw an open task (the requester, the department's head or management)."""
    task = _task_for_update(task_id)
    if not department_task_inbox(user=actor).filter(pk=task.pk).exists():
        raise NotFound()
    if task.status != TaskStatus.OPEN:
        raise InvalidTransition(_("This task is already closed."))
    if not can_cancel(user=actor, task=task):
        raise PermissionDenied(
            _("Only the requester or the head of the department can cancel the task.")
        )
    reason = (reason or "").strip()
    if not reason:
        msg = _("Give a reason for cancelling.")
        raise TaskInvalid(msg, fields={"reason": msg})
    task.status = TaskStatus.CANCELLED
    task.response = reason
    task.completed_by = actor
    task.completed_at = timezone.now()
    track(task, actor, "cancelled")
    task.save()
    kind = task_kind(task.kind)
    if kind is not None and kind.on_cancelled is not None:
        kind.on_cancelled(task=task, actor=actor)
    return task


@transaction.atomic
def department_tasks_cancel_for_subject(
    *, actor: User, subject_type: str, subject_ids: list[int], reason: str
) -> int:
    """The subject's own service withdraws the open tasks about it (a terminated contract): it
    has checked the actor's right on the subject, so the per-task rule of who may cancel one
    task does not apply. Returns how many were cancelled; ``on_cancelled`` runs for each."""
    reason = (reason or "").strip()
    if not reason:
        msg = _("Give a reason for cancelling.")
        raise TaskInvalid(msg, fields={"reason": msg})
    tasks = list(
        DepartmentTask.objects.select_for_update(of=("self",))
        .select_related("department")
        .filter(subject_type=subject_type, subject_id__in=subject_ids, status=TaskStatus.OPEN)
        .order_by("pk")
    )
    now = timezone.now()
    for task in tasks:
        task.status = TaskStatus.CANCELLED
        task.response = reason
        task.completed_by = actor
        task.completed_at = now
        track(task, actor, "cancelled")
        task.save()
        kind = task_kind(task.kind)
        if kind is not None and kind.on_cancelled is not None:
            kind.on_cancelled(task=task, actor=actor)
    return len(tasks)


# --- selectors --------------------------------------------------------------------------


def _own_q(user: User) -> Q:
    """The user's own inbox: the departments that reach them and what they requested."""
    condition = Q(requested_by=user.pk)
    reach = _reach_q(user)
    return condition if reach is None else condition | reach


def _inbox_q(user: User) -> Q | None:
    """None: every task; otherwise the filter of the tasks the user may open."""
    if _sees_all(user):
        return None
    return _own_q(user)


def _tasks() -> QuerySet[DepartmentTask]:
    return DepartmentTask.objects.select_related(
        "department", "requested_by", "completed_by", "assignee"
    )


def _active(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def department_task_inbox(*, user: User, status: str | None = None) -> QuerySet[DepartmentTask]:
    """Every task ``user`` may open: their departments' (and below), those they requested; all
    for an all-records scope and management (the rule of the task page, of completing and of
    cancelling). The inbox page lists ``department_task_list``. ``status`` is a TaskStatus
    value or None for every status."""
    qs = _tasks()
    if not _active(user):
        return qs.none()
    condition = _inbox_q(user)
    if condition is not None:
        qs = qs.filter(condition)
    if status:
        qs = qs.filter(status=status)
    return qs


def department_task_list(
    *, user: User, status: str | None = None, every: bool = False
) -> QuerySet[DepartmentTask]:
    """The inbox page: for everyone the tasks of the departments that reach the user plus those
    they requested; ``every`` (the "all departments" filter) lists every task for those who
    may open any (``can_list_every_task``) and is ignored for others."""
    qs = _tasks()
    if not _active(user):
        return qs.none()
    if not (every and _sees_all(user)):
        qs = qs.filter(_own_q(user))
    if status:
        qs = qs.filter(status=status)
    return qs


def department_task_get(*, user: User, task_id: int) -> DepartmentTask:
    """A task the user may open; otherwise NotFound (out of scope does not exist)."""
    task = department_task_inbox(user=user).filter(pk=task_id).first()
    if task is None:
        raise NotFound()
    return task


def department_task_open_count(*, user: User) -> int:
    """Open tasks of the user's inbox (``department_task_list``'s default list): the sidebar's
    badge and the inbox's "open" tab show the same number."""
    if not _active(user):
        return 0
    return department_task_list(user=user, status=TaskStatus.OPEN).count()


def subjects_openable(*, user: User, tasks: list[DepartmentTask]) -> set[int]:
    """The tasks (pks) whose document link opens for the user: one question per kind of
    document to the app that owns it (the right and the record in scope). A task about a
    kind of document no app describes keeps its link."""
    by_type: dict[str, list[DepartmentTask]] = {}
    for task in tasks:
        if task.subject_url:
            by_type.setdefault(task.subject_type, []).append(task)
    found: set[int] = set()
    for subject_type, rows in by_type.items():
        subject = task_subject(subject_type)
        if subject is None:
            found.update(t.pk for t in rows)
            continue
        ids = sorted({t.subject_id for t in rows if t.subject_id is not None})
        openable = subject.openable(user, ids) if ids else set()
        found.update(t.pk for t in rows if t.subject_id in openable)
    return found


def tasks_for_subject(*, subject_type: str, subject_id: int) -> QuerySet[DepartmentTask]:
    """The tasks about one document (the caller has checked the document is in scope)."""
    return (
        DepartmentTask.objects.select_related("department", "requested_by", "completed_by")
        .filter(subject_type=subject_type, subject_id=subject_id)
        .order_by("created_at", "pk")
    )
