"""Reads of the stock (R-ORD-3): what is available where, the stock levels page, a product's
movement ledger and the replenishment alerts. Stock is master data (no owner, no data scope):
whoever holds ``catalog.stock_view`` sees all of it.

The reorder point of a level is the one set by hand, or else the average daily quantity issued
(movements of kind ``issue``) over the last ``catalog.reorder_history_days`` days times
(``catalog.reorder_lead_days`` + ``catalog.reorder_safety_days``), computed in the database
with one grouped subquery for the whole list."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round
from django.utils import timezone

from xiaoguan.catalog.models import (
    QUANTITY,
    MovementKind,
    StockLevel,
    StockMovement,
    Warehouse,
)
from xiaoguan.core import policy

SORTS: dict[str, tuple[str, ...]] = {
    "product": ("product__code", "warehouse__code"),
    "-product": ("-product__code", "warehouse__code"),
    "warehouse": ("warehouse__code", "product__code"),
    "-warehouse": ("-warehouse__code", "product__code"),
    "on_hand": ("on_hand", "product__code"),
    "-on_hand": ("-on_hand", "product__code"),
    "reserved": ("reserved", "product__code"),
    "-reserved": ("-reserved", "product__code"),
    "available": ("available_qty", "product__code"),
    "-available": ("-available_qty", "product__code"),
    "reorder": ("effective_point", "product__code"),
    "-reorder": ("-effective_point", "product__code"),
}
DEFAULT_SORT = "product"
FILTER_KEYS = ("q", "warehouse", "category", "below")

_Q = DecimalField(max_digits=QUANTITY["max_digits"], decimal_places=QUANTITY["decimal_places"])


def available_by_warehouse(*, product_ids: Any) -> dict[int, dict[int, Decimal]]:
    """{product_id: {warehouse_id: available}} over the ACTIVE warehouses, for the products
    asked (a product without any stock row is absent). One query."""
    ids = [int(p) for p in product_ids or []]
    result: dict[int, dict[int, Decimal]] = defaultdict(dict)
    if not ids:
        return {}
    rows = (
        StockLevel.objects.filter(product_id__in=ids, warehouse__is_active=True)
        .annotate(avail=F("on_hand") - F("reserved"))
        .values_list("product_id", "warehouse_id", "avail")
    )
    for product_id, warehouse_id, avail in rows:
        result[product_id][warehouse_id] = Decimal(avail)
    return dict(result)


def reorder_settings() -> tuple[int, int]:
    """(history days, lead + safety days) from the policy page."""
    history = int(policy.value("catalog.reorder_history_days"))
    cover = int(policy.value("catalog.reorder_lead_days")) + int(
        policy.value("catalog.reorder_safety_days")
    )
    return history, cover


def with_figures(qs: QuerySet[StockLevel], *, now: datetime.datetime | None = None) -> QuerySet:
    """Annotate stock levels with ``available_qty``, ``issued`` (over the history window),
    ``derived_point`` (the computed reorder point), ``effective_point`` (by hand, else
    derived) and ``below`` (available < effective point). One subquery, no Python loop."""
    history, cover = reorder_settings()
    since = (now or timezone.now()) - datetime.timedelta(days=history)
    issued = (
        StockMovement.objects.filter(
            product_id=OuterRef("product_id"),
            warehouse_id=OuterRef("warehouse_id"),
            kind=MovementKind.ISSUE,
            at__gte=since,
        )
        .order_by()
        .values("product_id", "warehouse_id")
        .annotate(total=Sum("on_hand_change"))
        .values("total")
    )
    # Issues are negative on-hand changes: the quantity issued is their negated sum.
    derived = ExpressionWrapper(
        Round(F("issued") * Value(Decimal(cover)) / Value(Decimal(max(history, 1))), 3),
        output_field=_Q,
    )
    return (
        qs.annotate(
            available_qty=ExpressionWrapper(F("on_hand") - F("reserved"), output_field=_Q),
            issued=Coalesce(
                ExpressionWrapper(-Subquery(issued, output_field=_Q), output_field=_Q),
                Value(Decimal(0)),
                output_field=_Q,
            ),
        )
        .annotate(
            derived_point=derived,
            effective_point=Coalesce(F("reorder_point"), derived, output_field=_Q),
        )
        .annotate(
            below=Case(
                When(
                    Q(effective_point__gt=0) & Q(available_qty__lt=F("effective_point")), then=True
                ),
                default=False,
            )
        )
    )


def stock_levels(
    *,
    warehouse_id: int | None = None,
    category_id: int | None = None,
    search: str = "",
    below_only: bool = False,
    include_inactive: bool = False,
    sort: str = DEFAULT_SORT,
) -> QuerySet:
    """Stock levels of the active warehouses with product, warehouse and the figures,
    filtered (``category`` takes its sub-categories too) and sorted by ``SORTS``."""
    qs = StockLevel.objects.select_related("warehouse", "product", "product__unit")
    if not include_inactive:
        qs = qs.filter(warehouse__is_active=True)
    if warehouse_id:
        qs = qs.filter(warehouse_id=warehouse_id)
    if category_id:
        qs = qs.filter(
            Q(product__category_id=category_id) | Q(product__category__parent_id=category_id)
        )
    search = (search or "").strip()
    if search:
        qs = qs.filter(
            Q(product__code__icontains=search)
            | Q(product__name__icontains=search)
            | Q(product__model__icontains=search)
        )
    qs = with_figures(qs)
    if below_only:
        qs = qs.filter(**{"below": True})  # an annotation
    return qs.order_by(*(SORTS.get(sort) or SORTS[DEFAULT_SORT]))


def reorder_alerts(*, warehouse_id: int | None = None) -> QuerySet:
    """Levels whose available stock is below their reorder point, the largest gap first."""
    return (
        stock_levels(warehouse_id=warehouse_id, below_only=True)
        .annotate(gap=ExpressionWrapper(F("effective_point") - F("available_qty"), output_field=_Q))
        .order_by("-gap", "product__code")
    )


def product_movements(*, product_id: int, warehouse_id: int | None = None) -> QuerySet:
    """The ledger of one product (every warehouse, or one), newest first."""
    qs = StockMovement.objects.filter(product_id=product_id).select_related("warehouse", "actor")
    if warehouse_id:
        qs = qs.filter(warehouse_id=warehouse_id)
    return qs.order_by("-at", "-pk")


def warehouses(*, include_inactive: bool = True) -> QuerySet[Warehouse]:
    """Warehouses with their totals on hand and reserved (one grouped query)."""
    qs = Warehouse.objects.select_related("keeper")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.annotate(
        total_on_hand=Coalesce(Sum("levels__on_hand"), Value(Decimal(0)), output_field=_Q),
        total_reserved=Coalesce(Sum("levels__reserved"), Value(Decimal(0)), output_field=_Q),
    ).order_by("-is_active", "code")
