"""Writes of promotion prices (促销价, R-PRC-1): a draft, submitted to the approval engine
(document type ``promotion``, default chain: management); once approved it applies within its
dates (``pricing.selectors.prices``); it can be cancelled before or after approval. As for price
changes, the approval takes effect only when the deciding approver holds ``pricing.policy``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoguan.approvals.selectors import pending_request_for
from xiaoguan.approvals.services import approval_request_cancel, approval_request_create
from xiaoguan.core.documents import ensure_transition
from xiaoguan.core.errors import Conflict, NotFound, PermissionDenied, StaleEdit
from xiaoguan.core.history import track
from xiaoguan.core.numbering import next_number
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible
from xiaoguan.pricing.enums import ApprovalDocStatus
from xiaoguan.pricing.errors import PromotionInvalid
from xiaoguan.pricing.models import Promotion
from xiaoguan.pricing.services.prices import (
    MANAGE_RIGHT,
    POLICY_RIGHT,
    _int,
    _money,
    _sellable_units,
)


@dataclass(frozen=True)
class PromotionData:
    name: str
    product_id: Any
    unit_id: Any
    price: Any
    starts_on: date | None
    ends_on: date | None
    note: str = ""


def _clean(data: PromotionData) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    name = (data.name or "").strip()
    if not name:
        errors["name"] = _("Give the promotion a name.")
    elif len(name) > 100:
        errors["name"] = _("At most %(n)s characters.") % {"n": 100}
    pid, uid = _int(data.product_id), _int(data.unit_id)
    products, units = _sellable_units({pid} if pid is not None else set())
    if pid is None or pid not in products:
        errors["product"] = _("Choose a product.")
    elif uid is None or (pid, uid) not in units:
        errors["unit"] = _("The product is not sold in this unit.")
    price = _money(data.price)
    if price is None:
        errors["price"] = _("The promotion price is an amount above zero.")
    if data.starts_on is None:
        errors["starts_on"] = _("Choose the first day.")
    if data.ends_on is None:
        errors["ends_on"] = _("Choose the last day.")
    elif data.starts_on is not None and data.ends_on < data.starts_on:
        errors["ends_on"] = _("The last day is before the first day.")
    elif data.ends_on < timezone.localdate():
        errors["ends_on"] = _("The promotion would already be over.")
    note = (data.note or "").strip()
    if len(note) > 2000:
        errors["note"] = _("At most %(n)s characters.") % {"n": 2000}
    if errors:
        raise PromotionInvalid(fields=errors)
    return {
        "name": name,
        "product_id": pid,
        "unit_id": uid,
        "price": price,
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "note": note,
    }


def _lock(promotion: Promotion, actor: User) -> Promotion:
    if not actor.has_right(MANAGE_RIGHT):
        raise PermissionDenied()
    locked = visible(Promotion.objects.select_for_update(), actor).filter(pk=promotion.pk).first()
    if locked is None:
        raise NotFound()
    return locked


@transaction.atomic
def promotion_create(*, actor: User, data: PromotionData) -> Promotion:
    if not actor.has_right(MANAGE_RIGHT):
        raise PermissionDenied()
    if actor.department_id is None:
        raise PromotionInvalid(_("Only an employee with a department can propose promotions."))
    values = _clean(data)
    promotion = Promotion(owner=actor, department_id=actor.department_id, **values)
    promotion.number = next_number(prefix="CX", year=values["starts_on"].year)
    track(promotion, actor=actor)
    promotion.save()
    return promotion


@transaction.atomic
def promotion_update(
    *, actor: User, promotion: Promotion, expected_version: int, data: PromotionData
) -> Promotion:
    promotion = _lock(promotion, actor)
    if not promotion.is_editable:
        raise Conflict(_("A submitted or decided promotion cannot be edited."))
    if promotion.version != expected_version:
        raise StaleEdit()
    for key, value in _clean(data).items():
        setattr(promotion, key, value)
    promotion.version += 1
    track(promotion, actor=actor)
    promotion.save()
    return promotion


@transaction.atomic
def promotion_submit(*, actor: User, promotion: Promotion) -> Promotion:
    promotion = _lock(promotion, actor)
    ensure_transition(promotion, to=ApprovalDocStatus.IN_APPROVAL)
    if promotion.ends_on < timezone.localdate():
        raise PromotionInvalid(fields={"ends_on": _("The promotion would already be over.")})
    approval_request_create(subject=promotion, doc_type="promotion", requested_by=actor)
    promotion.status = ApprovalDocStatus.IN_APPROVAL
    promotion.submitted_at = timezone.now()
    track(promotion, actor=actor)
    promotion.save(update_fields=["status", "submitted_at", "updated_at"])
    return promotion


def promotion_withdraw(*, actor: User, promotion: Promotion) -> Promotion:
    if not actor.has_right(MANAGE_RIGHT) or not (
        visible(Promotion.objects.all(), actor).filter(pk=promotion.pk).exists()
    ):
        raise NotFound()
    request = pending_request_for(promotion)
    if request is None:
        raise Conflict(_("This promotion is not waiting for approval."))
    approval_request_cancel(request_id=request.pk, actor=actor)
    return Promotion.objects.get(pk=promotion.pk)


@transaction.atomic
def promotion_cancel(*, actor: User, promotion: Promotion, reason: str = "") -> Promotion:
    """Drop a draft, or end an approved promotion at once (it no longer applies)."""
    promotion = _lock(promotion, actor)
    ensure_transition(promotion, to=ApprovalDocStatus.CANCELLED)
    promotion.status = ApprovalDocStatus.CANCELLED
    track(promotion, actor=actor, reason=(reason or "").strip()[:100])
    promotion.save(update_fields=["status", "updated_at"])
    return promotion


# --- approval engine callbacks (inside the decision's transaction) ---------------------------


def promotion_on_approved(*, subject: Promotion, request: Any, actor: User) -> None:
    if not actor.has_right(POLICY_RIGHT):
        raise PermissionDenied(_("A promotion takes effect only with the approval of management."))
    _move(ApprovalDocStatus.APPROVED)(subject=subject, request=request, actor=actor)


def _move(to: str):
    def callback(*, subject: Promotion, request: Any, actor: User) -> None:
        promotion = Promotion.objects.select_for_update().get(pk=subject.pk)
        ensure_transition(promotion, to=to)
        promotion.status = to
        fields = ["status", "updated_at"]
        if to in (ApprovalDocStatus.APPROVED, ApprovalDocStatus.REJECTED):
            promotion.decided_at = timezone.now()
            fields.append("decided_at")
        track(promotion, actor=actor)
        promotion.save(update_fields=fields)

    return callback


promotion_on_rejected = _move(ApprovalDocStatus.REJECTED)
promotion_on_returned = _move(ApprovalDocStatus.RETURNED)
promotion_on_cancelled = _move(ApprovalDocStatus.DRAFT)
