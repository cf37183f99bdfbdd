"""Customer endpoints (R-CUS-1, R-CUS-2): the same scope, rules and messages as the pages.
Input schemas are allow-lists (never owner or department); a duplicate is a 409 with
``code: "customer_duplicate"`` and only the matches the caller may see."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from xiaoguan.core.api import require_rights
from xiaoguan.customers import divisions, selectors, services
from xiaoguan.customers.api import classification, data, leads, pool
from xiaoguan.customers.models import Contact, Customer

router = Router(tags=["customers"])


class Ref(Schema):
    id: int
    name: str


class CustomerOut(Schema):
    id: int
    name: str
    credit_code: str
    province: str
    city: str
    district: str
    street: str
    address: str
    phone: str
    business_scope: str
    industry: str
    employee_band: str
    revenue_band: str
    equipment_demand: str
    site_count: int | None
    source: str
    referrer: str
    customer_class: str
    grade: str
    purchase_potential: str
    purchase_intent: str
    purchase_history: str
    tags: list[str]
    notes: str
    is_active: bool
    owner: Ref | None  # None: in the public pool
    department: Ref
    last_contact_at: datetime | None
    created_at: datetime
    updated_at: datetime


def _customer_out(c: Customer) -> CustomerOut:
    return CustomerOut(
        id=c.pk,
        name=c.name,
        credit_code=c.credit_code,
        province=c.province,
        city=c.city,
        district=c.district,
        street=c.street,
        address=divisions.full_address(c.province, c.city, c.district, c.street),
        phone=c.phone,
        business_scope=c.business_scope,
        industry=c.industry,
        employee_band=c.employee_band,
        revenue_band=c.revenue_band,
        equipment_demand=c.equipment_demand,
        site_count=c.site_count,
        source=c.source,
        referrer=c.referrer,
        customer_class=c.customer_class,
        grade=c.grade,
        purchase_potential=c.purchase_potential,
        purchase_intent=c.purchase_intent,
        purchase_history=c.purchase_history,
        tags=[t.name for t in c.tags.all()],
        notes=c.notes,
        is_active=c.is_active,
        owner=Ref(id=c.owner_id, name=str(c.owner)) if c.owner_id else None,
        department=Ref(id=c.department_id, name=c.department.name),
        last_contact_at=c.last_contact_at,
        created_at=c.created_at,
        updated_at=c.updated_at,
    )


class CustomerPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[CustomerOut]


class CustomerFilters(Schema):
    q: str = Field("", max_length=100)
    customer_class: str = Field("", max_length=1)
    grade: str = Field("", max_length=1)
    owner: int | None = None
    province: str = Field("", max_length=12)
    source: str = Field("", max_length=20)
    industry: str = Field("", max_length=20)
    tag: int | None = None
    tags: list[int] = Field(default_factory=list, max_length=20)
    region: int | None = None
    contact_after: date | None = None
    contact_before: date | None = None
    never_contacted: bool = False
    active: str = Field("active", pattern="^(active|inactive|all)$")
    sort: str = Field(selectors.DEFAULT_SORT, max_length=20)
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/", response=CustomerPage, summary="Customers the caller may see (paginated)")
def customer_list(request, filters: Query[CustomerFilters]):
    user = require_rights(request, "customers.view")
    chosen = {k: getattr(filters, k) for k in selectors.LIST_FILTER_KEYS if getattr(filters, k)}
    sort = filters.sort if filters.sort in selectors.SORTS else selectors.DEFAULT_SORT
    qs = selectors.customer_list(user=user, q=filters.q, filters=chosen, sort=sort)
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    items = [_customer_out(c) for c in qs[start : start + filters.page_size]]
    return CustomerPage(count=count, page=filters.page, page_size=filters.page_size, items=items)


@router.get("/{customer_id}", response=CustomerOut, summary="One customer")
def customer_detail(request, customer_id: int):
    user = require_rights(request, "customers.view")
    return _customer_out(selectors.customer_get(user=user, customer_id=customer_id))


class CustomerIn(Schema):
    """What a caller may write: no owner, department, class, grade or dates."""

    name: str = Field(..., max_length=200)
    credit_code: str = Field("", max_length=30)
    province: str = Field("", max_length=12)
    city: str = Field("", max_length=12)
    district: str = Field("", max_length=12)
    street: str = Field("", max_length=200)
    phone: str = Field("", max_length=30)
    business_scope: str = Field("", max_length=2000)
    industry: str = Field("", max_length=20)
    employee_band: str = Field("", max_length=12)
    revenue_band: str = Field("", max_length=12)
    equipment_demand: str = Field("", max_length=2000)
    site_count: int | None = Field(None, ge=0)
    source: str = Field("", max_length=20)
    referrer: str = Field("", max_length=100)
    notes: str = Field("", max_length=5000)
    tags: list[str] = Field(default_factory=list, max_length=20)
    purchase_potential: str = Field("", max_length=10)
    purchase_intent: str = Field("", max_length=10)
    purchase_history: str = Field("", max_length=10)

    model_config = {"extra": "forbid"}


@router.post(
    "/",
    response={201: CustomerOut},
    summary="Create a customer owned by the caller (duplicates refused with 409)",
)
def customer_create(request, payload: CustomerIn):
    user = require_rights(request, "customers.edit")
    customer = services.customer_create(
        actor=user, data=services.CustomerData(**payload.model_dump())
    )
    return Status(201, _customer_out(selectors.customer_get(user=user, customer_id=customer.pk)))


@router.put(
    "/{customer_id}",
    response=CustomerOut,
    summary="Replace a customer's details (same checks as on entry; owner unchanged)",
)
def customer_update(request, customer_id: int, payload: CustomerIn):
    user = require_rights(request, "customers.edit")
    customer = selectors.customer_get(user=user, customer_id=customer_id)
    services.customer_update(
        customer=customer, actor=user, data=services.CustomerData(**payload.model_dump())
    )
    return _customer_out(selectors.customer_get(user=user, customer_id=customer_id))


class ContactOut(Schema):
    id: int
    name: str
    title: str
    phone: str
    wechat: str
    email: str
    birthday: date | None
    is_primary: bool
    notes: str


def _contact_out(c: Contact) -> ContactOut:
    return ContactOut(
        id=c.pk,
        name=c.name,
        title=c.title,
        phone=c.phone,
        wechat=c.wechat,
        email=c.email,
        birthday=c.birthday,
        is_primary=c.is_primary,
        notes=c.notes,
    )


@router.get(
    "/{customer_id}/contacts", response=list[ContactOut], summary="The contacts of a customer"
)
def customer_contacts(request, customer_id: int):
    user = require_rights(request, "customers.view")
    customer = selectors.customer_get(user=user, customer_id=customer_id)
    return [_contact_out(c) for c in selectors.customer_contacts(customer=customer)]


class ContactIn(Schema):
    name: str = Field(..., max_length=100)
    title: str = Field("", max_length=100)
    phone: str = Field("", max_length=30)
    wechat: str = Field("", max_length=60)
    email: str = Field("", max_length=254)
    birthday: date | None = None
    is_primary: bool = False
    notes: str = Field("", max_length=5000)

    model_config = {"extra": "forbid"}


@router.post(
    "/{customer_id}/contacts", response={201: ContactOut}, summary="Add a contact to a customer"
)
def contact_create(request, customer_id: int, payload: ContactIn):
    user = require_rights(request, "customers.edit")
    customer = selectors.customer_get(user=user, customer_id=customer_id)
    contact = services.contact_create(
        customer=customer, actor=user, data=services.ContactData(**payload.model_dump())
    )
    return Status(201, _contact_out(contact))


# Each part of the app keeps its endpoints in its own module.
router.add_router("/pool", pool.router)
router.add_router("/credit", classification.router)
router.add_router("/leads", leads.router)
router.add_router("/import", data.router)
router.add_router("/merge", data.merge_router)
