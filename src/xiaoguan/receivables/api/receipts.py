"""API of the receipts part (``/api/v1/receivables/``): receipts (list, detail, record with an
``Idempotency-Key``, allocate, reverse) and instalments (the collection plan), with the same
scope, rights and rules as the pages. Input schemas are allow-lists: never owner, department,
number, status or allocated."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from xiaoguan.core.api import require_rights
from xiaoguan.core.errors import NotFound, ValidationFailed
from xiaoguan.core.idempotency import idempotent
from xiaoguan.receivables.enums import InstalmentStatus, ReceiptMethod, ReceiptStatus
from xiaoguan.receivables.models import Instalment, Receipt
from xiaoguan.receivables.selectors import instalments as instalment_selectors
from xiaoguan.receivables.selectors import receipts as selectors
from xiaoguan.receivables.services import receipts as services

router = Router()


class Ref(Schema):
    id: int
    name: str


class AllocationOut(Schema):
    id: int
    instalment_id: int
    contract_id: int | None
    order_id: int | None
    label: str
    amount: Decimal
    is_active: bool
    released_reason: str
    created_at: datetime


class ReceiptOut(Schema):
    id: int
    number: str
    customer: Ref
    contract_id: int | None
    method: str
    amount: Decimal
    allocated: Decimal
    unallocated: Decimal
    received_on: date
    payer: str
    reference: str
    note: str
    status: str
    bill_no: str
    bill_bank: str
    bill_maturity: date | None
    bill_status: str
    bill_endorsee: str
    bill_charge: Decimal | None
    bill_settled_on: date | None
    owner: Ref
    reversal_reason: str
    reversed_at: datetime | None
    created_at: datetime
    allocations: list[AllocationOut] | None = None


class ReceiptPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[ReceiptOut]


class ReceiptIn(Schema):
    customer_id: int
    contract_id: int | None = None
    method: str = Field(..., max_length=20)
    amount: Decimal = Field(..., max_digits=16)
    received_on: date
    payer: str = Field("", max_length=200)
    reference: str = Field("", max_length=60)
    note: str = Field("", max_length=300)
    bill_no: str = Field("", max_length=40)
    bill_bank: str = Field("", max_length=100)
    bill_maturity: date | None = None
    allocate: str = Field("auto", pattern="^(auto|none)$")


class AllocationIn(Schema):
    instalment_id: int
    amount: Decimal = Field(..., max_digits=16)


class AllocateIn(Schema):
    """Without ``allocations``: oldest first over the customer's open instalments."""

    allocations: list[AllocationIn] | None = Field(None, max_length=100)


class ReverseIn(Schema):
    reason: str = Field(..., max_length=2000)


class ReceiptFilters(Schema):
    q: str = Field("", max_length=40)
    method: str = Field("", max_length=20)
    status: str = Field("", max_length=10)
    customer: int | None = None
    contract: int | None = None
    received_from: date | None = None
    received_to: date | None = None
    sort: str = Field(selectors.RECEIPT_DEFAULT_SORT, max_length=20)
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(50, ge=1, le=200)


def _receipt_out(r: Receipt, *, allocations: bool = False) -> ReceiptOut:
    out = ReceiptOut(
        id=r.pk,
        number=r.number,
        customer=Ref(id=r.customer_id, name=r.customer.name),
        contract_id=r.contract_id,
        method=r.method,
        amount=r.amount,
        allocated=r.allocated,
        unallocated=r.unallocated,
        received_on=r.received_on,
        payer=r.payer,
        reference=r.reference,
        note=r.note,
        status=r.status,
        bill_no=r.bill_no,
        bill_bank=r.bill_bank,
        bill_maturity=r.bill_maturity,
        bill_status=r.bill_status,
        bill_endorsee=r.bill_endorsee,
        bill_charge=r.bill_charge,
        bill_settled_on=r.bill_settled_on,
        owner=Ref(id=r.owner_id, name=str(r.owner)),
        reversal_reason=r.reversal_reason,
        reversed_at=r.reversed_at,
        created_at=r.created_at,
    )
    if allocations:
        out.allocations = [
            AllocationOut(
                id=a.pk,
                instalment_id=a.instalment_id,
                contract_id=a.instalment.contract_id,
                order_id=a.instalment.order_id,
                label=a.instalment.label,
                amount=a.amount,
                is_active=a.is_active,
                released_reason=a.released_reason,
                created_at=a.created_at,
            )
            for a in selectors.receipt_allocations(r)
        ]
    return out


def _fresh(user, receipt_id: int) -> ReceiptOut:
    receipt = selectors.receipt_get(user=user, receipt_id=receipt_id)
    if receipt is None:
        raise NotFound()
    return _receipt_out(receipt, allocations=True)


def _allowed(value: str, allowed, field: str) -> None:
    if value and value not in allowed:
        msg = _("Not one of the allowed values.")
        raise ValidationFailed(msg, fields={field: msg})


@router.get("/receipts", response=ReceiptPageOut, summary="Receipts in your scope (paginated)")
def receipt_list(request, filters: Query[ReceiptFilters]):
    user = require_rights(request, "receivables.view")
    _allowed(filters.method, ReceiptMethod.values, "method")
    _allowed(filters.status, ReceiptStatus.values, "status")
    chosen = {
        k: getattr(filters, k)
        for k in selectors.RECEIPT_FILTERS
        if getattr(filters, k, None) not in (None, "")
    }
    sort = filters.sort if filters.sort in selectors.RECEIPT_SORTS else "-received"
    qs = selectors.receipt_list(user=user, filters=chosen, sort=sort)
    count = qs.order_by().count()
    start = (filters.page - 1) * filters.page_size
    return ReceiptPageOut(
        count=count,
        page=filters.page,
        page_size=filters.page_size,
        items=[_receipt_out(r) for r in qs[start : start + filters.page_size]],
    )


