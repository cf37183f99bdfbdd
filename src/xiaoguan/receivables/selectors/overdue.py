"""The overdue list (逾期清单, R-AR-3) and the bad-debt write-offs (R-AR-4), read through the
user's scope: a rep sees their own instalments, a manager the team's, finance and management
everything.

An instalment is overdue when it is open, its due date has passed and it still owes money.
Each row carries the last dunning action on its customer that the user may see (kind, date,
next step and its date), fetched with subqueries in the same statement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone

from xiaoguan.org.models import Department, User
from xiaoguan.org.scope import visible
from xiaoguan.receivables.enums import InstalmentStatus
from xiaoguan.receivables.models import DunningAction, Instalment, WriteOff

OUTSTANDING = ExpressionWrapper(
    F("amount") - F("collected") - F("written_off"),
    output_field=DecimalField(max_digits=16, decimal_places=2),
)
FILTER_KEYS = ("q", "owner", "department", "customer", "days_min", "amount_min", "no_action")
SORTS = {
    "due": ("due_date", "pk"),
    "-due": ("-due_date", "-pk"),
    "outstanding": ("left", "pk"),
    "-outstanding": ("-left", "-pk"),
    "customer": ("customer__name", "due_date", "pk"),
    "-customer": ("-customer__name", "due_date", "pk"),
    "last": (F("last_on").asc(nulls_first=True), "due_date", "pk"),
    "-last": (F("last_on").desc(nulls_last=True), "due_date", "pk"),
}
DEFAULT_SORT = "due"
DIMENSIONS = ("rep", "team")


def _last_action(user: User) -> QuerySet[DunningAction]:
    return visible(DunningAction.objects.all(), user).filter(customer=OuterRef("customer_id"))


def overdue_base(*, user: User, today: dt.date | None = None) -> QuerySet[Instalment]:
    today = today or timezone.localdate()
    return (
        visible(Instalment.objects.all(), user)
        .filter(status=InstalmentStatus.OPEN, due_date__lt=today)
        .annotate(left=OUTSTANDING)
        .filter(left__gt=0)
    )


def _filtered(qs: QuerySet[Instalment], filters: dict[str, Any], today: dt.date) -> QuerySet:
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(customer__name__icontains=q)
            | Q(contract__number__icontains=q)
            | Q(order__number__icontains=q)
        )
    if filters.get("owner"):
        qs = qs.filter(owner_id=filters["owner"])
    if filters.get("department"):
        dept = Department.objects.filter(pk=filters["department"]).first()
        qs = qs.filter(department__path__startswith=dept.path) if dept else qs.none()
    if filters.get("customer"):
        qs = qs.filter(customer_id=filters["customer"])
    if filters.get("days_min"):
        qs = qs.filter(due_date__lte=today - dt.timedelta(days=int(filters["days_min"])))
    if filters.get("amount_min") is not None:
        qs = qs.filter(**{"left__gte": filters["amount_min"]})
    return qs


def overdue_list(
    *,
    user: User,
    filters: dict[str, Any] | None = None,
    sort: str = DEFAULT_SORT,
    today: dt.date | None = None,
) -> QuerySet[Instalment]:
    """Overdue instalments the user may see, filtered (allow-listed keys) and sorted, each
    with ``left`` (what it still owes) and its customer's last dunning action (``last_kind``,
    ``last_on``, ``next_step``, ``next_on``)."""
    today = today or timezone.localdate()
    filters = filters or {}
    last = _last_action(user).order_by("-done_on", "-pk")
    qs = _filtered(overdue_base(user=user, today=today), filters, today).annotate(
        last_kind=Subquery(last.values("kind")[:1]),
        last_on=Subquery(last.values("done_on")[:1]),
        next_step=Subquery(last.values("next_step")[:1]),
        next_on=Subquery(last.values("next_on")[:1]),
    )
    if filters.get("no_action"):
        qs = qs.filter(last_on__isnull=True)
    return qs.select_related("customer", "contract", "order", "owner", "department").order_by(
        *SORTS.get(sort, SORTS[DEFAULT_SORT])
    )


@dataclass
class OverdueGroup:
    key: int | None
    name: str
    count: int
    customers: int
    outstanding: Decimal
    oldest_days: int


def overdue_groups(
    qs: QuerySet[Instalment], *, dimension: str, today: dt.date | None = None
) -> list[OverdueGroup]:
    """The filtered overdue list summed per rep (owner) or per team (department): one
    aggregate statement, largest debt first."""
    today = today or timezone.localdate()
    key, name = (
        ("owner_id", "owner__full_name")
        if dimension == "rep"
        else ("department_id", "department__name")
    )
    rows = (
        qs.order_by()
        .values(key, name)
        .annotate(
            n=Count("pk"),
            customers=Count("customer_id", distinct=True),
            total=Sum("left"),
            oldest=Min("due_date"),
        )
        .order_by("-total", key)
    )
    return [
        OverdueGroup(
            key=r[key],
            name=r[name] or "—",
            count=r["n"],
            customers=r["customers"],
            outstanding=r["total"] or Decimal(0),
            oldest_days=(today - r["oldest"]).days if r["oldest"] else 0,
        )
        for r in rows
    ]


def overdue_totals(qs: QuerySet[Instalment]) -> dict[str, Any]:
    row = qs.order_by().aggregate(n=Count("pk"), total=Sum("left"))
    return {"count": row["n"] or 0, "outstanding": row["total"] or Decimal(0)}


def owner_choices(*, user: User) -> QuerySet[User]:
    """The people whose records the user sees (for the owner filter)."""
    return visible(User.objects.filter(is_active=True), user).order_by(
        "department__path", "full_name"
    )


def department_choices(*, user: User) -> QuerySet[Department]:
    return visible(Department.objects.filter(is_active=True), user).order_by("path")


# --- write-offs -----------------------------------------------------------------------------

WRITE_OFF_FILTER_KEYS = ("q", "status")
WRITE_OFF_SORTS = {
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
    "amount": ("amount", "pk"),
    "-amount": ("-amount", "-pk"),
}
WRITE_OFF_DEFAULT_SORT = "-created"


def write_off_list(
    *, user: User, filters: dict[str, Any] | None = None, sort: str = WRITE_OFF_DEFAULT_SORT
) -> QuerySet[WriteOff]:
    filters = filters or {}
    qs = visible(WriteOff.objects.all(), user).select_related(
        "instalment__customer", "instalment__contract", "requested_by", "owner"
    )
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(instalment__customer__name__icontains=q)
            | Q(instalment__contract__number__icontains=q)
        )
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.order_by(*WRITE_OFF_SORTS.get(sort, WRITE_OFF_SORTS[WRITE_OFF_DEFAULT_SORT]))


def write_off_get(*, user: User, write_off_id: int) -> WriteOff:
    """One write-off the user may see; WriteOff.DoesNotExist (404) otherwise."""
    return (
        visible(WriteOff.objects.all(), user)
        .select_related(
            "instalment__customer",
            "instalment__contract",
            "instalment__order",
            "requested_by",
            "owner",
            "department",
        )
        .get(pk=write_off_id)
    )


def instalment_get(*, user: User, instalment_id: int) -> Instalment:
    return (
        visible(Instalment.objects.all(), user)
        .select_related("customer", "contract", "order", "owner")
        .get(pk=instalment_id)
    )
