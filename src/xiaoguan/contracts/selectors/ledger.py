"""Reads of the contract ledger (合同台账, R-CON-6): the current version of every contract the
user may see, with its amounts signed / shipped / invoiced / collected, the "expiring" and
"overdue" flags, filters, allow-listed sorting and the totals of what is filtered; and what
the contract PDF prints. Always through the data scope (R-ORG-1); sums in the database.

The flags are queries, not stored states (ARCHITECTURE.md, "Reminders"):

- *expiring*: signed and in force, the contract term ends within ``contracts.expiring_days``
  days from today (today included);
- *overdue*: signed and in force, the delivery date has passed and less than the contract
  amount has shipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from xiaoguan.contracts.enums import ContractStatus
from xiaoguan.contracts.models import Contract, ContractLine, PaymentTerm
from xiaoguan.core import policy
from xiaoguan.org.models import Department, User
from xiaoguan.org.scope import visible

EXPIRING_DAYS_KEY = "contracts.expiring_days"
_MONEY = DecimalField(max_digits=20, decimal_places=2)
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def cents(value: Any) -> Decimal:
    """A sum or difference from the database to the cent (SQLite drops the scale)."""
    return Decimal(value or 0).quantize(CENT)


# Allow-listed sorts: key -> ordering. Every ordering ends on the primary key (stable pages).
SORTS: dict[str, tuple[Any, ...]] = {
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
    "number": ("number", "pk"),
    "-number": ("-number", "-pk"),
    "signed": (F("signed_on").asc(nulls_last=True), "pk"),
    "-signed": (F("signed_on").desc(nulls_last=True), "-pk"),
    "delivery": (F("delivery_date").asc(nulls_last=True), "pk"),
    "-delivery": (F("delivery_date").desc(nulls_last=True), "-pk"),
    "total": ("total", "pk"),
    "-total": ("-total", "-pk"),
    "outstanding": ("outstanding", "pk"),
    "-outstanding": ("-outstanding", "-pk"),
}
DEFAULT_SORT = "-created"
FILTER_KEYS = (
    "q",
    "status",
    "customer",
    "owner",
    "department",
    "signed_from",
    "signed_to",
    "amount_min",
    "amount_max",
    "flag",
)
FLAGS = ("expiring", "overdue")
# The statuses a ledger row can have (the current version of a contract).
LEDGER_STATUSES = tuple(s for s in ContractStatus if s != ContractStatus.SUPERSEDED)


def expiring_days() -> int:
    return int(policy.value(EXPIRING_DAYS_KEY))


def _expiring_q(today: date, days: int) -> Q:
    return Q(
        status=ContractStatus.SIGNED,
        end_on__isnull=False,
        end_on__gte=today,
        end_on__lte=today + timedelta(days=days),
    )


def _overdue_q(today: date) -> Q:
    return Q(
        status=ContractStatus.SIGNED,
        delivery_date__isnull=False,
        delivery_date__lt=today,
        shipped_amount__lt=F("total"),
    )


def _base(user: User) -> QuerySet[Contract]:
    return visible(Contract.objects.filter(is_current=True), user)


def owner_choices(*, user: User) -> QuerySet[User]:
    from xiaoguan.org.selectors import employee_choices

    return employee_choices(user=user)


def department_choices(*, user: User) -> QuerySet[Department]:
    from xiaoguan.org.selectors import department_choices as choices

    return choices(user=user)


def _filtered(qs: QuerySet[Contract], user: User, filters: dict[str, Any]) -> QuerySet[Contract]:
    q = str(filters.get("q") or "").strip()[:100]
    if q:
        qs = qs.filter(
            Q(number__icontains=q) | Q(title__icontains=q) | Q(customer__name__icontains=q)
        )
    statuses = [s for s in (filters.get("status") or []) if s in ContractStatus.values]
    if statuses:
        qs = qs.filter(status__in=statuses)
    customer = str(filters.get("customer") or "").strip()[:100]
    if customer:
        qs = qs.filter(customer__name__icontains=customer)
    owner = filters.get("owner")
    if owner:
        owner_id = owner.pk if isinstance(owner, User) else owner
        # Only an employee inside the user's scope narrows the list; anyone else: nothing.
        if visible(User.objects.filter(pk=owner_id), user).exists():
            qs = qs.filter(owner_id=owner_id)
        else:
            qs = qs.none()
    department = filters.get("department")
    if department:
        dept = department if isinstance(department, Department) else None
        if dept is None:
            dept = department_choices(user=user).filter(pk=department).first()
        if dept is None:
            qs = qs.none()
        else:
            qs = qs.filter(
                department__in=Department.objects.filter(path__startswith=dept.path).values("pk")
            )
    if filters.get("signed_from"):
        qs = qs.filter(signed_on__gte=filters["signed_from"])
    if filters.get("signed_to"):
        qs = qs.filter(signed_on__lte=filters["signed_to"])
    if filters.get("amount_min") not in (None, ""):
        qs = qs.filter(total__gte=filters["amount_min"])
    if filters.get("amount_max") not in (None, ""):
        qs = qs.filter(total__lte=filters["amount_max"])
    flags = filters.get("flag") or []
    if isinstance(flags, str):
        flags = [flags]
    # Several flags: contracts with any of them (what needs attention), like several statuses.
    today = timezone.localdate()
    wanted = Q(pk__in=[])
    if "expiring" in flags:
        wanted |= _expiring_q(today, expiring_days())
    if "overdue" in flags:
        wanted |= _overdue_q(today)
    if any(f in FLAGS for f in flags):
        qs = qs.filter(wanted)
    return qs


def _outstanding() -> ExpressionWrapper:
    return ExpressionWrapper(F("total") - F("collected_amount"), output_field=_MONEY)


def ledger_list(
    *, user: User, filters: dict[str, Any] | None = None, sort: str = DEFAULT_SORT
) -> QuerySet[Contract]:
    """The current versions of the contracts the user may see, filtered by the allow-listed
    ``FILTER_KEYS`` and sorted by ``SORTS``, with ``outstanding`` (amount − collected).
    ``owner`` and ``department`` count only inside the user's scope."""
    qs = _filtered(_base(user), user, filters or {})
    ordering = SORTS.get(sort) or SORTS[DEFAULT_SORT]
    return (
        qs.annotate(outstanding=_outstanding())
        .select_related("customer", "owner")
        .only(
            "pk",
            "number",
            "version_no",
            "title",
            "status",
            "customer__name",
            "owner__full_name",
            "owner__username",
            "department_id",
            "signed_on",
            "delivery_date",
            "end_on",
            "total",
            "shipped_amount",
            "invoiced_amount",
            "collected_amount",
            "created_at",
        )
        .order_by(*ordering)
    )


