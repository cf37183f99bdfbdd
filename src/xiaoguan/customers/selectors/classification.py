"""Reads of the classification part (R-CUS-3, R-CUS-9, R-CUS-10): visits due by grade, the
score breakdown, the credit file and poor credit, upcoming birthdays and holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Case, DateTimeField, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from xiaoguan.core import policy
from xiaoguan.customers import care
from xiaoguan.customers.enums import (
    CustomerClass,
    CustomerGrade,
    EmployeeBand,
    Potential,
    PurchaseHistory,
    RevenueBand,
)
from xiaoguan.customers.models import Contact, CreditNote, Customer
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible

# --- visit frequency ---------------------------------------------------------------------

VISIT_SORTS: dict[str, tuple[str, ...]] = {
    "due": ("due_at", "pk"),  # most overdue first
    "-due": ("-due_at", "-pk"),
    "name": ("name_normalized", "pk"),
    "-name": ("-name_normalized", "-pk"),
    "grade": ("grade", "due_at", "pk"),
    "-grade": ("-grade", "due_at", "pk"),
}
DEFAULT_VISIT_SORT = "due"


def visit_days() -> dict[str, int]:
    """Days between visits per grade (policy)."""
    return {g: int(policy.value(f"customers.visit_days_{g.lower()}")) for g in CustomerGrade.values}


def visits_due(
    *,
    user: User,
    owner: User | int | None = None,
    grade: str = "",
    sort: str = DEFAULT_VISIT_SORT,
    now: datetime | None = None,
) -> QuerySet[Customer]:
    """Active, owned, graded customers the user may see whose last contact (or creation, if
    never contacted) is older than their grade's visit frequency. One query: the due moment is
    a CASE on the grade; ``due_at`` is annotated for the days overdue."""
    now = now or timezone.now()
    days = visit_days()
    last = Coalesce(F("last_contact_at"), F("created_at"))
    due_at = Case(
        *[When(grade=g, then=last + Value(timedelta(days=n))) for g, n in days.items()],
        default=Value(None),
        output_field=DateTimeField(),
    )
    qs = (
        visible(Customer.objects.all(), user)
        .filter(is_active=True, owner__isnull=False, grade__in=list(days))
        .annotate(due_at=due_at)
        .filter(due_at__lt=now)
    )
    if owner:
        owner_id = owner.pk if isinstance(owner, User) else owner
        qs = qs.filter(owner_id=owner_id)
    if grade:
        qs = qs.filter(grade=grade)
    ordering = VISIT_SORTS.get(sort) or VISIT_SORTS[DEFAULT_VISIT_SORT]
    return qs.select_related("owner", "department").order_by(*ordering)


def days_overdue(customer: Customer, now: datetime | None = None) -> int:
    due_at = getattr(customer, "due_at", None)
    if due_at is None:
        return 0
    return max(0, ((now or timezone.now()) - due_at).days)


PANEL_CACHE_SECONDS = 300


def visits_due_counts(*, user: User) -> dict[str, Any]:
    """The dashboard panel: overdue customers of the user, and of their scope for a manager.
    Kept for a few minutes per user: the home page must stay fast for a manager whose scope
    holds a large part of 200,000 customers, and overdue counts move by the day."""
    key = f"xg:customers:visits_due_counts:{user.pk}"
    counts = cache.get(key)
    if counts is None:
        mine = visits_due(user=user, owner=user).order_by().count()
        team = None
        if user.has_right("customers.classify"):
            team = visits_due(user=user).order_by().count()
        counts = {"mine": mine, "team": team}
        cache.set(key, counts, PANEL_CACHE_SECONDS)
    return counts


# --- classification ----------------------------------------------------------------------

_VALUE_LABELS: dict[str, Any] = {
    "employee_band": dict(EmployeeBand.choices),
    "revenue_band": dict(RevenueBand.choices),
    "potential": dict(Potential.choices),
    "intent": dict(Potential.choices),
    "history": dict(PurchaseHistory.choices),
}


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    value: str
    points: int
    weight: int
    contribution: float


def breakdown_rows(customer: Customer) -> list[BreakdownRow]:
    """The stored score breakdown, with display labels and each factor's contribution."""
    data = customer.class_breakdown or {}
    total = int(data.get("total_weight") or 0)
    rows = []
    for factor in data.get("factors") or []:
        key = factor.get("key", "")
        value = factor.get("value")
        if isinstance(value, dict):
            label = " / ".join(
                str(_VALUE_LABELS[k].get(v, "—")) for k, v in value.items() if k in _VALUE_LABELS
            )
        else:
            label = str(_VALUE_LABELS.get(key, {}).get(value, "—"))
        points, weight = int(factor.get("points") or 0), int(factor.get("weight") or 0)
        rows.append(
            BreakdownRow(
                key=key,
                value=label,
                points=points,
                weight=weight,
                contribution=round(points * weight / total, 1) if total else 0.0,
            )
        )
    return rows


