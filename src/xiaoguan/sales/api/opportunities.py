"""API of the opportunities part of sales, mounted on the sales router
(``/api/v1/sales/opportunities``): the same scope, rules and messages as the pages. Input
schemas are allow-lists (never owner, department, number or close fields); an edit carries
the version it was based on (409 ``stale_edit`` otherwise)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from xiaoguan.core.api import require_rights
from xiaoguan.sales.enums import OPEN_STAGES
from xiaoguan.sales.models import Opportunity
from xiaoguan.sales.selectors import opportunities as selectors
from xiaoguan.sales.services import opportunities as services

router = Router()


class Ref(Schema):
    id: int
    name: str


class OpportunityOut(Schema):
    id: int
    number: str
    name: str
    customer: Ref
    lead_id: int | None
    stage: str
    amount: Decimal
    probability: int
    weighted_amount: Decimal
    expected_close: date
    description: str
    lost_reason: str
    close_note: str
    closed_at: datetime | None
    version: int
    owner: Ref
    department: Ref
    created_at: datetime
    updated_at: datetime


def _out(o: Opportunity) -> OpportunityOut:
    return OpportunityOut(
        id=o.pk,
        number=o.number,
        name=o.name,
        customer=Ref(id=o.customer_id, name=o.customer.name),
        lead_id=o.lead_id,
        stage=o.stage,
        amount=o.amount,
        probability=o.probability,
        weighted_amount=(Decimal(o.amount) * o.probability / 100).quantize(selectors.CENT),
        expected_close=o.expected_close,
        description=o.description,
        lost_reason=o.lost_reason,
        close_note=o.close_note,
        closed_at=o.closed_at,
        version=o.version,
        owner=Ref(id=o.owner_id, name=str(o.owner)),
        department=Ref(id=o.department_id, name=o.department.name),
        created_at=o.created_at,
        updated_at=o.updated_at,
    )


class OpportunityPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[OpportunityOut]


class OpportunityFilters(Schema):
    q: str = Field("", max_length=100)
    stage: str = Field("", pattern="^(|open|needs|solution|quote|negotiation|won|lost)$")
    owner: int | None = None
    team: int | None = None
    customer: int | None = None
    close_from: date | None = None
    close_to: date | None = None
    amount_min: Decimal | None = Field(None, ge=0)
    amount_max: Decimal | None = Field(None, ge=0)
    sort: str = Field(selectors.DEFAULT_SORT, max_length=20)
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


def _chosen(filters: OpportunityFilters) -> dict:
    return {
        k: getattr(filters, k)
        for k in selectors.FILTER_KEYS
        if getattr(filters, k, None) not in (None, "")
    }


@router.get("/", response=OpportunityPage, summary="Opportunities the caller may see (paginated)")
def opportunity_list(request, filters: Query[OpportunityFilters]):
    user = require_rights(request, "sales.opportunities_view")
    sort = filters.sort if filters.sort in selectors.SORTS else selectors.DEFAULT_SORT
    qs = selectors.opportunity_list(user=user, filters=_chosen(filters), sort=sort)
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    items = [_out(o) for o in qs[start : start + filters.page_size]]
    return OpportunityPage(count=count, page=filters.page, page_size=filters.page_size, items=items)


class StageSummary(Schema):
    stage: str
    count: int
    amount: Decimal
    weighted_amount: Decimal


class PipelineSummary(Schema):
    stages: list[StageSummary]
    open_count: int
    open_amount: Decimal
    open_weighted_amount: Decimal


class SummaryFilters(Schema):
    owner: int | None = None
    team: int | None = None
    close_from: date | None = None
    close_to: date | None = None


@router.get(
    "/pipeline", response=PipelineSummary, summary="Per-stage totals and the weighted pipeline"
)
def pipeline_summary(request, filters: Query[SummaryFilters]):
    user = require_rights(request, "sales.opportunities_view")
    chosen = {k: v for k, v in filters.model_dump().items() if v not in (None, "")}
    stages = selectors.pipeline_summary(user=user, filters=chosen)
    open_rows = [s for s in stages if s["stage"] in OPEN_STAGES]
    return PipelineSummary(
        stages=[StageSummary(**s) for s in stages],
        open_count=sum(s["count"] for s in open_rows),
        open_amount=sum((s["amount"] for s in open_rows), Decimal(0)),
        open_weighted_amount=sum((s["weighted_amount"] for s in open_rows), Decimal(0)),
    )


@router.get("/{opportunity_id}", response=OpportunityOut, summary="One opportunity")
def opportunity_detail(request, opportunity_id: int):
    user = require_rights(request, "sales.opportunities_view")
    return _out(selectors.opportunity_get(user=user, opportunity_id=opportunity_id))


class OpportunityIn(Schema):
    """What a caller may write on entry: no owner, department, number or close fields."""

    customer_id: int
    name: str = Field(..., max_length=200)
    amount: Decimal = Field(..., max_digits=16, decimal_places=2)
    expected_close: date
    probability: int | None = Field(None, ge=0, le=100)
    stage: str = Field("needs", pattern="^(needs|solution|quote|negotiation)$")
    description: str = Field("", max_length=5000)
    lead_id: int | None = None

    model_config = {"extra": "forbid"}


class OpportunityUpdateIn(Schema):
    """An edit of an open opportunity, based on ``version`` (the customer and stage stay)."""

    version: int
    name: str = Field(..., max_length=200)
    amount: Decimal = Field(..., max_digits=16, decimal_places=2)
    expected_close: date
    probability: int | None = Field(None, ge=0, le=100)
    description: str = Field("", max_length=5000)

    model_config = {"extra": "forbid"}


class StageMoveIn(Schema):
    stage: str = Field(..., pattern="^(needs|solution|quote|negotiation|won|lost)$")
    note: str = Field("", max_length=300)
    lost_reason: str = Field("", max_length=14)
    probability: int | None = Field(None, ge=0, le=100)
    version: int | None = None

    model_config = {"extra": "forbid"}


@router.post("/", response={201: OpportunityOut}, summary="Create an opportunity")
def opportunity_create(request, payload: OpportunityIn):
    user = require_rights(request, "sales.opportunities_edit")
    opp = services.opportunity_create(
        actor=user, data=services.OpportunityData(**payload.model_dump())
    )
    return Status(201, _out(selectors.opportunity_get(user=user, opportunity_id=opp.pk)))


@router.put(
    "/{opportunity_id}",
    response=OpportunityOut,
    summary="Edit an open opportunity (409 stale_edit if the version is not the current one)",
)
def opportunity_update(request, opportunity_id: int, payload: OpportunityUpdateIn):
    user = require_rights(request, "sales.opportunities_edit")
    opp = selectors.opportunity_get(user=user, opportunity_id=opportunity_id)
    data = payload.model_dump()
    version = data.pop("version")
    services.opportunity_update(
        actor=user,
        opportunity=opp,
        data=services.OpportunityData(customer_id=opp.customer_id, **data),
        expected_version=version,
    )
    return _out(selectors.opportunity_get(user=user, opportunity_id=opp.pk))


@router.post(
    "/{opportunity_id}/move",
    response=OpportunityOut,
    summary="Move to another stage (lost needs lost_reason; reopening a closed one needs a note)",
)
def opportunity_move(request, opportunity_id: int, payload: StageMoveIn):
    user = require_rights(request, "sales.opportunities_edit")
    opp = selectors.opportunity_get(user=user, opportunity_id=opportunity_id)
    services.opportunity_move(
        actor=user,
        opportunity=opp,
        stage=payload.stage,
        note=payload.note,
        lost_reason=payload.lost_reason,
        probability=payload.probability,
        expected_version=payload.version,
    )
    return _out(selectors.opportunity_get(user=user, opportunity_id=opp.pk))
