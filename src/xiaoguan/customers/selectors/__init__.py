"""Reads of the customer database, always through the data scope (R-ORG-1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Length
from django.utils import timezone

from xiaoguan.core.search import PICKER_LIMIT, picker_term
from xiaoguan.customers.models import Contact, Customer, Tag
from xiaoguan.customers.normalise import (
    normalise_credit_code,
    normalise_name,
    normalise_phone,
)
from xiaoguan.org.models import Department, User
from xiaoguan.org.scope import visible

# Sort keys a list may ask for; anything else falls back to the name.
SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name_normalized", "pk"),
    "-name": ("-name_normalized", "-pk"),
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
    "class": ("customer_class", "name_normalized", "pk"),
    "-class": ("-customer_class", "name_normalized", "pk"),
    "last_contact": ("last_contact_at", "pk"),
    "-last_contact": ("-last_contact_at", "-pk"),
}
DEFAULT_SORT = "name"
_PHONE_LIKE = re.compile(r"^[\d\s+\-()]+$")
_INITIALS_LIKE = re.compile(r"^[0-9a-z]{2,}$")
FILTER_KEYS = (
    "customer_class",
    "grade",
    "owner",
    "province",
    "source",
    "industry",
    "tag",
    "active",
)
# What the list page filters on besides (region, last contact, several tags).
LIST_FILTER_KEYS = (
    *FILTER_KEYS,
    "region",
    "contact_after",
    "contact_before",
    "never_contacted",
    "tags",
)


def _base(user: User) -> QuerySet[Customer]:
    return visible(Customer.objects.all(), user)


def _search_q(q: str) -> Q:
    """Name (as typed and normalised), pinyin initials (hzxf → 杭州消防…), phone, credit code."""
    condition = Q(name__icontains=q)
    name_key = normalise_name(q)
    if name_key:
        condition |= Q(name_normalized__contains=name_key.removesuffix("公司") or name_key)
    initials = q.lower().replace(" ", "")
    if _INITIALS_LIKE.match(initials):
        condition |= Q(name_initials__contains=initials)
    digits = normalise_phone(q)
    if len(digits) >= 4 and _PHONE_LIKE.match(q):
        condition |= Q(phone_normalized__contains=digits)
    code = normalise_credit_code(q)
    if len(code) >= 6:
        condition |= Q(credit_code__startswith=code)
    return condition


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def customer_list(
    *,
    user: User,
    q: str = "",
    filters: dict[str, Any] | None = None,
    sort: str = DEFAULT_SORT,
) -> QuerySet[Customer]:
    """The customers the user may see: searched by name (also the normalised name and the
    pinyin initials), phone or credit code; filtered by the allow-listed keys of
    ``FILTER_KEYS``; sorted by ``SORTS``.

    ``filters["active"]`` is "active" (the default), "inactive" or "all"; ``owner`` and
    ``region`` (a department: its whole subtree) count only when the user may see them;
    ``contact_after`` / ``contact_before`` are dates (last contact on or after / before the
    day), ``never_contacted`` keeps customers never contacted; ``tags`` (or ``tag``) keeps
    customers carrying any of the tags."""
    filters = filters or {}
    qs = _base(user)
    active = filters.get("active") or "active"
    if active == "active":
        qs = qs.filter(is_active=True)
    elif active == "inactive":
        qs = qs.filter(is_active=False)
    q = (q or "").strip()
    if q:
        qs = qs.filter(_search_q(q))
    for key in ("customer_class", "grade", "province", "source", "industry"):
        value = filters.get(key)
        if value:
            qs = qs.filter(**{key: value})
    owner = filters.get("owner")
    if owner:
        owner_id = owner.pk if isinstance(owner, User) else owner
        if visible(User.objects.filter(pk=owner_id), user).exists():
            qs = qs.filter(owner_id=owner_id)
        else:
            qs = qs.none()
    region = filters.get("region")
    if region:
        dept = (
            region
            if isinstance(region, Department)
            else visible(Department.objects.filter(pk=region), user).first()
        )
        if dept is None:
            qs = qs.none()
        else:
            subtree = Department.objects.filter(path__startswith=dept.path).values("pk")
            qs = qs.filter(department_id__in=subtree)
    if filters.get("never_contacted"):
        qs = qs.filter(last_contact_at__isnull=True)
    after = filters.get("contact_after")
    if after:
        qs = qs.filter(last_contact_at__gte=_day_start(after))
    before = filters.get("contact_before")
    if before:
        qs = qs.filter(last_contact_at__lt=_day_start(before))
    tags = list(filters.get("tags") or [])
    if filters.get("tag"):
        tags.append(filters["tag"])
    tag_ids = [t.pk if isinstance(t, Tag) else int(t) for t in tags]
    if tag_ids:
        tagged = Customer.tags.through.objects.filter(
            customer_id=OuterRef("pk"), tag_id__in=tag_ids
        )
        qs = qs.filter(Exists(tagged))
    ordering = SORTS.get(sort) or SORTS[DEFAULT_SORT]
    return qs.select_related("owner", "department").prefetch_related("tags").order_by(*ordering)


def customer_choices(*, user: User, include_inactive: bool = False) -> QuerySet[Customer]:
    """Customers the user may pick in a form (an order, an opportunity, a receipt): in scope,
    not merged into another, active unless ``include_inactive`` (money may still arrive from
    a customer no longer served). Forms validate a posted id against this queryset."""
    qs = _base(user).filter(merged_into__isnull=True)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("name_normalized", "pk")


def customer_picker(
    *, user: User, q: str, include_inactive: bool = False, limit: int = PICKER_LIMIT
) -> list[Customer]:
    """The customer picker's suggestions among ``customer_choices``: searched like the
    customer list (name, pinyin initials, phone, credit code); names starting with ``q``
    first, then shorter names (the closer match), at most ``limit``, with the owner, in one
    query. A query too short to mean anything (core.search.picker_term) finds none."""
    term = picker_term(q)
    if not term:
        return []
    starts = Q(name__istartswith=term) | Q(name_initials__startswith=term.lower())
    qs = (
        customer_choices(user=user, include_inactive=include_inactive)
        .filter(_search_q(term))
        .select_related("owner")
        .only("pk", "name", "city", "is_active", "owner__full_name", "owner__username")
        .annotate(
            rank=Case(When(starts, then=Value(0)), default=Value(1), output_field=IntegerField()),
            name_length=Length("name"),
        )
        .order_by("rank", "name_length", "name_normalized", "pk")
    )
    return list(qs[:limit])


def customer_get(*, user: User, customer_id: int) -> Customer:
    """One customer the user may see; otherwise Customer.DoesNotExist (a 404)."""
    return (
        _base(user)
        .select_related("owner", "department", "class_overridden_by", "credit_set_by")
        .prefetch_related("tags")
        .get(pk=customer_id)
    )


def customer_contacts(*, customer: Customer) -> QuerySet[Contact]:
    """The contacts of a customer already fetched through the scope."""
    return Contact.objects.filter(customer=customer).order_by("-is_primary", "name", "pk")


def contact_get(*, user: User, contact_id: int) -> Contact:
    """One contact whose customer the user may see; otherwise Contact.DoesNotExist."""
    return visible(Contact.objects.select_related("customer"), user).get(pk=contact_id)


@dataclass(frozen=True)
class DuplicateMatch:
    customer: Customer
    reasons: tuple[str, ...]  # "credit_code", "name", "phone"


def customer_duplicates(
    *,
    name: str = "",
    credit_code: str = "",
    phone: str = "",
    exclude_pk: int | None = None,
) -> list[DuplicateMatch]:
    """Every customer (active or not, whoever owns it) that the given data would duplicate
    (R-CUS-2): same credit code, same normalised name, or same normalised phone. Unscoped:
    the caller decides what the user may be told."""
    condition = Q(pk__in=[])
    code = normalise_credit_code(credit_code)
    name_key = normalise_name(name)
    phone_key = normalise_phone(phone)
    if code:
        condition |= Q(credit_code=code)
    if name_key:
        condition |= Q(name_normalized=name_key)
    if phone_key:
        condition |= Q(phone_normalized=phone_key)
    qs = Customer.objects.filter(condition).select_related("owner", "department")
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    matches = []
    for customer in qs.order_by("pk")[:50]:
        reasons = []
        if code and customer.credit_code == code:
            reasons.append("credit_code")
        if name_key and customer.name_normalized == name_key:
            reasons.append("name")
        if phone_key and customer.phone_normalized == phone_key:
            reasons.append("phone")
        matches.append(DuplicateMatch(customer=customer, reasons=tuple(reasons)))
    return matches


def tag_choices() -> QuerySet[Tag]:
    return Tag.objects.order_by("name")
