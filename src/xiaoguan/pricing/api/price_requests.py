"""API of price approval requests (R-PRC-2, R-PRC-3), mounted at
``/api/v1/pricing/price-requests/``: the list and detail in the caller's scope, and filing a
request for a quote or contract ``{subject_kind, subject_id, reason}``. The lines and prices
are read from the document by its own app (``pricing.registries``), never taken from the
client. Floor prices are in the payload only for holders of ``pricing.confidential``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from xiaoguan.core.api import require_any_right, require_rights
from xiaoguan.core.idempotency import idempotent
from xiaoguan.pricing.lines import HUNDRED, to_cents
from xiaoguan.pricing.models import PriceRequest
from xiaoguan.pricing.selectors import price_requests as selectors
from xiaoguan.pricing.services import price_requests as services

router = Router(tags=["pricing"])


class Ref(Schema):
    id: int
    name: str


class PriceRequestLineOut(Schema):
    product: Ref
    unit: Ref
    quantity: Decimal
    effective_price: Decimal
    requested_price: Decimal
    discount: Decimal
    below_range_by: Decimal
    floor_price: Decimal | None = None  # only with pricing.confidential


class PriceRequestOut(Schema):
    id: int
    number: str
    subject_kind: str
    subject_id: int
    subject_label: str
    customer_id: int
    customer_name: str
    reason: str
    max_discount: Decimal
    amount: Decimal
    status: str
    submitted_at: datetime | None
    decided_at: datetime | None
    owner: Ref
    department: Ref
    created_at: datetime


class PriceRequestDetailOut(PriceRequestOut):
    lines: list[PriceRequestLineOut]


def _out(r: PriceRequest) -> dict:
    return {
        "id": r.pk,
        "number": r.number,
        "subject_kind": r.subject_kind,
        "subject_id": r.subject_id,
        "subject_label": r.subject_label,
        "customer_id": r.customer_id,
        "customer_name": r.customer_name,
        "reason": r.reason,
        "max_discount": r.max_discount,
        "amount": r.amount,
        "status": r.status,
        "submitted_at": r.submitted_at,
        "decided_at": r.decided_at,
        "owner": Ref(id=r.owner_id, name=str(r.owner)),
        "department": Ref(id=r.department_id, name=r.department.name),
        "created_at": r.created_at,
    }


def _detail(r: PriceRequest, *, confidential: bool) -> PriceRequestDetailOut:
    lines = []
    for line in selectors.price_request_lines(request=r):
        below = to_cents((line.floor_price - line.requested_price) * HUNDRED / line.effective_price)
        lines.append(
            PriceRequestLineOut(
                product=Ref(id=line.product_id, name=line.product.name),
                unit=Ref(id=line.unit_id, name=line.unit.name),
                quantity=line.quantity,
                effective_price=line.effective_price,
                requested_price=line.requested_price,
                discount=line.discount,
                below_range_by=below,
                floor_price=line.floor_price if confidential else None,
            )
        )
    return PriceRequestDetailOut(**_out(r), lines=lines)


class PriceRequestPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[PriceRequestOut]


class PriceRequestFilters(Schema):
    q: str = Field("", max_length=100)
    status: str = Field(
        "", pattern="^(|open|draft|in_approval|returned|approved|rejected|cancelled)$"
    )
    subject_kind: str = Field("", pattern="^(|quote|contract)$")
    subject_id: int | None = Field(None, ge=1)
    sort: str = Field(selectors.DEFAULT_SORT, max_length=20)
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/", response=PriceRequestPage, summary="Price approval requests the caller may see")
def price_request_list(request: HttpRequest, filters: Query[PriceRequestFilters]):
    user = require_rights(request, "pricing.requests_view")
    chosen = {
        k: getattr(filters, k)
        for k in selectors.FILTER_KEYS
        if getattr(filters, k, None) not in (None, "")
    }
    sort = filters.sort if filters.sort in selectors.SORTS else selectors.DEFAULT_SORT
    qs = selectors.price_request_list(user=user, filters=chosen, sort=sort)
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    items = [PriceRequestOut(**_out(r)) for r in qs[start : start + filters.page_size]]
    return PriceRequestPage(
        count=count, page=filters.page, page_size=filters.page_size, items=items
    )


@router.get(
    "/{price_request_id}",
    response=PriceRequestDetailOut,
    summary="One price approval request with its lines",
)
def price_request_detail(request: HttpRequest, price_request_id: int):
    user = require_rights(request, "pricing.requests_view")
    found = selectors.price_request_get(user=user, price_request_id=price_request_id)
    return _detail(found, confidential=user.has_right("pricing.confidential"))


class PriceRequestIn(Schema):
    """The document and the reason; the lines and prices come from the document."""

    subject_kind: str = Field(..., pattern="^(quote|contract)$")
    subject_id: int = Field(..., ge=1)
    reason: str = Field(..., max_length=services.MAX_REASON)

    model_config = {"extra": "forbid"}


@router.post(
    "/",
    response={201: PriceRequestDetailOut},
    summary="File a price approval request for a quote or contract (accepts Idempotency-Key)",
)
@idempotent
def price_request_create(request: HttpRequest, payload: PriceRequestIn):
    user = require_any_right(request, "pricing.request")
    created = services.price_request_create_for_subject(
        actor=user,
        subject_kind=payload.subject_kind,
        subject_id=payload.subject_id,
        reason=payload.reason,
    )
    found = selectors.price_request_get(user=user, price_request_id=created.pk)
    return Status(201, _detail(found, confidential=user.has_right("pricing.confidential")))


@router.post(
    "/{price_request_id}/cancel",
    response=PriceRequestDetailOut,
    summary="Withdraw or cancel a price approval request",
)
def price_request_cancel(request: HttpRequest, price_request_id: int):
    user = require_rights(request, "pricing.requests_view")
    found = selectors.price_request_get(user=user, price_request_id=price_request_id)
    services.price_request_cancel(actor=user, request=found)
    found = selectors.price_request_get(user=user, price_request_id=price_request_id)
    return _detail(found, confidential=user.has_right("pricing.confidential"))
