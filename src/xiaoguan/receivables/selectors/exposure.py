"""What each customer owes, for credit control (R-ORD-2, R-RSK-1): registered with
``orders.registries.register_credit_exposure`` so orders can block without importing
receivables. One grouped query for any number of customers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import DecimalField, F, Min, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from xiaoguan.orders.registries import Exposure
from xiaoguan.receivables.enums import InstalmentStatus
from xiaoguan.receivables.models import Instalment

_MONEY = DecimalField(max_digits=16, decimal_places=2)


def customer_exposure(
    customer_ids: Iterable[int], *, today: date | None = None
) -> dict[int, Exposure]:
    """``{customer_id: Exposure}`` over open instalments: outstanding = amount − collected −
    written off; overdue = the outstanding of those whose due date has passed."""
    today = today or timezone.localdate()
    ids = list(customer_ids)
    if not ids:
        return {}
    left = F("amount") - F("collected") - F("written_off")
    overdue = Q(due_date__lt=today)
    rows = (
        Instalment.objects.filter(customer_id__in=ids, status=InstalmentStatus.OPEN)
        .values("customer_id")
        .annotate(
            owed=Coalesce(Sum(left), Value(0), output_field=_MONEY),
            overdue=Coalesce(Sum(left, filter=overdue), Value(0), output_field=_MONEY),
            oldest=Min("due_date", filter=overdue),
        )
    )
    return {
        r["customer_id"]: Exposure(
            outstanding=r["owed"],
            overdue=r["overdue"],
            overdue_days=(today - r["oldest"]).days if r["oldest"] else 0,
        )
        for r in rows
    }
