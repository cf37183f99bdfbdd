"""Reads of the leads part (R-CUS-4), always through the data scope (R-ORG-1): the lead list,
one lead, possible duplicates, and the referral follow-up deadlines (what is due is a query)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from xiaoguan.core import policy
from xiaoguan.customers.enums import LeadStatus, SourceChannel
from xiaoguan.customers.models import Customer, Lead
from xiaoguan.customers.normalise import normalise_name, normalise_phone
from xiaoguan.customers.selectors import customer_duplicates
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible

SORTS: dict[str, tuple[str, ...]] = {
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
    "name": ("name_normalized", "pk"),
    "-name": ("-name_normalized", "-pk"),
    "status": ("status", "-created_at", "-pk"),
    "-status": ("-status", "-created_at", "-pk"),
    "assigned": ("assigned_at", "pk"),
    "-assigned": ("-assigned_at", "-pk"),
}
DEFAULT_SORT = "-created"
FILTER_KEYS = ("status", "source", "owner", "open")
OPEN_STATUSES = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED)
_PHONE_LIKE = re.compile(r"^[\d\s+\-()]+$")


def _base(user: User) -> QuerySet[Lead]:
    return visible(Lead.objects.all(), user)


def lead_list(
    *,
    user: User,
    q: str = "",
    filters: dict[str, Any] | None = None,
    sort: str = DEFAULT_SORT,
) -> QuerySet[Lead]:
    """The leads the user may see, searched by name, contact or phone, filtered by the keys
    of ``FILTER_KEYS`` (``open="1"``: only new, contacted and qualified ones), sorted by
    ``SORTS``; an owner outside the user's scope gives nothing."""
    filters = filters or {}
    qs = _base(user)
    q = (q or "").strip()
    if q:
        condition = Q(name__icontains=q) | Q(contact_name__icontains=q)
        key = normalise_name(q)
        if key:
            condition |= Q(name_normalized__icontains=key.removesuffix("公司") or key)
        digits = normalise_phone(q)
        if len(digits) >= 4 and _PHONE_LIKE.match(q):
            condition |= Q(phone_normalized__contains=digits)
        qs = qs.filter(condition)
    for key in ("status", "source"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("open"):
        qs = qs.filter(status__in=OPEN_STATUSES)
    owner = filters.get("owner")
    if owner:
        owner_id = owner.pk if isinstance(owner, User) else owner
        if visible(User.objects.filter(pk=owner_id), user).exists():
            qs = qs.filter(owner_id=owner_id)
        else:
            qs = qs.none()
    ordering = SORTS.get(sort) or SORTS[DEFAULT_SORT]
    return qs.select_related("owner", "department", "converted_customer").order_by(*ordering)


def lead_get(*, user: User, lead_id: int) -> Lead:
    """One lead the user may see; otherwise Lead.DoesNotExist (a 404)."""
    return (
        _base(user)
        .select_related("owner", "department", "converted_customer", "created_by")
        .get(pk=lead_id)
    )


def customer_leads(*, customer: Customer, user: User) -> list[Lead]:
    """The leads converted into a customer, those the user may see (for the customer page)."""
    return list(
        _base(user).filter(converted_customer=customer).select_related("owner").order_by("-pk")[:20]
    )


def assignable_users(*, user: User) -> QuerySet[User]:
    """Whom the user may give leads to: active employees in their scope with a department."""
    return visible(
        User.objects.filter(is_active=True, department__isnull=False).select_related("department"),
        user,
    ).order_by("department__path", "username")


# --- duplicates -----------------------------------------------------------------------


@dataclass(frozen=True)
class LeadDuplicates:
    """What a lead may duplicate: customers and open leads the user may see (by name) and
    how many others exist outside their scope."""

    customers: list[Customer]
    leads: list[Lead]
    hidden_count: int

    def __bool__(self) -> bool:
        return bool(self.customers or self.leads or self.hidden_count)


def lead_duplicates(
    *, user: User, name: str = "", phone: str = "", exclude_pk: int | None = None
) -> LeadDuplicates:
    """Customers (any status) and open leads with the same normalised name or phone."""
    customer_matches = [m.customer for m in customer_duplicates(name=name, phone=phone)]
    condition = Q(pk__in=[])
    name_key, phone_key = normalise_name(name), normalise_phone(phone)
    if name_key:
        condition |= Q(name_normalized=name_key)
    if phone_key:
        condition |= Q(phone_normalized=phone_key)
    lead_qs = Lead.objects.filter(condition, status__in=OPEN_STATUSES)
    if exclude_pk is not None:
        lead_qs = lead_qs.exclude(pk=exclude_pk)
    lead_ids = list(lead_qs.order_by("pk").values_list("pk", flat=True)[:50])
    seen_customers = list(
        visible(Customer.objects.filter(pk__in=[c.pk for c in customer_matches]), user)
        .select_related("owner")
        .order_by("pk")
    )
    seen_leads = list(_base(user).filter(pk__in=lead_ids).select_related("owner").order_by("pk"))
    hidden = len(customer_matches) - len(seen_customers) + len(lead_ids) - len(seen_leads)
    return LeadDuplicates(customers=seen_customers, leads=seen_leads, hidden_count=hidden)


# --- referral follow-up (R-CUS-4) -----------------------------------------------------


def referral_hours() -> int:
    return int(policy.value("customers.referral_followup_hours"))


def _with_deadline(qs: QuerySet[Lead], hours: int) -> Any:
    """The queryset annotated with the follow-up start, half-time and deadline."""
    start = Coalesce(F("assigned_at"), F("created_at"))
    return qs.annotate(
        followup_start=ExpressionWrapper(start, output_field=DateTimeField()),
        followup_deadline=ExpressionWrapper(
            start + Value(timedelta(hours=hours)), output_field=DateTimeField()
        ),
        followup_half=ExpressionWrapper(
            start + Value(timedelta(hours=hours) / 2), output_field=DateTimeField()
        ),
    )


def _referrals(qs: QuerySet[Lead]) -> QuerySet[Lead]:
    return qs.filter(source=SourceChannel.REFERRAL)


def referrals_due_reminder(*, now: datetime | None = None) -> QuerySet[Lead]:
    """Unscoped (for the job): referral leads still new and not contacted, half of whose time
    is gone but whose deadline has not passed."""
    now = now or timezone.now()
    qs = _with_deadline(
        _referrals(Lead.objects.filter(status=LeadStatus.NEW, first_contacted_at__isnull=True)),
        referral_hours(),
    )
    return qs.filter(followup_half__lte=now, followup_deadline__gt=now).select_related("owner")


def referrals_breached_open(*, now: datetime | None = None) -> QuerySet[Lead]:
    """Unscoped (for the job): referral leads still new and not contacted past the deadline."""
    now = now or timezone.now()
    qs = _with_deadline(
        _referrals(Lead.objects.filter(status=LeadStatus.NEW, first_contacted_at__isnull=True)),
        referral_hours(),
    )
    return qs.filter(followup_deadline__lte=now).select_related(
        "owner", "owner__manager", "department__head"
    )


BREACH_KINDS = ("open", "late", "all")


def referral_breaches(
    *, user: User, now: datetime | None = None, kind: str = "open"
) -> QuerySet[Lead]:
    """Referral leads in the user's scope whose follow-up deadline was missed: ``open`` still
    not contacted (and not closed), ``late`` contacted after the deadline, or ``all``."""
    now = now or timezone.now()
    qs = _with_deadline(_referrals(_base(user)), referral_hours())
    still_open = Q(
        first_contacted_at__isnull=True,
        followup_deadline__lte=now,
        status__in=OPEN_STATUSES,
    )
    late = Q(first_contacted_at__gt=F("followup_deadline"))
    condition = {"open": still_open, "late": late}.get(kind, still_open | late)
    return (
        qs.filter(condition)
        .select_related("owner", "department")
        .order_by("followup_deadline", "pk")
    )


def referral_counts(*, user: User, now: datetime | None = None) -> dict[str, int]:
    """For the dashboard panel: open breaches in scope, and the user's own referral leads
    waiting for a first contact."""
    now = now or timezone.now()
    waiting = _referrals(_base(user)).filter(
        owner=user, status=LeadStatus.NEW, first_contacted_at__isnull=True
    )
    return {
        "breaches": referral_breaches(user=user, now=now, kind="open").count(),
        "waiting": waiting.count(),
    }


def followup_deadline(lead: Lead) -> datetime | None:
    """The lead's referral follow-up deadline, or None when the rule does not apply."""
    if lead.source != SourceChannel.REFERRAL:
        return None
    start = lead.assigned_at or lead.created_at
    return start + timedelta(hours=referral_hours()) if start else None
