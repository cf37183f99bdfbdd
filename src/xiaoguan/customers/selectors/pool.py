"""Reads of the public pool (公海, R-CUS-5).

Who sees a pool customer: the members of its pool (a limited view: name, class, region,
industry, since when in the pool, previous owner), and whoever's data scope covers the pool's
region (managers, the director, management) through ``org.scope``. Which customers are due
to return, and when, is computed here from the policy rules; the periodic job and the
warning pages share these conditions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from xiaoguan.core import policy
from xiaoguan.customers.enums import CustomerClass, OwnerChangeKind
from xiaoguan.customers.models import Customer, OwnerChange, Pool
from xiaoguan.org.models import Department, Role, User
from xiaoguan.org.scope import scope_q, visible

# Sort keys the pool list accepts; anything else falls back to the newest arrivals first.
POOL_SORTS: dict[str, tuple[str, ...]] = {
    "-entered": ("-pool_entered_at", "-pk"),
    "entered": ("pool_entered_at", "pk"),
    "name": ("name_normalized", "pk"),
    "-name": ("-name_normalized", "-pk"),
    "class": ("customer_class", "name_normalized", "pk"),
    "-class": ("-customer_class", "name_normalized", "pk"),
}
POOL_DEFAULT_SORT = "-entered"
OWNED_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name_normalized", "pk"),
    "-name": ("-name_normalized", "-pk"),
    "class": ("customer_class", "name_normalized", "pk"),
    "-class": ("-customer_class", "name_normalized", "pk"),
    "last_contact": ("last_contact_at", "pk"),
    "-last_contact": ("-last_contact_at", "-pk"),
}
POOL_FILTER_KEYS = ("customer_class", "pool", "industry", "province")
LOST_KINDS = (OwnerChangeKind.RETURNED, OwnerChangeKind.RELEASED)
CLASS_RULES: dict[str, str] = {
    CustomerClass.A: "customers.pool_return_days_a",
    CustomerClass.B: "customers.pool_return_days_b",
    CustomerClass.C: "customers.pool_return_days_c",
    "": "customers.pool_return_days_none",
}


# --- pools ----------------------------------------------------------------------------


def pool_member_ids(*, user: User) -> list[int]:
    """The active pools the user is a member of."""
    if user is None or not user.is_authenticated:
        return []
    return list(Pool.objects.filter(members=user, is_active=True).values_list("pk", flat=True))


def pool_choices(*, user: User) -> QuerySet[Pool]:
    """The active pools whose customers the user may see: as a member or through the scope."""
    condition = Q(pk__in=pool_member_ids(user=user))
    departments = visible(Department.objects.all(), user).values("pk")
    condition |= Q(department__in=departments)
    return (
        Pool.objects.filter(condition, is_active=True)
        .select_related("department")
        .order_by("department__path")
    )


def pool_manage_list(*, user: User) -> QuerySet[Pool]:
    """The pools of the regions the user may see, with their members, for the set-up page."""
    departments = visible(Department.objects.all(), user).values("pk")
    return (
        Pool.objects.filter(department__in=departments)
        .select_related("department")
        .prefetch_related("members")
        .order_by("department__path")
    )


def pool_manage_get(*, user: User, pool_id: int) -> Pool:
    return pool_manage_list(user=user).get(pk=pool_id)


def departments_without_pool(*, user: User) -> QuerySet[Department]:
    """Active departments the user may see that have no pool yet (regions first)."""
    return visible(Department.objects.filter(is_active=True, pool__isnull=True), user).order_by(
        "path"
    )


def department_subtree_staff(*, department: Department) -> QuerySet[User]:
    """Active employees of a department and the departments below it."""
    return User.objects.filter(
        is_active=True, department__path__startswith=department.path
    ).order_by("department__path", "username")


def pool_candidates(*, pool: Pool) -> QuerySet[User]:
    """Who may be made a member: the active staff of the region's subtree and the current
    members wherever they are."""
    return (
        User.objects.filter(
            Q(is_active=True, department__path__startswith=pool.department.path) | Q(pools=pool)
        )
        .select_related("department")
        .distinct()
        .order_by("department__path", "username")
    )


def pool_map() -> dict[int, Pool]:
    """Department id → the pool that takes its customers: the department's own active pool,
    else its nearest ancestor's. Departments no pool covers are absent."""
    pools = {
        p.department.path: p
        for p in Pool.objects.filter(is_active=True).select_related("department")
    }
    if not pools:
        return {}
    out: dict[int, Pool] = {}
    for pk, path in Department.objects.values_list("pk", "path"):
        steplen = Department.steplen
        for end in range(len(path), 0, -steplen):
            pool = pools.get(path[:end])
            if pool is not None:
                out[pk] = pool
                break
    return out


