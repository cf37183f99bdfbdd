"""Business trip endpoints (R-CUS-7, R-X-8), mounted at ``/api/v1/activities/trips``: the
same scope and rules as the pages. A submission blocked by the three-visit rule is a 409
with ``code: "trip_blocked"`` and the ``blocked`` customers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from xiaoguan.activities.models import Trip
from xiaoguan.activities.selectors import trips as selectors
from xiaoguan.activities.services import trips as services
from xiaoguan.core.api import require_rights

router = Router(tags=["trips"])


class Ref(Schema):
    id: int
    name: str


class StopOut(Schema):
    customer: Ref
    blocked_reason: str
    override_reason: str
    override_by: Ref | None
    override_at: datetime | None


class TripOut(Schema):
    id: int
    number: str | None
    status: str
    destination: str
    purpose: str
    start_date: date
    end_date: date
    budget: Decimal
    customers: list[StopOut]
    submitted_at: datetime | None
    decided_at: datetime | None
    report: str
    reported_at: datetime | None
    actual_cost: Decimal | None
    owner: Ref
    department: Ref
    version: int


def _trip_out(t: Trip) -> TripOut:
    return TripOut(
        id=t.pk,
        number=t.number,
        status=t.status,
        destination=t.destination,
        purpose=t.purpose,
        start_date=t.start_date,
        end_date=t.end_date,
        budget=t.budget,
        customers=[
            StopOut(
                customer=Ref(id=s.customer_id, name=s.customer.name),
                blocked_reason=s.blocked_reason,
                override_reason=s.override_reason,
                override_by=Ref(id=s.override_by_id, name=str(s.override_by))
                if s.override_by_id
                else None,
                override_at=s.override_at,
            )
            for s in t.trip_customers.all()
        ],
        submitted_at=t.submitted_at,
        decided_at=t.decided_at,
        report=t.report,
        reported_at=t.reported_at,
        actual_cost=t.actual_cost,
        owner=Ref(id=t.owner_id, name=str(t.owner)),
        department=Ref(id=t.department_id, name=t.department.name),
        version=t.version,
    )


class TripPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[TripOut]


class TripFilters(Schema):
    status: str = Field("", max_length=12)
    mine: bool = False
    owner: int | None = None
    customer: int | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/", response=TripPage, summary="Trips the caller may see (paginated)")
def trip_list(request, filters: Query[TripFilters]):
    user = require_rights(request, "activities.view")
    qs = selectors.trip_list(
        user=user,
        filters={
            "status": filters.status,
            "mine": filters.mine,
            "owner": filters.owner,
            "customer": filters.customer,
        },
    )
    start = (filters.page - 1) * filters.page_size
    return TripPage(
        count=qs.count(),
        page=filters.page,
        page_size=filters.page_size,
        items=[_trip_out(t) for t in qs[start : start + filters.page_size]],
    )


@router.get("/{trip_id}", response=TripOut, summary="One trip with its customers")
def trip_detail(request, trip_id: int):
    user = require_rights(request, "activities.view")
    return _trip_out(selectors.trip_get(user=user, trip_id=trip_id))


class TripIn(Schema):
    """What a caller may write: no owner, status or approval fields."""

    customer_ids: list[int] = Field(..., max_length=services.MAX_CUSTOMERS)
    destination: str = Field(..., max_length=100)
    purpose: str = Field(..., max_length=5000)
    start_date: date
    end_date: date
    budget: Decimal = Field(..., ge=0, max_digits=16, decimal_places=2)

    model_config = {"extra": "forbid"}


@router.post("/", response={201: TripOut}, summary="Request a trip (a draft)")
def trip_create(request, payload: TripIn):
    user = require_rights(request, "trips.request")
    trip = services.trip_create(actor=user, data=services.TripData(**payload.model_dump()))
    return Status(201, _trip_out(selectors.trip_get(user=user, trip_id=trip.pk)))


@router.post(
    "/{trip_id}/submit",
    response=TripOut,
    summary="Submit a draft to approval (409 trip_blocked names customers blocked by the rule)",
)
def trip_submit(request, trip_id: int):
    user = require_rights(request, "trips.request")
    trip = selectors.trip_get(user=user, trip_id=trip_id)
    services.trip_submit(actor=user, trip=trip)
    return _trip_out(selectors.trip_get(user=user, trip_id=trip_id))


class OverrideIn(Schema):
    customer_id: int
    reason: str = Field(..., max_length=300)

    model_config = {"extra": "forbid"}


@router.post(
    "/{trip_id}/override",
    response=TripOut,
    summary="The manager lets a customer blocked by the three-visit rule on the trip",
)
def trip_override(request, trip_id: int, payload: OverrideIn):
    user = require_rights(request, "trips.override")
    trip = selectors.trip_get(user=user, trip_id=trip_id)
    services.trip_override(
        actor=user, trip=trip, customer_id=payload.customer_id, reason=payload.reason
    )
    return _trip_out(selectors.trip_get(user=user, trip_id=trip_id))


class ReportIn(Schema):
    report: str = Field(..., max_length=10000)
    actual_cost: Decimal = Field(..., ge=0, max_digits=16, decimal_places=2)

    model_config = {"extra": "forbid"}


@router.post("/{trip_id}/report", response=TripOut, summary="The trip report after return")
def trip_report(request, trip_id: int, payload: ReportIn):
    user = require_rights(request, "trips.request")
    trip = selectors.trip_get(user=user, trip_id=trip_id)
    services.trip_report(
        actor=user, trip=trip, report=payload.report, actual_cost=payload.actual_cost
    )
    return _trip_out(selectors.trip_get(user=user, trip_id=trip_id))
