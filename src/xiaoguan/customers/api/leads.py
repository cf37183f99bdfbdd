"""API of the leads part of customers (R-CUS-4), mounted on the customers router at
``/leads``: the same scope, rules and messages as the pages. Input schemas are allow-lists
(never owner, department, status or dates)."""

from __future__ import annotations

from datetime import datetime

from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from xiaoguan.core.api import require_rights
from xiaoguan.core.errors import NotFound
from xiaoguan.customers.models import Lead
from xiaoguan.customers.selectors import leads as selectors
from xiaoguan.customers.services import leads as services
from xiaoguan.org.models import User

router = Router(tags=["leads"])


def _get(user: User, lead_id: int) -> Lead:
    try:
        return selectors.lead_get(user=user, lead_id=lead_id)
    except Lead.DoesNotExist:
        raise NotFound() from None


class Ref(Schema):
    id: int
    name: str


class LeadOut(Schema):
    id: int
    name: str
    contact_name: str
    phone: str
    email: str
    province: str
    city: str
    district: str
    street: str
    industry: str
    source: str
    referrer: str
    demand: str
    notes: str
    status: str
    disqualify_reason: str
    disqualify_note: str
    owner: Ref
    department: Ref
    assigned_at: datetime | None
    first_contacted_at: datetime | None
    followup_deadline: datetime | None
    converted_customer_id: int | None
    converted_at: datetime | None
    created_at: datetime
    updated_at: datetime


def _out(lead: Lead) -> LeadOut:
    return LeadOut(
        id=lead.pk,
        **{k: getattr(lead, k) for k in services.LEAD_FIELDS},
        status=lead.status,
        disqualify_reason=lead.disqualify_reason,
        disqualify_note=lead.disqualify_note,
        owner=Ref(id=lead.owner_id, name=str(lead.owner)),
        department=Ref(id=lead.department_id, name=lead.department.name),
        assigned_at=lead.assigned_at,
        first_contacted_at=lead.first_contacted_at,
        followup_deadline=selectors.followup_deadline(lead),
        converted_customer_id=lead.converted_customer_id,
        converted_at=lead.converted_at,
        created_at=lead.created_at,
        updated_at=lead.updated_at,
    )


class LeadPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[LeadOut]


class LeadFilters(Schema):
    q: str = Field("", max_length=100)
    status: str = Field("", max_length=12)
    source: str = Field("", max_length=20)
    owner: int | None = None
    open: bool = False
    sort: str = Field(selectors.DEFAULT_SORT, max_length=20)
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/", response=LeadPage, summary="Leads the caller may see (paginated)")
def lead_list(request, filters: Query[LeadFilters]):
    user = require_rights(request, "leads.view")
    chosen = {k: getattr(filters, k) for k in selectors.FILTER_KEYS if getattr(filters, k)}
    sort = filters.sort if filters.sort in selectors.SORTS else selectors.DEFAULT_SORT
    qs = selectors.lead_list(user=user, q=filters.q, filters=chosen, sort=sort)
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    items = [_out(x) for x in qs[start : start + filters.page_size]]
    return LeadPage(count=count, page=filters.page, page_size=filters.page_size, items=items)


class DuplicateRef(Schema):
    kind: str  # "customer" or "lead"
    id: int
    name: str


class LeadDetailOut(LeadOut):
    duplicates: list[DuplicateRef]
    duplicates_hidden: int


def _detail(user: User, lead: Lead) -> LeadDetailOut:
    dups = selectors.lead_duplicates(
        user=user, name=lead.name, phone=lead.phone, exclude_pk=lead.pk
    )
    refs = [DuplicateRef(kind="customer", id=c.pk, name=c.name) for c in dups.customers]
    refs += [DuplicateRef(kind="lead", id=x.pk, name=x.name) for x in dups.leads]
    return LeadDetailOut(
        **_out(lead).model_dump(), duplicates=refs, duplicates_hidden=dups.hidden_count
    )


@router.get(
    "/{int:lead_id}",
    response=LeadDetailOut,
    summary="One lead, with the customers and open leads it may duplicate",
)
def lead_detail(request, lead_id: int):
    user = require_rights(request, "leads.view")
    return _detail(user, _get(user, lead_id))


