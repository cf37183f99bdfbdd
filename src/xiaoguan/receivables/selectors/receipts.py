"""Receipts and bills as users see them (R-AR-2): lists, details and the customer's credit,
all through the one scope gate (``org.scope.visible``); out of scope is not found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from xiaoguan.contracts.enums import ContractStatus
from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.selectors.family import in_family
from xiaoguan.customers.models import Customer
from xiaoguan.org.scope import visible
from xiaoguan.receivables.enums import BILL_METHODS, BillStatus, InstalmentStatus, ReceiptStatus
from xiaoguan.receivables.models import Allocation, Instalment, Receipt

_MONEY = DecimalField(max_digits=16, decimal_places=2)
MATURING_DAYS = 30

RECEIPT_FILTERS = ("q", "method", "status", "received_from", "received_to", "customer", "contract")
RECEIPT_SORTS = {
    "received": ("received_on", "pk"),
    "-received": ("-received_on", "-pk"),
    "amount": ("amount", "pk"),
    "-amount": ("-amount", "-pk"),
    "number": ("number",),
    "-number": ("-number",),
    "customer": ("customer__name", "pk"),
    "-customer": ("-customer__name", "-pk"),
}
RECEIPT_DEFAULT_SORT = "-received"


def receipts_visible(user: Any) -> QuerySet[Receipt]:
    return visible(Receipt.objects.all(), user)


def receipt_list(
    *, user: Any, filters: dict[str, Any] | None = None, sort: str = RECEIPT_DEFAULT_SORT
) -> QuerySet[Receipt]:
    """The receipts in the user's scope, filtered (allow-listed keys) and sorted."""
    filters = filters or {}
    qs = receipts_visible(user).select_related("customer", "contract", "owner", "recorded_by")
    if filters.get("q"):
        qs = qs.filter(number__icontains=filters["q"])
    if filters.get("method"):
        qs = qs.filter(method=filters["method"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("received_from"):
        qs = qs.filter(received_on__gte=filters["received_from"])
    if filters.get("received_to"):
        qs = qs.filter(received_on__lte=filters["received_to"])
    customer = filters.get("customer")
    if isinstance(customer, int):
        qs = qs.filter(customer_id=customer)
    elif customer:
        qs = qs.filter(customer__name__icontains=str(customer))
    if filters.get("contract"):
        contract_id = filters["contract"]
        qs = qs.filter(in_family(contract_id))
    return qs.order_by(*RECEIPT_SORTS.get(sort, RECEIPT_SORTS[RECEIPT_DEFAULT_SORT]))


def receipt_totals(qs: QuerySet[Receipt]) -> dict[str, Any]:
    return qs.order_by().aggregate(
        count=Count("pk"),
        sum_amount=Coalesce(Sum("amount"), Value(Decimal(0)), output_field=_MONEY),
        sum_allocated=Coalesce(Sum("allocated"), Value(Decimal(0)), output_field=_MONEY),
    )


def receipt_customers(*, user: Any) -> QuerySet[Customer]:
    """Customers a receipt may be recorded for: in scope, deactivated ones too (their money
    still arrives). The receipt form validates the chosen customer against them."""
    from xiaoguan.customers.selectors import customer_choices

    return customer_choices(user=user, include_inactive=True)


def receipt_contracts(*, user: Any, customer_id: int | None) -> QuerySet[Contract]:
    """Signed contracts in force a receipt may pay: the chosen customer's; none before a
    customer is chosen (a company's whole book would not fit in a drop-down)."""
    if not customer_id:
        return Contract.objects.none()
    qs = visible(
        Contract.objects.filter(
            is_current=True, status=ContractStatus.SIGNED, customer_id=customer_id
        ),
        user,
    ).select_related("customer")
    return qs.order_by("-signed_on", "-pk")


def receipt_get(*, user: Any, receipt_id: int) -> Receipt | None:
    return (
        receipts_visible(user)
        .select_related("customer", "contract", "owner", "department", "recorded_by")
        .select_related("reversed_by")
        .filter(pk=receipt_id)
        .first()
    )


def receipt_allocations(receipt: Receipt) -> list[Allocation]:
    return list(
        Allocation.objects.filter(receipt=receipt)
        .select_related("instalment", "instalment__contract", "instalment__order", "created_by")
        .order_by("pk")
    )


def open_instalments_of(*, user: Any, customer_id: int) -> list[Instalment]:
    """The customer's open instalments the user may see, oldest first."""
    from xiaoguan.receivables.services.receipts import auto_order

    rows = (
        visible(Instalment.objects.all(), user)
        .filter(customer_id=customer_id, status=InstalmentStatus.OPEN)
        .select_related("contract", "order")
    )
    return auto_order(rows)


def customer_credit_of(*, user: Any, customer_id: int) -> tuple[Decimal, list[Receipt]]:
    """The customer's unallocated money over its posted receipts the user may see."""
    rows = list(
        receipts_visible(user)
        .filter(customer_id=customer_id, status=ReceiptStatus.POSTED, allocated__lt=F("amount"))
        .order_by("received_on", "pk")
    )
    return sum((r.unallocated for r in rows), Decimal(0)), rows


def customer_credit_panel(*, customer: Customer, user: Any) -> dict[str, Any]:
    """The customer page's receivables panel: credit, outstanding and overdue."""
    credit, receipts = customer_credit_of(user=user, customer_id=customer.pk)
    today = timezone.localdate()
    left = F("amount") - F("collected") - F("written_off")
    figures = (
        visible(Instalment.objects.all(), user)
        .filter(customer=customer, status=InstalmentStatus.OPEN)
        .aggregate(
            outstanding=Coalesce(Sum(left), Value(Decimal(0)), output_field=_MONEY),
            overdue=Coalesce(
                Sum(left, filter=Q(due_date__lt=today)), Value(Decimal(0)), output_field=_MONEY
            ),
        )
    )
    return {
        "credit": credit,
        "credit_receipts": receipts[:5],
        "outstanding": figures["outstanding"],
        "overdue": figures["overdue"],
        "can_manage": user.has_right("receivables.manage"),
    }


@dataclass
class BillRow:
    receipt: Receipt
    maturing: bool
    overdue: bool


BILL_STATUSES = tuple(BillStatus)


def bill_list(*, user: Any, status: str | None = BillStatus.HELD) -> QuerySet[Receipt]:
    qs = (
        receipts_visible(user)
        .filter(method__in=BILL_METHODS)
        .select_related("customer", "contract", "owner")
    )
    if status:
        qs = qs.filter(bill_status=status)
    return qs.order_by(F("bill_maturity").asc(nulls_last=True), "pk")


def bill_rows(receipts: list[Receipt], *, today: date | None = None) -> list[BillRow]:
    today = today or timezone.localdate()
    soon = today + timedelta(days=MATURING_DAYS)
    rows = []
    for r in receipts:
        held = r.bill_status == BillStatus.HELD and r.bill_maturity is not None
        rows.append(
            BillRow(
                receipt=r,
                maturing=bool(held and today <= r.bill_maturity <= soon),  # type: ignore[operator]
                overdue=bool(held and r.bill_maturity < today),  # type: ignore[operator]
            )
        )
    return rows
