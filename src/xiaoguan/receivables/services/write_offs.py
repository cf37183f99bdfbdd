"""Bad-debt write-offs (坏账核销, R-AR-4): writing off (part of) what is left of an open
instalment, through the approvals engine (document type ``write_off``; default chain finance,
then management).

A request is refused when the amount is not positive, when it is more than the instalment
still owes, when the instalment is no longer open (paid, closed, written off), and when another
request for the same instalment is on the way (draft or in approval). On approval, inside the
decision's transaction, the instalment is locked and what it owes is checked again: a receipt
allocated meanwhile makes the approval fail with a message (the decision is rolled back); the
approver then rejects it and finance asks again for the smaller amount. A rejection leaves the
instalment as it was.

Locks (docs/dev/locking.md): the approval request (when the engine decides or a request is
withdrawn), then the write-off, then the instalment, which is re-read and checked after the lock.
A write-off never locks a contract or a receipt.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from xiaoguan.core.documents import ensure_transition
from xiaoguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from xiaoguan.core.history import track
from xiaoguan.core.numbering import next_number
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible
from xiaoguan.receivables.enums import InstalmentStatus, WriteOffStatus
from xiaoguan.receivables.models import Instalment, WriteOff

DOC_TYPE = "write_off"
PREFIX = "HX"
PENDING = (WriteOffStatus.DRAFT, WriteOffStatus.IN_APPROVAL)
REASON_MAX = 2000
CENT = Decimal("0.01")


class WriteOffInvalid(ValidationFailed):
    code = "write_off_invalid"


class WriteOffNotAllowed(ValidationFailed):
    code = "write_off_not_allowed"


def _money(value: Decimal) -> str:
    return f"¥{value:,.2f}"


def _bad(field: str, message: Any) -> WriteOffInvalid:
    return WriteOffInvalid(message, fields={field: message})


def _require(actor: User) -> None:
    if not actor.has_right("receivables.manage"):
        raise PermissionDenied()


def _amount(raw: Any) -> Decimal:
    try:
        amount = Decimal(str(raw))
    except (InvalidOperation, TypeError, ValueError):
        raise _bad("amount", gettext("Enter a valid number.")) from None
    if not amount.is_finite():
        raise _bad("amount", gettext("Enter a valid number."))
    if amount <= 0:
        raise _bad("amount", gettext("The amount to write off must be more than zero."))
    if amount != amount.quantize(CENT):
        raise _bad("amount", gettext("At most two decimal places."))
    return amount


def _check_instalment(instalment: Instalment, amount: Decimal) -> None:
    if instalment.status != InstalmentStatus.OPEN:
        raise WriteOffNotAllowed(
            gettext(
                "This instalment is %(status)s: only what an open instalment still owes can be "
                "written off."
            )
            % {"status": instalment.get_status_display()},
            fields={"instalment_id": gettext("The instalment is not open.")},
        )
    if amount > instalment.outstanding:
        raise _bad(
            "amount",
            gettext("The instalment owes only %(left)s; %(amount)s cannot be written off.")
            % {"left": _money(instalment.outstanding), "amount": _money(amount)},
        )


def _lock_instalment(instalment_id: int) -> Instalment:
    return Instalment.objects.select_for_update().get(pk=instalment_id)


@transaction.atomic
def write_off_request(
    *, actor: User, instalment_id: int, amount: Any, reason: str, submit: bool = False
) -> WriteOff:
    """A draft write-off of ``amount`` of an instalment the actor may see (and, with
    ``submit``, sent to approval at once)."""
    _require(actor)
    instalment = visible(Instalment.objects.all(), actor).filter(pk=instalment_id).first()
    if instalment is None:
        raise NotFound(gettext("Instalment not found."))
    reason = (reason or "").strip()
    value = _amount(amount)
    if not reason:
        raise _bad("reason", gettext("Say why the debt cannot be collected."))
    if len(reason) > REASON_MAX:
        raise _bad("reason", gettext("At most %(n)s characters.") % {"n": REASON_MAX})
    instalment = _lock_instalment(instalment.pk)
    _check_instalment(instalment, value)
    if WriteOff.objects.filter(instalment=instalment, status__in=PENDING).exists():
        raise WriteOffNotAllowed(
            gettext("A write-off of this instalment is already on the way."),
            fields={"instalment_id": gettext("A write-off is already on the way.")},
        )
    write_off = WriteOff(
        number=next_number(prefix=PREFIX),
        instalment=instalment,
        amount=value,
        reason=reason,
        requested_by=actor,
        owner=instalment.owner,
        department=instalment.department,
    )
    track(write_off, actor, "requested")
    write_off.save()
    if submit:
        write_off_submit(actor=actor, write_off_id=write_off.pk)
        write_off.refresh_from_db()
    return write_off


def _lock(actor: User, write_off_id: int) -> WriteOff:
    found = visible(WriteOff.objects.all(), actor).filter(pk=write_off_id).exists()
    if not found:
        raise NotFound(gettext("Write-off not found."))
    return WriteOff.objects.select_for_update().get(pk=write_off_id)


@transaction.atomic
def write_off_submit(*, actor: User, write_off_id: int) -> WriteOff:
    """Send a draft to approval (what the instalment owes is checked again first)."""
    from xiaoguan.approvals.services.requests import approval_request_create

    _require(actor)
    write_off = _lock(actor, write_off_id)
    ensure_transition(write_off, to=WriteOffStatus.IN_APPROVAL)
    _check_instalment(_lock_instalment(write_off.instalment_id), write_off.amount)
    approval_request_create(subject=write_off, doc_type=DOC_TYPE, requested_by=actor)
    write_off.status = WriteOffStatus.IN_APPROVAL
    write_off.submitted_at = timezone.now()
    track(write_off, actor, "submitted")
    write_off.save(update_fields=["status", "submitted_at", "updated_at"])
    return write_off


@transaction.atomic
def write_off_cancel(*, actor: User, write_off_id: int) -> WriteOff:
    """Withdraw a draft, or a request in approval (its approval request is cancelled too)."""
    from xiaoguan.approvals.models import ApprovalRequest
    from xiaoguan.approvals.services.requests import approval_request_cancel

    _require(actor)

    def latest() -> int | None:
        return (
            ApprovalRequest.objects.filter(doc_type=DOC_TYPE, object_id=write_off_id)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )

    # The approval request before the write-off, as the engine's decision takes them.
    request_id = latest()
    request = None
    if request_id is not None:
        request = ApprovalRequest.objects.select_for_update().filter(pk=request_id).first()
    write_off = _lock(actor, write_off_id)
    if latest() != request_id:  # submitted again between the look and the lock
        raise Conflict()
    ensure_transition(write_off, to=WriteOffStatus.CANCELLED)
    pending = request is not None and request.status == "pending"
    if write_off.status == WriteOffStatus.IN_APPROVAL and request is not None and pending:
        approval_request_cancel(request_id=request.pk, actor=actor)
        write_off.refresh_from_db()
        return write_off
    write_off.status = WriteOffStatus.CANCELLED
    write_off.decided_at = timezone.now()
    track(write_off, actor, "cancelled")
    write_off.save(update_fields=["status", "decided_at", "updated_at"])
    return write_off


# --- approval callbacks (inside the decision's transaction) ------------------------------


def _fresh(subject: WriteOff) -> WriteOff:
    return WriteOff.objects.select_for_update().get(pk=subject.pk)


def write_off_on_approved(*, subject: WriteOff, request: Any, actor: User) -> None:
    write_off = _fresh(subject)
    instalment = _lock_instalment(write_off.instalment_id)
    if instalment.status != InstalmentStatus.OPEN or write_off.amount > instalment.outstanding:
        raise WriteOffNotAllowed(
            gettext(
                "%(number)s cannot be approved: the instalment now owes %(left)s (a receipt "
                "came in or it was closed meanwhile), less than the %(amount)s to write off. "
                "Reject it and ask for a new write-off."
            )
            % {
                "number": write_off.number,
                "left": _money(instalment.outstanding),
                "amount": _money(write_off.amount),
            }
        )
    instalment.written_off += write_off.amount
    fields = ["written_off"]
    if instalment.outstanding == 0:
        instalment.status = InstalmentStatus.WRITTEN_OFF
        instalment.closed_at = timezone.now()
        instalment.closed_reason = gettext("Written off: %(number)s") % {"number": write_off.number}
        fields += ["status", "closed_at", "closed_reason"]
    track(instalment, actor, f"written off {write_off.number}")
    instalment.save(update_fields=fields)
    now = timezone.now()
    ensure_transition(write_off, to=WriteOffStatus.APPROVED)
    write_off.status = WriteOffStatus.APPROVED
    write_off.decided_at = now
    write_off.approved_at = now
    track(write_off, actor, "approved")
    write_off.save(update_fields=["status", "decided_at", "approved_at", "updated_at"])


def _decided(subject: WriteOff, actor: User, status: str) -> None:
    write_off = _fresh(subject)
    ensure_transition(write_off, to=status)
    write_off.status = status
    write_off.decided_at = timezone.now()
    track(write_off, actor, status)
    write_off.save(update_fields=["status", "decided_at", "updated_at"])


def write_off_on_rejected(*, subject: WriteOff, request: Any, actor: User) -> None:
    _decided(subject, actor, WriteOffStatus.REJECTED)


def write_off_on_returned(*, subject: WriteOff, request: Any, actor: User) -> None:
    _decided(subject, actor, WriteOffStatus.DRAFT)


def write_off_on_cancelled(*, subject: WriteOff, request: Any, actor: User) -> None:
    _decided(subject, actor, WriteOffStatus.CANCELLED)


def write_off_title(write_off: WriteOff) -> str:
    instalment = write_off.instalment
    return f"{write_off.number} {instalment.customer.name} {instalment.label} {_money(write_off.amount)}"


def write_off_url(write_off: WriteOff) -> str:
    return reverse("receivables:write_off_detail", args=[write_off.pk])
