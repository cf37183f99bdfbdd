"""Reads of orders (R-ORD-1): what of a signed contract may still be ordered, the order list
and one order in the user's scope (404 otherwise), the contracts and customers one may order
for, and the export rows. Every queryset that reaches a user goes through
``org.scope.visible``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from xiaoguan.contracts.enums import IN_FORCE
from xiaoguan.contracts.models import Contract, ContractLine
from xiaoguan.contracts.selectors.family import family_current, family_ids, in_family
from xiaoguan.core.search import PICKER_LIMIT, picker_term
from xiaoguan.customers.models import Customer
from xiaoguan.orders.enums import OrderChannel, OrderStatus
from xiaoguan.orders.errors import OrderNotFound
from xiaoguan.orders.models import Order, OrderLine
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible

FILTER_KEYS = ("q", "status", "channel", "customer", "date_from", "date_to")
SORTS: dict[str, tuple[str, ...]] = {
    "-date": ("-order_date", "-pk"),
    "date": ("order_date", "pk"),
    "number": ("number",),
    "-number": ("-number",),
    "total": ("total", "pk"),
    "-total": ("-total", "-pk"),
    "customer": ("customer__name", "pk"),
    "-customer": ("-customer__name", "-pk"),
    "status": ("status", "pk"),
    "-status": ("-status", "-pk"),
}
DEFAULT_SORT = "-date"


# --- contract quantities -----------------------------------------------------------------


def contract_current(*, contract: Contract) -> Contract:
    """The current version of the contract ``contract`` is a version of."""
    root_id = contract.root_id or contract.pk
    return family_current(root_id).get()


def contract_ordered(
    *, contract: Contract, exclude_order_id: int | None = None
) -> dict[tuple[int, int], Decimal]:
    """What is ordered against any version of the contract, in orders not cancelled, by
    (product, unit)."""
    root_id = contract.root_id or contract.pk
    rows = (
        OrderLine.objects.filter(
            in_family(root_id, "order__contract"),
        )
        .exclude(order__status=OrderStatus.CANCELLED)
        .exclude(order_id=exclude_order_id or 0)
        .values("product_id", "unit_id")
        .annotate(quantity=Sum("quantity"))
    )
    return {(r["product_id"], r["unit_id"]): r["quantity"] for r in rows}


def contract_remaining(
    *, contract: Contract, exclude_order_id: int | None = None
) -> dict[tuple[int, int], Decimal]:
    """What of the CURRENT version may still be ordered, by (product, unit): contracted minus
    ordered in non-cancelled orders of any version of the same root contract (never below
    zero). ``exclude_order_id`` leaves one order out (the draft being edited)."""
    current = contract_current(contract=contract)
    contracted: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for product_id, unit_id, quantity in ContractLine.objects.filter(contract=current).values_list(
        "product_id", "unit_id", "quantity"
    ):
        contracted[(product_id, unit_id)] += quantity
    ordered = contract_ordered(contract=current, exclude_order_id=exclude_order_id)
    return {
        key: max(quantity - ordered.get(key, Decimal(0)), Decimal(0))
        for key, quantity in contracted.items()
    }


def orderable_contracts(*, user: User) -> QuerySet[Contract]:
    """Signed contracts (current version, in force) in the user's scope."""
    return (
        visible(Contract.objects.filter(is_current=True, status__in=IN_FORCE), user)
        .select_related("customer")
        .order_by("-signed_on", "-pk")
    )