def pool_covering(*, department_id: int | None) -> Pool | None:
    """The pool a customer of this department goes to when it leaves its owner."""
    if department_id is None:
        return None
    return pool_map().get(department_id)


# --- pool customers -------------------------------------------------------------------


def _previous_owner_name() -> Subquery:
    latest = (
        OwnerChange.objects.filter(customer=OuterRef("pk"), kind__in=LOST_KINDS)
        .order_by("-at", "-pk")
        .annotate(
            who=Coalesce(NullIf(F("from_owner__full_name"), Value("")), F("from_owner__username"))
        )
        .values("who")[:1]
    )
    return Subquery(latest)


def _pool_base(user: User) -> QuerySet[Customer]:
    """Customers waiting in an active pool that the user may see (member or scope)."""
    qs = Customer.objects.filter(
        owner__isnull=True, pool__isnull=False, pool__is_active=True, is_active=True
    )
    condition = scope_q(Customer, user)
    if condition is None:  # the whole company
        return qs
    return qs.filter(condition | Q(pool_id__in=pool_member_ids(user=user)))


def pool_customer_list(
    *,
    user: User,
    q: str = "",
    filters: dict[str, Any] | None = None,
    sort: str = POOL_DEFAULT_SORT,
) -> QuerySet[Customer]:
    """The pool's customers the user may see, searched by name, filtered by the allow-listed
    ``POOL_FILTER_KEYS``, sorted by ``POOL_SORTS``; each with ``previous_owner_name``."""
    from xiaoguan.customers.normalise import normalise_name

    filters = filters or {}
    qs = _pool_base(user)
    q = (q or "").strip()
    if q:
        condition = Q(name__icontains=q) | Q(name_initials__startswith=q.lower())
        key = normalise_name(q)
        if key:
            condition |= Q(name_normalized__icontains=key.removesuffix("公司") or key)
        qs = qs.filter(condition)
    for key in ("customer_class", "industry", "province"):
        value = filters.get(key)
        if value:
            qs = qs.filter(**{key: value})
    pool = filters.get("pool")
    if pool:
        qs = qs.filter(pool_id=pool.pk if isinstance(pool, Pool) else pool)
    ordering = POOL_SORTS.get(sort) or POOL_SORTS[POOL_DEFAULT_SORT]
    return (
        qs.select_related("pool", "department")
        .annotate(previous_owner_name=_previous_owner_name())
        .order_by(*ordering)
    )


def pool_customer_get(*, user: User, customer_id: int) -> Customer:
    """One customer in a pool the user may see; otherwise Customer.DoesNotExist (a 404)."""
    return _pool_base(user).select_related("pool", "department").get(pk=customer_id)


