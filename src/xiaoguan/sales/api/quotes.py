"""API of the quotes part of sales, mounted on the sales router (``/api/v1/sales/quotes``):
the same scope, rules and messages as the pages. Input schemas are allow-lists: a client
sends products, units, quantities and either the offered unit price or a discount; the
effective prices, amounts and totals are always computed by the service. ``cost_estimate``
is read and written only by holders of ``pricing.confidential``. An edit carries the version
it was based on (409 ``stale_edit`` otherwise)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from xiaoguan.core.api import require_rights
from xiaoguan.pricing.selectors.prices import can_see_confidential
from xiaoguan.sales.enums import QuoteStatus
from xiaoguan.sales.models import Quote
from xiaoguan.sales.selectors import quotes as selectors
from xiaoguan.sales.services import quotes as services

router = Router()
STATUS_PATTERN = "^(|open|" + "|".join(QuoteStatus.values) + ")$"


class Ref(Schema):
    id: int
    name: str


class QuoteLineOut(Schema):
    position: int
    product: Ref
    unit: Ref
    spec: str
    quantity: Decimal
    list_price: Decimal
    unit_price: Decimal
    discount: Decimal
    amount: Decimal


class QuoteOut(Schema):
    id: int
    number: str
    title: str
    customer: Ref
    inquiry_id: int | None
    opportunity_id: int | None
    status: str
    price_date: date
    valid_until: date
    delivery_lead_days: int | None
    payment_terms: str
    technical_notes: str
    notes: str
    cost_estimate: Decimal | None = Field(
        None, description="Only for holders of pricing.confidential; otherwise absent."
    )
    list_total: Decimal
    discount_total: Decimal
    total: Decimal
    submitted_at: datetime | None
    decided_at: datetime | None
    accepted_at: datetime | None
    lost_reason: str
    outcome_note: str
    version: int
    owner: Ref
    department: Ref
    created_at: datetime
    updated_at: datetime
    lines: list[QuoteLineOut] | None = None


def _out(q: Quote, *, user, with_lines: bool = False) -> dict:
    body = QuoteOut(
        id=q.pk,
        number=q.number,
        title=q.title,
        customer=Ref(id=q.customer_id, name=q.customer.name),
        inquiry_id=q.inquiry_id,
        opportunity_id=q.opportunity_id,
        status=q.status,
        price_date=q.price_date,
        valid_until=q.valid_until,
        delivery_lead_days=q.delivery_lead_days,
        payment_terms=q.payment_terms,
        technical_notes=q.technical_notes,
        notes=q.notes,
        cost_estimate=q.cost_estimate,
        list_total=q.list_total,
        discount_total=q.discount_total,
        total=q.total,
        submitted_at=q.submitted_at,
        decided_at=q.decided_at,
        accepted_at=q.accepted_at,
        lost_reason=q.lost_reason,
        outcome_note=q.outcome_note,
        version=q.version,
        owner=Ref(id=q.owner_id, name=str(q.owner)),
        department=Ref(id=q.department_id, name=q.department.name),
        created_at=q.created_at,
        updated_at=q.updated_at,
        lines=(
            [
                QuoteLineOut(
                    position=line.position,
                    product=Ref(id=line.product_id, name=line.product.name),
                    unit=Ref(id=line.unit_id, name=line.unit.name),
                    spec=line.spec,
                    quantity=line.quantity,
                    list_price=line.list_price,
                    unit_price=line.unit_price,
                    discount=line.discount,
                    amount=line.amount,
                )
                for line in selectors.quote_lines(quote=q)
            ]
            if with_lines
            else None
        ),
    ).model_dump(exclude_none=False)
    if not can_see_confidential(user):
        body.pop("cost_estimate")  # confidential: removed, not merely empty
    if not with_lines:
        body.pop("lines")
    return body


class QuotePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[dict]


class QuoteFilters(Schema):
    q: str = Field("", max_length=100)
    status: str = Field("", pattern=STATUS_PATTERN)
    customer: int | None = None
    opportunity: int | None = None
    inquiry: int | None = None
    expiring: bool = False
    sort: str = Field(selectors.DEFAULT_SORT, max_length=20)
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/", response=QuotePage, summary="Quotes the caller may see (paginated)")
def quote_list(request, filters: Query[QuoteFilters]):
    user = require_rights(request, "sales.quotes_view")
    chosen = {
        k: getattr(filters, k)
        for k in selectors.FILTER_KEYS
        if getattr(filters, k, None) not in (None, "", False)
    }
    sort = filters.sort if filters.sort in selectors.SORTS else selectors.DEFAULT_SORT
    qs = selectors.quote_list(user=user, filters=chosen, sort=sort)
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    items = [_out(q, user=user) for q in qs[start : start + filters.page_size]]
    return QuotePage(count=count, page=filters.page, page_size=filters.page_size, items=items)


def _get(user, quote_id: int) -> Quote:
    return selectors.quote_get(user=user, quote_id=quote_id)


@router.get("/{quote_id}", response=dict, summary="One quote with its lines")
def quote_detail(request, quote_id: int):
    user = require_rights(request, "sales.quotes_view")
    return _out(_get(user, quote_id), user=user, with_lines=True)


class QuoteLineIn(Schema):
    """A line: the offered ``unit_price``, or a ``discount`` in percent below the effective
    price (the unit price wins when both are given); no list price, no amount."""

    product_id: int
    unit_id: int | None = Field(None, description="Empty: the product's base unit.")
    quantity: Decimal = Field(..., max_digits=14, decimal_places=3)
    unit_price: Decimal | None = Field(None, max_digits=16, decimal_places=2)
    discount: Decimal | None = Field(None, max_digits=5, decimal_places=2)
    spec: str = Field("", max_length=200)

    model_config = {"extra": "forbid"}


class QuoteIn(Schema):
    """A new draft: no number, owner, status, prices of the price list or totals."""

    customer_id: int
    title: str = Field(..., max_length=200)
    valid_until: date | None = None
    inquiry_id: int | None = None
    opportunity_id: int | None = None
    delivery_lead_days: int | None = Field(None, ge=0, le=3650)
    payment_terms: str = Field("", max_length=2000)
    technical_notes: str = Field("", max_length=10000)
    cost_estimate: Decimal | None = Field(None, max_digits=16, decimal_places=2, ge=0)
    notes: str = Field("", max_length=5000)
    lines: list[QuoteLineIn] = Field(default_factory=list, max_length=services.MAX_LINES)

    model_config = {"extra": "forbid"}


class QuoteUpdateIn(Schema):
    """An edit of a draft or returned quote, based on ``version``; the lines are replaced."""

    version: int
    title: str = Field(..., max_length=200)
    valid_until: date | None = None
    opportunity_id: int | None = None
    delivery_lead_days: int | None = Field(None, ge=0, le=3650)
    payment_terms: str = Field("", max_length=2000)
    technical_notes: str = Field("", max_length=10000)
    cost_estimate: Decimal | None = Field(None, max_digits=16, decimal_places=2, ge=0)
    notes: str = Field("", max_length=5000)
    lines: list[QuoteLineIn] = Field(default_factory=list, max_length=services.MAX_LINES)

    model_config = {"extra": "forbid"}


class AnswerIn(Schema):
    note: str = Field("", max_length=300)

    model_config = {"extra": "forbid"}


class LostIn(Schema):
    lost_reason: str = Field(..., max_length=14)
    note: str = Field("", max_length=300)

    model_config = {"extra": "forbid"}


def _lines(payload_lines: list[QuoteLineIn]) -> list[services.QuoteLineData]:
    from xiaoguan.catalog.models import Product

    base_units = dict(
        Product.objects.filter(pk__in={ln.product_id for ln in payload_lines}).values_list(
            "pk", "unit_id"
        )
    )
    return [
        services.QuoteLineData(
            product_id=ln.product_id,
            unit_id=ln.unit_id if ln.unit_id is not None else base_units.get(ln.product_id, -1),
            quantity=ln.quantity,
            unit_price=ln.unit_price,
            discount=ln.discount,
            spec=ln.spec,
        )
        for ln in payload_lines
    ]


@router.post("/", response={201: dict}, summary="Create a draft quote")
def quote_create(request, payload: QuoteIn):
    user = require_rights(request, "sales.quotes_edit")
    data = payload.model_dump(exclude={"lines"})
    quote = services.quote_create(
        actor=user, data=services.QuoteData(**data), lines=_lines(payload.lines)
    )
    return Status(201, _out(_get(user, quote.pk), user=user, with_lines=True))


@router.put(
    "/{quote_id}",
    response=dict,
    summary="Edit a draft (409 stale_edit if the version is not the current one)",
)
def quote_update(request, quote_id: int, payload: QuoteUpdateIn):
    user = require_rights(request, "sales.quotes_edit")
    quote = _get(user, quote_id)
    data = payload.model_dump(exclude={"lines", "version"})
    services.quote_update(
        actor=user,
        quote=quote,
        expected_version=payload.version,
        data=services.QuoteData(customer_id=quote.customer_id, **data),
        lines=_lines(payload.lines),
    )
    return _out(_get(user, quote.pk), user=user, with_lines=True)


@router.post(
    "/{quote_id}/submit",
    response=dict,
    summary="Submit for approval (422 price_below_range without an approved price request)",
)
def quote_submit(request, quote_id: int):
    user = require_rights(request, "sales.quotes_edit")
    services.quote_submit(actor=user, quote=_get(user, quote_id))
    return _out(_get(user, quote_id), user=user)


@router.post("/{quote_id}/accept", response=dict, summary="The customer accepted the quote")
def quote_accept(request, quote_id: int, payload: AnswerIn):
    user = require_rights(request, "sales.quotes_edit")
    services.quote_accept(actor=user, quote=_get(user, quote_id), note=payload.note)
    return _out(_get(user, quote_id), user=user)


@router.post("/{quote_id}/lose", response=dict, summary="The customer turned the quote down")
def quote_lose(request, quote_id: int, payload: LostIn):
    user = require_rights(request, "sales.quotes_edit")
    services.quote_lose(
        actor=user, quote=_get(user, quote_id), lost_reason=payload.lost_reason, note=payload.note
    )
    return _out(_get(user, quote_id), user=user)
