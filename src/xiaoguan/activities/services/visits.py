"""Writes of visits and follow-ups (R-CUS-6). Owner and department come from the acting
user, never from input; a recorded visit moves the customer's last contact date forward."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoguan.activities.enums import VisitKind, VisitResult, VisitStatus
from xiaoguan.activities.errors import FollowUpInvalid, VisitInvalid
from xiaoguan.activities.models import FollowUp, TripCustomer, Visit
from xiaoguan.activities.selectors import visits as selectors
from xiaoguan.core.errors import Conflict, PermissionDenied
from xiaoguan.core.history import track
from xiaoguan.core.notifications import notify
from xiaoguan.customers.models import Contact, Customer
from xiaoguan.customers.services import customer_touch
from xiaoguan.org.models import User
from xiaoguan.org.scope import can_see

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=5)


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _ensure_customer(customer: Customer, actor: User) -> None:
    """The customer must be in the actor's scope and active (R-ORG-1)."""
    if not can_see(customer, actor):
        raise VisitInvalid(
            _("This customer is not in your scope."),
            fields={"customer": _("This customer is not in your scope.")},
        )
    if not customer.is_active:
        raise VisitInvalid(
            _("This customer is inactive."), fields={"customer": _("This customer is inactive.")}
        )


def _ensure_owner(obj: Any, actor: User) -> None:
    if obj.owner_id != actor.pk:
        raise PermissionDenied(_("Only its owner can change this."))


def _text(value: Any, limit: int, key: str, errors: dict[str, str]) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        errors[key] = _("At most %(n)s characters.") % {"n": limit}
    return value


# --- plan -----------------------------------------------------------------------------------


@transaction.atomic
def visit_plan(
    *,
    actor: User,
    customer: Customer,
    planned_for: date,
    purpose: str = "",
    kind: str = VisitKind.ONSITE,
    now: datetime | None = None,
) -> Visit:
    """A planned visit of the actor to a customer in their scope, today or later."""
    _ensure_customer(customer, actor)
    if actor.department_id is None:
        raise VisitInvalid(_("Only an employee with a department can plan visits."))
    errors: dict[str, str] = {}
    purpose = _text(purpose, 200, "purpose", errors)
    if kind not in VisitKind.values:
        errors["kind"] = _("Not one of the allowed values.")
    if planned_for is None:
        errors["planned_for"] = _("This field is required.")
    elif planned_for < timezone.localdate(_now(now)):
        errors["planned_for"] = _("A visit cannot be planned in the past.")
    if errors:
        raise VisitInvalid(fields=errors)
    visit = Visit(
        owner=actor,
        department_id=actor.department_id,
        customer=customer,
        status=VisitStatus.PLANNED,
        kind=kind,
        planned_for=planned_for,
        purpose=purpose,
    )
    track(visit, actor=actor)
    visit.save()
    return visit


