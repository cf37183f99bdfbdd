"""Reads of opportunities and the pipeline (R-CUS-8), always through the data scope (R-ORG-1).
Totals are summed in the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from xiaoguan.customers.models import Customer
from xiaoguan.org.models import Department, User
from xiaoguan.org.scope import visible
from xiaoguan.sales.enums import OPEN_STAGES, Stage
from xiaoguan.sales.models import Opportunity, StageChange

SORTS: dict[str, tuple[str, ...]] = {
    "close": ("expected_close", "pk"),
    "-close": ("-expected_close", "-pk"),
    "amount": ("amount", "pk"),
    "-amount": ("-amount", "-pk"),
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
    "stage": ("stage", "expected_close", "pk"),
    "-stage": ("-stage", "expected_close", "pk"),
    "number": ("number",),
    "-number": ("-number",),
}
DEFAULT_SORT = "close"
FILTER_KEYS = (
    "q",
    "stage",
    "owner",
    "team",
    "customer",
    "close_from",
    "close_to",
    "amount_min",
    "amount_max",
)
BOARD_CARD_LIMIT = 100
_MONEY = DecimalField(max_digits=20, decimal_places=2)
CENT = Decimal("0.01")


def opportunity_customers(*, user: User) -> QuerySet[Customer]:
    """Customers an opportunity may be entered for: active, in the user's scope. The form
    validates the chosen customer against them; the page suggests them as typed."""
    from xiaoguan.customers.selectors import customer_choices

    return customer_choices(user=user)


def _base(user: User) -> QuerySet[Opportunity]:
    return visible(Opportunity.objects.all(), user)


def team_choices(*, user: User) -> QuerySet[Department]:
    """Departments the user may filter by (their own and, for managers, the subtree)."""
    return visible(Department.objects.all(), user).order_by("path")


def _filtered(qs: QuerySet[Opportunity], user: User, filters: dict[str, Any]) -> QuerySet:
    q = (filters.get("q") or "").strip()
    if q:
        from django.db.models import Q

        qs = qs.filter(
            Q(name__icontains=q) | Q(number__icontains=q) | Q(customer__name__icontains=q)
        )
    stage = filters.get("stage")
    if stage == "open":
        qs = qs.filter(stage__in=OPEN_STAGES)
    elif stage in Stage.values:
        qs = qs.filter(stage=stage)
    owner = filters.get("owner")
    if owner:
        owner_id = owner.pk if isinstance(owner, User) else owner
        if visible(User.objects.filter(pk=owner_id), user).exists():
            qs = qs.filter(owner_id=owner_id)
        else:
            qs = qs.none()
    team = filters.get("team")
    if team:
        dept = team if isinstance(team, Department) else None
        if dept is None:
            dept = team_choices(user=user).filter(pk=team).first()
        if dept is None:
            qs = qs.none()
        else:
            qs = qs.filter(
                department__in=Department.objects.filter(path__startswith=dept.path).values("pk")
            )
    customer = filters.get("customer")
    if customer:
        qs = qs.filter(customer_id=customer.pk if isinstance(customer, Customer) else customer)
    if filters.get("close_from"):
        qs = qs.filter(expected_close__gte=filters["close_from"])
    if filters.get("close_to"):
        qs = qs.filter(expected_close__lte=filters["close_to"])
    if filters.get("amount_min") is not None and filters.get("amount_min") != "":
        qs = qs.filter(amount__gte=filters["amount_min"])
    if filters.get("amount_max") is not None and filters.get("amount_max") != "":
        qs = qs.filter(amount__lte=filters["amount_max"])
    return qs


def opportunity_list(
    *, user: User, filters: dict[str, Any] | None = None, sort: str = DEFAULT_SORT
) -> QuerySet[Opportunity]:
    """The opportunities the user may see, filtered by the allow-listed ``FILTER_KEYS`` and
    sorted by ``SORTS``; ``owner`` and ``team`` count only inside the user's scope."""
    qs = _filtered(_base(user), user, filters or {})
    ordering = SORTS.get(sort) or SORTS[DEFAULT_SORT]
    return qs.select_related("customer", "owner", "department").order_by(*ordering)


def opportunity_get(*, user: User, opportunity_id: int) -> Opportunity:
    """One opportunity the user may see; otherwise Opportunity.DoesNotExist (a 404)."""
    return (
        _base(user).select_related("customer", "owner", "department", "lead").get(pk=opportunity_id)
    )


def opportunity_stage_changes(*, opportunity: Opportunity) -> QuerySet[StageChange]:
    """The stage history of an opportunity already fetched through the scope, oldest first."""
    return opportunity.stage_changes.select_related("by").order_by("at", "pk")


def customer_opportunities(*, customer: Customer, user: User) -> QuerySet[Opportunity]:
    """A customer's opportunities the user may see, open ones first, newest close first."""
    return (
        _base(user)
        .filter(customer=customer)
        .select_related("owner")
        .order_by("closed_at", "-expected_close", "-pk")[:50]
    )


def _weighted_sum():
    # Σ amount × probability (percent); divided by 100 in Python to keep Decimal precision.
    return Coalesce(
        Sum(F("amount") * F("probability"), output_field=_MONEY),
        Value(Decimal(0)),
        output_field=_MONEY,
    )


