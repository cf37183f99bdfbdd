"""Extension points the org app offers to higher apps.

``handover_handlers``: called inside the handover transaction after owned records moved,
as ``handler(from_employee=..., to_employee=..., actor=...) -> dict[str, int]`` (label → count
of what the handler moved, e.g. pending approval tasks). Register in ``AppConfig.ready()``.

``task_kinds``: the kinds of department tasks (``TaskKind``), registered by the apps that
create them. ``task_subjects``: what a department task about a document shows of it
(``TaskSubject``: a read-only panel, whether the document's own page opens for the user, the
files the task shares), registered by the app owning the document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

HandoverHandler = Callable[..., dict[str, int]]

handover_handlers: list[HandoverHandler] = []


def register_handover_handler(handler: HandoverHandler) -> HandoverHandler:
    if handler not in handover_handlers:
        handover_handlers.append(handler)
    return handler


def run_handover_handlers(**kwargs: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for handler in handover_handlers:
        counts.update(handler(**kwargs) or {})
    return counts


# Department tasks (R-ORG-4) --------------------------------------------------------------


@dataclass(frozen=True)
class TaskField:
    """A figure the department fills in when it completes a task (cost, lead time ...)."""

    name: str
    label: Any
    kind: str = "text"  # "text" | "decimal" | "int" | "date"
    required: bool = True
    # A right needed to see the figure once filled in (e.g. "pricing.confidential" for a
    # cost); the department that fills it in always sees it. Empty: everyone who sees the task.
    right: str = ""


@dataclass(frozen=True)
class TaskKind:
    """A kind of department task, registered by the app that creates such tasks.

    ``on_completed(task=..., actor=...)`` is called inside the completion's transaction, so
    the registering app can copy the figures onto its document (a quote's cost and lead
    time) or record the step on its timeline.
    """

    code: str
    label: Any
    fields: tuple[TaskField, ...] = ()
    on_completed: Callable[..., Any] | None = None
    on_cancelled: Callable[..., Any] | None = None


task_kinds: dict[str, TaskKind] = {}


def register_task_kind(kind: TaskKind) -> TaskKind:
    existing = task_kinds.get(kind.code)
    if existing is not None and existing != kind:
        raise ValueError(f"Task kind {kind.code!r} is registered twice")
    task_kinds[kind.code] = kind
    return kind


def task_kind(code: str) -> TaskKind | None:
    return task_kinds.get(code)


# What a department task is about (R-ORG-4) -----------------------------------------------


@dataclass(frozen=True)
class TaskSubject:
    """What the app owning a kind of document shows on the page of a department task about one
    (``DepartmentTask.subject_type`` is ``code``). The task is how the document was shared
    with the department: whoever may see the task sees the panel, whatever their rights on
    the document.

    ``panel(request, task) -> str``: read-only HTML of what the department needs (an
    inquiry's requirements and tender documents, a contract's lines and delivery); links to
    the document's files go through ``org:task_attachment``.
    ``openable(user, subject_ids) -> set[int]``: the ids whose own page the user can open
    (the right and the record in scope); the task page links to the document only then.
    ``attachment_owner(task) -> model instance | None``: the record whose attachments the
    task shares (None: the task shares no files).
    """

    code: str
    panel: Callable[[Any, Any], str]
    openable: Callable[[Any, list[int]], set[int]]
    attachment_owner: Callable[[Any], Any] | None = None


task_subjects: dict[str, TaskSubject] = {}


def register_task_subject(subject: TaskSubject) -> TaskSubject:
    existing = task_subjects.get(subject.code)
    if existing is not None and existing != subject:
        raise ValueError(f"Task subject {subject.code!r} is registered twice")
    task_subjects[subject.code] = subject
    return subject


def task_subject(code: str) -> TaskSubject | None:
    return task_subjects.get(code) if code else None