@dataclass(frozen=True)
class LedgerTotals:
    count: int
    total: Decimal
    shipped: Decimal
    invoiced: Decimal
    collected: Decimal

    @property
    def outstanding(self) -> Decimal:
        return self.total - self.collected


def ledger_totals(qs: QuerySet[Contract]) -> LedgerTotals:
    """Count and sums of a filtered ledger, one aggregate statement. Its exact count also
    serves the pagination: the sums must read every matching row anyway."""

    def total(name: str) -> Coalesce:
        return Coalesce(Sum(name), Value(ZERO), output_field=_MONEY)

    row = qs.order_by().aggregate(
        # count(*), not count(id): the id is not in ``contract_ledger_sums``, and counting it
        # would send a wide scope back to the table.
        n=Count("*"),
        total=total("total"),
        shipped=total("shipped_amount"),
        invoiced=total("invoiced_amount"),
        collected=total("collected_amount"),
    )
    return LedgerTotals(
        count=row["n"],
        total=cents(row["total"]),
        shipped=cents(row["shipped"]),
        invoiced=cents(row["invoiced"]),
        collected=cents(row["collected"]),
    )


@dataclass(frozen=True)
class RowFlags:
    expiring: bool
    overdue: bool


def row_flags(
    contract: Contract, *, today: date | None = None, days: int | None = None
) -> RowFlags:
    """The flags of one ledger row, the same rule as the ``flag`` filter."""
    today = today or timezone.localdate()
    days = expiring_days() if days is None else days
    signed = contract.status == ContractStatus.SIGNED
    return RowFlags(
        expiring=signed
        and contract.end_on is not None
        and today <= contract.end_on <= today + timedelta(days=days),
        overdue=signed
        and contract.delivery_date is not None
        and contract.delivery_date < today
        and contract.shipped_amount < contract.total,
    )


# --- the contract PDF --------------------------------------------------------------------


def contract_for_pdf(*, user: User, contract_id: int) -> Contract:
    """One version of a contract the user may see, with what its PDF prints (lines with
    product and unit, payment terms, customer, department); otherwise Contract.DoesNotExist
    (a 404). Any version prints: a superseded one is still the document that was signed."""
    return (
        visible(Contract.objects.all(), user)
        .select_related("customer", "owner", "department")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ContractLine.objects.select_related("product", "unit").order_by(
                    "position"
                ),
            ),
            Prefetch("payment_terms", queryset=PaymentTerm.objects.order_by("position")),
        )
        .get(pk=contract_id)
    )


def company_name() -> str:
    """The company's name as it signs contracts: the root of the org tree."""
    root = Department.objects.filter(depth=1).order_by("path").only("name").first()
    return root.name if root else ""
