"""Aging of receivables (账龄分析, R-AR-4): what customers still owe on open instalments, by
how many days it is past due as of a date, per customer, rep, team or region; the drill-down
to the instalments behind one figure; the bad-debt risk flag of each row.

Definitions (docs/user/*/aging.md):

- *outstanding* of an instalment: amount − collected − written off, of OPEN instalments only;
- *days past due* as of a date: as_of − due date. An instalment due on the as-of date is not
  yet overdue (the same rule as credit control's "overdue"), so the first bucket, shown as
  "0-30" after the spec, holds 1 to 30 days past due;
- buckets come from the policy ``receivables.aging_buckets`` (upper bounds in days, default
  30, 60, 90, 180, 365): not yet due, 0-30, 31-60, 61-90, 91-180, 181-365, over 365;
- instalments still waiting for their event (delivery, acceptance: no due date) are their
  own column, never overdue;
- *region* of an instalment: the nearest ancestor of its department (itself included) whose
  kind is "region"; departments outside every region (head office, the sales centre) make
  the row "no region" (key 0);
- *bad-debt risk*: something in the row is more than ``receivables.bad_debt_days`` past due,
  or the customer has had a lawyer's letter or a lawsuit (dunning actions).

Every figure is one grouped SQL statement with a conditional sum per bucket, whatever the
number of instalments (the bench reads 600,000); rows are sorted and paginated in the
database. Regions are merged from the per-department rows (departments are few)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoguan.core import policy
from xiaoguan.customers.enums import CustomerClass
from xiaoguan.customers.models import Customer
from xiaoguan.org.enums import DepartmentKind
from xiaoguan.org.models import Department, User
from xiaoguan.org.scope import visible
from xiaoguan.receivables.enums import DunningKind, InstalmentStatus
from xiaoguan.receivables.models import DunningAction, Instalment

BUCKETS_KEY = "receivables.aging_buckets"
BAD_DEBT_DAYS_KEY = "receivables.bad_debt_days"
DEFAULT_BUCKETS = (30, 60, 90, 180, 365)
DEFAULT_BAD_DEBT_DAYS = 365
DIMENSIONS = ("customer", "rep", "team", "region")
LEGAL_KINDS = (DunningKind.LAWYERS_LETTER, DunningKind.LAWSUIT)
FILTER_KEYS = ("owner", "department", "customer_class", "customer")
NOT_DUE, WAITING, OVERDUE, TOTAL = "not_due", "waiting", "overdue", "total"
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
_MONEY = DecimalField(max_digits=20, decimal_places=2)


def cents(value: Any) -> Decimal:
    """A sum from the database to the cent (SQLite drops the scale)."""
    return Decimal(value or 0).quantize(CENT)


@dataclass(frozen=True)
class Bucket:
    """One column: ``lo < days past due <= hi`` (``hi`` None: no upper bound)."""

    key: str
    label: str
    lo: int | None = None
    hi: int | None = None


def bucket_bounds() -> list[int]:
    try:
        raw = policy.value(BUCKETS_KEY)
    except KeyError:
        raw = DEFAULT_BUCKETS
    return [int(b) for b in raw]


def bad_debt_days() -> int:
    try:
        return int(policy.value(BAD_DEBT_DAYS_KEY))
    except KeyError:
        return DEFAULT_BAD_DEBT_DAYS


def buckets(bounds: Sequence[int] | None = None) -> list[Bucket]:
    """Not yet due, then the overdue ranges of the policy (0-30, 31-60 ..., over 365)."""
    bounds = list(bounds if bounds is not None else bucket_bounds())
    out = [Bucket(NOT_DUE, str(_("Not yet due")))]
    lo = 0
    for hi in bounds:
        out.append(Bucket(f"{lo + 1 if lo else 0}-{hi}", f"{lo + 1 if lo else 0}-{hi}", lo, hi))
        lo = hi
    out.append(Bucket(f"over{lo}", str(_("Over %(days)s") % {"days": lo}), lo, None))
    return out


def _bucket_q(bucket: Bucket, as_of: date) -> Q:
    """The due-date condition of a bucket: days past due = as_of − due_date."""
    if bucket.key == NOT_DUE:
        return Q(due_date__isnull=False, due_date__gte=as_of)
    if bucket.key == WAITING:
        return Q(due_date__isnull=True)
    if bucket.key == OVERDUE:
        return Q(due_date__lt=as_of)
    if bucket.key == TOTAL:
        return Q()
    assert bucket.lo is not None
    q = Q(due_date__lt=as_of - timedelta(days=bucket.lo))
    if bucket.hi is not None:
        q &= Q(due_date__gte=as_of - timedelta(days=bucket.hi))
    return q


def bucket_for(key: str, as_of: date) -> Bucket | None:
    """The bucket of a drill-down key (a column key, "waiting", "overdue" or "total")."""
    special = {
        WAITING: Bucket(WAITING, str(_("Waiting for an event"))),
        OVERDUE: Bucket(OVERDUE, str(_("Total overdue"))),
        TOTAL: Bucket(TOTAL, str(_("Total"))),
    }
    if key in special:
        return special[key]
    return next((b for b in buckets() if b.key == key), None)


# --- rows -------------------------------------------------------------------------------


@dataclass
class AgingRow:
    key: int
    label: str
    amounts: dict[str, Decimal]  # bucket key -> outstanding
    waiting: Decimal = ZERO
    overdue: Decimal = ZERO
    total: Decimal = ZERO
    bad_debt: Decimal = ZERO  # more than bad_debt_days past due
    legal: bool = False  # a customer of the row had a lawyer's letter or a lawsuit
    count: int = 0

    @property
    def risk(self) -> bool:
        return self.bad_debt > 0 or self.legal

    def cells(self, columns: Sequence[Bucket]) -> list[tuple[Bucket, Decimal]]:
        return [(b, self.amounts.get(b.key, ZERO)) for b in columns]


@dataclass
class AgingReport:
    dimension: str
    as_of: date
    buckets: list[Bucket]
    rows: list[AgingRow]
    totals: AgingRow
    row_count: int
    bad_debt_days: int
    sort: str = "-total"
    filters: dict[str, Any] = field(default_factory=dict)


SORT_KEYS = ("label", "total", "overdue", "waiting")
DEFAULT_SORT = "-total"


def sort_keys(columns: Sequence[Bucket]) -> list[str]:
    return [*SORT_KEYS, *(b.key for b in columns)]


def _base(user: User) -> QuerySet[Instalment]:
    """Open instalments with something left to collect, in the user's scope."""
    return visible(
        Instalment.objects.filter(status=InstalmentStatus.OPEN).filter(
            amount__gt=F("collected") + F("written_off")
        ),
        user,
    )


