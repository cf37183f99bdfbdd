"""API of the inquiries part of sales, mounted on the sales router (``/api/v1/sales/inquiries``):
the same scope, rules and messages as the pages. Input schemas are allow-lists (never owner,
department, number, status or decision fields). The material cost the production department
filled in is confidential: ``cost_estimate`` is left out for callers without
``pricing.confidential``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from xiaoguan.core.api import require_rights
from xiaoguan.sales.models import Inquiry
from xiaoguan.sales.selectors import inquiries as selectors
from xiaoguan.sales.services import inquiries as services

router = Router()


class Ref(Schema):
    id: int
    name: str


class TaskOut(Schema):
    id: int
    kind: str
    department: Ref
    title: str
    status: str
    due_on: date | None
    response: str
    figures: dict[str, Any]
    completed_at: datetime | None


class InquiryOut(Schema):
    id: int
    number: str
    kind: str
    source: str
    customer: Ref
    opportunity_id: int | None
    title: str
    description: str
    tender_number: str
    deadline: datetime
    estimated_amount: Decimal | None
    status: str
    decided_by: Ref | None
    decided_at: datetime | None
    decision_note: str
    outcome_note: str
    version: int
    owner: Ref
    department: Ref
    created_at: datetime
    updated_at: datetime


class InquiryDetailOut(InquiryOut):
    tasks: list[TaskOut]
    technical_notes: str
    lead_time_days: int | None
    cost_estimate: Decimal | None = Field(
        None, description="Only for holders of pricing.confidential; otherwise absent."
    )


def _fields(i: Inquiry) -> dict[str, Any]:
    return {
        "id": i.pk,
        "number": i.number,
        "kind": i.kind,
        "source": i.source,
        "customer": Ref(id=i.customer_id, name=i.customer.name),
        "opportunity_id": i.opportunity_id,
        "title": i.title,
        "description": i.description,
        "tender_number": i.tender_number,
        "deadline": i.deadline,
        "estimated_amount": i.estimated_amount,
        "status": i.status,
        "decided_by": Ref(id=i.decided_by_id, name=str(i.decided_by)) if i.decided_by_id else None,
        "decided_at": i.decided_at,
        "decision_note": i.decision_note,
        "outcome_note": i.outcome_note,
        "version": i.version,
        "owner": Ref(id=i.owner_id, name=str(i.owner)),
        "department": Ref(id=i.department_id, name=i.department.name),
        "created_at": i.created_at,
        "updated_at": i.updated_at,
    }


def _detail(i: Inquiry, user) -> dict[str, Any]:
    figures = selectors.inquiry_figures_for(inquiry=i, user=user)
    body = {
        **_fields(i),
        "tasks": [
            TaskOut(
                id=row["task"].pk,
                kind=row["task"].kind,
                department=Ref(id=row["task"].department_id, name=row["task"].department.name),
                title=row["task"].title,
                status=row["task"].status,
                due_on=row["task"].due_on,
                response=row["task"].response,
                figures={f["name"]: f["value"] for f in row["figures"]},
                completed_at=row["task"].completed_at,
            )
            for row in selectors.inquiry_task_rows(inquiry=i, user=user)
        ],
        "technical_notes": figures["technical_notes"],
        "lead_time_days": figures["lead_time_days"],
    }
    if "cost_estimate" in figures:
        body["cost_estimate"] = figures["cost_estimate"]
    return body


class InquiryPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[InquiryOut]


class InquiryFilters(Schema):
    q: str = Field("", max_length=100)
    status: str = Field("", pattern="^(|open|new|escalated|bidding|no_bid|won|lost|cancelled)$")
    kind: str = Field("", pattern="^(|inquiry|tender)$")
    customer: int | None = None
    deadline_from: date | None = None
    deadline_to: date | None = None
    sort: str = Field(selectors.DEFAULT_SORT, max_length=20)
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/", response=InquiryPage, summary="Inquiries and tenders the caller may see")
def inquiry_list(request, filters: Query[InquiryFilters]):
    user = require_rights(request, "sales.inquiries_view")
    sort = filters.sort if filters.sort in selectors.SORTS else selectors.DEFAULT_SORT
    chosen = {
        k: getattr(filters, k)
        for k in selectors.FILTER_KEYS
        if getattr(filters, k, None) not in (None, "")
    }
    qs = selectors.inquiry_list(user=user, filters=chosen, sort=sort)
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    items = [InquiryOut(**_fields(i)) for i in qs[start : start + filters.page_size]]
    return InquiryPage(count=count, page=filters.page, page_size=filters.page_size, items=items)


@router.get(
    "/{inquiry_id}",
    response=InquiryDetailOut,
    exclude_unset=True,
    summary="One inquiry with its department tasks and the figures filled in",
)
def inquiry_detail(request, inquiry_id: int):
    user = require_rights(request, "sales.inquiries_view")
    return _detail(selectors.inquiry_get(user=user, inquiry_id=inquiry_id), user)


class InquiryIn(Schema):
    """What a caller may write on registration: no owner, department, number or status."""

    customer_id: int
    kind: str = Field("inquiry", pattern="^(inquiry|tender)$")
    source: str = Field(..., max_length=20)
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=10000)
    tender_number: str = Field("", max_length=60)
    deadline: datetime
    estimated_amount: Decimal | None = Field(None, max_digits=15, decimal_places=2)
    opportunity_id: int | None = None

    model_config = {"extra": "forbid"}


class DecisionIn(Schema):
    bid: bool
    reason: str = Field(..., max_length=2000)

    model_config = {"extra": "forbid"}


@router.post(
    "/",
    response={201: InquiryDetailOut},
    exclude_unset=True,
    summary="Register an inquiry or tender (the owner's manager is notified)",
)
def inquiry_create(request, payload: InquiryIn):
    user = require_rights(request, "sales.inquiries_edit")
    inquiry = services.inquiry_create(actor=user, data=services.InquiryData(**payload.model_dump()))
    return Status(201, _detail(selectors.inquiry_get(user=user, inquiry_id=inquiry.pk), user))


@router.post(
    "/{inquiry_id}/decide",
    response=InquiryDetailOut,
    exclude_unset=True,
    summary="Bid or no bid with a reason (a large bid goes to management: status escalated)",
)
def inquiry_decide(request, inquiry_id: int, payload: DecisionIn):
    user = require_rights(request, "sales.bid_decide")
    inquiry = selectors.inquiry_get(user=user, inquiry_id=inquiry_id)
    services.inquiry_decide(actor=user, inquiry=inquiry, bid=payload.bid, reason=payload.reason)
    return _detail(selectors.inquiry_get(user=user, inquiry_id=inquiry.pk), user)


class FiguresRequestIn(Schema):
    due_on: date | None = None
    note: str = Field("", max_length=2000)

    model_config = {"extra": "forbid"}


@router.post(
    "/{inquiry_id}/request-figures",
    response=InquiryDetailOut,
    exclude_unset=True,
    summary="Ask the technical and production departments for parameters, cost and lead time",
)
def inquiry_request_figures(request, inquiry_id: int, payload: FiguresRequestIn):
    user = require_rights(request, "sales.inquiries_edit")
    inquiry = selectors.inquiry_get(user=user, inquiry_id=inquiry_id)
    services.inquiry_request_figures(
        actor=user, inquiry=inquiry, due_on=payload.due_on, note=payload.note
    )
    return _detail(selectors.inquiry_get(user=user, inquiry_id=inquiry.pk), user)


class CancelIn(Schema):
    note: str = Field(..., max_length=300)

    model_config = {"extra": "forbid"}


@router.post("/{inquiry_id}/cancel", response=InquiryDetailOut, exclude_unset=True)
def inquiry_cancel(request, inquiry_id: int, payload: CancelIn):
    user = require_rights(request, "sales.inquiries_edit")
    inquiry = selectors.inquiry_get(user=user, inquiry_id=inquiry_id)
    services.inquiry_cancel(actor=user, inquiry=inquiry, note=payload.note)
    return _detail(selectors.inquiry_get(user=user, inquiry_id=inquiry.pk), user)
