"""Approvals endpoints: waiting for me, submitted by me, a request with its tasks, decide.
Same rights and rules as the pages; errors come back as ``{code, message}``."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from xiaoguan.approvals import selectors, services
from xiaoguan.approvals.enums import Decision
from xiaoguan.core.idempotency import idempotent

router = Router(tags=["approvals"])


def _need(request: HttpRequest, right: str) -> None:
    if not request.auth.has_right(right):
        raise PermissionDenied


class TaskOut(Schema):
    id: int
    request_id: int
    step_position: int
    step_name: str
    approver_id: int
    approver: str
    status: str
    decided_by_id: int | None
    decided_by: str | None
    decided_at: datetime.datetime | None
    comment: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_approver(obj) -> str:
        return str(obj.approver)

    @staticmethod
    def resolve_decided_by(obj) -> str | None:
        return str(obj.decided_by) if obj.decided_by_id else None


class RequestOut(Schema):
    id: int
    doc_type: str
    object_id: int
    title: str
    subject_url: str
    amount: Decimal | None
    discount: Decimal | None
    requested_by_id: int
    requested_by: str
    status: str
    current_step: int
    created_at: datetime.datetime
    decided_at: datetime.datetime | None

    @staticmethod
    def resolve_requested_by(obj) -> str:
        return str(obj.requested_by)


class WaitingOut(TaskOut):
    request: RequestOut


class RequestDetailOut(RequestOut):
    tasks: list[TaskOut]

    @staticmethod
    def resolve_tasks(obj) -> list:
        return list(obj.tasks.all())


class DecisionIn(Schema):
    decision: Decision
    comment: str = ""


@router.get(
    "/waiting", response=list[WaitingOut], summary="Tasks waiting for me (including delegated)"
)
@paginate(LimitOffsetPagination)
def waiting(request: HttpRequest):
    _need(request, "approvals.use")
    return selectors.tasks_waiting_for(user=request.auth)


@router.get("/submitted", response=list[RequestOut], summary="Requests I submitted")
@paginate(LimitOffsetPagination)
def submitted(request: HttpRequest):
    _need(request, "approvals.use")
    return selectors.requests_submitted_by(user=request.auth)


@router.get(
    "/requests/{request_id}", response=RequestDetailOut, summary="One request with its tasks"
)
def request_detail(request: HttpRequest, request_id: int):
    _need(request, "approvals.use")
    return selectors.request_get(user=request.auth, request_id=request_id)


@router.post(
    "/tasks/{task_id}/decide", response=RequestDetailOut, summary="Approve, reject or return a task"
)
@idempotent
def decide(request: HttpRequest, task_id: int, payload: DecisionIn):
    _need(request, "approvals.use")
    approval = services.approval_decide(
        task_id=task_id,
        actor=request.auth,
        decision=payload.decision.value,
        comment=payload.comment,
    )
    return selectors.request_get(user=request.auth, request_id=approval.pk)