def _filtered(qs: QuerySet[Instalment], user: User, filters: dict[str, Any]) -> QuerySet:
    """Owner and department count only inside the user's scope (anyone else: nothing)."""
    owner = filters.get("owner")
    if owner:
        owner_id = owner.pk if isinstance(owner, User) else int(owner)
        if visible(User.objects.filter(pk=owner_id), user).exists():
            qs = qs.filter(owner_id=owner_id)
        else:
            qs = qs.none()
    department = filters.get("department")
    if department:
        dept = department if isinstance(department, Department) else None
        if dept is None:
            dept = visible(Department.objects.filter(pk=int(department)), user).first()
        if dept is None:
            qs = qs.none()
        else:
            qs = qs.filter(
                department__in=Department.objects.filter(path__startswith=dept.path).values("pk")
            )
    klass = filters.get("customer_class")
    if klass:
        qs = qs.filter(customer__customer_class=klass) if klass in CustomerClass.values else qs
    customer = filters.get("customer")
    if customer:
        qs = qs.filter(customer_id=int(customer))
    return qs


def _left() -> Any:
    return F("amount") - F("collected") - F("written_off")


def _sum(q: Q) -> Coalesce:
    return Coalesce(Sum(_left(), filter=q), Value(ZERO), output_field=_MONEY)


def _legal_customers() -> QuerySet:
    return DunningAction.objects.filter(kind__in=LEGAL_KINDS).values("customer_id")


def _aggregates(columns: Sequence[Bucket], as_of: date, bad_days: int) -> dict[str, Any]:
    agg: dict[str, Any] = {f"b{i}": _sum(_bucket_q(b, as_of)) for i, b in enumerate(columns)}
    agg["waiting"] = _sum(Q(due_date__isnull=True))
    agg["overdue"] = _sum(Q(due_date__lt=as_of))
    agg["total"] = _sum(Q())
    agg["bad_debt"] = _sum(Q(due_date__lt=as_of - timedelta(days=bad_days)))
    agg["legal"] = _sum(Q(customer_id__in=_legal_customers()))
    agg["n"] = Count("pk")
    return agg


