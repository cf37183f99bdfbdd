"""Visit and follow-up endpoints (R-CUS-6, R-X-8), mounted at ``/api/v1/activities/visits``:
the same scope, rules and messages as the pages. Input schemas are allow-lists."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from xiaoguan.activities.errors import VisitInvalid
from xiaoguan.activities.models import FollowUp, Visit
from xiaoguan.activities.selectors import visits as selectors
from xiaoguan.activities.services import visits as services
from xiaoguan.core.api import require_rights

router = Router(tags=["visits"])


class Ref(Schema):
    id: int
    name: str


class FollowUpOut(Schema):
    id: int
    customer: Ref
    visit_id: int | None
    title: str
    due_date: date
    done_at: datetime | None
    outcome: str
    owner: Ref


def _followup_out(f: FollowUp) -> FollowUpOut:
    return FollowUpOut(
        id=f.pk,
        customer=Ref(id=f.customer_id, name=f.customer.name),
        visit_id=f.visit_id,
        title=f.title,
        due_date=f.due_date,
        done_at=f.done_at,
        outcome=f.done_note,
        owner=Ref(id=f.owner_id, name=str(f.owner)),
    )


class VisitOut(Schema):
    id: int
    customer: Ref
    status: str
    kind: str
    planned_for: date | None
    visited_at: datetime | None
    contacts: list[Ref] | None = None
    purpose: str
    feedback: str
    demand_change: str
    result: str
    next_step: str
    latitude: Decimal | None
    longitude: Decimal | None
    owner: Ref
    department: Ref
    follow_ups: list[FollowUpOut] | None = None


def _visit_out(v: Visit, *, full: bool = False) -> VisitOut:
    out = VisitOut(
        id=v.pk,
        customer=Ref(id=v.customer_id, name=v.customer.name),
        status=v.status,
        kind=v.kind,
        planned_for=v.planned_for,
        visited_at=v.visited_at,
        purpose=v.purpose,
        feedback=v.feedback,
        demand_change=v.demand_change,
        result=v.result,
        next_step=v.next_step,
        latitude=v.latitude,
        longitude=v.longitude,
        owner=Ref(id=v.owner_id, name=str(v.owner)),
        department=Ref(id=v.department_id, name=v.department.name),
    )
    if full:
        out.contacts = [Ref(id=c.pk, name=c.name) for c in v.contacts.all()]
        out.follow_ups = [
            _followup_out(f) for f in v.follow_ups.select_related("customer", "owner")
        ]
    return out


class VisitPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[VisitOut]


class VisitFilters(Schema):
    status: str = Field("", max_length=12)
    kind: str = Field("", max_length=12)
    result: str = Field("", max_length=12)
    owner: int | None = None
    customer: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str = Field("", max_length=100)
    mine: bool = False
    sort: str = Field(selectors.DEFAULT_VISIT_SORT, max_length=20)
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class FollowUpFilters(Schema):
    state: str = Field("due", pattern="^(due|open|done|all)$")
    mine: bool = False
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class FollowUpPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[FollowUpOut]


class FollowUpIn(Schema):
    customer_id: int
    title: str = Field(..., max_length=200)
    due_date: date

    model_config = {"extra": "forbid"}


class FollowUpDoneIn(Schema):
    outcome: str = Field(..., max_length=300)

    model_config = {"extra": "forbid"}


@router.get(
    "/followups", response=FollowUpPage, summary="Follow-ups the caller may see (due by default)"
)
def followup_list(request, filters: Query[FollowUpFilters]):
    user = require_rights(request, "activities.view")
    qs = selectors.followup_list(user=user, state=filters.state, mine=filters.mine)
    start = (filters.page - 1) * filters.page_size
    return FollowUpPage(
        count=qs.count(),
        page=filters.page,
        page_size=filters.page_size,
        items=[_followup_out(f) for f in qs[start : start + filters.page_size]],
    )


@router.post("/followups", response={201: FollowUpOut}, summary="Create a follow-up task")
def followup_create(request, payload: FollowUpIn):
    user = require_rights(request, "activities.edit")
    customer = selectors.customer_for_visit(user=user, customer_id=payload.customer_id)
    f = services.followup_create(
        actor=user, customer=customer, title=payload.title, due_date=payload.due_date
    )
    return Status(201, _followup_out(selectors.followup_get(user=user, followup_id=f.pk)))


@router.post(
    "/followups/{followup_id}/complete",
    response=FollowUpOut,
    summary="Mark a follow-up done with its outcome",
)
def followup_complete(request, followup_id: int, payload: FollowUpDoneIn):
    user = require_rights(request, "activities.edit")
    f = selectors.followup_get(user=user, followup_id=followup_id)
    services.followup_complete(actor=user, followup=f, outcome=payload.outcome)
    return _followup_out(selectors.followup_get(user=user, followup_id=followup_id))


class VisitPlanIn(Schema):
    customer_id: int
    planned_for: date
    kind: str = Field("onsite", max_length=12)
    purpose: str = Field("", max_length=200)

    model_config = {"extra": "forbid"}


@router.post("/plan", response={201: VisitOut}, summary="Plan a visit to a customer")
def visit_plan(request, payload: VisitPlanIn):
    user = require_rights(request, "activities.edit")
    customer = selectors.customer_for_visit(user=user, customer_id=payload.customer_id)
    visit = services.visit_plan(
        actor=user,
        customer=customer,
        planned_for=payload.planned_for,
        kind=payload.kind,
        purpose=payload.purpose,
    )
    return Status(201, _visit_out(selectors.visit_get(user=user, visit_id=visit.pk), full=True))


@router.get("/", response=VisitPage, summary="Visits the caller may see (paginated)")
def visit_list(request, filters: Query[VisitFilters]):
    user = require_rights(request, "activities.view")
    chosen = {k: getattr(filters, k) for k in selectors.VISIT_FILTER_KEYS if getattr(filters, k)}
    sort = filters.sort if filters.sort in selectors.VISIT_SORTS else selectors.DEFAULT_VISIT_SORT
    qs = selectors.visit_list(user=user, filters=chosen, sort=sort)
    start = (filters.page - 1) * filters.page_size
    return VisitPage(
        count=qs.count(),
        page=filters.page,
        page_size=filters.page_size,
        items=[_visit_out(v) for v in qs[start : start + filters.page_size]],
    )


@router.get("/{visit_id}", response=VisitOut, summary="One visit with its contacts and follow-ups")
def visit_detail(request, visit_id: int):
    user = require_rights(request, "activities.view")
    return _visit_out(selectors.visit_get(user=user, visit_id=visit_id), full=True)


class VisitRecordIn(Schema):
    """A visit record. ``customer_id`` for an unplanned visit (on ``POST /``)."""

    customer_id: int | None = None
    kind: str = Field(..., max_length=12)
    visited_at: datetime
    result: str = Field(..., max_length=12)
    contact_ids: list[int] = Field(default_factory=list, max_length=50)
    purpose: str = Field("", max_length=200)
    feedback: str = Field("", max_length=5000)
    demand_change: str = Field("", max_length=5000)
    next_step: str = Field("", max_length=300)
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    followup_title: str = Field("", max_length=200)
    followup_due: date | None = None

    model_config = {"extra": "forbid"}

    def to_data(self) -> services.VisitData:
        return services.VisitData(**self.model_dump(exclude={"customer_id"}))


@router.post("/", response={201: VisitOut}, summary="Record an unplanned visit")
def visit_record_new(request, payload: VisitRecordIn):
    user = require_rights(request, "activities.edit")
    if payload.customer_id is None:
        raise VisitInvalid(fields={"customer_id": _("This field is required.")})
    customer = selectors.customer_for_visit(user=user, customer_id=payload.customer_id)
    visit = services.visit_record(actor=user, customer=customer, data=payload.to_data())
    return Status(201, _visit_out(selectors.visit_get(user=user, visit_id=visit.pk), full=True))


@router.post("/{visit_id}/record", response=VisitOut, summary="Record a planned visit")
def visit_record(request, visit_id: int, payload: VisitRecordIn):
    user = require_rights(request, "activities.edit")
    visit = selectors.visit_get(user=user, visit_id=visit_id)
    services.visit_record(actor=user, visit=visit, data=payload.to_data())
    return _visit_out(selectors.visit_get(user=user, visit_id=visit_id), full=True)


@router.post("/{visit_id}/cancel", response=VisitOut, summary="Cancel a planned visit")
def visit_cancel(request, visit_id: int):
    user = require_rights(request, "activities.edit")
    visit = selectors.visit_get(user=user, visit_id=visit_id)
    services.visit_cancel(actor=user, visit=visit)
    return _visit_out(selectors.visit_get(user=user, visit_id=visit_id), full=True)
