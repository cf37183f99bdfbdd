"""Writes of business trips (R-CUS-7): the request with its customers, submission to the
manager through the approval engine, the three-visit rule with the manager's override, and
the trip report after return."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoguan.activities.enums import TripStatus
from xiaoguan.activities.errors import TripBlocked, TripInvalid
from xiaoguan.activities.models import Trip, TripCustomer
from xiaoguan.activities.selectors.visits import no_progress_customers
from xiaoguan.approvals.models import ApprovalChain
from xiaoguan.approvals.services import (
    approval_chain_create,
    approval_request_cancel,
    approval_request_create,
)
from xiaoguan.core import policy
from xiaoguan.core.documents import ensure_transition
from xiaoguan.core.errors import Conflict, PermissionDenied
from xiaoguan.core.history import track
from xiaoguan.core.notifications import notify
from xiaoguan.core.numbering import next_number
from xiaoguan.customers.models import Customer
from xiaoguan.org.models import User
from xiaoguan.org.scope import can_see, visible

MAX_CUSTOMERS = 30
MAX_BUDGET = Decimal("99999999999999.99")


@dataclass
class TripData:
    """What a user may write on a trip request: an allow-list."""

    destination: str
    purpose: str
    start_date: date | None
    end_date: date | None
    budget: Any
    customer_ids: list[int] = field(default_factory=list)


def _today(now: datetime | None = None) -> date:
    return timezone.localdate(now) if now else timezone.localdate()


def _lock(trip: Trip) -> Trip:
    return Trip.objects.select_for_update().get(pk=trip.pk)


def _ensure_owner(trip: Trip, actor: User) -> None:
    if trip.owner_id != actor.pk:
        raise PermissionDenied(_("Only the rep who requested the trip can do this."))


def _clean(data: TripData, *, actor: User, now: datetime | None) -> tuple[dict, list[Customer]]:
    errors: dict[str, str] = {}
    destination = " ".join((data.destination or "").split())
    if not destination:
        errors["destination"] = _("Where to?")
    elif len(destination) > 100:
        errors["destination"] = _("At most %(n)s characters.") % {"n": 100}
    purpose = (data.purpose or "").strip()
    if not purpose:
        errors["purpose"] = _("Say what the trip is for.")
    elif len(purpose) > 5000:
        errors["purpose"] = _("At most %(n)s characters.") % {"n": 5000}
    if data.start_date is None:
        errors["start_date"] = _("This field is required.")
    elif data.start_date < _today(now):
        errors["start_date"] = _("A trip cannot start in the past.")
    if data.end_date is None:
        errors["end_date"] = _("This field is required.")
    elif data.start_date is not None and data.end_date < data.start_date:
        errors["end_date"] = _("The trip cannot end before it starts.")
    budget: Decimal | None = None
    try:
        budget = Decimal(str(data.budget)).quantize(Decimal("0.01"))
        if not budget.is_finite() or budget < 0 or budget > MAX_BUDGET:
            errors["budget"] = _("The budget is an amount of zero or more.")
    except (InvalidOperation, ValueError, TypeError):
        errors["budget"] = _("The budget is an amount of zero or more.")
    ids = list(dict.fromkeys(int(i) for i in data.customer_ids or []))
    customers: list[Customer] = []
    if not ids:
        errors["customers"] = _("Choose the customers to visit.")
    elif len(ids) > MAX_CUSTOMERS:
        errors["customers"] = _("At most %(n)s customers per trip.") % {"n": MAX_CUSTOMERS}
    else:
        customers = list(visible(Customer.objects.filter(pk__in=ids, is_active=True), actor))
        if len(customers) != len(ids):
            errors["customers"] = _("Choose only active customers in your scope.")
    if errors:
        raise TripInvalid(fields=errors)
    return {
        "destination": destination,
        "purpose": purpose,
        "start_date": data.start_date,
        "end_date": data.end_date,
        "budget": budget,
    }, customers


def rule_in_force() -> tuple[bool, int]:
    return bool(policy.value("trips.no_progress_rule")), int(
        policy.value("trips.no_progress_visits")
    )


def _rule_reason(n: int) -> str:
    return _(
        "The last %(n)s visits made no progress and there is no open follow-up (no new plan)."
    ) % {"n": n}


def trip_refresh_blocks(*, trip: Trip) -> list[TripCustomer]:
    """Apply the three-visit rule to the trip's customers now: each stop's ``blocked_reason``
    is set or cleared. Returns the stops blocked without an override."""
    enabled, n = rule_in_force()
    stops = list(trip.trip_customers.select_related("customer").order_by("customer__name", "pk"))
    blocked_ids = (
        no_progress_customers(customer_ids=[s.customer_id for s in stops], n=n)
        if enabled
        else set()
    )
    open_blocks = []
    for stop in stops:
        reason = _rule_reason(n) if stop.customer_id in blocked_ids else ""
        if stop.blocked_reason != reason:
            stop.blocked_reason = reason
            stop.save(update_fields=["blocked_reason"])
        if reason and not stop.override_at:
            open_blocks.append(stop)
    return open_blocks


def _set_customers(trip: Trip, customers: list[Customer]) -> None:
    wanted = {c.pk for c in customers}
    trip.trip_customers.exclude(customer_id__in=wanted).delete()
    have = set(trip.trip_customers.values_list("customer_id", flat=True))
    TripCustomer.objects.bulk_create(
        [TripCustomer(trip=trip, customer=c) for c in customers if c.pk not in have]
    )


@transaction.atomic
def trip_create(*, actor: User, data: TripData, now: datetime | None = None) -> Trip:
    """A draft trip request of the actor; the three-visit rule is shown on it at once."""
    if actor.department_id is None:
        raise TripInvalid(_("Only an employee with a department can request trips."))
    values, customers = _clean(data, actor=actor, now=now)
    trip = Trip(owner=actor, department_id=actor.department_id, **values)
    trip.number = next_number(prefix="CC", year=values["start_date"].year)
    track(trip, actor=actor)
    trip.save()
    _set_customers(trip, customers)
    trip_refresh_blocks(trip=trip)
    return trip


@transaction.atomic
def trip_update(
    *, actor: User, trip: Trip, data: TripData, expected_version: int | None = None
) -> Trip:
    """Change a draft or returned request; overrides stay on the customers that remain."""
    trip = _lock(trip)
    _ensure_owner(trip, actor)
    if not trip.is_editable:
        raise Conflict(_("A submitted or approved trip cannot be edited."))
    if expected_version is not None and trip.version != expected_version:
        from xiaoguan.core.errors import StaleEdit

        raise StaleEdit()
    values, customers = _clean(data, actor=actor, now=None)
    for key, value in values.items():
        setattr(trip, key, value)
    trip.version += 1
    track(trip, actor=actor)
    trip.save()
    _set_customers(trip, customers)
    trip_refresh_blocks(trip=trip)
    return trip


def _blocked_error(stops: list[TripCustomer]) -> TripBlocked:
    names = "、".join(s.customer.name for s in stops)
    return TripBlocked(
        _(
            "This trip cannot be submitted: %(customers)s — %(reason)s "
            "Your manager can override the rule for a customer, with a reason."
        )
        % {"customers": names, "reason": stops[0].blocked_reason},
        extra={
            "blocked": [
                {
                    "customer_id": s.customer_id,
                    "customer": s.customer.name,
                    "reason": s.blocked_reason,
                }
                for s in stops
            ]
        },
    )


@transaction.atomic
def trip_submit(*, actor: User, trip: Trip, now: datetime | None = None) -> Trip:
    """Send the request to the manager through the approval engine. Refused, naming them,
    while a customer is blocked by the three-visit rule without the manager's override."""
    trip = _lock(trip)
    _ensure_owner(trip, actor)
    ensure_transition(trip, to=TripStatus.IN_APPROVAL)
    if trip.start_date < _today(now):
        raise TripInvalid(
            _("A trip cannot start in the past."),
            fields={"start_date": _("A trip cannot start in the past.")},
        )
    if not trip.trip_customers.exists():
        raise TripInvalid(fields={"customers": _("Choose the customers to visit.")})
    blocked = trip_refresh_blocks(trip=trip)
    if blocked:
        raise _blocked_error(blocked)
    approval_request_create(subject=trip, doc_type="trip", requested_by=actor)
    trip.status = TripStatus.IN_APPROVAL
    trip.submitted_at = now or timezone.now()
    trip.save(update_fields=["status", "submitted_at", "updated_at"])
    return trip