def owned_customer_list(
    *, user: User, q: str = "", filters: dict[str, Any] | None = None, sort: str = "name"
) -> QuerySet[Customer]:
    """Customers with an owner in the user's scope, for a manager's bulk reassignment."""
    from xiaoguan.customers.normalise import normalise_name

    filters = filters or {}
    qs = visible(Customer.objects.filter(owner__isnull=False, is_active=True), user)
    q = (q or "").strip()
    if q:
        condition = Q(name__icontains=q) | Q(name_initials__startswith=q.lower())
        key = normalise_name(q)
        if key:
            condition |= Q(name_normalized__icontains=key.removesuffix("公司") or key)
        qs = qs.filter(condition)
    for key in ("customer_class", "industry", "province"):
        value = filters.get(key)
        if value:
            qs = qs.filter(**{key: value})
    owner = filters.get("owner")
    if owner:
        qs = qs.filter(owner_id=owner.pk if isinstance(owner, User) else owner)
    ordering = OWNED_SORTS.get(sort) or OWNED_SORTS["name"]
    return qs.select_related("owner", "department", "locked_by").order_by(*ordering)


def assignable_reps(*, user: User) -> QuerySet[User]:
    """Active employees in the user's scope who may hold customers (a role with the pool
    right), to whom a manager can assign customers."""
    role_ids = [
        pk
        for pk, rights in Role.objects.values_list("pk", "rights")
        if "customers.pool" in (rights or [])
    ]
    return (
        visible(
            User.objects.filter(is_active=True, department__isnull=False, roles__in=role_ids),
            user,
        )
        .select_related("department")
        .distinct()
        .order_by("department__path", "username")
    )


# --- due to return --------------------------------------------------------------------


def _idle_since_before(cutoff: datetime, *, also: str) -> Q:
    """No activity since ``cutoff``: created, assigned and ``also`` (a date field) all before."""
    return (
        Q(created_at__lt=cutoff)
        & (Q(assigned_at__isnull=True) | Q(assigned_at__lt=cutoff))
        & (Q(**{f"{also}__isnull": True}) | Q(**{f"{also}__lt": cutoff}))
    )


def _class_q(key: str) -> Q:
    if key:
        return Q(customer_class=key)
    return ~Q(customer_class__in=[c for c in CLASS_RULES if c])


def due_condition(*, now: datetime, ahead_days: int = 0) -> Q:
    """Owned customers due to return ``ahead_days`` from ``now``: no follow-up for their class's
    days, or no deal for the deal days (R-CUS-5). Set-based: one condition for the database."""
    horizon = now + timedelta(days=ahead_days)
    condition = Q(pk__in=[])
    for key, rule in CLASS_RULES.items():
        days = int(policy.value(rule))
        if days > 0:
            cutoff = horizon - timedelta(days=days)
            condition |= _class_q(key) & _idle_since_before(cutoff, also="last_contact_at")
    deal_days = int(policy.value("customers.pool_return_days_no_deal"))
    if deal_days > 0:
        condition |= _idle_since_before(horizon - timedelta(days=deal_days), also="last_deal_at")
    return condition


def not_warned_since_activity() -> Q:
    """No warning yet for the current round (a contact, assignment or deal after a warning
    starts a new round)."""
    return (
        Q(return_warned_at__isnull=True)
        | Q(last_contact_at__gt=F("return_warned_at"))
        | Q(assigned_at__gt=F("return_warned_at"))
        | Q(last_deal_at__gt=F("return_warned_at"))
    )


def warned_this_round() -> Q:
    """Warned, and nothing happened since (the opposite of ``not_warned_since_activity``,
    written out so that empty dates count as "nothing happened")."""
    return (
        Q(return_warned_at__isnull=False)
        & (Q(last_contact_at__isnull=True) | Q(last_contact_at__lte=F("return_warned_at")))
        & (Q(assigned_at__isnull=True) | Q(assigned_at__lte=F("return_warned_at")))
        & (Q(last_deal_at__isnull=True) | Q(last_deal_at__lte=F("return_warned_at")))
    )


def returnable_base(*, covered: list[int]) -> QuerySet[Customer]:
    """Owned, active, unlocked customers of departments some pool covers."""
    return Customer.objects.filter(
        owner__isnull=False,
        is_active=True,
        locked_by__isnull=True,
        merged_into__isnull=True,
        department_id__in=covered,
    )


