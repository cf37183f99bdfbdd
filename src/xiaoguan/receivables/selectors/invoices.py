"""Invoice records (开票记录, R-AR-7) read through the user's scope: the list (by contract,
customer, status, kind, dates), one record, and the contracts a user may request for."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.selectors.family import in_family
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible
from xiaoguan.receivables.enums import InvoiceStatus
from xiaoguan.receivables.models import InvoiceRecord
from xiaoguan.receivables.services.invoices import INVOICEABLE

FILTER_KEYS = ("q", "status", "kind", "contract", "issued_from", "issued_to")
SORTS = {
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
    "amount": ("amount", "pk"),
    "-amount": ("-amount", "-pk"),
    "issued": ("issued_on", "pk"),
    "-issued": ("-issued_on", "-pk"),
}
DEFAULT_SORT = "-created"


def invoice_list(
    *, user: User, filters: dict[str, Any] | None = None, sort: str = DEFAULT_SORT
) -> QuerySet[InvoiceRecord]:
    filters = filters or {}
    qs = visible(InvoiceRecord.objects.all(), user)
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(invoice_no__icontains=q)
            | Q(customer__name__icontains=q)
            | Q(contract__number__icontains=q)
        )
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("contract"):
        # Any version of the contract: the records of its whole family.
        root = (
            Contract.objects.filter(pk=filters["contract"])
            .values_list("root_id", flat=True)
            .first()
        )
        root_id = root or filters["contract"]
        qs = qs.filter(in_family(root_id))
    if filters.get("issued_from"):
        qs = qs.filter(issued_on__gte=filters["issued_from"])
    if filters.get("issued_to"):
        qs = qs.filter(issued_on__lte=filters["issued_to"])
    return qs.select_related("contract", "customer", "requested_by", "issued_by", "owner").order_by(
        *SORTS.get(sort, SORTS[DEFAULT_SORT])
    )


def invoice_get(*, user: User, invoice_id: int) -> InvoiceRecord:
    """One record the user may see; InvoiceRecord.DoesNotExist (404) otherwise."""
    return (
        visible(InvoiceRecord.objects.all(), user)
        .select_related("contract", "customer", "requested_by", "issued_by", "owner", "department")
        .get(pk=invoice_id)
    )


def invoiceable_contracts(*, user: User) -> QuerySet[Contract]:
    """Signed (or completed) current versions the user may see, for the request form."""
    return (
        visible(Contract.objects.filter(is_current=True, status__in=INVOICEABLE), user)
        .select_related("customer")
        .order_by("-signed_on", "-pk")
    )


@dataclass(frozen=True)
class ContractInvoices:
    """The invoice records of a contract family in the user's scope, newest first, with the
    amount issued (not voided) and the amount still requested from finance."""

    invoices: list[InvoiceRecord]
    issued: Decimal
    requested: Decimal


def contract_invoices(*, user: User, root_id: int) -> ContractInvoices:
    """Invoice requests and issued invoices of every version of the contract ``root_id``:
    one query, the figures summed from the rows (a contract has a handful)."""
    rows = list(
        visible(InvoiceRecord.objects.filter(in_family(root_id)), user)
        .select_related("contract", "requested_by")
        .order_by("-created_at", "-pk")
    )
    return ContractInvoices(
        invoices=rows,
        issued=sum((i.amount for i in rows if i.status == InvoiceStatus.ISSUED), Decimal(0)),
        requested=sum((i.amount for i in rows if i.status == InvoiceStatus.REQUESTED), Decimal(0)),
    )
