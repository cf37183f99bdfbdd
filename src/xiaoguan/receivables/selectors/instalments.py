"""The collection plan as users see it (R-AR-1): instalments per contract, customer or owner,
with status, due date and what is outstanding, through the one scope gate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from xiaoguan.contracts.selectors.family import in_family
from xiaoguan.org.scope import visible
from xiaoguan.receivables.enums import InstalmentStatus
from xiaoguan.receivables.models import Allocation, Instalment

_MONEY = DecimalField(max_digits=16, decimal_places=2)
OUTSTANDING = ExpressionWrapper(F("amount") - F("collected") - F("written_off"), _MONEY)

INSTALMENT_FILTERS = (
    "customer",
    "contract",
    "order",
    "owner",
    "status",
    "due_from",
    "due_to",
    "overdue",
)
INSTALMENT_SORTS = {
    "due": (F("due_date").asc(nulls_last=True), "contract_id", "position", "pk"),
    "-due": (F("due_date").desc(nulls_last=True), "-pk"),
    "amount": ("amount", "pk"),
    "-amount": ("-amount", "-pk"),
    "outstanding": ("outstanding_value", "pk"),
    "-outstanding": ("-outstanding_value", "-pk"),
    "customer": ("customer__name", "pk"),
    "-customer": ("-customer__name", "-pk"),
}
INSTALMENT_DEFAULT_SORT = "due"


def instalment_list(
    *, user: Any, filters: dict[str, Any] | None = None, sort: str = INSTALMENT_DEFAULT_SORT
) -> QuerySet[Instalment]:
    """Instalments in the user's scope, filtered (allow-listed keys) and sorted; each with
    ``outstanding_value`` computed in the database."""
    filters = filters or {}
    qs = (
        visible(Instalment.objects.all(), user)
        .select_related("customer", "contract", "order", "owner")
        .annotate(outstanding_value=OUTSTANDING)
    )
    customer = filters.get("customer")
    if isinstance(customer, int):
        qs = qs.filter(customer_id=customer)
    elif customer:
        qs = qs.filter(customer__name__icontains=str(customer))
    if filters.get("contract"):
        root = filters["contract"]
        qs = qs.filter(in_family(root))
    if filters.get("order"):
        qs = qs.filter(order_id=filters["order"])
    if filters.get("owner"):
        qs = qs.filter(owner_id=filters["owner"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("due_from"):
        qs = qs.filter(due_date__gte=filters["due_from"])
    if filters.get("due_to"):
        qs = qs.filter(due_date__lte=filters["due_to"])
    if filters.get("overdue"):
        qs = qs.filter(status="open", due_date__lt=timezone.localdate())
    return qs.order_by(*INSTALMENT_SORTS.get(sort, INSTALMENT_SORTS[INSTALMENT_DEFAULT_SORT]))


def instalment_totals(qs: QuerySet[Instalment]) -> dict[str, Any]:
    """Count and sums of the filtered instalments (outstanding: of the open ones)."""
    return qs.order_by().aggregate(
        count=Count("pk"),
        sum_amount=Coalesce(Sum("amount"), Value(Decimal(0)), output_field=_MONEY),
        sum_collected=Coalesce(Sum("collected"), Value(Decimal(0)), output_field=_MONEY),
        sum_outstanding=Coalesce(
            Sum(OUTSTANDING, filter=Q(status="open")), Value(Decimal(0)), output_field=_MONEY
        ),
    )


def instalment_get(*, user: Any, instalment_id: int) -> Instalment | None:
    return (
        visible(Instalment.objects.all(), user)
        .select_related("customer", "contract", "order", "owner")
        .filter(pk=instalment_id)
        .first()
    )


def contract_allocations(*, root_id: int) -> QuerySet[Allocation]:
    """The active allocations of receipts to the instalments of every version of the contract
    ``root_id`` (the contract itself is checked against the user's scope by the caller), in
    the order the money came in."""
    return (
        Allocation.objects.filter(in_family(root_id, "instalment__contract"), is_active=True)
        .select_related("receipt", "instalment")
        .order_by("receipt__received_on", "pk")
    )


@dataclass(frozen=True)
class ContractPlan:
    """A contract family's instalments in the user's scope (every version, closed ones
    included) and the figures of those not closed: amount, collected, outstanding (of the
    open ones) and overdue (open, due before ``today``)."""

    instalments: list[Instalment]
    amount: Decimal
    collected: Decimal
    outstanding: Decimal
    overdue: Decimal
    closed: int
    today: date


def contract_collection_plan(*, user: Any, root_id: int, today: date | None = None) -> ContractPlan:
    """One query, however many instalments: the rows with ``outstanding_value`` and
    ``is_overdue``; the figures are summed from them."""
    today = today or timezone.localdate()
    rows = list(
        instalment_list(user=user, filters={"contract": root_id}).order_by(
            "contract__version_no", "position"
        )
    )
    amount = collected = outstanding = overdue = Decimal(0)
    closed = 0
    for row in rows:
        row.is_overdue = bool(  # type: ignore[attr-defined]
            row.status == InstalmentStatus.OPEN and row.due_date and row.due_date < today
        )
        if row.status == InstalmentStatus.CLOSED:
            closed += 1
            continue
        amount += row.amount
        collected += row.collected
        if row.status == InstalmentStatus.OPEN:
            outstanding += row.outstanding_value  # type: ignore[attr-defined]
            if row.is_overdue:  # type: ignore[attr-defined]
                overdue += row.outstanding_value  # type: ignore[attr-defined]
    return ContractPlan(
        instalments=rows,
        amount=amount,
        collected=collected,
        outstanding=outstanding,
        overdue=overdue,
        closed=closed,
        today=today,
    )