def _amount_sum():
    return Coalesce(Sum("amount"), Value(Decimal(0)), output_field=_MONEY)


def _weighted(raw: Any) -> Decimal:
    return (Decimal(raw or 0) / 100).quantize(CENT)


def _money(raw: Any) -> Decimal:
    return Decimal(raw or 0).quantize(CENT)


@dataclass
class BoardColumn:
    stage: str
    label: Any
    count: int = 0
    amount: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)
    cards: list[Opportunity] = field(default_factory=list)
    more: int = 0


def pipeline_board(*, user: User, filters: dict[str, Any] | None = None) -> list[BoardColumn]:
    """One column per stage with its totals (count, amount, weighted amount) summed in the
    database; cards only for the open stages (at most ``BOARD_CARD_LIMIT`` each, soonest
    close first). Won and lost are drop zones with their totals."""
    columns = _summary_columns(user, filters)
    qs = _filtered(_base(user), user, {k: v for k, v in (filters or {}).items() if k != "stage"})
    by_stage = {c.stage: c for c in columns}
    cards = (
        qs.filter(stage__in=OPEN_STAGES)
        .select_related("customer", "owner")
        .order_by("expected_close", "pk")
    )
    # One query for every open column: rank cards per stage in Python, capped per column.
    for opp in cards[: BOARD_CARD_LIMIT * len(OPEN_STAGES) * 4]:
        column = by_stage[opp.stage]
        if len(column.cards) < BOARD_CARD_LIMIT:
            column.cards.append(opp)
    for column in columns:
        if column.stage in OPEN_STAGES:
            column.more = max(column.count - len(column.cards), 0)
    return columns


@dataclass
class PipelineRow:
    key: Any
    label: str
    count: int = 0
    amount: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)
    months: dict[date, dict[str, Any]] = field(default_factory=dict)
    cells: list[dict[str, Any] | None] = field(default_factory=list)  # aligned with the months


@dataclass
class PipelineReport:
    group: str
    months: list[date]
    rows: list[PipelineRow]
    total: PipelineRow


def weighted_pipeline(
    *, user: User, group: str = "owner", filters: dict[str, Any] | None = None
) -> PipelineReport:
    """The open pipeline in the user's scope per rep (``group="owner"``) or per team
    (``group="department"``) and per expected-close month: count, amount and weighted amount
    (amount × probability). One grouped query in the database."""
    if group not in ("owner", "department"):
        group = "owner"
    filters = {k: v for k, v in (filters or {}).items() if k != "stage"}
    qs = _filtered(_base(user), user, filters).filter(stage__in=OPEN_STAGES)
    label_field = "owner__full_name" if group == "owner" else "department__name"
    rows = (
        qs.order_by()
        .annotate(month=TruncMonth("expected_close"))
        .values(
            group,
            label_field,
            "owner__username" if group == "owner" else "department__path",
            "month",
        )
        .annotate(n=Count("pk"), sum_amount=_amount_sum(), sum_weighted=_weighted_sum())
    )
    out: dict[Any, PipelineRow] = {}
    total = PipelineRow(key=None, label="")
    months: set[date] = set()
    sort_keys: dict[Any, str] = {}
    for r in rows:
        key = r[group]
        label = r[label_field] or (r.get("owner__username") or "")
        row = out.setdefault(key, PipelineRow(key=key, label=label))
        sort_keys[key] = r.get("department__path") or label
        month = r["month"]
        if hasattr(month, "date"):
            month = month.date()
        months.add(month)
        amount, weighted = _money(r["sum_amount"]), _weighted(r["sum_weighted"])
        row.months[month] = {"count": r["n"], "amount": amount, "weighted": weighted}
        row.count += r["n"]
        row.amount += amount
        row.weighted += weighted
        cell = total.months.setdefault(
            month, {"count": 0, "amount": Decimal(0), "weighted": Decimal(0)}
        )
        cell["count"] += r["n"]
        cell["amount"] += amount
        cell["weighted"] += weighted
        total.count += r["n"]
        total.amount += amount
        total.weighted += weighted
    ordered = sorted(out.values(), key=lambda row: sort_keys[row.key])
    month_list = sorted(months)
    for row in [*ordered, total]:
        row.cells = [row.months.get(m) for m in month_list]
    return PipelineReport(group=group, months=month_list, rows=ordered, total=total)


def pipeline_summary(*, user: User, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Per stage: count, amount and weighted amount (for the API)."""
    return [
        {
            "stage": c.stage,
            "count": c.count,
            "amount": c.amount,
            "weighted_amount": c.weighted,
        }
        for c in _summary_columns(user, filters)
    ]


def _summary_columns(user: User, filters: dict[str, Any] | None) -> list[BoardColumn]:
    filters = {k: v for k, v in (filters or {}).items() if k != "stage"}
    qs = _filtered(_base(user), user, filters)
    totals = {
        row["stage"]: row
        for row in qs.order_by()
        .values("stage")
        .annotate(n=Count("pk"), sum_amount=_amount_sum(), sum_weighted=_weighted_sum())
    }
    return [
        BoardColumn(
            stage=s.value,
            label=s.label,
            count=totals.get(s.value, {}).get("n", 0),
            amount=_money(totals.get(s.value, {}).get("sum_amount")),
            weighted=_weighted(totals.get(s.value, {}).get("sum_weighted")),
        )
        for s in Stage
    ]