@router.get("/receipts/{receipt_id}", response=ReceiptOut, summary="One receipt with allocations")
def receipt_detail(request, receipt_id: int):
    user = require_rights(request, "receivables.view")
    return _fresh(user, receipt_id)


@router.post(
    "/receipts",
    response={201: ReceiptOut},
    summary="Record a receipt (send an Idempotency-Key: the same key twice records one)",
)
@idempotent
def receipt_create(request, payload: ReceiptIn):
    user = require_rights(request, "receivables.manage")
    receipt = services.receipt_record(
        actor=user,
        data=services.ReceiptData(
            customer_id=payload.customer_id,
            contract_id=payload.contract_id,
            method=payload.method,
            amount=payload.amount,
            received_on=payload.received_on,
            payer=payload.payer,
            reference=payload.reference,
            note=payload.note,
            bill_no=payload.bill_no,
            bill_bank=payload.bill_bank,
            bill_maturity=payload.bill_maturity,
        ),
        allocate=payload.allocate,
        request=request,
    )
    return Status(201, _fresh(user, receipt.pk))


@router.post(
    "/receipts/{receipt_id}/allocate",
    response=ReceiptOut,
    summary="Allocate what is left: by hand, or oldest first without a list",
)
def receipt_allocate(request, receipt_id: int, payload: AllocateIn):
    user = require_rights(request, "receivables.manage")
    allocations = (
        None
        if payload.allocations is None
        else [(a.instalment_id, a.amount) for a in payload.allocations]
    )
    services.receipt_allocate(actor=user, receipt_id=receipt_id, allocations=allocations)
    return _fresh(user, receipt_id)


@router.post("/receipts/{receipt_id}/reverse", response=ReceiptOut, summary="Reverse a receipt")
def receipt_reverse(request, receipt_id: int, payload: ReverseIn):
    user = require_rights(request, "receivables.manage")
    services.receipt_reverse(actor=user, receipt_id=receipt_id, reason=payload.reason)
    return _fresh(user, receipt_id)


class InstalmentOut(Schema):
    id: int
    customer: Ref
    contract_id: int | None
    contract_number: str
    order_id: int | None
    position: int
    label: str
    trigger: str
    days_after: int
    is_retention: bool
    amount: Decimal
    collected: Decimal
    written_off: Decimal
    outstanding: Decimal
    due_date: date | None
    status: str
    paid_on: date | None
    closed_reason: str
    owner: Ref


class InstalmentPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[InstalmentOut]


class InstalmentFilters(Schema):
    customer: int | None = None
    contract: int | None = None
    order: int | None = None
    owner: int | None = None
    status: str = Field("", max_length=12)
    due_from: date | None = None
    due_to: date | None = None
    overdue: bool = False
    sort: str = Field(instalment_selectors.INSTALMENT_DEFAULT_SORT, max_length=20)
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(50, ge=1, le=200)


def _instalment_out(i: Instalment) -> InstalmentOut:
    return InstalmentOut(
        id=i.pk,
        customer=Ref(id=i.customer_id, name=i.customer.name),
        contract_id=i.contract_id,
        contract_number=i.contract.number if i.contract_id else "",  # type: ignore[union-attr]
        order_id=i.order_id,
        position=i.position,
        label=i.label,
        trigger=i.trigger,
        days_after=i.days_after,
        is_retention=i.is_retention,
        amount=i.amount,
        collected=i.collected,
        written_off=i.written_off,
        outstanding=i.outstanding,
        due_date=i.due_date,
        status=i.status,
        paid_on=i.paid_on,
        closed_reason=i.closed_reason,
        owner=Ref(id=i.owner_id, name=str(i.owner)),
    )


@router.get("/instalments", response=InstalmentPageOut, summary="The collection plan in your scope")
def instalment_list(request, filters: Query[InstalmentFilters]):
    user = require_rights(request, "receivables.view")
    _allowed(filters.status, InstalmentStatus.values, "status")
    if filters.due_from and filters.due_to and filters.due_to < filters.due_from:
        msg = _("The end of the range is before its start.")
        raise ValidationFailed(msg, fields={"due_to": msg})
    chosen = {
        k: getattr(filters, k)
        for k in instalment_selectors.INSTALMENT_FILTERS
        if getattr(filters, k, None) not in (None, "", False)
    }
    sort = (
        filters.sort
        if filters.sort in instalment_selectors.INSTALMENT_SORTS
        else instalment_selectors.INSTALMENT_DEFAULT_SORT
    )
    qs = instalment_selectors.instalment_list(user=user, filters=chosen, sort=sort)
    count = qs.order_by().count()
    start = (filters.page - 1) * filters.page_size
    return InstalmentPageOut(
        count=count,
        page=filters.page,
        page_size=filters.page_size,
        items=[_instalment_out(i) for i in qs[start : start + filters.page_size]],
    )


@router.get("/instalments/{instalment_id}", response=InstalmentOut, summary="One instalment")
def instalment_detail(request, instalment_id: int):
    user = require_rights(request, "receivables.view")
    instalment = instalment_selectors.instalment_get(user=user, instalment_id=instalment_id)
    if instalment is None:
        raise NotFound()
    return _instalment_out(instalment)