def customers_to_warn(*, now: datetime) -> QuerySet[Customer]:
    """Customers due to return within the warning days whose owner was not warned yet."""
    warning_days = int(policy.value("customers.pool_warning_days"))
    covered = list(pool_map())
    return returnable_base(covered=covered).filter(
        due_condition(now=now, ahead_days=warning_days), not_warned_since_activity()
    )


def customers_to_return(*, now: datetime) -> QuerySet[Customer]:
    """Customers due to return now whose owner has had the warning days' notice."""
    warning_days = int(policy.value("customers.pool_warning_days"))
    covered = list(pool_map())
    qs = returnable_base(covered=covered).filter(due_condition(now=now))
    if warning_days > 0:
        qs = qs.filter(
            warned_this_round(), return_warned_at__lte=now - timedelta(days=warning_days)
        )
    return qs


def ownerless_outside_pool(*, covered: list[int]) -> QuerySet[Customer]:
    """Customers with no owner that are in no active pool (e.g. their pool was closed)."""
    return Customer.objects.filter(
        Q(pool__isnull=True) | Q(pool__is_active=False),
        owner__isnull=True,
        is_active=True,
        merged_into__isnull=True,
        department_id__in=covered,
    )


@dataclass(frozen=True)
class ReturnForecast:
    due_at: datetime | None  # when the customer returns unless followed up (None: never)
    reason: str  # "followup" or "deal"
    days: int


def return_forecast(customer: Customer) -> ReturnForecast:
    """When an owned customer returns to the pool if nothing happens, and by which rule."""
    candidates: list[ReturnForecast] = []
    rule = CLASS_RULES.get(customer.customer_class, CLASS_RULES[""])
    days = int(policy.value(rule))
    base = [customer.created_at, customer.assigned_at]
    if days > 0:
        ref = max(d for d in [*base, customer.last_contact_at] if d is not None)
        candidates.append(ReturnForecast(ref + timedelta(days=days), "followup", days))
    deal_days = int(policy.value("customers.pool_return_days_no_deal"))
    if deal_days > 0:
        ref = max(d for d in [*base, customer.last_deal_at] if d is not None)
        candidates.append(ReturnForecast(ref + timedelta(days=deal_days), "deal", deal_days))
    if not candidates:
        return ReturnForecast(None, "", 0)
    return min(candidates, key=lambda f: f.due_at or datetime.max)


def pool_warning_list(*, user: User, now: datetime | None = None) -> QuerySet[Customer]:
    """Owned customers in the user's scope (a rep: their own) due to return within the
    warning days: what to follow up first."""
    now = now or timezone.now()
    warning_days = int(policy.value("customers.pool_warning_days"))
    covered = list(pool_map())
    return (
        visible(returnable_base(covered=covered), user)
        .filter(due_condition(now=now, ahead_days=warning_days))
        .select_related("owner", "department")
        .order_by("last_contact_at", "pk")
    )


# --- the customer page ----------------------------------------------------------------


def owner_changes(*, customer: Customer, limit: int = 50) -> list[OwnerChange]:
    return list(
        OwnerChange.objects.filter(customer=customer)
        .select_related("from_owner", "to_owner", "by")
        .order_by("-at", "-pk")[:limit]
    )


def pool_section(*, customer: Customer, user: User) -> dict[str, Any]:
    """The pool panel of the customer page: where the customer stands, what the user may do,
    and every change of owner."""
    forecast = None
    if customer.owner_id is not None and customer.locked_by_id is None and customer.is_active:
        forecast = return_forecast(customer)
    is_member = customer.pool_id is not None and customer.pool_id in pool_member_ids(user=user)
    return {
        "pool_customer": customer,
        "forecast": forecast,
        "owner_changes": owner_changes(customer=customer),
        "can_claim": customer.owner_id is None and is_member,
        "can_release": customer.owner_id is not None
        and (customer.owner_id == user.pk or user.has_right("customers.pool_assign")),
        "can_lock": customer.owner_id is not None and user.has_right("customers.pool_assign"),
    }
