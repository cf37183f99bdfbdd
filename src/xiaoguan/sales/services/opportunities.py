"""Writes to opportunities (R-CUS-8): entry, edits with an optimistic lock, and stage moves
recorded as StageChange rows. Owner and department never come from input.

Decisions (see docs/user/*/opportunities.md):
- The owner is the customer's owner when the actor's scope covers that employee (a rep for
  their own customer, a manager for the team's), else the actor (e.g. a customer from the pool).
- Open stages may move freely among themselves. WON sets probability 100 and ``closed_at``;
  LOST needs a reason and sets probability 0. A closed opportunity is read-only; it may be
  reopened to an open stage with a note, which clears the close fields.
- On a move the probability follows the new stage's default unless the rep had set another
  value than the current stage's default (that value is kept), or passes one with the move.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoguan.core.errors import NotFound, StaleEdit
from xiaoguan.core.history import track
from xiaoguan.core.numbering import next_number
from xiaoguan.customers.models import Customer, Lead
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible
from xiaoguan.sales.enums import (
    CLOSED_STAGES,
    DEFAULT_PROBABILITY,
    OPEN_STAGES,
    LostReason,
    Stage,
)
from xiaoguan.sales.errors import OpportunityClosed, OpportunityInvalid, StageMoveInvalid
from xiaoguan.sales.models import Opportunity, StageChange

NUMBER_PREFIX = "OPP"
MAX_AMOUNT = Decimal("99999999999999.99")


@dataclass
class OpportunityData:
    """What a user may write on an opportunity: an allow-list (no owner, department, stage
    after creation, number, close fields)."""

    customer_id: int
    name: str
    amount: Decimal | int | str
    expected_close: date
    probability: int | None = None  # None: the stage's default
    stage: str = Stage.NEEDS  # only on creation, an open stage
    description: str = ""
    lead_id: int | None = None


def _clean(data: OpportunityData, *, creating: bool) -> OpportunityData:
    errors: dict[str, str] = {}
    data.name = " ".join((data.name or "").split())
    if not data.name:
        errors["name"] = _("An opportunity needs a name.")
    elif len(data.name) > 200:
        errors["name"] = _("At most %(n)s characters.") % {"n": 200}
    try:
        amount = Decimal(str(data.amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        errors["amount"] = _("Enter an amount.")
    else:
        if not amount.is_finite() or amount < 0:
            errors["amount"] = _("The amount cannot be negative.")
        elif amount > MAX_AMOUNT:
            errors["amount"] = _("Value out of range.")
        else:
            data.amount = amount
    if not isinstance(data.expected_close, date):
        errors["expected_close"] = _("Enter the expected close date.")
    if data.probability is not None:
        try:
            data.probability = int(data.probability)
        except (TypeError, ValueError):
            errors["probability"] = _("Value out of range.")
        else:
            if not 0 <= data.probability <= 100:
                errors["probability"] = _("The probability is between 0 and 100.")
    if creating and data.stage not in OPEN_STAGES:
        errors["stage"] = _("A new opportunity starts in an open stage.")
    data.description = (data.description or "").strip()
    if len(data.description) > 5000:
        errors["description"] = _("At most %(n)s characters.") % {"n": 5000}
    if errors:
        raise OpportunityInvalid(fields=errors)
    return data


def _owner_for(customer: Customer, actor: User) -> tuple[int, int]:
    """The customer's owner and department when the actor's scope covers that employee, else
    the actor and the actor's department."""
    if customer.owner_id and (
        customer.owner_id == actor.pk
        or visible(User.objects.filter(pk=customer.owner_id, is_active=True), actor).exists()
    ):
        return customer.owner_id, customer.department_id
    if actor.department_id is None:
        raise OpportunityInvalid(_("Only an employee with a department can own opportunities."))
    return actor.pk, actor.department_id


def _record_move(opp: Opportunity, *, from_stage: str, actor: User, note: str = "") -> StageChange:
    return StageChange.objects.create(
        opportunity=opp, from_stage=from_stage, to_stage=opp.stage, by=actor, note=note[:300]
    )


@transaction.atomic
def opportunity_create(*, actor: User, data: OpportunityData) -> Opportunity:
    """A new opportunity for a customer the actor may see, numbered ``OPP-YYYY-NNNNNN``; its
    first stage is recorded as a StageChange. Raises NotFound for a customer (or lead) out of
    the actor's scope and OpportunityInvalid for bad input."""
    data = _clean(data, creating=True)
    customer = (
        visible(Customer.objects.select_for_update(), actor)
        .filter(pk=data.customer_id, is_active=True)
        .first()
    )
    if customer is None:
        raise NotFound(_("Customer not found."))
    lead = None
    if data.lead_id is not None:
        lead = visible(Lead.objects.all(), actor).filter(pk=data.lead_id).first()
        if lead is None:
            raise NotFound(_("Lead not found."))
    owner_id, department_id = _owner_for(customer, actor)
    stage = Stage(data.stage)
    opp = Opportunity(
        number=next_number(prefix=NUMBER_PREFIX),
        name=data.name,
        customer=customer,
        lead=lead,
        stage=stage,
        amount=data.amount,
        probability=(
            data.probability if data.probability is not None else DEFAULT_PROBABILITY[stage]
        ),
        expected_close=data.expected_close,
        description=data.description,
        owner_id=owner_id,
        department_id=department_id,
    )
    track(opp, actor=actor)
    opp.save()
    _record_move(opp, from_stage="", actor=actor)
    return opp


