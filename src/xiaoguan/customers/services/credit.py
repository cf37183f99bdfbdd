"""The credit file (客户信用档案, R-CUS-9): finance sets the credit rating and the credit limit
(kept in the customer's history); whoever may edit the customer adds investigation notes.
Payment behaviour comes with receivables; limit enforcement comes with orders."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoguan.core.errors import PermissionDenied, ValidationFailed
from xiaoguan.customers.enums import CreditRating
from xiaoguan.customers.models import CreditNote, Customer
from xiaoguan.org.models import User

LIMIT_MAX = Decimal("99999999999999.99")  # max_digits=16, decimal_places=2


def _limit(raw: Any) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(fields={"credit_limit": _("Enter an amount.")}) from None
    if not value.is_finite():
        raise ValidationFailed(fields={"credit_limit": _("Enter an amount.")})
    if value < 0:
        raise ValidationFailed(fields={"credit_limit": _("A credit limit cannot be negative.")})
    if value > LIMIT_MAX or value != value.quantize(Decimal("0.01")):
        raise ValidationFailed(
            fields={"credit_limit": _("At most 14 digits and 2 decimal places.")}
        )
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def credit_set(
    *, customer: Customer, actor: User, rating: str, limit: Any, reason: str = ""
) -> Customer:
    """Finance sets the rating and the limit (blank: none); the change, who and why are in the
    customer's history. The row is locked: two people setting a limit at once do not mix."""
    if not actor.has_right("customers.credit"):
        raise PermissionDenied()
    errors = {}
    rating = (rating or "").strip()
    if rating not in ("", *CreditRating.values):
        errors["credit_rating"] = _("Not one of the allowed values.")
    try:
        value = _limit(limit)
    except ValidationFailed as exc:
        errors.update(exc.fields)
        value = None
    if errors:
        raise ValidationFailed(fields=errors)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.credit_rating == rating and customer.credit_limit == value:
        return customer
    customer.credit_rating = rating
    customer.credit_limit = value
    customer.credit_set_by = actor
    customer.credit_set_at = timezone.now()
    customer._history_user = actor  # type: ignore[attr-defined]
    customer._change_reason = (reason or _("Credit file updated"))[:100]  # type: ignore[attr-defined]
    customer.save(
        update_fields=[
            "credit_rating",
            "credit_limit",
            "credit_set_by",
            "credit_set_at",
            "updated_at",
        ]
    )
    return customer


@transaction.atomic
def credit_note_add(
    *,
    customer: Customer,
    actor: User,
    content: str,
    investigated_on: date | None = None,
    rating: str = "",
) -> CreditNote:
    """An investigation note (资信调查) on a customer the actor may see and edit."""
    if not actor.has_right("customers.edit") and not actor.has_right("customers.credit"):
        raise PermissionDenied()
    errors = {}
    content = (content or "").strip()
    if not content:
        errors["content"] = _("Write what the investigation found.")
    elif len(content) > 5000:
        errors["content"] = _("At most %(n)s characters.") % {"n": 5000}
    investigated_on = investigated_on or timezone.localdate()
    if investigated_on > timezone.localdate():
        errors["investigated_on"] = _("The date cannot be in the future.")
    rating = (rating or "").strip()
    if rating not in ("", *CreditRating.values):
        errors["rating"] = _("Not one of the allowed values.")
    if errors:
        raise ValidationFailed(fields=errors)
    return CreditNote.objects.create(
        customer=customer,
        author=actor,
        investigated_on=investigated_on,
        content=content,
        rating=rating,
    )
