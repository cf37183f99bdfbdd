"""The collection plan as users see it (R-AR-1): instalments per contract, customer or owner,
with status, due date and what is outstanding, through the one scope gate."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from xiaoguan.contracts.selectors.family import in_family
from xiaoguan.org.scope import visible
from xiaoguan.receivables.models import Instalment

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