def _approver_may_override(actor: User, trip: Trip) -> None:
    if not actor.has_right("trips.override"):
        raise PermissionDenied()
    if trip.owner_id == actor.pk:
        raise PermissionDenied(_("You cannot override the rule on your own trip."))
    if not can_see(trip, actor):
        raise PermissionDenied()


@transaction.atomic
def trip_override(
    *, actor: User, trip: Trip, customer_id: int, reason: str, now: datetime | None = None
) -> TripCustomer:
    """The manager lets a blocked customer on the trip, with a reason (before submission)."""
    trip = _lock(trip)
    _approver_may_override(actor, trip)
    if not trip.is_editable:
        raise Conflict(_("The rule can only be overridden before the trip is submitted."))
    reason = (reason or "").strip()
    if not reason:
        raise TripInvalid(fields={"reason": _("Give the reason for the override.")})
    if len(reason) > 300:
        raise TripInvalid(fields={"reason": _("At most %(n)s characters.") % {"n": 300}})
    trip_refresh_blocks(trip=trip)
    stop = (
        TripCustomer.objects.select_for_update()
        .select_related("customer")
        .filter(trip=trip, customer_id=customer_id)
        .first()
    )
    if stop is None:
        raise TripInvalid(fields={"customer": _("This customer is not on the trip.")})
    if not stop.blocked_reason:
        raise Conflict(_("The rule does not block this customer."))
    stop.override_reason = reason
    stop.override_by = actor
    stop.override_at = now or timezone.now()
    stop.save(update_fields=["override_reason", "override_by", "override_at"])
    notify(
        recipient=trip.owner,
        kind="activities.trip",
        title=_("%(manager)s allowed %(customer)s on trip %(trip)s: %(reason)s")
        % {
            "manager": actor,
            "customer": stop.customer.name,
            "trip": trip.number,
            "reason": reason,
        },
        url=reverse("activities:trip_detail", args=[trip.pk]),
    )
    return stop