@transaction.atomic
def visit_cancel(*, actor: User, visit: Visit) -> Visit:
    """A planned visit that will not happen; a recorded one cannot be cancelled."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    _ensure_owner(visit, actor)
    if visit.status != VisitStatus.PLANNED:
        raise Conflict(_("Only a planned visit can be cancelled."))
    visit.status = VisitStatus.CANCELLED
    track(visit, actor=actor)
    visit.save(update_fields=["status", "updated_at"])
    return visit


# --- record ---------------------------------------------------------------------------------


@dataclass
class VisitData:
    """What a user may write on a visit record: an allow-list."""

    kind: str
    visited_at: datetime | None
    result: str
    purpose: str = ""
    feedback: str = ""
    demand_change: str = ""
    next_step: str = ""
    contact_ids: list[int] = field(default_factory=list)
    latitude: Any = None
    longitude: Any = None
    # An optional follow-up task coming out of the visit.
    followup_title: str = ""
    followup_due: date | None = None


def _coordinate(value: Any, limit: int, key: str, errors: dict[str, str]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        errors[key] = _("Not a valid value.")
        return None
    if not number.is_finite() or abs(number) > limit:
        errors[key] = _("Value out of range.")
        return None
    return number


def _clean_record(data: VisitData, customer: Customer, now: datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if data.kind not in VisitKind.values:
        errors["kind"] = _("Not one of the allowed values.")
    if data.result not in VisitResult.values:
        errors["result"] = _("Choose the result of the visit.")
    visited_at = data.visited_at
    if visited_at is None:
        errors["visited_at"] = _("When did the visit take place?")
    else:
        if timezone.is_naive(visited_at):
            visited_at = timezone.make_aware(visited_at)
        if visited_at > now + CLOCK_SKEW:
            errors["visited_at"] = _(
                "A visit cannot be dated in the future: record it once it has taken place, "
                "or plan it instead."
            )
        elif visited_at < now - timedelta(days=366):
            errors["visited_at"] = _("A visit more than a year ago cannot be recorded.")
    cleaned = {
        "purpose": _text(data.purpose, 200, "purpose", errors),
        "feedback": _text(data.feedback, 5000, "feedback", errors),
        "demand_change": _text(data.demand_change, 5000, "demand_change", errors),
        "next_step": _text(data.next_step, 300, "next_step", errors),
    }
    ids = {int(i) for i in data.contact_ids or []}
    contacts = list(Contact.objects.filter(customer=customer, pk__in=ids)) if ids else []
    if len(contacts) != len(ids):
        errors["contacts"] = _("Choose only contacts of this customer.")
    latitude = _coordinate(data.latitude, 90, "latitude", errors)
    longitude = _coordinate(data.longitude, 180, "longitude", errors)
    if (latitude is None) != (longitude is None) and not ({"latitude", "longitude"} & set(errors)):
        errors["latitude"] = _("A location needs both latitude and longitude.")
    title = _text(data.followup_title, 200, "followup_title", errors)
    due = data.followup_due
    if title and due is None:
        errors["followup_due"] = _("A follow-up needs a due date.")
    elif due is not None and not title:
        errors["followup_title"] = _("Say what is to be done.")
    elif due is not None and due < timezone.localdate(now):
        errors["followup_due"] = _("The due date cannot be in the past.")
    if errors:
        raise VisitInvalid(fields=errors)
    return {
        **cleaned,
        "kind": data.kind,
        "result": data.result,
        "visited_at": visited_at,
        "contacts": contacts,
        "latitude": latitude,
        "longitude": longitude,
        "followup": (title, due) if title else None,
    }


@transaction.atomic
def visit_record(
    *,
    actor: User,
    data: VisitData,
    customer: Customer | None = None,
    visit: Visit | None = None,
    now: datetime | None = None,
) -> Visit:
    """Record a visit: the actor's planned ``visit``, or an unplanned one to ``customer``.
    The date cannot be in the future; contacts must be the customer's; a follow-up comes out
    of it when its title and due date are given. The customer's last contact moves forward."""
    now = _now(now)
    if visit is not None:
        visit = Visit.objects.select_for_update().select_related("customer").get(pk=visit.pk)
        _ensure_owner(visit, actor)
        if visit.status != VisitStatus.PLANNED:
            raise Conflict(_("This visit is already recorded or cancelled."))
        customer = visit.customer
    else:
        if customer is None:
            raise VisitInvalid(fields={"customer": _("This field is required.")})
        if actor.department_id is None:
            raise VisitInvalid(_("Only an employee with a department can record visits."))
        visit = Visit(owner=actor, department_id=actor.department_id, customer=customer)
    _ensure_customer(customer, actor)
    cleaned = _clean_record(data, customer, now)
    for key in (
        "kind",
        "result",
        "visited_at",
        "purpose",
        "feedback",
        "demand_change",
        "next_step",
        "latitude",
        "longitude",
    ):
        setattr(visit, key, cleaned[key])
    visit.status = VisitStatus.DONE
    track(visit, actor=actor)
    new = visit._state.adding
    visit.save()
    if not new:
        visit.contacts.set(cleaned["contacts"])
    elif cleaned["contacts"]:
        visit.contacts.add(*cleaned["contacts"])
    if cleaned["followup"]:
        title, due = cleaned["followup"]  # checked above, with the customer's scope
        FollowUp.objects.create(
            owner=actor,
            department_id=actor.department_id,  # type: ignore[misc]
            customer=customer,
            visit=visit,
            title=title,
            due_date=due,
        )
    customer_touch(customer=customer, at=visit.visited_at)
    return visit


