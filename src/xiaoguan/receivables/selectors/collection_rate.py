"""Collection rate and timeliness per rep and team (回款率, R-AR-6), feeding the KPIs and the
weekly report.

For a period (dates inclusive), over the instalments in the user's scope whose due date falls
in it (closed ones, replaced by an amendment or stopped by a termination, do not count):

- *due*: their amounts; *collected*: what is allocated to them today;
- *collection rate*: collected ÷ due;
- *on-time rate*: what was allocated to them from receipts received on or before the due
  date ÷ due;
- *average days late*: over those paid in full, the mean of max(0, paid-in-full date − due
  date).

Two grouped statements (instalments, allocations) whatever the number of instalments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from xiaoguan.org.models import User
from xiaoguan.org.scope import visible
from xiaoguan.receivables.enums import InstalmentStatus, ReceiptStatus
from xiaoguan.receivables.models import Allocation, Instalment, Receipt

DIMENSIONS = ("rep", "team")
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
_MONEY = DecimalField(max_digits=20, decimal_places=2)

_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "rep": ("owner_id", ("owner__full_name", "owner__username")),
    "team": ("department_id", ("department__name",)),
}


def cents(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal (None when nothing was due)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class RateRow:
    key: int
    label: str
    due: Decimal = ZERO
    collected: Decimal = ZERO
    on_time: Decimal = ZERO
    count: int = 0
    paid_count: int = 0
    late_days_total: int = 0

    @property
    def rate(self) -> Decimal | None:
        return percent(self.collected, self.due)

    @property
    def on_time_rate(self) -> Decimal | None:
        return percent(self.on_time, self.due)

    @property
    def average_days_late(self) -> Decimal | None:
        if not self.paid_count:
            return None
        return (Decimal(self.late_days_total) / self.paid_count).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


@dataclass
class CollectionRate:
    dimension: str
    start: date
    end: date
    rows: list[RateRow]
    totals: RateRow


def _days(value: Any) -> int:
    """A summed duration from the database as whole days."""
    if value is None:
        return 0
    if isinstance(value, timedelta):
        return value.days
    return int(value) // 86_400_000_000  # microseconds (SQLite without conversion)


def _due_in(user: User, start: date, end: date) -> QuerySet[Instalment]:
    return visible(
        Instalment.objects.filter(due_date__gte=start, due_date__lte=end).exclude(
            status=InstalmentStatus.CLOSED
        ),
        user,
    ).order_by()


def _late() -> Any:
    late = ExpressionWrapper(F("paid_on") - F("due_date"), output_field=DurationField())
    return Case(
        When(paid_on__gt=F("due_date"), then=late),
        default=Value(timedelta(0)),
        output_field=DurationField(),
    )


def collection_rate(
    *,
    user: User,
    start: date,
    end: date,
    dimension: str = "rep",
    owner_id: int | None = None,
) -> CollectionRate:
    """Due, collected, collection and on-time rates and average days late per rep or team
    for the instalments due from ``start`` to ``end`` (inclusive) in the user's scope;
    ``owner_id`` narrows to one person. Rows sorted by amount due, largest first."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown collection-rate dimension {dimension!r}")
    key_field, label_fields = _GROUPS[dimension]
    qs = _due_in(user, start, end)
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    paid = Q(status=InstalmentStatus.PAID, paid_on__isnull=False)
    rows: dict[int, RateRow] = {}
    for v in qs.values(key_field, *label_fields).annotate(
        due=Coalesce(Sum("amount"), Value(ZERO), output_field=_MONEY),
        got=Coalesce(Sum("collected"), Value(ZERO), output_field=_MONEY),
        n=Count("pk"),
        paid_n=Count("pk", filter=paid),
        late=Sum(_late(), filter=paid),
    ):
        if dimension == "rep":
            label = v["owner__full_name"] or v["owner__username"]
        else:
            label = v["department__name"]
        rows[v[key_field]] = RateRow(
            key=v[key_field],
            label=str(label or ""),
            due=cents(v["due"]),
            collected=cents(v["got"]),
            count=int(v["n"]),
            paid_count=int(v["paid_n"]),
            late_days_total=_days(v["late"]),
        )
    on_time = (
        Allocation.objects.filter(
            is_active=True,
            instalment__in=qs.values("pk"),
            receipt__received_on__lte=F("instalment__due_date"),
        )
        .values(f"instalment__{key_field}")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for v in on_time:
        row = rows.get(v[f"instalment__{key_field}"])
        if row is not None:
            row.on_time = cents(v["total"])
    ordered = sorted(rows.values(), key=lambda r: (-r.due, r.label, r.key))
    totals = RateRow(key=0, label=str(_("Total")))
    for r in ordered:
        totals.due += r.due
        totals.collected += r.collected
        totals.on_time += r.on_time
        totals.count += r.count
        totals.paid_count += r.paid_count
        totals.late_days_total += r.late_days_total
    return CollectionRate(dimension=dimension, start=start, end=end, rows=ordered, totals=totals)


def person_week_figures(*, user: Any, start: date, end: date) -> list[tuple[Any, Any]]:
    """A person's collection figures of a week for the weekly report (R-TGT-5): receipts
    of their customers received in the week, and the collection rate of their instalments
    that fell due in the week. Three statements."""
    received = Receipt.objects.filter(
        owner=user, status=ReceiptStatus.POSTED, received_on__gte=start, received_on__lte=end
    ).aggregate(total=Sum("amount"))["total"]
    own = collection_rate(user=user, start=start, end=end, owner_id=user.pk).totals
    rate = own.rate
    return [
        (_("Collected in the week (CNY)"), f"{cents(received):,.2f}"),
        (_("Due in the week (CNY)"), f"{own.due:,.2f}"),
        (_("Collection rate of what fell due"), "—" if rate is None else f"{rate} %"),
    ]
