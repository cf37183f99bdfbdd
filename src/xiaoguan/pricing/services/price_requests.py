"""Writes of price approval requests (价格审批表, R-PRC-2, R-PRC-3): the check the submit
services of quotes and contracts call, filing a request for the lines of a document that are
below its owner's float range, the approval engine's callbacks and the withdrawal.

An approval is bound to the exact lines it approved: the request stores a fingerprint of the
lines below the range (product, unit, quantity, unit price) and of the document, and
``price_approval_check`` passes only when an approved request of the document has the
fingerprint of the document's current lines below the range. Any change to one of those lines,
or a new line below the range, needs a new request; lines within the range may change freely.

A document drafted from another one names it as its ``source`` (``PriceSource``): a contract
drafted from a quote is covered by the quote's approved request when the contract's lines below
the range are exactly the lines that request approved (same products, units, quantities and
unit prices: the same fingerprint, computed under the quote's name) and the request was filed
for the contract's customer. The approval was given for this customer and these lines, so the
contract needs no second request for them; any change to one of them, a new line below the
range, or one of them dropped (the approvers judged the lines together) needs a request of the
contract, as for any other document. Which versions name their source is the contracts app's
rule (``contract_price_source``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoguan.approvals.selectors import pending_request_for
from xiaoguan.approvals.services import approval_request_cancel, approval_request_create
from xiaoguan.catalog.models import Product, Unit
from xiaoguan.core.documents import ensure_transition
from xiaoguan.core.errors import Conflict, NotFound, PermissionDenied
from xiaoguan.core.history import track
from xiaoguan.core.notifications import notify
from xiaoguan.core.numbering import next_number
from xiaoguan.org.models import Department, User
from xiaoguan.pricing.enums import ApprovalDocStatus, SubjectKind
from xiaoguan.pricing.errors import (
    PriceBelowRange,
    PriceRequestAlreadyApproved,
    PriceRequestInvalid,
    PriceRequestNotNeeded,
    PriceRequestPending,
)
from xiaoguan.pricing.lines import to_cents
from xiaoguan.pricing.models import PriceRequest, PriceRequestLine
from xiaoguan.pricing.registries import price_subject_load
from xiaoguan.pricing.selectors.price_requests import (
    BelowRange,
    PriceCover,
    PricedLine,
    PriceSource,
    approved_request_for,
    below_range_fingerprint,
    latest_approved_request,
    lines_below_range,
    pending_request_exists,
    price_approval_cover,
    subject_has_approved_request,
)

__all__ = [
    "BelowRange",
    "PriceCover",
    "PriceSource",
    "PricedLine",
    "lines_below_range",
    "price_approval_check",
    "price_approval_cover",
    "price_request_cancel",
    "price_request_create",
    "price_request_create_for_subject",
]

DOC_TYPE = "price_request"
NUMBER_PREFIX = "PR"
MAX_REASON = 2000
MAX_LINES = 500


def _names(below: Sequence[BelowRange]) -> tuple[dict[int, str], dict[int, str]]:
    products = {
        pk: " ".join(x for x in (name, model) if x)
        for pk, name, model in Product.objects.filter(
            pk__in={b.line.product_id for b in below}
        ).values_list("pk", "name", "model")
    }
    units = dict(
        Unit.objects.filter(pk__in={b.line.unit_id for b in below}).values_list("pk", "name")
    )
    return products, units


def _quantity_text(value: Decimal) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text


def _line_texts(below: Sequence[BelowRange]) -> list[str]:
    products, units = _names(below)
    return [
        _("%(product)s × %(quantity)s %(unit)s at ¥%(price)s (%(below)s %% below your range)")
        % {
            "product": products.get(b.line.product_id, b.line.product_id),
            "quantity": _quantity_text(b.line.quantity),
            "unit": units.get(b.line.unit_id, ""),
            "price": f"{to_cents(Decimal(b.line.unit_price)):,}",
            "below": b.below_by,
        }
        for b in below
    ]


def _below_range_error(
    below: Sequence[BelowRange],
    *,
    stale_approval: bool,
    pending: bool,
    stale_source: PriceRequest | None = None,
) -> PriceBelowRange:
    parts = [
        _("A price approval request is needed for the prices below your range: %(lines)s.")
        % {"lines": "; ".join(_line_texts(below))}
    ]
    if pending:
        parts.append(_("A request for this document is waiting for approval."))
    elif stale_approval:
        parts.append(
            _(
                "The approved prices were for different lines or prices; "
                "file a new price approval request."
            )
        )
    elif stale_source is not None:
        parts.append(
            _(
                "The prices approved with %(document)s (%(number)s) were for different lines "
                "or prices; file a new price approval request."
            )
            % {"document": stale_source.subject_label, "number": stale_source.number}
        )
    return PriceBelowRange(
        " ".join(parts),
        extra={
            "lines": [
                {
                    "product_id": b.line.product_id,
                    "unit_id": b.line.unit_id,
                    "quantity": str(b.line.quantity),
                    "unit_price": str(to_cents(Decimal(b.line.unit_price))),
                    "discount": str(b.discount),
                    "below_range_by": str(b.below_by),
                }
                for b in below
            ],
            "approval_pending": pending,
            "approval_stale": (stale_approval or stale_source is not None) and not pending,
        },
    )


def price_approval_check(
    *,
    subject_kind: str,
    subject_id: int,
    owner: User,
    lines: Sequence[PricedLine],
    source: PriceSource | None = None,
) -> PriceRequest | None:
    """A quote or contract may be submitted only when no line is below its owner's float
    range, or when an approved price request covers exactly its current lines below the range
    (R-PRC-3): one of this document, or one of its ``source`` (the quote a contract was drafted
    from) filed for the same customer. Called by the submit services, so pages, API, imports
    and edits after approval all pass here. Returns the covering request (None when no line is
    below the range)."""
    cover = price_approval_cover(
        subject_kind=subject_kind, subject_id=subject_id, owner=owner, lines=lines, source=source
    )
    if not cover.below or cover.request is not None:
        return cover.request
    stale = subject_has_approved_request(subject_kind=subject_kind, subject_id=subject_id)
    raise _below_range_error(
        cover.below,
        stale_approval=stale,
        pending=pending_request_exists(subject_kind=subject_kind, subject_id=subject_id),
        stale_source=(
            latest_approved_request(
                subject_kind=source.kind, subject_id=source.id, customer_id=source.customer_id
            )
            if source is not None and not stale
            else None
        ),
    )


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise PriceRequestInvalid(
            _("Say why these prices are needed."),
            fields={"reason": _("Say why these prices are needed.")},
        )
    if len(reason) > MAX_REASON:
        message = _("At most %(n)s characters.") % {"n": MAX_REASON}
        raise PriceRequestInvalid(message, fields={"reason": message})
    return reason


def _clean_lines(lines: Sequence[PricedLine]) -> list[PricedLine]:
    if not lines:
        raise PriceRequestNotNeeded(_("The document has no lines."))
    if len(lines) > MAX_LINES:
        raise PriceRequestInvalid(_("At most %(n)s lines.") % {"n": MAX_LINES})
    for line in lines:
        try:
            ok = (
                Decimal(line.quantity) > 0
                and Decimal(line.unit_price) > 0
                and Decimal(line.list_price) > 0
            )
        except (InvalidOperation, TypeError, ValueError):
            ok = False
        if not ok:
            raise PriceRequestInvalid(
                _("Every line needs a quantity and prices above zero before prices are approved.")
            )
    return list(lines)


@transaction.atomic
def price_request_create(
    *,
    actor: User,
    subject_kind: str,
    subject_id: int,
    subject_label: str,
    customer_id: int,
    customer_name: str,
    owner: User,
    department: Department,
    lines: Sequence[PricedLine],
    reason: str,
) -> PriceRequest:
    """File a price approval request for the lines of a document below its owner's float
    range, and submit it to the approval engine (the owner's manager, then management, by
    default). Refused when no line is below the range, when a request of the document is
    already waiting, or when an approved one already covers exactly these lines."""
    if subject_kind not in SubjectKind.values:
        raise PriceRequestInvalid(_("Price approval is only for quotes and contracts."))
    reason = _clean_reason(reason)
    lines = _clean_lines(lines)
    # Two requests for one document filed at once: the owner's row serialises them, so the
    # second sees the first as pending.
    User.objects.select_for_update().filter(pk=owner.pk).first()
    below, fingerprint = below_range_fingerprint(
        subject_kind=subject_kind, subject_id=subject_id, owner=owner, lines=lines
    )
    if not below:
        raise PriceRequestNotNeeded()
    if pending_request_exists(subject_kind=subject_kind, subject_id=subject_id):
        raise PriceRequestPending()
    if approved_request_for(
        subject_kind=subject_kind, subject_id=subject_id, fingerprint=fingerprint
    ):
        raise PriceRequestAlreadyApproved()

    amount = sum(
        (to_cents(Decimal(b.line.quantity) * to_cents(Decimal(b.line.unit_price))) for b in below),
        Decimal("0.00"),
    )
    request = PriceRequest(
        owner=owner,
        department=department,
        number=next_number(prefix=NUMBER_PREFIX, year=timezone.localdate().year),
        subject_kind=subject_kind,
        subject_id=subject_id,
        subject_label=(subject_label or "")[:200],
        customer_id=customer_id,
        customer_name=(customer_name or "")[:200],
        reason=reason,
        max_discount=max(b.discount for b in below),
        amount=amount,
        fingerprint=fingerprint,
    )
    track(request, actor=actor)
    request.save()
    PriceRequestLine.objects.bulk_create(
        [
            PriceRequestLine(
                request=request,
                product_id=b.line.product_id,
                unit_id=b.line.unit_id,
                quantity=b.line.quantity,
                effective_price=to_cents(Decimal(b.line.list_price)),
                floor_price=b.floor_price,
                requested_price=to_cents(Decimal(b.line.unit_price)),
                discount=b.discount,
            )
            for b in below
        ]
    )
    approval_request_create(subject=request, doc_type=DOC_TYPE, requested_by=actor)
    ensure_transition(request, to=ApprovalDocStatus.IN_APPROVAL)
    request.status = ApprovalDocStatus.IN_APPROVAL
    request.submitted_at = timezone.now()
    track(request, actor=actor)
    request.save(update_fields=["status", "submitted_at", "updated_at"])
    return request


def price_request_create_for_subject(
    *, actor: User, subject_kind: str, subject_id: int, reason: str
) -> PriceRequest:
    """File a request for a document the actor may see, its lines read by the document's own
    app (``pricing.registries``): the client names the document and types the reason only."""
    if not actor.has_right("pricing.request"):
        raise PermissionDenied()
    subject = price_subject_load(kind=subject_kind, subject_id=subject_id, user=actor)
    if subject is None:
        raise NotFound()
    return price_request_create(
        actor=actor,
        subject_kind=subject_kind,
        subject_id=subject_id,
        subject_label=subject.label,
        customer_id=subject.customer_id,
        customer_name=subject.customer_name,
        owner=subject.owner,
        department=subject.department,
        lines=subject.lines,
        reason=reason,
    )


def _lock(request: PriceRequest) -> PriceRequest:
    return PriceRequest.objects.select_for_update().get(pk=request.pk)


def _filer_id(request: PriceRequest) -> int | None:
    from xiaoguan.approvals.models import ApprovalRequest

    return (
        ApprovalRequest.objects.filter(doc_type=DOC_TYPE, object_id=request.pk)
        .order_by("pk")
        .values_list("requested_by_id", flat=True)
        .first()
    )


@transaction.atomic
def price_request_cancel(*, actor: User, request: PriceRequest, reason: str = "") -> PriceRequest:
    """Whoever filed the request (or the document's owner) withdraws it: a waiting request
    leaves the approvers' inboxes; an approved one no longer covers the document's prices."""
    request = _lock(request)
    filer = _filer_id(request)
    if actor.pk not in (request.owner_id, filer):
        raise PermissionDenied(_("Only who filed the request or the document's owner can do this."))
    if request.status == ApprovalDocStatus.IN_APPROVAL:
        pending = pending_request_for(request)
        if pending is not None:
            if actor.pk != pending.requested_by_id:
                raise PermissionDenied(
                    _("Only who filed the request can withdraw it while it waits for approval.")
                )
            # The engine's cancel calls price_request_on_cancelled, which closes the request.
            approval_request_cancel(request_id=pending.pk, actor=actor)
            return PriceRequest.objects.get(pk=request.pk)
    if request.status not in (ApprovalDocStatus.APPROVED, ApprovalDocStatus.RETURNED):
        raise Conflict(_("This request can no longer be cancelled."))
    ensure_transition(request, to=ApprovalDocStatus.CANCELLED)
    request.status = ApprovalDocStatus.CANCELLED
    track(request, actor=actor, reason=(reason or "").strip())
    request.save(update_fields=["status", "updated_at"])
    return request


# --- approval engine callbacks (inside the decision's transaction) ---------------------------


def _url(request: PriceRequest) -> str:
    return reverse("pricing:price_request_detail", args=[request.pk])


def _tell_owner(price_request: PriceRequest, request: Any, title: Any) -> None:
    """The owner hears the decision; when the owner filed the request the approval engine has
    already told them."""
    if price_request.owner_id == getattr(request, "requested_by_id", None):
        return
    notify(
        recipient=price_request.owner,
        kind="pricing.price_request",
        title=str(title) % {"number": price_request.number, "subject": price_request.subject_label},
        url=_url(price_request),
    )


def _decided(to: str, title: Any):
    def callback(*, subject: PriceRequest, request: Any, actor: User) -> None:
        price_request = _lock(subject)
        ensure_transition(price_request, to=to)
        price_request.status = to
        price_request.decided_at = timezone.now()
        track(price_request, actor=actor)
        price_request.save(update_fields=["status", "decided_at", "updated_at"])
        _tell_owner(price_request, request, title)

    return callback


price_request_on_approved = _decided(
    ApprovalDocStatus.APPROVED, gettext_lazy("Price request %(number)s approved: %(subject)s")
)
price_request_on_rejected = _decided(
    ApprovalDocStatus.REJECTED, gettext_lazy("Price request %(number)s rejected: %(subject)s")
)
price_request_on_returned = _decided(
    ApprovalDocStatus.RETURNED,
    gettext_lazy("Price request %(number)s returned for changes: %(subject)s"),
)


def price_request_on_cancelled(*, subject: PriceRequest, request: Any, actor: User) -> None:
    """The filer withdrew the request in the approval engine: it is closed, not a draft."""
    price_request = _lock(subject)
    if price_request.status != ApprovalDocStatus.IN_APPROVAL:
        return
    price_request.status = ApprovalDocStatus.CANCELLED
    track(price_request, actor=actor)
    price_request.save(update_fields=["status", "updated_at"])