def trip_request_override(*, actor: User, trip: Trip) -> int:
    """The rep asks the manager to look at the blocked customers (an inbox item for the head
    of the trip's department, or the rep's manager). Once a day per trip."""
    _ensure_owner(trip, actor)
    blocked = trip_refresh_blocks(trip=trip)
    if not blocked:
        raise Conflict(_("No customer on this trip is blocked."))
    managers = []
    head = trip.department.head if trip.department_id else None
    if head is not None and head.pk != actor.pk:
        managers.append(head)
    elif actor.manager_id:
        managers.append(actor.manager)
    made = 0
    for manager in managers:
        note = notify(
            recipient=manager,
            kind="activities.trip",
            title=_("%(rep)s asks you to review blocked customers on trip %(trip)s")
            % {"rep": actor, "trip": trip.number},
            url=reverse("activities:trip_detail", args=[trip.pk]),
            body="、".join(s.customer.name for s in blocked),
            dedupe_key=f"activities.trip_override:{trip.pk}:{_today().isoformat()}",
        )
        made += note is not None
    return made


@transaction.atomic
def trip_cancel(*, actor: User, trip: Trip, reason: str = "") -> Trip:
    """The rep calls off a trip not yet started (a draft, returned or approved one)."""
    trip = _lock(trip)
    _ensure_owner(trip, actor)
    ensure_transition(trip, to=TripStatus.CANCELLED)
    reason = (reason or "").strip()[:200]
    trip.status = TripStatus.CANCELLED
    trip.cancelled_reason = reason
    track(trip, actor=actor, reason=reason)
    trip.save(update_fields=["status", "cancelled_reason", "updated_at"])
    return trip


@transaction.atomic
def trip_report(
    *,
    actor: User,
    trip: Trip,
    report: str,
    actual_cost: Any,
    now: datetime | None = None,
) -> Trip:
    """The trip report after return: the trip is approved and its last day has come."""
    trip = _lock(trip)
    _ensure_owner(trip, actor)
    ensure_transition(trip, to=TripStatus.REPORTED)
    if _today(now) < trip.end_date:
        raise Conflict(_("The report is written once the trip is over (from its last day)."))
    errors: dict[str, str] = {}
    report = (report or "").strip()
    if not report:
        errors["report"] = _("Write what the trip achieved.")
    elif len(report) > 10000:
        errors["report"] = _("At most %(n)s characters.") % {"n": 10000}
    cost: Decimal | None = None
    try:
        cost = Decimal(str(actual_cost)).quantize(Decimal("0.01"))
        if not cost.is_finite() or cost < 0 or cost > MAX_BUDGET:
            errors["actual_cost"] = _("The cost is an amount of zero or more.")
    except (InvalidOperation, ValueError, TypeError):
        errors["actual_cost"] = _("The cost is an amount of zero or more.")
    if errors:
        raise TripInvalid(fields=errors)
    trip.report = report
    trip.actual_cost = cost
    trip.reported_at = now or timezone.now()
    trip.status = TripStatus.REPORTED
    trip.save(update_fields=["report", "actual_cost", "reported_at", "status", "updated_at"])
    return trip


def trip_withdraw(*, actor: User, trip: Trip) -> Trip:
    """The rep takes back a request still waiting for approval; it is a draft again."""
    from xiaoguan.approvals.selectors import pending_request_for

    _ensure_owner(trip, actor)
    request = pending_request_for(trip)
    if request is None:
        raise Conflict(_("This trip is not waiting for approval."))
    approval_request_cancel(request_id=request.pk, actor=actor)
    return Trip.objects.get(pk=trip.pk)


# --- approval engine callbacks (inside the decision's transaction) ---------------------------


def _move(to: str):
    def callback(*, subject: Trip, request: Any, actor: User) -> None:
        trip = _lock(subject)
        ensure_transition(trip, to=to)
        trip.status = to
        fields = ["status", "updated_at"]
        if to in (TripStatus.APPROVED, TripStatus.REJECTED):
            trip.decided_at = timezone.now()
            fields.append("decided_at")
        trip.save(update_fields=fields)

    return callback


trip_on_approved = _move(TripStatus.APPROVED)
trip_on_rejected = _move(TripStatus.REJECTED)
trip_on_returned = _move(TripStatus.RETURNED)
trip_on_cancelled = _move(TripStatus.DRAFT)


def trip_default_chain_ensure(*, actor: User) -> ApprovalChain | None:
    """The default chain for trips when none exists: the manager of the owner's department
    (used by set-ups and tests; management may change it on the chains page)."""
    existing = ApprovalChain.objects.filter(doc_type="trip").first()
    if existing is not None:
        return None
    return approval_chain_create(
        actor=actor,
        doc_type="trip",
        name="出差审批",
        steps=[{"name": "直属上级", "rule": "owner_manager", "mode": "any"}],
    )
