"""Credit control (R-ORD-2, R-RSK-1): the gate an order review (or a shipment) passes, the
holds it leaves with the figures of the moment, the request to release a hold through the
approvals engine (document type "credit_hold", default chain: finance) and the engine's
callbacks.

A customer is blocked when it has a credit limit and what it owes (plus a direct order's
amount, whose collection plan does not exist yet) exceeds it, or when its overdue debt
exceeds the policy amount ``orders.credit_overdue_amount`` and its oldest overdue instalment
is older than ``orders.credit_overdue_days``. A customer without a limit is never blocked by
the limit."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import OperationalError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoguan.approvals.enums import RequestStatus
from xiaoguan.approvals.models import ApprovalRequest
from xiaoguan.approvals.services import approval_request_cancel, approval_request_create
from xiaoguan.core.documents import ensure_transition
from xiaoguan.core.errors import Conflict, PermissionDenied
from xiaoguan.core.history import track
from xiaoguan.orders.enums import CreditHoldStatus
from xiaoguan.orders.errors import CreditHoldInvalid, CreditHoldNotFound
from xiaoguan.orders.models import CreditHold, Order
from xiaoguan.orders.selectors.credit import BLOCKING, order_credit_figures
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible

DOC_TYPE = "credit_hold"
CENT = Decimal("0.01")
MAX_REASON = 2000

# What happens when a hold of a stage is released: handler(hold=CreditHold, actor=User),
# called inside the approval's transaction. Orders registers the order stage (confirm the
# order); shipping may register the shipment stage.
ReleaseHandler = Callable[..., Any]
_release_handlers: dict[str, ReleaseHandler] = {}


def register_release_handler(stage: str, handler: ReleaseHandler) -> ReleaseHandler:
    _release_handlers[stage] = handler
    return handler


@transaction.atomic
def credit_gate(*, order: Order, stage: str, amount: Decimal, actor: User) -> CreditHold | None:
    """None: go ahead. Otherwise a blocking hold (open, in approval or refused) of the order
    and stage, created now with the figures when there was none, and the caller must stop and
    show it. A hold released for the same order and stage whose amount is at least ``amount``
    lets the action pass without a new judgement. When the customer is within limits again,
    an open hold of the order and stage is cleared and a refused one cancelled."""
    amount = Decimal(amount).quantize(CENT)
    if CreditHold.objects.filter(
        order_id=order.pk, stage=stage, status=CreditHoldStatus.RELEASED, amount__gte=amount
    ).exists():
        return None
    figures = order_credit_figures(order=order, stage=stage, amount=amount)
    existing = (
        CreditHold.objects.select_for_update()
        .filter(order_id=order.pk, stage=stage, status__in=BLOCKING)
        .order_by("-pk")
        .first()
    )
    if not figures.blocked:
        if existing is not None and existing.status in (
            CreditHoldStatus.OPEN,
            CreditHoldStatus.REFUSED,
        ):
            to = (
                CreditHoldStatus.CLEARED
                if existing.status == CreditHoldStatus.OPEN
                else CreditHoldStatus.CANCELLED
            )
            existing.status = to
            existing.decided_at = timezone.now()
            existing.decision_note = _("Within the limits again when checked on %(date)s.") % {
                "date": timezone.localdate()
            }
            track(existing, actor=actor)
            existing.save(update_fields=["status", "decided_at", "decision_note", "updated_at"])
        elif existing is not None:
            # A release is waiting for finance: the decision is theirs, not the gate's.
            return existing
        return None
    if existing is not None:
        if existing.status == CreditHoldStatus.OPEN:
            existing.figures = figures.as_json(amount=amount)
            existing.amount = amount
            track(existing, actor=actor)
            existing.save(update_fields=["figures", "amount", "updated_at"])
        return existing
    hold = CreditHold(
        order_id=order.pk,
        stage=stage,
        status=CreditHoldStatus.OPEN,
        figures=figures.as_json(amount=amount),
        amount=amount,
    )
    track(hold, actor=actor)
    hold.save()
    return hold


def _lock(hold: CreditHold | int, actor: User) -> CreditHold:
    pk = hold if isinstance(hold, int) else hold.pk
    if not visible(CreditHold.objects.filter(pk=pk), actor).exists():
        raise CreditHoldNotFound()
    return CreditHold.objects.select_for_update(of=("self",)).select_related("order").get(pk=pk)


@transaction.atomic
def credit_hold_request_release(*, actor: User, hold: CreditHold | int, reason: str) -> CreditHold:
    """Ask finance to release a hold (an open one, or again after a refusal), saying why; the
    request goes through the approvals engine."""
    if not actor.has_right("orders.credit"):
        raise PermissionDenied()
    locked = _lock(hold, actor)
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why the hold should be released.")
        raise CreditHoldInvalid(message, fields={"reason": message})
    if len(reason) > MAX_REASON:
        message = _("At most %(n)s characters.") % {"n": MAX_REASON}
        raise CreditHoldInvalid(message, fields={"reason": message})
    ensure_transition(locked, to=CreditHoldStatus.IN_APPROVAL)
    approval_request_create(subject=locked, doc_type=DOC_TYPE, requested_by=actor)
    locked.status = CreditHoldStatus.IN_APPROVAL
    locked.release_reason = reason
    locked.submitted_at = timezone.now()
    track(locked, actor=actor, reason="Release requested")
    locked.save(update_fields=["status", "release_reason", "submitted_at", "updated_at"])
    return locked


@transaction.atomic
def credit_holds_cancel(*, order: Order, actor: User) -> int:
    """The order is cancelled: its blocking holds end with it. A release waiting for approval
    is withdrawn (only its requester may withdraw it).

    Locks (docs/dev/locking.md): the caller holds the order; then the pending approval
    requests of the holds, as the engine takes them when an approver decides, then the holds,
    re-read after the locks. The engine's decision takes the request before the order, so the
    requests are taken without waiting: a decision in progress makes the cancellation stop as
    changed meanwhile (nothing changes; the user tries again)."""

    def pending() -> list[int]:
        return list(
            ApprovalRequest.objects.filter(
                doc_type=DOC_TYPE,
                object_id__in=CreditHold.objects.filter(
                    order_id=order.pk, status=CreditHoldStatus.IN_APPROVAL
                ).values("pk"),
                status=RequestStatus.PENDING,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    request_ids = pending()
    requests: dict[int, ApprovalRequest] = {}
    if request_ids:
        try:
            with transaction.atomic():
                locked_requests = list(
                    ApprovalRequest.objects.select_for_update(nowait=True, of=("self",))
                    .select_related("requested_by")
                    .filter(pk__in=request_ids)
                    .order_by("pk")
                )
        except OperationalError:  # an approver is deciding right now
            raise Conflict() from None
        requests = {r.object_id: r for r in locked_requests if r.status == RequestStatus.PENDING}
    holds = list(
        CreditHold.objects.select_for_update()
        .filter(order_id=order.pk, status__in=BLOCKING)
        .order_by("pk")
    )
    if pending() != request_ids or len(requests) != len(request_ids):
        raise Conflict()  # decided, withdrawn or asked again between the look and the lock
    count = 0
    for hold in holds:
        request = requests.get(hold.pk) if hold.status == CreditHoldStatus.IN_APPROVAL else None
        if request is not None:
            if request.requested_by_id != actor.pk:
                raise Conflict(
                    _(
                        "A release of the credit hold is waiting for approval; "
                        "%(name)s, who asked for it, must withdraw it first."
                    )
                    % {"name": request.requested_by}
                )
            approval_request_cancel(request_id=request.pk, actor=actor)
            hold = CreditHold.objects.select_for_update().get(pk=hold.pk)
        hold.status = CreditHoldStatus.CANCELLED
        hold.decided_at = timezone.now()
        track(hold, actor=actor, reason="Order cancelled")
        hold.save(update_fields=["status", "decided_at", "updated_at"])
        count += 1
    return count


# --- approval engine callbacks (inside the decision's transaction) -------------------------


def _last_comment(request: Any) -> str:
    task = (
        request.tasks.exclude(comment="").order_by("-decided_at", "-pk").first()
        if request is not None
        else None
    )
    return (task.comment if task else "")[:2000]


def _decided(to: str):
    def callback(*, subject: CreditHold, request: Any, actor: User) -> None:
        # The order before its hold, as every order path takes them (the engine already
        # holds the request; a cancellation holding the order does not wait for it).
        Order.objects.select_for_update(of=("self",)).filter(pk=subject.order_id).first()
        locked = (
            CreditHold.objects.select_for_update(of=("self",))
            .select_related("order")
            .get(pk=subject.pk)
        )
        ensure_transition(locked, to=to)
        locked.status = to
        fields = ["status", "updated_at"]
        if to in (CreditHoldStatus.RELEASED, CreditHoldStatus.REFUSED):
            locked.decided_at = timezone.now()
            locked.decided_by = actor
            locked.decision_note = _last_comment(request)
            fields += ["decided_at", "decided_by", "decision_note"]
        track(locked, actor=actor)
        locked.save(update_fields=fields)
        if to == CreditHoldStatus.RELEASED:
            handler = _release_handlers.get(locked.stage)
            if handler is not None:
                handler(hold=locked, actor=actor)

    return callback


credit_hold_on_approved = _decided(CreditHoldStatus.RELEASED)
credit_hold_on_rejected = _decided(CreditHoldStatus.REFUSED)
credit_hold_on_returned = _decided(CreditHoldStatus.OPEN)
credit_hold_on_cancelled = _decided(CreditHoldStatus.OPEN)


def credit_hold_title(hold: CreditHold) -> str:
    order = hold.order
    return f"{order.number} {order.customer.name} ¥{hold.amount:,.2f}"


def credit_hold_url(hold: CreditHold) -> str:
    return reverse("orders:order_detail", args=[hold.order_id])
