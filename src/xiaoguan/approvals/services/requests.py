"""Approval requests: submission, decisions (approve / reject / return), cancellation and the
handover of pending tasks. Every decision locks the request row first, so of two people
deciding the same stage at once exactly one wins and the other gets ApprovalAlreadyDecided."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoguan.approvals import registries, selectors
from xiaoguan.approvals.enums import DECISION_TO_TASK_STATUS, Decision, RequestStatus, TaskStatus
from xiaoguan.approvals.errors import (
    ApprovalAlreadyDecided,
    ApprovalAlreadyPending,
    ApprovalChainUnresolvable,
    ApprovalInvalid,
    ApprovalNotFound,
    ApprovalNotYours,
    SelfApprovalRefused,
    UnknownDocumentType,
)
from xiaoguan.approvals.models import ApprovalChain, ApprovalRequest, ApprovalTask, Delegation
from xiaoguan.approvals.services.resolution import approver_fallback, build_plan
from xiaoguan.core.audit import audit_event_record
from xiaoguan.core.models import AuditKind
from xiaoguan.core.notifications import notify
from xiaoguan.org.models import User


def _request_url(request: ApprovalRequest) -> str:
    return reverse("approvals:request_detail", args=[request.pk])


def _doc_type(code: str | registries.DocumentType) -> registries.DocumentType:
    if isinstance(code, registries.DocumentType):
        return code
    found = registries.document_type(code)
    if found is None:
        raise UnknownDocumentType()
    return found


def _subject_of(request: ApprovalRequest) -> Any:
    doc_type = _doc_type(request.doc_type)
    return doc_type.model._default_manager.get(pk=request.object_id)


def _stage(request: ApprovalRequest, position: int) -> dict[str, Any] | None:
    for stage in request.plan:
        if not stage.get("skipped") and stage["position"] == position:
            return stage
    return None


def _start_stage(request: ApprovalRequest, stage: dict[str, Any]) -> list[ApprovalTask]:
    """Create the tasks of one stage and tell the approvers (and who stands in for them)."""
    excluded = {request.requested_by_id, request.owner_id}
    people = list(
        User.objects.filter(pk__in=stage["approvers"], is_active=True).exclude(pk__in=excluded)
    )
    if not people:
        fallback = approver_fallback(request.requested_by, excluded=excluded)
        if fallback is None:
            raise ApprovalChainUnresolvable(
                _(
                    "The approval step “%(step)s” finds nobody to approve; "
                    "ask management to check the chain."
                )
                % {"step": stage["name"]}
            )
        people = [fallback]
    request.current_step = stage["position"]
    tasks = ApprovalTask.objects.bulk_create(
        [
            ApprovalTask(
                request=request,
                step_position=stage["position"],
                step_name=stage["name"],
                approver=p,
            )
            for p in people
        ]
    )
    url = _request_url(request)
    title = _("Waiting for your approval: %(title)s") % {"title": request.title}
    delegates = selectors.delegate_ids(user_ids=[p.pk for p in people])
    for person in people:
        notify(recipient=person, kind="approvals.task", title=title, url=url)
        for delegate in User.objects.filter(pk__in=delegates.get(person.pk, [])):
            notify(
                recipient=delegate,
                kind="approvals.task",
                url=url,
                title=_("Waiting for approval on behalf of %(name)s: %(title)s")
                % {"name": person, "title": request.title},
            )
    return tasks


@transaction.atomic
def approval_request_create(
    *, subject: Any, doc_type: str | registries.DocumentType, requested_by: User
) -> ApprovalRequest:
    """A document goes to approval along its type's active chain; the steps are resolved now,
    so a chain that finds nobody refuses the submission instead of leaving it stuck."""
    dtype = _doc_type(doc_type)
    if not isinstance(subject, dtype.model):
        raise UnknownDocumentType()
    chain = ApprovalChain.objects.filter(doc_type=dtype.code, is_active=True).first()
    if chain is None:
        raise ApprovalChainUnresolvable(
            _("There is no active approval chain for “%(type)s”; ask management to set one up.")
            % {"type": dtype.label}
        )
    ct = ContentType.objects.get_for_model(type(subject))
    if ApprovalRequest.objects.filter(
        content_type=ct, object_id=subject.pk, status=RequestStatus.PENDING
    ).exists():
        raise ApprovalAlreadyPending()
    owner = dtype.get_owner(subject)
    department = dtype.get_department(subject)
    amount = dtype.get_amount(subject)
    discount = dtype.get_discount(subject)
    steps = list(
        chain.steps.select_related("department__head", "role", "employee").order_by("position")
    )
    if not steps:
        raise ApprovalChainUnresolvable()
    plan = build_plan(
        steps,
        owner=owner,
        department=department,
        requested_by=requested_by,
        amount=amount,
        discount=discount,
    )
    first = next((s for s in plan if not s["skipped"]), None)
    if first is None:
        # Every step's condition is unmet: nobody needs to approve, but a decision must still be
        # made by someone; the engine never approves on its own.
        raise ApprovalChainUnresolvable(
            _(
                "No step of the approval chain applies to this document; "
                "ask management to check the chain."
            )
        )
    try:
        with transaction.atomic():
            request = ApprovalRequest.objects.create(
                content_type=ct,
                object_id=subject.pk,
                doc_type=dtype.code,
                title=str(dtype.get_title(subject))[:200],
                subject_url=str(dtype.url_for(subject) or "")[:500],
                amount=amount,
                discount=discount,
                requested_by=requested_by,
                owner=owner,
                department=department,
                chain=chain,
                plan=plan,
                current_step=first["position"],
            )
    except IntegrityError:
        raise ApprovalAlreadyPending() from None
    _start_stage(request, first)
    audit_event_record(
        kind=AuditKind.APPROVAL,
        actor=requested_by,
        obj=request,
        summary=f"{request.title}: submitted",
        detail={
            "action": "submit",
            "doc_type": dtype.code,
            "object_id": subject.pk,
            "chain": chain.pk,
        },
    )
    return request


def _lock_request(request_id: int) -> ApprovalRequest:
    request = ApprovalRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise ApprovalNotFound()
    return request


def _finish(request: ApprovalRequest, *, status: str, actor: User, decision: str) -> None:
    request.status = status
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at", "updated_at"])
    dtype = _doc_type(request.doc_type)
    callbacks: dict[str, registries.Callback | None] = {
        RequestStatus.APPROVED: dtype.on_approved,
        RequestStatus.REJECTED: dtype.on_rejected,
        RequestStatus.RETURNED: dtype.on_returned,
        RequestStatus.CANCELLED: dtype.on_cancelled,
    }
    callback = callbacks.get(status)
    if callback is not None:
        callback(subject=_subject_of(request), request=request, actor=actor)
    if status == RequestStatus.CANCELLED:
        return
    titles: dict[str, str] = {
        RequestStatus.APPROVED: _("Approved: %(title)s"),
        RequestStatus.REJECTED: _("Rejected: %(title)s"),
        RequestStatus.RETURNED: _("Returned for changes: %(title)s"),
    }
    notify(
        recipient=request.requested_by,
        kind=f"approvals.{status}",
        url=request.subject_url or _request_url(request),
        title=titles[status] % {"title": request.title},
    )


@transaction.atomic
def approval_decide(
    *, task_id: int, actor: User, decision: str, comment: str = ""
) -> ApprovalRequest:
    """An approver (or whoever stands in for them today) approves, rejects or returns for
    changes. A rejection or a return needs a comment; nobody decides their own request."""
    if decision not in Decision.values:
        raise ApprovalInvalid(fields={"decision": _("Not one of the allowed values.")})
    comment = (comment or "").strip()
    if decision in (Decision.REJECT, Decision.RETURN) and not comment:
        raise ApprovalInvalid(
            _("Say why in a comment."),
            fields={"comment": _("A comment is required to reject or return.")},
        )
    request_id = (
        ApprovalTask.objects.filter(pk=task_id).values_list("request_id", flat=True).first()
    )
    if request_id is None:
        raise ApprovalNotFound()
    request = _lock_request(request_id)
    task = ApprovalTask.objects.select_related("approver").get(pk=task_id)
    on_behalf = task.approver_id != actor.pk
    if on_behalf and task.approver_id not in selectors.delegator_ids(user=actor):
        if selectors.request_list(user=actor).filter(pk=request.pk).exists():
            raise ApprovalNotYours()
        raise ApprovalNotFound()
    if actor.pk in (request.requested_by_id, request.owner_id):
        raise SelfApprovalRefused()
    if (
        request.status != RequestStatus.PENDING
        or task.status != TaskStatus.PENDING
        or task.step_position != request.current_step
    ):
        raise ApprovalAlreadyDecided()

    now = timezone.now()
    task.status = DECISION_TO_TASK_STATUS[Decision(decision)]
    task.decided_by = actor
    task.decided_at = now
    task.comment = comment
    task.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    stage = _stage(request, task.step_position) or {"mode": "any"}
    others = ApprovalTask.objects.filter(
        request=request, step_position=task.step_position, status=TaskStatus.PENDING
    )

    if decision == Decision.APPROVE:
        if stage["mode"] == "any":
            others.update(status=TaskStatus.SKIPPED)
        if not others.exists():
            following = _stage(request, task.step_position + 1)
            if following is None:
                _finish(request, status=RequestStatus.APPROVED, actor=actor, decision=decision)
            else:
                _start_stage(request, following)
                request.save(update_fields=["current_step", "updated_at"])
    else:
        others.update(status=TaskStatus.SKIPPED)
        status = RequestStatus.REJECTED if decision == Decision.REJECT else RequestStatus.RETURNED
        _finish(request, status=status, actor=actor, decision=decision)

    audit_event_record(
        kind=AuditKind.APPROVAL,
        actor=actor,
        obj=request,
        summary=f"{request.title}: {decision} ({task.step_name})",
        detail={
            "action": decision,
            "task": task.pk,
            "step": task.step_position,
            "doc_type": request.doc_type,
            "object_id": request.object_id,
            "on_behalf_of": task.approver_id if on_behalf else None,
            "comment": comment[:500],
        },
    )
    return request


@transaction.atomic
def approval_request_cancel(*, request_id: int, actor: User) -> ApprovalRequest:
    """The requester withdraws a request that is still pending."""
    request = _lock_request(request_id)
    if request.requested_by_id != actor.pk:
        if selectors.request_list(user=actor).filter(pk=request.pk).exists():
            raise ApprovalNotYours(_("Only the requester can cancel a request."))
        raise ApprovalNotFound()
    if request.status != RequestStatus.PENDING:
        raise ApprovalAlreadyDecided()
    ApprovalTask.objects.filter(request=request, status=TaskStatus.PENDING).update(
        status=TaskStatus.SKIPPED
    )
    _finish(request, status=RequestStatus.CANCELLED, actor=actor, decision="cancel")
    audit_event_record(
        kind=AuditKind.APPROVAL,
        actor=actor,
        obj=request,
        summary=f"{request.title}: cancelled",
        detail={"action": "cancel", "doc_type": request.doc_type, "object_id": request.object_id},
    )
    return request


def approvals_handover(
    *, from_employee: User, to_employee: User, actor: User, **_kwargs: Any
) -> dict[str, int]:
    """Handover handler (R-ORG-3): the leaving employee's pending tasks and future stages go to
    the successor (or the successor's manager where the successor is the requester)."""
    moved = 0
    # Lock every pending request in one order (by id) before touching its tasks or plan.
    pending_qs = (
        ApprovalRequest.objects.select_for_update()
        .filter(status=RequestStatus.PENDING)
        .order_by("pk")
    )
    with_tasks = set(
        ApprovalTask.objects.filter(
            approver=from_employee, status=TaskStatus.PENDING, request__status=RequestStatus.PENDING
        ).values_list("request_id", flat=True)
    )
    pending = list(pending_qs)
    for request in (r for r in pending if r.pk in with_tasks):
        excluded = {request.requested_by_id, request.owner_id}
        target = to_employee
        if target.pk in excluded:
            target = approver_fallback(to_employee, excluded=excluded) or to_employee
        for task in ApprovalTask.objects.filter(
            request=request, approver=from_employee, status=TaskStatus.PENDING
        ):
            if ApprovalTask.objects.filter(
                request=request, step_position=task.step_position, approver=target
            ).exists():
                task.status = TaskStatus.SKIPPED
                task.save(update_fields=["status"])
            else:
                task.approver = target
                task.save(update_fields=["approver"])
                notify(
                    recipient=target,
                    kind="approvals.task",
                    url=_request_url(request),
                    title=_("Waiting for your approval: %(title)s") % {"title": request.title},
                )
            moved += 1
    for request in pending:
        changed = False
        for stage in request.plan:
            if (
                from_employee.pk in stage.get("approvers", [])
                and stage["position"] > request.current_step
            ):
                stage["approvers"] = [
                    to_employee.pk if a == from_employee.pk else a for a in stage["approvers"]
                ]
                changed = True
        if changed:
            request.save(update_fields=["plan", "updated_at"])
    Delegation.objects.filter(is_active=True, from_user=from_employee).update(is_active=False)
    Delegation.objects.filter(is_active=True, to_user=from_employee).update(is_active=False)
    return {str(_("pending approval tasks")): moved}
