"""Delegation while on leave: the delegate decides the delegator's approval tasks for a period."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoguan.approvals.errors import ApprovalNotFound, DelegationInvalid
from xiaoguan.approvals.models import Delegation
from xiaoguan.org.models import User


@transaction.atomic
def delegation_create(
    *, actor: User, to_user: User | None, start_date: datetime.date, end_date: datetime.date
) -> Delegation:
    """Hand one's approvals to a colleague for a period. Not to oneself, not to someone who is
    away themselves in that period (no circular delegation), one delegate at a time."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if to_user is None or not to_user.is_active:
        errors["to_user"] = _("Choose an active colleague.")
    elif to_user.pk == actor.pk:
        errors["to_user"] = _("You cannot delegate to yourself.")
    if end_date < start_date:
        errors["end_date"] = _("The end date is before the start date.")
    elif end_date < today:
        errors["end_date"] = _("The end date is in the past.")
    if errors:
        raise DelegationInvalid(fields=errors)
    assert to_user is not None  # an empty choice is among the errors above
    # Lock the actor's row so that two delegations cannot be created side by side.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    overlapping = Delegation.objects.filter(
        is_active=True, start_date__lte=end_date, end_date__gte=start_date
    )
    if overlapping.filter(from_user=actor).exists():
        message = _("You already have a delegation in this period; end it first.")
        raise DelegationInvalid(message, fields={"start_date": message})
    if overlapping.filter(from_user=to_user).exists():
        message = _("%(name)s has delegated their own approvals in this period.") % {
            "name": to_user
        }
        raise DelegationInvalid(message, fields={"to_user": message})
    if overlapping.filter(to_user=actor).exists():
        message = _(
            "Someone has delegated their approvals to you in this period; you cannot pass them on."
        )
        raise DelegationInvalid(message, fields={"to_user": message})
    return Delegation.objects.create(
        from_user=actor, to_user=to_user, start_date=start_date, end_date=end_date
    )


@transaction.atomic
def delegation_end(*, actor: User, delegation_id: int) -> Delegation:
    """End one of one's own delegations now."""
    delegation = (
        Delegation.objects.select_for_update().filter(pk=delegation_id, from_user=actor).first()
    )
    if delegation is None:
        raise ApprovalNotFound()
    if delegation.is_active:
        delegation.is_active = False
        delegation.save(update_fields=["is_active"])
    return delegation