class LeadIn(Schema):
    """What a caller may write: no owner, department, status or dates."""

    name: str = Field(..., max_length=200)
    source: str = Field(..., max_length=20)
    contact_name: str = Field("", max_length=100)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    province: str = Field("", max_length=12)
    city: str = Field("", max_length=12)
    district: str = Field("", max_length=12)
    street: str = Field("", max_length=200)
    industry: str = Field("", max_length=20)
    referrer: str = Field("", max_length=100)
    demand: str = Field("", max_length=5000)
    notes: str = Field("", max_length=5000)

    model_config = {"extra": "forbid"}


@router.post(
    "/",
    response={201: LeadDetailOut},
    summary="Create a lead owned by the caller (possible duplicates are listed, not refused)",
)
def lead_create(request, payload: LeadIn):
    user = require_rights(request, "leads.edit")
    lead = services.lead_create(actor=user, data=services.LeadData(**payload.model_dump()))
    return Status(201, _detail(user, _get(user, lead.pk)))


@router.put("/{int:lead_id}", response=LeadDetailOut, summary="Replace a lead's details")
def lead_update(request, lead_id: int, payload: LeadIn):
    user = require_rights(request, "leads.edit")
    lead = _get(user, lead_id)
    services.lead_update(lead=lead, actor=user, data=services.LeadData(**payload.model_dump()))
    return _detail(user, _get(user, lead_id))


class AssignIn(Schema):
    lead_ids: list[int] = Field(..., min_length=1, max_length=500)
    owner_id: int

    model_config = {"extra": "forbid"}


class AssignOut(Schema):
    assigned: int


@router.post("/assign", response=AssignOut, summary="Assign leads to an employee in scope")
def lead_assign(request, payload: AssignIn):
    user = require_rights(request, "leads.assign")
    ids = set(payload.lead_ids)
    leads = list(selectors.lead_list(user=user).filter(pk__in=ids))
    if len(leads) != len(ids):
        raise NotFound()
    moved = services.lead_assign(leads=leads, actor=user, to_user=payload.owner_id)
    return AssignOut(assigned=len(moved))


class OwnerIn(Schema):
    owner_id: int

    model_config = {"extra": "forbid"}


@router.post("/{int:lead_id}/assign", response=LeadOut, summary="Assign one lead")
def lead_assign_one(request, lead_id: int, payload: OwnerIn):
    user = require_rights(request, "leads.assign")
    lead = _get(user, lead_id)
    services.lead_assign(leads=[lead], actor=user, to_user=payload.owner_id)
    return _out(_get(user, lead_id))


class DisqualifyIn(Schema):
    reason: str = Field(..., max_length=12)
    note: str = Field("", max_length=200)

    model_config = {"extra": "forbid"}


@router.post(
    "/{int:lead_id}/disqualify", response=LeadOut, summary="Disqualify a lead (reason required)"
)
def lead_disqualify(request, lead_id: int, payload: DisqualifyIn):
    user = require_rights(request, "leads.edit")
    lead = _get(user, lead_id)
    services.lead_disqualify(lead=lead, actor=user, reason=payload.reason, note=payload.note)
    return _out(_get(user, lead_id))


@router.post("/{int:lead_id}/contacted", response=LeadOut, summary="Mark a lead contacted")
def lead_contacted(request, lead_id: int):
    user = require_rights(request, "leads.edit")
    services.lead_mark_contacted(lead=_get(user, lead_id), actor=user)
    return _out(_get(user, lead_id))


@router.post("/{int:lead_id}/qualify", response=LeadOut, summary="Qualify a lead")
def lead_qualify(request, lead_id: int):
    user = require_rights(request, "leads.edit")
    services.lead_qualify(lead=_get(user, lead_id), actor=user)
    return _out(_get(user, lead_id))


@router.post("/{int:lead_id}/reopen", response=LeadOut, summary="Reopen a disqualified lead")
def lead_reopen(request, lead_id: int):
    user = require_rights(request, "leads.edit")
    services.lead_reopen(lead=_get(user, lead_id), actor=user)
    return _out(_get(user, lead_id))
