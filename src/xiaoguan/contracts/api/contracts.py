"""API of the contracts part (``/api/v1/contracts/contracts/``): read one contract with its
lines and terms, draft one (from lines and terms, or from an accepted quote), edit a draft
(based on its ``version``), submit it, withdraw it, and record the signing (multipart, with the
signed scan: the same rules as the page). The list of contracts is the ledger's
(``/api/v1/contracts/ledger/``).

Input schemas are allow-lists: never owner, department, number, status, totals or the
effective price of a line (pricing computes it). Effective prices and discounts are left out
for callers without ``pricing.view``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import Field

from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.selectors import contracts as selectors
from xiaoguan.contracts.services import contracts as services
from xiaoguan.contracts.services.schedule import PaymentTermData
from xiaoguan.core.api import require_rights
from xiaoguan.core.idempotency import idempotent

router = Router()


class Ref(Schema):
    id: int
    name: str


class LineOut(Schema):
    position: int
    product: Ref
    unit: Ref
    spec: str
    quantity: Decimal
    list_price: Decimal | None
    unit_price: Decimal
    discount: Decimal | None
    amount: Decimal


class TermOut(Schema):
    position: int
    label: str
    trigger: str
    days_after: int
    percent: Decimal | None
    amount: Decimal
    is_retention: bool


class ClauseOut(Schema):
    title: str
    body: str


class ContractOut(Schema):
    id: int
    number: str
    version_no: int
    amends_id: int | None
    is_current: bool
    status: str
    source: str
    title: str
    customer: Ref
    opportunity_id: int | None
    quote_id: int | None
    template_id: int | None
    price_date: date
    list_total: Decimal | None
    total: Decimal
    delivery_date: date | None
    delivery_place: str
    delivery_terms: str
    installation_required: bool
    warranty_months: int | None
    inspection_cycle_months: int | None
    after_sales_terms: str
    end_on: date | None
    notes: str
    clauses: list[ClauseOut]
    lines: list[LineOut]
    terms: list[TermOut]
    missing_terms: list[str]
    submitted_at: datetime | None
    approved_at: datetime | None
    signed_on: date | None
    customer_signatory: str
    company_signatory: str
    owner: Ref
    department: Ref
    version: int
    created_at: datetime
    updated_at: datetime


def _out(c: Contract, user) -> ContractOut:
    prices = user.has_right("pricing.view")
    lines = [
        LineOut(
            position=line.position,
            product=Ref(id=line.product_id, name=str(line.product)),
            unit=Ref(id=line.unit_id, name=line.unit.name),
            spec=line.spec,
            quantity=line.quantity,
            list_price=line.list_price if prices else None,
            unit_price=line.unit_price,
            discount=line.discount if prices else None,
            amount=line.amount,
        )
        for line in selectors.contract_lines(contract=c)
    ]
    terms = [
        TermOut(
            position=t.position,
            label=t.label,
            trigger=t.trigger,
            days_after=t.days_after,
            percent=t.percent,
            amount=t.amount,
            is_retention=t.is_retention,
        )
        for t in selectors.contract_terms(contract=c)
    ]
    return ContractOut(
        id=c.pk,
        number=c.number,
        version_no=c.version_no,
        amends_id=c.amends_id,
        is_current=c.is_current,
        status=c.status,
        source=c.source,
        title=c.title,
        customer=Ref(id=c.customer_id, name=c.customer.name),
        opportunity_id=c.opportunity_id,
        quote_id=c.quote_id,
        template_id=c.template_id,
        price_date=c.price_date,
        list_total=c.list_total if prices else None,
        total=c.total,
        delivery_date=c.delivery_date,
        delivery_place=c.delivery_place,
        delivery_terms=c.delivery_terms,
        installation_required=c.installation_required,
        warranty_months=c.warranty_months,
        inspection_cycle_months=c.inspection_cycle_months,
        after_sales_terms=c.after_sales_terms,
        end_on=c.end_on,
        notes=c.notes,
        clauses=[ClauseOut(title=x.get("title", ""), body=x.get("body", "")) for x in c.clauses],
        lines=lines,
        terms=terms,
        missing_terms=(
            [str(m) for m in services.contract_missing_terms(contract=c)] if c.is_editable else []
        ),
        submitted_at=c.submitted_at,
        approved_at=c.approved_at,
        signed_on=c.signed_on,
        customer_signatory=c.customer_signatory,
        company_signatory=c.company_signatory,
        owner=Ref(id=c.owner_id, name=str(c.owner)),
        department=Ref(id=c.department_id, name=c.department.name),
        version=c.version,
        created_at=c.created_at,
        updated_at=c.updated_at,
    )


def _fresh(user, contract_id: int) -> ContractOut:
    return _out(selectors.contract_get(user=user, contract_id=contract_id), user)


class LineIn(Schema):
    """A line: the unit price offered, or a discount off the effective price (not both)."""

    product_id: int
    unit_id: int
    quantity: Decimal = Field(..., max_digits=14, decimal_places=3)
    unit_price: Decimal | None = Field(None, max_digits=16, decimal_places=2)
    discount: Decimal | None = Field(None, max_digits=7, decimal_places=2)
    spec: str = Field("", max_length=200)

    model_config = {"extra": "forbid"}


class TermIn(Schema):
    """An instalment: a percent of the total XOR an amount."""

    label: str = Field(..., max_length=60)
    trigger: str = Field(
        ..., pattern="^(signing|before_shipment|delivery|acceptance|warranty_end)$"
    )
    days_after: int = Field(0, ge=0, le=3650)
    percent: Decimal | None = Field(None, max_digits=5, decimal_places=2)
    amount: Decimal | None = Field(None, max_digits=16, decimal_places=2)
    is_retention: bool = False

    model_config = {"extra": "forbid"}


class ContractIn(Schema):
    customer_id: int
    title: str = Field(..., max_length=200)
    price_date: date | None = None
    template_id: int | None = None
    opportunity_id: int | None = None
    delivery_date: date | None = None
    delivery_place: str = Field("", max_length=300)
    delivery_terms: str = Field("", max_length=5000)
    installation_required: bool = False
    warranty_months: int | None = Field(None, ge=0, le=240)
    inspection_cycle_months: int | None = Field(None, ge=0, le=240)
    after_sales_terms: str = Field("", max_length=5000)
    end_on: date | None = None
    notes: str = Field("", max_length=10000)
    lines: list[LineIn] = Field(default_factory=list, max_length=200)
    terms: list[TermIn] = Field(default_factory=list, max_length=20)

    model_config = {"extra": "forbid"}


class ContractUpdateIn(ContractIn):
    version: int


def _data(payload: ContractIn):
    fields = payload.model_dump(exclude={"lines", "terms", "version"})
    data = services.ContractData(**fields)
    lines = [services.ContractLineData(**line.model_dump()) for line in payload.lines]
    terms = [PaymentTermData(**t.model_dump()) for t in payload.terms]
    return data, lines, terms


@router.get("/{contract_id}", response=ContractOut, summary="One contract with lines and terms")
def contract_detail(request, contract_id: int):
    user = require_rights(request, "contracts.view")
    return _fresh(user, contract_id)


@router.post("/", response={201: ContractOut}, summary="Draft a contract (lines and terms)")
@idempotent
def contract_create(request, payload: ContractIn):
    user = require_rights(request, "contracts.edit")
    data, lines, terms = _data(payload)
    contract = services.contract_create(actor=user, data=data, lines=lines, terms=terms)
    return Status(201, _fresh(user, contract.pk))


@router.post(
    "/from-quote/{quote_id}",
    response={201: ContractOut},
    summary="Draft a contract from an accepted quote (409 if one exists)",
)
@idempotent
def contract_from_quote(request, quote_id: int):
    user = require_rights(request, "contracts.edit")
    contract = services.contract_create_from_quote(actor=user, quote_id=quote_id)
    return Status(201, _fresh(user, contract.pk))


@router.put(
    "/{contract_id}",
    response=ContractOut,
    summary="Edit a draft (409 stale_edit if the version is not the current one)",
)
def contract_update(request, contract_id: int, payload: ContractUpdateIn):
    user = require_rights(request, "contracts.edit")
    contract = selectors.contract_get(user=user, contract_id=contract_id)
    data, lines, terms = _data(payload)
    services.contract_update(
        actor=user,
        contract=contract,
        expected_version=payload.version,
        data=data,
        lines=lines,
        terms=terms,
    )
    return _fresh(user, contract.pk)


@router.post(
    "/{contract_id}/submit",
    response=ContractOut,
    summary="Submit for approval (422 contract_terms_missing / price_below_range)",
)
@idempotent
def contract_submit(request, contract_id: int):
    user = require_rights(request, "contracts.edit")
    contract = selectors.contract_get(user=user, contract_id=contract_id)
    services.contract_submit(actor=user, contract=contract)
    return _fresh(user, contract.pk)


@router.post("/{contract_id}/withdraw", response=ContractOut, summary="Withdraw from approval")
def contract_withdraw(request, contract_id: int):
    user = require_rights(request, "contracts.edit")
    contract = selectors.contract_get(user=user, contract_id=contract_id)
    services.contract_withdraw(actor=user, contract=contract)
    return _fresh(user, contract.pk)


@router.post(
    "/{contract_id}/sign",
    response=ContractOut,
    summary="Record the signing of an approved contract (multipart, with the signed scan)",
)
@idempotent
def contract_sign(
    request,
    contract_id: int,
    signed_on: date = Form(...),  # noqa: B008 - ninja's declaration style
    customer_signatory: str = Form(..., max_length=100),
    company_signatory: str = Form(..., max_length=100),
    scan: UploadedFile = File(...),  # noqa: B008
):
    user = require_rights(request, "contracts.sign")
    contract = selectors.contract_get(user=user, contract_id=contract_id)
    services.contract_sign(
        actor=user,
        contract=contract,
        signed_on=signed_on,
        customer_signatory=customer_signatory,
        company_signatory=company_signatory,
        scan=scan,
    )
    return _fresh(user, contract.pk)