def _lock(opp: Opportunity | int, actor: User) -> Opportunity:
    pk = opp if isinstance(opp, int) else opp.pk
    locked = visible(Opportunity.objects.select_for_update(), actor).filter(pk=pk).first()
    if locked is None:
        raise NotFound()
    return locked


@transaction.atomic
def opportunity_update(
    *, actor: User, opportunity: Opportunity | int, data: OpportunityData, expected_version: int
) -> Opportunity:
    """Edit name, amount, expected close, probability and description of an open
    opportunity, only if nobody saved it since the editor loaded ``expected_version``.
    The customer and stage do not change here (stages move with :func:`opportunity_move`)."""
    opp = _lock(opportunity, actor)
    if opp.version != expected_version:
        raise StaleEdit()
    if opp.stage in CLOSED_STAGES:
        raise OpportunityClosed()
    data.customer_id = opp.customer_id
    data = _clean(data, creating=False)
    opp.name = data.name
    opp.amount = data.amount
    opp.expected_close = data.expected_close
    opp.description = data.description
    if data.probability is not None:
        opp.probability = data.probability
    opp.version += 1
    track(opp, actor=actor)
    opp.save()
    return opp


@transaction.atomic
def opportunity_move(
    *,
    actor: User,
    opportunity: Opportunity | int,
    stage: str,
    note: str = "",
    lost_reason: str = "",
    probability: int | None = None,
    expected_version: int | None = None,
) -> Opportunity:
    """Move an opportunity to ``stage`` and record the move. ``expected_version`` (optional)
    refuses the move if the opportunity changed meanwhile."""
    opp = _lock(opportunity, actor)
    if expected_version is not None and opp.version != expected_version:
        raise StaleEdit()
    if stage not in Stage.values:
        raise StageMoveInvalid(fields={"stage": _("Not one of the allowed values.")})
    stage = Stage(stage)
    note = " ".join((note or "").split())
    if len(note) > 300:
        raise OpportunityInvalid(fields={"note": _("At most %(n)s characters.") % {"n": 300}})
    if probability is not None:
        try:
            probability = int(probability)
        except (TypeError, ValueError):
            probability = -1
        if not 0 <= probability <= 100:
            raise OpportunityInvalid(
                fields={"probability": _("The probability is between 0 and 100.")}
            )
    old = Stage(opp.stage)
    if stage == old:
        raise StageMoveInvalid(_("The opportunity is already in this stage."))
    reopening = old in CLOSED_STAGES
    if reopening:
        if stage in CLOSED_STAGES:
            raise OpportunityClosed()
        if not note:
            raise StageMoveInvalid(
                _("Say why the closed opportunity is reopened."),
                fields={"note": _("Say why the closed opportunity is reopened.")},
            )
    if stage == Stage.LOST:
        if lost_reason not in LostReason.values:
            raise StageMoveInvalid(
                _("Give the reason the opportunity was lost."),
                fields={"lost_reason": _("Give the reason the opportunity was lost.")},
            )
        opp.lost_reason = lost_reason
        opp.close_note = note
        opp.closed_at = timezone.now()
        opp.probability = 0
    elif stage == Stage.WON:
        opp.lost_reason = ""
        opp.close_note = note
        opp.closed_at = timezone.now()
        opp.probability = 100
    else:
        if reopening:
            opp.lost_reason = ""
            opp.close_note = ""
            opp.closed_at = None
            opp.probability = DEFAULT_PROBABILITY[stage]
        elif probability is not None:
            opp.probability = probability
        elif opp.probability == DEFAULT_PROBABILITY[old]:
            opp.probability = DEFAULT_PROBABILITY[stage]
    if reopening and probability is not None and stage in OPEN_STAGES:
        opp.probability = probability
    opp.stage = stage
    opp.version += 1
    track(opp, actor=actor, reason=note)
    opp.save()
    _record_move(opp, from_stage=old, actor=actor, note=note)
    return opp


def opportunities_move_customer(*, source: Customer, target: Customer, actor: User) -> int:
    """Customer merge handler: the duplicate's opportunities follow to the surviving customer
    (called inside the merge transaction). Returns how many moved."""
    moved = 0
    for opp in Opportunity.objects.select_for_update().filter(customer=source):
        opp.customer = target
        track(opp, actor=actor, reason="customer merge")
        opp.save(update_fields=["customer", "updated_at"])
        moved += 1
    return moved
