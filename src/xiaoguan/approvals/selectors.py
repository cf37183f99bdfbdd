"""Reads of the approval engine: the centre's lists, a request with its history, chains and
delegations. A request is visible to its participants (requester, approvers, delegates who
decided) and otherwise through the data scope of the document it belongs to."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from xiaoguan.approvals.enums import RequestStatus, TaskStatus
from xiaoguan.approvals.errors import ApprovalNotFound
from xiaoguan.approvals.models import (
    ApprovalChain,
    ApprovalRequest,
    ApprovalStep,
    ApprovalTask,
    Delegation,
)
from xiaoguan.org.models import User
from xiaoguan.org.scope import scope_q, visible


def delegations_in_force(*, on: datetime.date | None = None) -> QuerySet[Delegation]:
    on = on or timezone.localdate()
    return Delegation.objects.filter(is_active=True, start_date__lte=on, end_date__gte=on)


def delegator_ids(*, user: Any, on: datetime.date | None = None) -> list[int]:
    """The people ``user`` stands in for today."""
    if user is None or not getattr(user, "pk", None):
        return []
    return list(
        delegations_in_force(on=on).filter(to_user=user).values_list("from_user_id", flat=True)
    )


def delegate_ids(*, user_ids: list[int], on: datetime.date | None = None) -> dict[int, list[int]]:
    """For each of ``user_ids``, who stands in for them today."""
    out: dict[int, list[int]] = {}
    for from_id, to_id in (
        delegations_in_force(on=on)
        .filter(from_user_id__in=user_ids)
        .values_list("from_user_id", "to_user_id")
    ):
        out.setdefault(from_id, []).append(to_id)
    return out


def task_actionable_q(*, user: Any) -> Q:
    """Pending tasks of the current stage of a pending request that ``user`` may decide:
    their own and those of the people they stand in for today (one query, no round trip
    for the delegations)."""
    standing_in_for = delegations_in_force().filter(to_user=user).values("from_user_id")
    return Q(status=TaskStatus.PENDING, request__status=RequestStatus.PENDING) & (
        Q(approver_id=user.pk) | Q(approver_id__in=standing_in_for)
    )


def tasks_waiting_for(*, user: Any) -> QuerySet[ApprovalTask]:
    """Waiting for me: my pending tasks and those of the people I stand in for today."""
    return (
        ApprovalTask.objects.filter(task_actionable_q(user=user))
        .select_related("request", "request__requested_by", "approver")
        .order_by("created_at", "id")
    )


def waiting_count(*, user: Any) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return ApprovalTask.objects.filter(task_actionable_q(user=user)).count()


def requests_submitted_by(*, user: Any) -> QuerySet[ApprovalRequest]:
    return (
        ApprovalRequest.objects.filter(requested_by=user)
        .select_related("requested_by")
        .order_by("-created_at", "-id")
    )


def tasks_done_by(*, user: Any) -> QuerySet[ApprovalTask]:
    """Done by me: what I decided myself, for me or on someone's behalf."""
    return (
        ApprovalTask.objects.filter(decided_by=user)
        .exclude(status__in=[TaskStatus.PENDING, TaskStatus.SKIPPED])
        .select_related("request", "request__requested_by", "approver")
        .order_by("-decided_at", "-id")
    )


def request_visible_q(*, user: Any) -> Q | None:
    """None: the user sees every request."""
    scope = scope_q(ApprovalRequest, user)
    if scope is None:
        return None
    involved = ApprovalTask.objects.filter(
        Q(approver=user)
        | Q(decided_by=user)
        | Q(approver_id__in=delegator_ids(user=user), status=TaskStatus.PENDING)
    ).values("request_id")
    return scope | Q(requested_by=user) | Q(pk__in=involved)


def request_list(*, user: Any) -> QuerySet[ApprovalRequest]:
    qs = ApprovalRequest.objects.select_related("requested_by", "owner", "department")
    condition = request_visible_q(user=user)
    return qs if condition is None else qs.filter(condition)


def request_get(*, user: Any, request_id: int) -> ApprovalRequest:
    """A request the user may see, with its tasks; otherwise not found."""
    tasks = ApprovalTask.objects.select_related("approver", "decided_by").order_by(
        "step_position", "id"
    )
    request = (
        request_list(user=user)
        .prefetch_related(Prefetch("tasks", queryset=tasks))
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise ApprovalNotFound()
    return request


def approval_history_for(subject: Any) -> list[ApprovalRequest]:
    """Every approval round of one document, oldest first, with its tasks. The caller has
    already checked that the user may see the document."""
    ct = ContentType.objects.get_for_model(type(subject))
    tasks = ApprovalTask.objects.select_related("approver", "decided_by").order_by(
        "step_position", "id"
    )
    return list(
        ApprovalRequest.objects.filter(content_type=ct, object_id=subject.pk)
        .select_related("requested_by")
        .prefetch_related(Prefetch("tasks", queryset=tasks))
        .order_by("created_at", "id")
    )


def pending_request_for(subject: Any) -> ApprovalRequest | None:
    ct = ContentType.objects.get_for_model(type(subject))
    return ApprovalRequest.objects.filter(
        content_type=ct, object_id=subject.pk, status=RequestStatus.PENDING
    ).first()


def chain_list() -> QuerySet[ApprovalChain]:
    steps = ApprovalStep.objects.select_related("department", "role", "employee").order_by(
        "position"
    )
    return ApprovalChain.objects.prefetch_related(Prefetch("steps", queryset=steps)).order_by(
        "doc_type", "-is_active", "name"
    )


def chain_get(*, chain_id: int) -> ApprovalChain:
    chain = chain_list().filter(pk=chain_id).first()
    if chain is None:
        raise ApprovalNotFound()
    return chain


def delegation_list(*, user: Any) -> QuerySet[Delegation]:
    """Delegations I gave and those I received."""
    return (
        Delegation.objects.filter(Q(from_user=user) | Q(to_user=user))
        .select_related("from_user", "to_user")
        .order_by("-start_date", "-id")
    )


def request_id_for_task(*, user: Any, task_id: int) -> int | None:
    """The request a task belongs to, if the user may see that request."""
    request_id = (
        ApprovalTask.objects.filter(pk=task_id).values_list("request_id", flat=True).first()
    )
    if request_id is None or not request_list(user=user).filter(pk=request_id).exists():
        return None
    return request_id


def chain_id_for_step(*, step_id: int) -> int:
    chain_id = ApprovalStep.objects.filter(pk=step_id).values_list("chain_id", flat=True).first()
    if chain_id is None:
        raise ApprovalNotFound()
    return chain_id


def delegate_candidates(*, user: Any) -> QuerySet[User]:
    """Whom one may delegate to: active colleagues in one's data scope and one's own managers
    (out of scope stays invisible, R-ORG-1)."""
    managers: list[int] = []
    current = user
    while (
        current is not None
        and current.manager_id
        and current.manager_id not in managers
        and len(managers) < 10
    ):
        managers.append(current.manager_id)
        current = User.objects.filter(pk=current.manager_id).only("pk", "manager_id").first()
    in_scope = visible(User.objects.all(), user).values("pk")
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=in_scope) | Q(pk__in=managers))
        .exclude(pk=user.pk)
        .order_by("username")
    )