# --- follow-ups -----------------------------------------------------------------------------


@transaction.atomic
def followup_create(
    *,
    actor: User,
    customer: Customer,
    title: str,
    due_date: date | None,
    visit: Visit | None = None,
    now: datetime | None = None,
) -> FollowUp:
    """A task for a customer in the actor's scope, due today or later."""
    if not can_see(customer, actor):
        raise FollowUpInvalid(
            _("This customer is not in your scope."),
            fields={"customer": _("This customer is not in your scope.")},
        )
    if actor.department_id is None:
        raise FollowUpInvalid(_("Only an employee with a department can create follow-ups."))
    errors: dict[str, str] = {}
    title = _text(title, 200, "title", errors)
    if not title and "title" not in errors:
        errors["title"] = _("Say what is to be done.")
    if due_date is None:
        errors["due_date"] = _("A follow-up needs a due date.")
    elif due_date < timezone.localdate(_now(now)):
        errors["due_date"] = _("The due date cannot be in the past.")
    if errors:
        raise FollowUpInvalid(fields=errors)
    return FollowUp.objects.create(
        owner=actor,
        department_id=actor.department_id,
        customer=customer,
        visit=visit,
        title=title,
        due_date=due_date,  # type: ignore[misc]  # checked above
    )


@transaction.atomic
def followup_complete(
    *, actor: User, followup: FollowUp, outcome: str, now: datetime | None = None
) -> FollowUp:
    """Mark a follow-up done with its outcome; done once."""
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    _ensure_owner(followup, actor)
    if followup.done_at is not None:
        raise Conflict(_("This follow-up is already done."))
    errors: dict[str, str] = {}
    outcome = _text(outcome, 300, "outcome", errors)
    if not outcome and not errors:
        errors["outcome"] = _("Say what came out of it.")
    if errors:
        raise FollowUpInvalid(fields=errors)
    followup.done_at = _now(now)
    followup.done_note = outcome
    followup.save(update_fields=["done_at", "done_note"])
    return followup


# --- reminders ------------------------------------------------------------------------------


def visits_remind(*, today: date | None = None) -> int:
    """Inbox reminders: each open follow-up due today or overdue, each visit planned for
    today; once per item per day whatever how often the job runs. Returns how many were made."""
    from django.urls import reverse

    today = today or timezone.localdate()
    made = 0
    for f in selectors.followups_to_remind(today=today).iterator(chunk_size=500):
        if f.due_date < today:
            title = _("Overdue follow-up: %(title)s (%(customer)s, due %(due)s)") % {
                "title": f.title,
                "customer": f.customer.name,
                "due": f.due_date.isoformat(),
            }
        else:
            title = _("Follow-up due today: %(title)s (%(customer)s)") % {
                "title": f.title,
                "customer": f.customer.name,
            }
        note = notify(
            recipient=f.owner,
            kind="activities.followup",
            title=title,
            url=reverse("activities:followup_list"),
            dedupe_key=f"activities.followup:{f.pk}:{today.isoformat()}",
        )
        made += note is not None
    for v in selectors.visits_to_remind(today=today).iterator(chunk_size=500):
        note = notify(
            recipient=v.owner,
            kind="activities.visit",
            title=_("Visit planned today: %(customer)s") % {"customer": v.customer.name},
            url=reverse("activities:visit_detail", args=[v.pk]),
            body=v.purpose,
            dedupe_key=f"activities.visit:{v.pk}:{today.isoformat()}",
        )
        made += note is not None
    return made


# --- customer merge -------------------------------------------------------------------------


def visits_merge_customer(*, source: Customer, target: Customer, actor: User) -> None:
    """Keep every visit, follow-up and trip stop of a merged duplicate on the survivor."""
    Visit.objects.filter(customer=source).update(customer=target)
    FollowUp.objects.filter(customer=source).update(customer=target)
    both = TripCustomer.objects.filter(customer=target).values("trip_id")
    TripCustomer.objects.filter(customer=source, trip_id__in=both).delete()
    TripCustomer.objects.filter(customer=source).update(customer=target)
    # Contacts move with the merge; recorded visits keep their contacts through the M2M.
    if source.last_contact_at:
        customer_touch(customer=target, at=source.last_contact_at)
