"""API of the collection part, mounted at ``/api/v1/receivables/``: the overdue list, dunning
actions (list, log), bad-debt write-offs (list, request, submit, withdraw) and invoice
records (list, request, issue, cancel, void). The same services, scope and rules as the pages;
refusals are 4xx JSON ``{code, message, fields}``. Input schemas are allow-lists: never owner,
department, number or status."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from xiaoguan.core.api import require_rights
from xiaoguan.core.errors import NotFound
from xiaoguan.core.idempotency import idempotent
from xiaoguan.receivables.models import DunningAction, Instalment, InvoiceRecord, WriteOff
from xiaoguan.receivables.selectors import dunning as dunning_selectors
from xiaoguan.receivables.selectors import invoices as invoice_selectors
from xiaoguan.receivables.selectors import overdue as overdue_selectors
from xiaoguan.receivables.services import dunning as dunning_services
from xiaoguan.receivables.services import invoices as invoice_services
from xiaoguan.receivables.services import write_offs as write_off_services

router = Router()
CENT = Decimal("0.01")


class Ref(Schema):
    id: int
    name: str


# --- overdue -----------------------------------------------------------------------------


class OverdueRowOut(Schema):
    id: int
    customer: Ref
    contract_id: int | None
    contract_number: str
    order_id: int | None
    label: str
    due_date: date
    days_overdue: int
    amount: Decimal
    outstanding: Decimal
    owner: Ref
    department: Ref
    last_action: str | None
    last_action_on: date | None
    next_step: str | None
    next_step_on: date | None


class OverduePageOut(Schema):
    count: int
    page: int
    page_size: int
    outstanding: Decimal
    items: list[OverdueRowOut]


class OverdueFilters(Schema):
    q: str = Field("", max_length=100)
    owner: int | None = None
    department: int | None = None
    customer: int | None = None
    days_min: int | None = Field(None, ge=1, le=36500)
    amount_min: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)
    no_action: bool = False
    sort: str = Field(overdue_selectors.DEFAULT_SORT, max_length=20)
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(50, ge=1, le=200)


def _overdue_row(i: Instalment, today: date) -> OverdueRowOut:
    due = i.due_date or today
    return OverdueRowOut(
        id=i.pk,
        customer=Ref(id=i.customer_id, name=i.customer.name),
        contract_id=i.contract_id,
        contract_number=i.contract.number if i.contract_id else "",
        order_id=i.order_id,
        label=i.label,
        due_date=due,
        days_overdue=(today - due).days,
        amount=i.amount,
        outstanding=Decimal(i.left).quantize(CENT),  # type: ignore[attr-defined]
        owner=Ref(id=i.owner_id, name=str(i.owner)),
        department=Ref(id=i.department_id, name=i.department.name),
        last_action=i.last_kind,  # type: ignore[attr-defined]
        last_action_on=i.last_on,  # type: ignore[attr-defined]
        next_step=i.next_step,  # type: ignore[attr-defined]
        next_step_on=i.next_on,  # type: ignore[attr-defined]
    )


@router.get("/overdue/", response=OverduePageOut, summary="Overdue instalments (scoped)")
def overdue_list(request, filters: Query[OverdueFilters]):
    user = require_rights(request, "receivables.view")
    chosen = {
        k: getattr(filters, k)
        for k in overdue_selectors.FILTER_KEYS
        if getattr(filters, k, None) not in (None, "", False)
    }
    sort = (
        filters.sort if filters.sort in overdue_selectors.SORTS else overdue_selectors.DEFAULT_SORT
    )
    today = timezone.localdate()
    qs = overdue_selectors.overdue_list(user=user, filters=chosen, sort=sort, today=today)
    totals = overdue_selectors.overdue_totals(qs)
    start = (filters.page - 1) * filters.page_size
    return OverduePageOut(
        count=totals["count"],
        page=filters.page,
        page_size=filters.page_size,
        outstanding=Decimal(totals["outstanding"]).quantize(CENT),
        items=[_overdue_row(i, today) for i in qs[start : start + filters.page_size]],
    )


# --- dunning -----------------------------------------------------------------------------


class DunningOut(Schema):
    id: int
    customer: Ref
    contract_id: int | None
    instalment_id: int | None
    kind: str
    done_on: date
    contact: str
    outcome: str
    promised_on: date | None
    promised_amount: Decimal | None
    next_step: str
    next_on: date | None
    recorded_by: Ref
    owner: Ref


class DunningPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[DunningOut]


class DunningFilters(Schema):
    q: str = Field("", max_length=100)
    kind: str = Field("", max_length=20)
    mine: bool = False
    customer: int | None = None
    done_from: date | None = None
    done_to: date | None = None
    sort: str = Field(dunning_selectors.DEFAULT_SORT, max_length=20)
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(50, ge=1, le=200)


class DunningIn(Schema):
    customer_id: int
    contract_id: int | None = None
    instalment_id: int | None = None
    kind: str = Field(..., max_length=20)
    done_on: date
    contact: str = Field("", max_length=100)
    outcome: str = Field(..., max_length=5000)
    promised_on: date | None = None
    promised_amount: Decimal | None = Field(None, max_digits=16, decimal_places=2)
    next_step: str = Field("", max_length=300)
    next_on: date | None = None

    model_config = {"extra": "forbid"}


class EscalateIn(Schema):
    reason: str = Field(..., max_length=5000)

    model_config = {"extra": "forbid"}


class EscalationOut(Schema):
    task_id: int
    department: Ref
    title: str


def _dunning(a: DunningAction) -> DunningOut:
    return DunningOut(
        id=a.pk,
        customer=Ref(id=a.customer_id, name=a.customer.name),
        contract_id=a.contract_id,
        instalment_id=a.instalment_id,
        kind=a.kind,
        done_on=a.done_on,
        contact=a.contact,
        outcome=a.outcome,
        promised_on=a.promised_on,
        promised_amount=a.promised_amount,
        next_step=a.next_step,
        next_on=a.next_on,
        recorded_by=Ref(id=a.recorded_by_id, name=str(a.recorded_by)),
        owner=Ref(id=a.owner_id, name=str(a.owner)),
    )


@router.get("/dunning/", response=DunningPageOut, summary="Dunning actions (scoped)")
def dunning_list(request, filters: Query[DunningFilters]):
    user = require_rights(request, "receivables.dunning")
    chosen = {
        k: getattr(filters, k)
        for k in dunning_selectors.FILTER_KEYS
        if getattr(filters, k, None) not in (None, "", False)
    }
    sort = (
        filters.sort if filters.sort in dunning_selectors.SORTS else dunning_selectors.DEFAULT_SORT
    )
    qs = dunning_selectors.dunning_list(user=user, filters=chosen, sort=sort)
    start = (filters.page - 1) * filters.page_size
    return DunningPageOut(
        count=qs.count(),
        page=filters.page,
        page_size=filters.page_size,
        items=[_dunning(a) for a in qs[start : start + filters.page_size]],
    )


@router.post("/dunning/", response={201: DunningOut}, summary="Log a dunning action")
@idempotent
def dunning_create(request, payload: DunningIn):
    user = require_rights(request, "receivables.dunning")
    action = dunning_services.dunning_action_log(
        actor=user, data=dunning_services.DunningData(**payload.model_dump())
    )
    return Status(201, _dunning(dunning_selectors.dunning_get(user=user, action_id=action.pk)))


@router.post(
    "/dunning/customers/{customer_id}/escalate",
    response={201: EscalationOut},
    summary="Escalate a customer to the legal department (409-like 422 when one is open)",
)
@idempotent
def dunning_escalate(request, customer_id: int, payload: EscalateIn):
    user = require_rights(request, "receivables.dunning")
    task = dunning_services.legal_escalate(
        actor=user, customer_id=customer_id, reason=payload.reason
    )
    return Status(
        201,
        EscalationOut(
            task_id=task.pk,
            department=Ref(id=task.department_id, name=task.department.name),
            title=task.title,
        ),
    )


# --- write-offs --------------------------------------------------------------------------


class WriteOffOut(Schema):
    id: int
    number: str
    instalment_id: int
    customer: Ref
    contract_id: int | None
    amount: Decimal
    reason: str
    status: str
    requested_by: Ref
    instalment_outstanding: Decimal
    instalment_status: str


class WriteOffPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[WriteOffOut]


class WriteOffFilters(Schema):
    q: str = Field("", max_length=100)
    status: str = Field("", max_length=20)
    sort: str = Field(overdue_selectors.WRITE_OFF_DEFAULT_SORT, max_length=20)
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(50, ge=1, le=200)


class WriteOffIn(Schema):
    instalment_id: int
    amount: Decimal = Field(..., max_digits=16, decimal_places=2)
    reason: str = Field(..., max_length=2000)
    submit: bool = False

    model_config = {"extra": "forbid"}


def _write_off(w: WriteOff) -> WriteOffOut:
    i = w.instalment
    return WriteOffOut(
        id=w.pk,
        number=w.number,
        instalment_id=i.pk,
        customer=Ref(id=i.customer_id, name=i.customer.name),
        contract_id=i.contract_id,
        amount=w.amount,
        reason=w.reason,
        status=w.status,
        requested_by=Ref(id=w.requested_by_id, name=str(w.requested_by)),
        instalment_outstanding=i.outstanding,
        instalment_status=i.status,
    )


def _write_off_fresh(user, write_off_id: int) -> WriteOffOut:
    try:
        return _write_off(overdue_selectors.write_off_get(user=user, write_off_id=write_off_id))
    except WriteOff.DoesNotExist:
        raise NotFound() from None


@router.get("/write-offs/", response=WriteOffPageOut, summary="Bad-debt write-offs (scoped)")
def write_off_list(request, filters: Query[WriteOffFilters]):
    user = require_rights(request, "receivables.view")
    chosen = {k: getattr(filters, k) for k in ("q", "status") if getattr(filters, k)}
    sort = (
        filters.sort
        if filters.sort in overdue_selectors.WRITE_OFF_SORTS
        else overdue_selectors.WRITE_OFF_DEFAULT_SORT
    )
    qs = overdue_selectors.write_off_list(user=user, filters=chosen, sort=sort)
    start = (filters.page - 1) * filters.page_size
    return WriteOffPageOut(
        count=qs.count(),
        page=filters.page,
        page_size=filters.page_size,
        items=[_write_off(w) for w in qs[start : start + filters.page_size]],
    )


@router.get("/write-offs/{write_off_id}", response=WriteOffOut, summary="One write-off")
def write_off_detail(request, write_off_id: int):
    user = require_rights(request, "receivables.view")
    return _write_off_fresh(user, write_off_id)


@router.post(
    "/write-offs/",
    response={201: WriteOffOut},
    summary="Request a write-off (draft; with submit=true sent to approval at once)",
)
@idempotent
def write_off_create(request, payload: WriteOffIn):
    user = require_rights(request, "receivables.manage")
    write_off = write_off_services.write_off_request(
        actor=user,
        instalment_id=payload.instalment_id,
        amount=payload.amount,
        reason=payload.reason,
        submit=payload.submit,
    )
    return Status(201, _write_off_fresh(user, write_off.pk))


@router.post(
    "/write-offs/{write_off_id}/submit", response=WriteOffOut, summary="Send a draft to approval"
)
@idempotent
def write_off_submit(request, write_off_id: int):
    user = require_rights(request, "receivables.manage")
    write_off_services.write_off_submit(actor=user, write_off_id=write_off_id)
    return _write_off_fresh(user, write_off_id)


@router.post(
    "/write-offs/{write_off_id}/cancel", response=WriteOffOut, summary="Withdraw a write-off"
)
def write_off_cancel(request, write_off_id: int):
    user = require_rights(request, "receivables.manage")
    write_off_services.write_off_cancel(actor=user, write_off_id=write_off_id)
    return _write_off_fresh(user, write_off_id)


# --- invoices ----------------------------------------------------------------------------


class InvoiceOut(Schema):
    id: int
    number: str
    contract: Ref
    customer: Ref
    kind: str
    amount: Decimal
    tax_rate: Decimal
    status: str
    note: str
    invoice_no: str
    issued_on: date | None
    requested_by: Ref
    void_reason: str


class InvoicePageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[InvoiceOut]


class InvoiceFilters(Schema):
    q: str = Field("", max_length=100)
    status: str = Field("", max_length=20)
    kind: str = Field("", max_length=20)
    contract: int | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    sort: str = Field(invoice_selectors.DEFAULT_SORT, max_length=20)
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(50, ge=1, le=200)


class InvoiceIn(Schema):
    contract_id: int
    kind: str = Field(..., max_length=20)
    amount: Decimal = Field(..., max_digits=16, decimal_places=2)
    tax_rate: Decimal = Field(Decimal("13"), max_digits=5, decimal_places=2)
    note: str = Field("", max_length=300)

    model_config = {"extra": "forbid"}


class IssueIn(Schema):
    invoice_no: str = Field(..., max_length=40)
    issued_on: date

    model_config = {"extra": "forbid"}


class ReasonIn(Schema):
    reason: str = Field("", max_length=300)

    model_config = {"extra": "forbid"}


def _invoice(i: InvoiceRecord) -> InvoiceOut:
    return InvoiceOut(
        id=i.pk,
        number=i.number,
        contract=Ref(id=i.contract_id, name=i.contract.number),
        customer=Ref(id=i.customer_id, name=i.customer.name),
        kind=i.kind,
        amount=i.amount,
        tax_rate=i.tax_rate,
        status=i.status,
        note=i.note,
        invoice_no=i.invoice_no,
        issued_on=i.issued_on,
        requested_by=Ref(id=i.requested_by_id, name=str(i.requested_by)),
        void_reason=i.void_reason,
    )


def _invoice_fresh(user, invoice_id: int) -> InvoiceOut:
    try:
        return _invoice(invoice_selectors.invoice_get(user=user, invoice_id=invoice_id))
    except InvoiceRecord.DoesNotExist:
        raise NotFound() from None


@router.get("/invoices/", response=InvoicePageOut, summary="Invoice records (scoped)")
def invoice_list(request, filters: Query[InvoiceFilters]):
    user = require_rights(request, "receivables.view")
    chosen = {
        k: getattr(filters, k)
        for k in invoice_selectors.FILTER_KEYS
        if getattr(filters, k, None) not in (None, "")
    }
    sort = (
        filters.sort if filters.sort in invoice_selectors.SORTS else invoice_selectors.DEFAULT_SORT
    )
    qs = invoice_selectors.invoice_list(user=user, filters=chosen, sort=sort)
    start = (filters.page - 1) * filters.page_size
    return InvoicePageOut(
        count=qs.count(),
        page=filters.page,
        page_size=filters.page_size,
        items=[_invoice(i) for i in qs[start : start + filters.page_size]],
    )


@router.get("/invoices/{invoice_id}", response=InvoiceOut, summary="One invoice record")
def invoice_detail(request, invoice_id: int):
    user = require_rights(request, "receivables.view")
    return _invoice_fresh(user, invoice_id)


@router.post("/invoices/", response={201: InvoiceOut}, summary="Request an invoice")
@idempotent
def invoice_create(request, payload: InvoiceIn):
    user = require_rights(request, "receivables.invoice_request")
    invoice = invoice_services.invoice_request(actor=user, **payload.model_dump())
    return Status(201, _invoice_fresh(user, invoice.pk))


@router.post(
    "/invoices/{invoice_id}/issue",
    response=InvoiceOut,
    summary="Record the issued invoice (409 invoice_number_taken)",
)
@idempotent
def invoice_issue(request, invoice_id: int, payload: IssueIn):
    user = require_rights(request, "receivables.manage")
    invoice_services.invoice_issue(
        actor=user,
        invoice_id=invoice_id,
        invoice_no=payload.invoice_no,
        issued_on=payload.issued_on,
    )
    return _invoice_fresh(user, invoice_id)


@router.post("/invoices/{invoice_id}/cancel", response=InvoiceOut, summary="Cancel a request")
def invoice_cancel(request, invoice_id: int, payload: ReasonIn):
    user = require_rights(request, "receivables.invoice_request")
    invoice_services.invoice_cancel(actor=user, invoice_id=invoice_id, reason=payload.reason)
    return _invoice_fresh(user, invoice_id)


@router.post("/invoices/{invoice_id}/void", response=InvoiceOut, summary="Void an issued invoice")
def invoice_void(request, invoice_id: int, payload: ReasonIn):
    user = require_rights(request, "receivables.manage")
    invoice_services.invoice_void(actor=user, invoice_id=invoice_id, reason=payload.reason)
    return _invoice_fresh(user, invoice_id)
