"""API of the public pool (公海, R-CUS-5), mounted at ``/api/v1/customers/pool``: the same
members, scope, limits and messages as the pages. Refusals are 4xx JSON with a stable
``code`` (``pool_taken``, ``pool_daily_limit``, ``pool_held_cap``, ``pool_reclaim_ban``,
``pool_not_member``, ``pool_not_owner``, ``pool_none``, ...)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from xiaoguan.core.api import require_rights
from xiaoguan.core.errors import NotFound, ValidationFailed
from xiaoguan.customers import selectors
from xiaoguan.customers.models import Customer
from xiaoguan.customers.selectors import pool as pool_selectors
from xiaoguan.customers.services import pool as pool_services
from xiaoguan.org.models import User

router = Router(tags=["customers: public pool"])


class PoolCustomerOut(Schema):
    """The limited view a pool member gets."""

    id: int
    name: str
    customer_class: str
    industry: str
    province: str
    city: str
    pool_id: int
    pool: str
    region: str
    in_pool_since: datetime | None
    previous_owner: str | None


class PoolPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[PoolCustomerOut]


class PoolFilters(Schema):
    q: str = Field("", max_length=100)
    customer_class: str = Field("", max_length=1)
    industry: str = Field("", max_length=20)
    province: str = Field("", max_length=12)
    pool: int | None = None
    sort: str = Field(pool_selectors.POOL_DEFAULT_SORT, max_length=20)
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


def _out(c: Customer) -> PoolCustomerOut:
    return PoolCustomerOut(
        id=c.pk,
        name=c.name,
        customer_class=c.customer_class,
        industry=c.industry,
        province=c.province,
        city=c.city,
        pool_id=c.pool_id or 0,
        pool=c.pool.name if c.pool else "",
        region=c.department.name,
        in_pool_since=c.pool_entered_at,
        previous_owner=getattr(c, "previous_owner_name", None),
    )


@router.get("/", response=PoolPage, summary="Customers in the pools the caller may see")
def pool_list(request, filters: Query[PoolFilters]):
    user = require_rights(request, "customers.pool")
    chosen = {
        k: getattr(filters, k) for k in pool_selectors.POOL_FILTER_KEYS if getattr(filters, k)
    }
    sort = filters.sort if filters.sort in pool_selectors.POOL_SORTS else "-entered"
    qs = pool_selectors.pool_customer_list(user=user, q=filters.q, filters=chosen, sort=sort)
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    items = [_out(c) for c in qs[start : start + filters.page_size]]
    return PoolPage(count=count, page=filters.page, page_size=filters.page_size, items=items)


class OwnedOut(Schema):
    id: int
    name: str
    owner_id: int | None
    department_id: int
    in_pool: bool
    locked: bool


def _owned(c: Customer) -> OwnedOut:
    return OwnedOut(
        id=c.pk,
        name=c.name,
        owner_id=c.owner_id,
        department_id=c.department_id,
        in_pool=c.owner_id is None,
        locked=c.locked_by_id is not None,
    )


def _pool_customer(user: User, customer_id: int) -> Customer:
    try:
        return pool_selectors.pool_customer_get(user=user, customer_id=customer_id)
    except Customer.DoesNotExist:
        raise NotFound() from None


def _scoped_customer(user: User, customer_id: int) -> Customer:
    try:
        return selectors.customer_get(user=user, customer_id=customer_id)
    except Customer.DoesNotExist:
        raise NotFound() from None


@router.post("/{customer_id}/claim", response=OwnedOut, summary="Claim a customer from the pool")
def pool_claim(request, customer_id: int):
    user = require_rights(request, "customers.pool")
    customer = _pool_customer(user, customer_id)
    return _owned(pool_services.customer_claim(customer_id=customer.pk, actor=user))


class ReasonIn(Schema):
    reason: str = Field(..., max_length=200)

    model_config = {"extra": "forbid"}


@router.post(
    "/{customer_id}/release", response=OwnedOut, summary="Give a customer back to the pool"
)
def pool_release(request, customer_id: int, payload: ReasonIn):
    user = require_rights(request, "customers.pool")
    customer = _scoped_customer(user, customer_id)
    return _owned(
        pool_services.customer_release(customer_id=customer.pk, actor=user, reason=payload.reason)
    )


class AssignIn(Schema):
    customer_ids: list[int] = Field(..., min_length=1, max_length=500)
    owner_id: int
    reason: str = Field("", max_length=200)

    model_config = {"extra": "forbid"}


class AssignOut(Schema):
    assigned: list[int]


@router.post(
    "/assign",
    response=AssignOut,
    summary="A manager assigns customers (pool or owned, in scope) to a rep in scope",
)
def pool_assign(request, payload: AssignIn):
    user = require_rights(request, "customers.pool_assign")
    rep = pool_selectors.assignable_reps(user=user).filter(pk=payload.owner_id).first()
    if rep is None:
        msg = _("Choose an active sales employee in your scope.")
        raise ValidationFailed(msg, fields={"owner": msg})
    changed = pool_services.customers_assign(
        customer_ids=payload.customer_ids, to_owner=rep, actor=user, reason=payload.reason
    )
    return AssignOut(assigned=[c.pk for c in changed])


@router.post("/{customer_id}/lock", response=OwnedOut, summary="Lock a customer against return")
def pool_lock(request, customer_id: int, payload: ReasonIn):
    user = require_rights(request, "customers.pool_assign")
    customer = _scoped_customer(user, customer_id)
    return _owned(
        pool_services.customer_lock(customer_id=customer.pk, actor=user, reason=payload.reason)
    )


@router.post("/{customer_id}/unlock", response=OwnedOut, summary="Lift the lock")
def pool_unlock(request, customer_id: int, payload: ReasonIn):
    user = require_rights(request, "customers.pool_assign")
    customer = _scoped_customer(user, customer_id)
    return _owned(
        pool_services.customer_unlock(customer_id=customer.pk, actor=user, reason=payload.reason)
    )


class WarningOut(Schema):
    id: int
    name: str
    customer_class: str
    owner_id: int | None
    last_contact_at: datetime | None
    returns_at: datetime | None
    rule: str


@router.get(
    "/warnings",
    response=list[WarningOut],
    summary="Customers in the caller's scope about to return to the pool",
)
def pool_warnings(request):
    user = require_rights(request, "customers.pool")
    out = []
    for c in pool_selectors.pool_warning_list(user=user)[:500]:
        f = pool_selectors.return_forecast(c)
        out.append(
            WarningOut(
                id=c.pk,
                name=c.name,
                customer_class=c.customer_class,
                owner_id=c.owner_id,
                last_contact_at=c.last_contact_at,
                returns_at=f.due_at,
                rule=f.reason,
            )
        )
    return out