def _row(key: int, label: str, values: dict[str, Any], columns: Sequence[Bucket]) -> AgingRow:
    return AgingRow(
        key=key,
        label=label,
        amounts={b.key: cents(values[f"b{i}"]) for i, b in enumerate(columns)},
        waiting=cents(values["waiting"]),
        overdue=cents(values["overdue"]),
        total=cents(values["total"]),
        bad_debt=cents(values["bad_debt"]),
        legal=cents(values["legal"]) > 0,
        count=int(values["n"] or 0),
    )


def _add(into: AgingRow, row: AgingRow) -> None:
    for k, v in row.amounts.items():
        into.amounts[k] = into.amounts.get(k, ZERO) + v
    into.waiting += row.waiting
    into.overdue += row.overdue
    into.total += row.total
    into.bad_debt += row.bad_debt
    into.legal = into.legal or row.legal
    into.count += row.count


# The group-by of each dimension: (key field, label fields).
_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "customer": ("customer_id", ("customer__name",)),
    "rep": ("owner_id", ("owner__full_name", "owner__username")),
    "team": ("department_id", ("department__name",)),
}


def _label(dimension: str, values: dict[str, Any]) -> str:
    if dimension == "rep":
        return values["owner__full_name"] or values["owner__username"]
    field_name = _GROUPS[dimension][1][0]
    return str(values[field_name] or "")


_LABEL_SOURCES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "customer": (Customer, ("name",)),
    "rep": (User, ("full_name", "username")),
    "team": (Department, ("name",)),
}


def _labels(dimension: str, keys: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The label fields of a page of rows, named as in ``_GROUPS``, in one query."""
    model, fields = _LABEL_SOURCES[dimension]
    names = _GROUPS[dimension][1]
    return {
        row["pk"]: {name: row[f] for name, f in zip(names, fields, strict=True)}
        for row in model.objects.filter(pk__in=keys).values("pk", *fields)
    }


def region_map() -> dict[int, tuple[int, str]]:
    """``{department_id: (region_id, region name)}`` for every department: the nearest
    ancestor (itself included) of kind "region"; (0, "") outside every region."""
    departments = list(Department.objects.order_by("path").values("pk", "path", "kind", "name"))
    regions = [d for d in departments if d["kind"] == DepartmentKind.REGION]
    out: dict[int, tuple[int, str]] = {}
    for d in departments:
        best = None
        for r in regions:
            if d["path"].startswith(r["path"]) and (
                best is None or len(r["path"]) > len(best["path"])
            ):
                best = r
        out[d["pk"]] = (best["pk"], best["name"]) if best else (0, "")
    return out


def _order_by(sort: str, dimension: str, columns: Sequence[Bucket]) -> list[Any]:
    desc = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "label":
        name = _GROUPS[dimension][1][0]
        expr: Any = F(name)
    elif key in ("total", "overdue", "waiting"):
        expr = F(key)
    else:
        index = next((i for i, b in enumerate(columns) if b.key == key), None)
        expr = F(f"b{index}") if index is not None else F("total")
    tie = _GROUPS[dimension][0]
    ordered = expr.desc(nulls_last=True) if desc else expr.asc(nulls_last=True)
    return [ordered, F(tie).desc() if desc else F(tie).asc()]


def _sort_rows(rows: list[AgingRow], sort: str) -> list[AgingRow]:
    desc = sort.startswith("-")
    key = sort.lstrip("-")

    def value(r: AgingRow) -> Any:
        if key == "label":
            return r.label
        if key in ("total", "overdue", "waiting"):
            return getattr(r, key)
        return r.amounts.get(key, ZERO)

    return sorted(rows, key=lambda r: (value(r), r.key), reverse=desc)


def aging_report(
    *,
    user: User,
    dimension: str = "customer",
    as_of: date | None = None,
    filters: dict[str, Any] | None = None,
    sort: str = DEFAULT_SORT,
    offset: int = 0,
    limit: int | None = None,
) -> AgingReport:
    """The aging of the instalments the user may see, one row per customer / rep / team /
    region, sorted by an allow-listed column, ``limit`` rows from ``offset`` (all by
    default), with the totals of every row. Unknown dimensions raise ValueError."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown aging dimension {dimension!r}")
    as_of = as_of or timezone.localdate()
    filters = {k: v for k, v in (filters or {}).items() if k in FILTER_KEYS and v}
    columns = buckets()
    bad_days = bad_debt_days()
    if sort.lstrip("-") not in sort_keys(columns):
        sort = DEFAULT_SORT
    qs = _filtered(_base(user), user, filters).order_by()
    agg = _aggregates(columns, as_of, bad_days)
    # The totals and the number of rows in one statement (no second pass for the count).
    group_key = _GROUPS[dimension][0] if dimension in _GROUPS else "department_id"
    total_values = qs.aggregate(**agg, groups=Count(group_key, distinct=True))
    totals = _row(0, str(_("Total")), total_values, columns)

    if dimension == "region":
        regions = region_map()
        merged: dict[int, AgingRow] = {}
        for values in qs.values("department_id").annotate(**agg):
            region_id, name = regions.get(values["department_id"], (0, ""))
            row = _row(region_id, name or str(_("No region")), values, columns)
            if region_id in merged:
                _add(merged[region_id], row)
            else:
                merged[region_id] = row
        rows = _sort_rows(list(merged.values()), sort)
        count = len(rows)
        rows = rows[offset : offset + limit] if limit is not None else rows[offset:]
    else:
        key_field, label_fields = _GROUPS[dimension]
        count = int(total_values["groups"] or 0)
        by_label = sort.lstrip("-") == "label"
        # Sorted by a figure, the grouping reads the instalments alone and the page's names
        # come afterwards in one small query: joining every customer before grouping cost
        # ~0.6 s of the company-wide aging at 600,000 instalments (docs/benchmarks.md).
        grouped = qs.values(key_field, *(label_fields if by_label else ())).annotate(**agg)
        ordered = grouped.order_by(*_order_by(sort, dimension, columns))
        page = list(ordered[offset : offset + limit] if limit is not None else ordered[offset:])
        if not by_label:
            names = _labels(dimension, [v[key_field] for v in page])
            for v in page:
                v.update(names.get(v[key_field], dict.fromkeys(label_fields, "")))
        rows = [_row(v[key_field], _label(dimension, v), v, columns) for v in page]
    return AgingReport(
        dimension=dimension,
        as_of=as_of,
        buckets=columns,
        rows=rows,
        totals=totals,
        row_count=count,
        bad_debt_days=bad_days,
        sort=sort,
        filters=filters,
    )