def _something_left() -> Exists:
    """For a current version (the outer ``Contract``): one of its (product, unit) is contracted
    for more than is ordered in orders not cancelled against any version of the contract —
    ``contract_remaining`` as one SQL condition (subqueries, no extra query)."""
    # the versions of the outer contract's family (three levels out: line, order line, here)
    family = Contract.objects.filter(
        Q(pk=OuterRef(OuterRef(OuterRef("family_root"))))
        | Q(root_id=OuterRef(OuterRef(OuterRef("family_root"))))
    ).values("pk")
    ordered = (
        OrderLine.objects.filter(
            product_id=OuterRef("product_id"),
            unit_id=OuterRef("unit_id"),
            order__contract_id__in=family,
        )
        .exclude(order__status=OrderStatus.CANCELLED)
        .order_by()
        .values("product_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    contracted = (
        ContractLine.objects.filter(
            contract_id=OuterRef("contract_id"),
            product_id=OuterRef("product_id"),
            unit_id=OuterRef("unit_id"),
        )
        .order_by()
        .values("contract_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    quantity = DecimalField(max_digits=18, decimal_places=3)
    return Exists(
        ContractLine.objects.filter(contract_id=OuterRef("pk"))
        .annotate(
            contracted=Subquery(contracted, output_field=quantity),
            ordered=Coalesce(
                Subquery(ordered, output_field=quantity), Value(0), output_field=quantity
            ),
        )
        .filter(contracted__gt=F("ordered"))
    )


def contract_picker(*, user: User, q: str, limit: int = PICKER_LIMIT) -> list[Contract]:
    """The order-from-a-contract picker's suggestions among ``orderable_contracts``: those
    with something left to order, matching the contract number, the subject or the
    customer's name (or its pinyin initials); numbers starting with ``q`` first, then the
    latest signed; at most ``limit``, with the customer, in one query. A query too short to
    mean anything (core.search.picker_term) finds none."""
    term = picker_term(q)
    if not term:
        return []
    initials = term.lower().replace(" ", "")
    condition = (
        Q(number__icontains=term)
        | Q(title__icontains=term)
        | Q(customer__name__icontains=term)
        | Q(customer__name_initials__contains=initials)
    )
    qs = (
        orderable_contracts(user=user)
        .filter(condition)
        .annotate(family_root=Coalesce("root_id", "pk"))
        .filter(_something_left())
        .only(
            "pk",
            "number",
            "version_no",
            "title",
            "status",  # read when a Document is built
            "signed_on",
            "customer__name",
        )
        .annotate(
            rank=Case(
                When(number__istartswith=term, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "-signed_on", "-pk")
    )
    return list(qs[:limit])


def order_customers(*, user: User) -> QuerySet[Customer]:
    """Active customers the user may take a direct order for."""
    return visible(Customer.objects.filter(is_active=True), user).order_by("name_normalized", "pk")


# --- orders -----------------------------------------------------------------------------------


def order_get(*, user: User, order_id: Any) -> Order:
    """One order the user may see; OrderNotFound (404) otherwise."""
    if not str(order_id).isdigit():
        raise OrderNotFound()
    order = (
        visible(Order.objects.all(), user)
        .select_related("customer", "contract", "owner", "department", "warehouse")
        .filter(pk=int(order_id))
        .first()
    )
    if order is None:
        raise OrderNotFound()
    return order


def order_lines(*, order: Order) -> QuerySet[OrderLine]:
    return (
        OrderLine.objects.filter(order=order)
        .select_related("product", "unit", "contract_line")
        .order_by("position")
    )


def order_list(
    *, user: User, filters: dict[str, Any] | None = None, sort: str = DEFAULT_SORT
) -> QuerySet[Order]:
    """Orders in the user's scope, filtered by an allow-list, sorted by an allow-listed key."""
    filters = filters or {}
    qs = visible(Order.objects.all(), user).select_related("customer", "owner", "contract")
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(customer__name__icontains=q)
            | Q(customer_reference__icontains=q)
            | Q(contract__number__icontains=q)
        )
    status = filters.get("status")
    if status:
        qs = qs.filter(status__in=status if isinstance(status, list | tuple) else [status])
    channel = filters.get("channel")
    if channel in OrderChannel.values:
        qs = qs.filter(channel=channel)
    customer = filters.get("customer")
    if customer:
        if isinstance(customer, int) or str(customer).isdigit():
            qs = qs.filter(customer_id=int(customer))
        else:
            qs = qs.filter(customer__name__icontains=str(customer))
    start: date | None = filters.get("date_from")
    end: date | None = filters.get("date_to")
    if start:
        qs = qs.filter(order_date__gte=start)
    if end:
        qs = qs.filter(order_date__lte=end)
    return qs.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


# --- the contract page's section ------------------------------------------------------------

CONTRACT_ORDERS_SHOWN = 50
_MONEY = DecimalField(max_digits=16, decimal_places=2)


@dataclass(frozen=True)
class ContractOrders:
    """The orders of a contract family in the user's scope, newest first (at most ``shown``),
    with the count of them all and the amounts ordered and shipped in those not cancelled."""

    orders: list[Order]
    count: int
    total: Decimal
    shipped: Decimal

    @property
    def truncated(self) -> bool:
        return self.count > len(self.orders)


def contract_orders(
    *, user: User, contract: Contract, shown: int = CONTRACT_ORDERS_SHOWN
) -> ContractOrders:
    """Orders taken against any version of ``contract`` that ``user`` may see: one query, and
    one more for the figures only when there are more than ``shown``."""
    root_id = contract.root_id or contract.pk
    qs = visible(Order.objects.filter(in_family(root_id)), user)
    rows = list(qs.select_related("contract").order_by("-order_date", "-pk")[: shown + 1])
    live = ~Q(status=OrderStatus.CANCELLED)
    if len(rows) <= shown:
        kept = [o for o in rows if o.status != OrderStatus.CANCELLED]
        return ContractOrders(
            orders=rows,
            count=len(rows),
            total=sum((o.total for o in kept), Decimal(0)),
            shipped=sum((o.shipped_amount for o in kept), Decimal(0)),
        )
    figures = qs.order_by().aggregate(
        count=Count("pk"),
        total=Coalesce(Sum("total", filter=live), Value(Decimal(0)), output_field=_MONEY),
        shipped=Coalesce(
            Sum("shipped_amount", filter=live), Value(Decimal(0)), output_field=_MONEY
        ),
    )
    return ContractOrders(
        orders=rows[:shown],
        count=figures["count"],
        total=figures["total"],
        shipped=figures["shipped"],
    )


def contract_orderable_version(*, user: User, contract: Contract) -> Contract | None:
    """The version of ``contract``'s family an order may be taken from now (the current one,
    signed, in the user's scope, with something left to order), or None."""
    root_id = contract.root_id or contract.pk
    current = (
        contract
        if contract.is_current and contract.status in IN_FORCE
        else orderable_contracts(user=user).filter(pk__in=family_ids(root_id)).first()
    )
    if current is None:
        return None
    remaining = contract_remaining(contract=current)
    return current if any(q > 0 for q in remaining.values()) else None