def class_choices() -> list[tuple[str, Any]]:
    return list(CustomerClass.choices)


# --- credit ------------------------------------------------------------------------------


def poor_ratings() -> list[str]:
    raw = str(policy.value("customers.credit_poor_ratings") or "")
    return [c.strip() for c in raw.split(",") if c.strip()]


def poor_credit_q(prefix: str = "") -> Q:
    """A filter for customers with a poor credit rating; ``prefix`` for other models, e.g.
    ``poor_credit_q("customer__")`` on orders."""
    return Q(**{f"{prefix}credit_rating__in": poor_ratings()})


def is_poor_credit(customer: Customer) -> bool:
    return bool(customer.credit_rating) and customer.credit_rating in poor_ratings()


def poor_credit_customers(*, user: User) -> QuerySet[Customer]:
    """The customers with poor credit that the user may see."""
    return visible(Customer.objects.filter(poor_credit_q()), user).order_by("name_normalized", "pk")


def credit_notes(*, customer: Customer, limit: int | None = None) -> list[CreditNote]:
    """The investigation notes of a customer already fetched through the scope."""
    qs = CreditNote.objects.filter(customer=customer).select_related("author")
    qs = qs.order_by("-investigated_on", "-pk")
    return list(qs[:limit] if limit else qs)


# --- customer care -----------------------------------------------------------------------


@dataclass(frozen=True)
class UpcomingBirthday:
    contact: Contact
    on: date
    in_days: int


def birthdays_upcoming(
    *, user: User, days: int = 30, today: date | None = None
) -> list[UpcomingBirthday]:
    """Birthdays in the next ``days`` days of the contacts of the user's own active customers,
    soonest first."""
    today = today or timezone.localdate()
    contacts = (
        visible(Contact.objects.all(), user)
        .filter(customer__owner=user, customer__is_active=True, birthday__isnull=False)
        .filter(care.birthday_window_q(today, days))
        .select_related("customer")
    )
    out = []
    for contact in contacts:
        assert contact.birthday is not None  # filtered above
        on = care.next_birthday(contact.birthday, today)
        if (on - today).days <= days:
            out.append(UpcomingBirthday(contact=contact, on=on, in_days=(on - today).days))
    return sorted(out, key=lambda b: (b.on, b.contact.customer.name, b.contact.pk))


def birthdays_due(*, today: date | None = None) -> list[UpcomingBirthday]:
    """For the care job (unscoped): contacts of owned active customers whose birthday falls
    within the policy's days ahead."""
    today = today or timezone.localdate()
    days = int(policy.value("customers.care_birthday_days"))
    contacts = (
        Contact.objects.filter(
            customer__owner__isnull=False, customer__is_active=True, birthday__isnull=False
        )
        .filter(care.birthday_window_q(today, days))
        .select_related("customer", "customer__owner")
    )
    out = []
    for contact in contacts.iterator(chunk_size=2000):
        assert contact.birthday is not None  # filtered above
        on = care.next_birthday(contact.birthday, today)
        if (on - today).days <= days:
            out.append(UpcomingBirthday(contact=contact, on=on, in_days=(on - today).days))
    return out


def holidays_due(*, today: date | None = None) -> list[tuple[str, date]]:
    today = today or timezone.localdate()
    days = int(policy.value("customers.care_holiday_days"))
    codes = [
        c.strip() for c in str(policy.value("customers.care_holidays")).split(",") if c.strip()
    ]
    return care.holidays_between(codes, today, today + timedelta(days=days))


def key_customers_by_owner() -> dict[int, list[Customer]]:
    """For the holiday reminder (unscoped): each owner's active grade-A or class-A customers."""
    qs = (
        Customer.objects.filter(is_active=True, owner__isnull=False)
        .filter(Q(grade=CustomerGrade.A) | Q(customer_class=CustomerClass.A))
        .only("pk", "name", "owner_id")
        .order_by("owner_id", "name_normalized", "pk")
    )
    out: dict[int, list[Customer]] = {}
    for customer in qs.iterator(chunk_size=2000):
        if customer.owner_id is not None:  # filtered above
            out.setdefault(customer.owner_id, []).append(customer)
    return out