# --- drill-down ---------------------------------------------------------------------------


def _key_q(dimension: str, key: int) -> Q:
    if dimension == "customer":
        return Q(customer_id=key)
    if dimension == "rep":
        return Q(owner_id=key)
    if dimension == "team":
        return Q(department_id=key)
    ids = [d for d, (r, _name) in region_map().items() if r == key]
    return Q(department_id__in=ids)


def aging_instalments(
    *,
    user: User,
    dimension: str,
    key: int,
    bucket: str,
    as_of: date | None = None,
    filters: dict[str, Any] | None = None,
) -> QuerySet[Instalment]:
    """The instalments behind one figure of the report: the row ``key`` of ``dimension``
    (region 0: no region) and the column ``bucket`` (a bucket key, "waiting", "overdue" or
    "total"), with ``outstanding`` annotated, oldest due first. Unknown dimension or bucket:
    ValueError."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown aging dimension {dimension!r}")
    as_of = as_of or timezone.localdate()
    chosen = bucket_for(bucket, as_of)
    if chosen is None:
        raise ValueError(f"unknown aging bucket {bucket!r}")
    filters = {k: v for k, v in (filters or {}).items() if k in FILTER_KEYS and v}
    qs = _filtered(_base(user), user, filters)
    return (
        qs.filter(_key_q(dimension, key), _bucket_q(chosen, as_of))
        .annotate(
            outstanding_amount=ExpressionWrapper(
                _left(), output_field=DecimalField(max_digits=16, decimal_places=2)
            )
        )
        .select_related("customer", "owner", "department", "contract", "order")
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )


def days_past_due(instalment: Instalment, as_of: date) -> int | None:
    """Days past due of one instalment for display (None while it waits for its event;
    zero or negative: not yet due)."""
    return None if instalment.due_date is None else (as_of - instalment.due_date).days
