"""Reads of visits and follow-ups (R-CUS-6), always through the data scope (R-ORG-1)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from xiaoguan.activities.enums import VisitResult, VisitStatus
from xiaoguan.activities.models import FollowUp, Visit
from xiaoguan.customers.models import Contact, Customer
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible

# Sort keys a list may ask for; anything else falls back to the newest first.
VISIT_SORTS: dict[str, tuple[Any, ...]] = {
    "-date": (F("visited_at").desc(nulls_first=True), "-planned_for", "-pk"),
    "date": (F("visited_at").asc(nulls_last=True), "planned_for", "pk"),
    "customer": ("customer__name", "-pk"),
    "-customer": ("-customer__name", "-pk"),
}
DEFAULT_VISIT_SORT = "-date"
VISIT_FILTER_KEYS = (
    "status",
    "kind",
    "result",
    "owner",
    "customer",
    "date_from",
    "date_to",
    "q",
    "mine",
)
FOLLOWUP_STATES = ("due", "open", "done", "all")


def _today() -> date:
    return timezone.localdate()


def visit_list(
    *, user: User, filters: dict[str, Any] | None = None, sort: str = DEFAULT_VISIT_SORT
) -> QuerySet[Visit]:
    """The visits the user may see, filtered by the allow-listed keys of
    ``VISIT_FILTER_KEYS``. Dates filter on the day of the visit (done) or the planned day."""
    filters = filters or {}
    qs = visible(Visit.objects.all(), user)
    for key in ("status", "kind", "result"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("mine"):
        qs = qs.filter(owner=user)
    owner = filters.get("owner")
    if owner:
        qs = qs.filter(owner_id=owner.pk if isinstance(owner, User) else owner)
    customer = filters.get("customer")
    if customer:
        qs = qs.filter(customer_id=customer.pk if isinstance(customer, Customer) else customer)
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(customer__name__icontains=q)
    date_from, date_to = filters.get("date_from"), filters.get("date_to")
    if date_from:
        qs = qs.filter(
            Q(visited_at__date__gte=date_from)
            | Q(visited_at__isnull=True, planned_for__gte=date_from)
        )
    if date_to:
        qs = qs.filter(
            Q(visited_at__date__lte=date_to) | Q(visited_at__isnull=True, planned_for__lte=date_to)
        )
    ordering = VISIT_SORTS.get(sort) or VISIT_SORTS[DEFAULT_VISIT_SORT]
    return qs.select_related("customer", "owner", "department").order_by(*ordering)


def visits_planned(*, user: User, start: date, end: date, mine: bool = True) -> QuerySet[Visit]:
    """Planned visits between two days (inclusive), the user's own by default."""
    qs = visible(Visit.objects.filter(status=VisitStatus.PLANNED), user).filter(
        planned_for__gte=start, planned_for__lte=end
    )
    if mine:
        qs = qs.filter(owner=user)
    return qs.select_related("customer", "owner").order_by("planned_for", "pk")


def week_bounds(day: date | None = None) -> tuple[date, date]:
    day = day or _today()
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


def visit_get(*, user: User, visit_id: int) -> Visit:
    """One visit the user may see; otherwise Visit.DoesNotExist (a 404)."""
    return (
        visible(Visit.objects.all(), user)
        .select_related("customer", "owner", "department")
        .prefetch_related("contacts", "follow_ups")
        .get(pk=visit_id)
    )


def customer_for_visit(*, user: User, customer_id: int) -> Customer:
    """A customer the user may visit: in their scope and active; else Customer.DoesNotExist."""
    return visible(Customer.objects.filter(is_active=True), user).get(pk=customer_id)


def customer_search(*, user: User, q: str, limit: int = 20) -> list[Customer]:
    """Customers to choose from when recording a visit on the phone: by name, own first."""
    q = (q or "").strip()
    qs = visible(Customer.objects.filter(is_active=True), user)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(name_initials__icontains=q.upper()))
    else:
        qs = qs.filter(owner=user)
    return list(qs.order_by("name")[:limit])


def customer_contacts(*, customer: Customer) -> QuerySet[Contact]:
    return Contact.objects.filter(customer=customer).order_by("-is_primary", "name", "pk")


def customer_recent_visits(*, customer: Customer, user: User, limit: int = 5) -> list[Visit]:
    qs = visible(Visit.objects.filter(customer=customer), user)
    return list(
        qs.select_related("owner")
        .exclude(status=VisitStatus.CANCELLED)
        .order_by(F("visited_at").desc(nulls_first=True), "-planned_for", "-pk")[:limit]
    )


def customer_open_followups(*, customer: Customer, user: User) -> list[FollowUp]:
    qs = visible(FollowUp.objects.filter(customer=customer, done_at__isnull=True), user)
    return list(qs.select_related("owner").order_by("due_date", "pk")[:20])


# --- follow-ups ---------------------------------------------------------------------------


def followup_list(
    *, user: User, state: str = "due", mine: bool = False, owner: Any = None
) -> QuerySet[FollowUp]:
    """Follow-ups the user may see: ``due`` (open and due today or earlier), ``open``,
    ``done`` or ``all``."""
    qs = visible(FollowUp.objects.all(), user)
    if state == "due":
        qs = qs.filter(done_at__isnull=True, due_date__lte=_today())
    elif state == "open":
        qs = qs.filter(done_at__isnull=True)
    elif state == "done":
        qs = qs.filter(done_at__isnull=False)
    if mine:
        qs = qs.filter(owner=user)
    if owner:
        qs = qs.filter(owner_id=owner.pk if isinstance(owner, User) else owner)
    order = ("-done_at", "-pk") if state == "done" else ("due_date", "pk")
    return qs.select_related("customer", "owner", "visit").order_by(*order)


def followup_get(*, user: User, followup_id: int) -> FollowUp:
    return (
        visible(FollowUp.objects.all(), user)
        .select_related("customer", "owner", "visit")
        .get(pk=followup_id)
    )


def dashboard(*, user: User) -> dict[str, Any]:
    """The home panel: my visits of today (planned and done) and my overdue follow-ups."""
    today = _today()
    visits = list(
        Visit.objects.filter(owner=user)
        .filter(
            Q(status=VisitStatus.PLANNED, planned_for=today)
            | Q(status=VisitStatus.DONE, visited_at__date=today)
        )
        .select_related("customer")
        .order_by("status", "pk")[:10]
    )
    overdue = FollowUp.objects.filter(owner=user, done_at__isnull=True, due_date__lt=today)
    due_today = FollowUp.objects.filter(owner=user, done_at__isnull=True, due_date=today).count()
    return {
        "visits": visits,
        "overdue": list(overdue.select_related("customer").order_by("due_date", "pk")[:5]),
        "overdue_count": overdue.count(),
        "due_today_count": due_today,
    }


# --- reminders (unscoped: the job notifies each owner of their own items) -----------------


def followups_to_remind(*, today: date) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.filter(done_at__isnull=True, due_date__lte=today, owner__is_active=True)
        .select_related("owner", "customer")
        .order_by("pk")
    )


def visits_to_remind(*, today: date) -> QuerySet[Visit]:
    return (
        Visit.objects.filter(status=VisitStatus.PLANNED, planned_for=today, owner__is_active=True)
        .select_related("owner", "customer")
        .order_by("pk")
    )


# --- the three-visit rule (R-CUS-7) -------------------------------------------------------


def no_progress_customers(*, customer_ids: list[int], n: int) -> set[int]:
    """The customers among ``customer_ids`` whose last ``n`` done visits (by anyone) all had
    no progress and who have no open follow-up (no new plan). Unscoped: the rule is about
    the customer, whoever visited."""
    if n <= 0 or not customer_ids:
        return set()
    with_plan = set(
        FollowUp.objects.filter(customer_id__in=customer_ids, done_at__isnull=True).values_list(
            "customer_id", flat=True
        )
    )
    rows = (
        Visit.objects.filter(customer_id__in=customer_ids, status=VisitStatus.DONE)
        .exclude(customer_id__in=with_plan)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("customer_id")],
                order_by=[F("visited_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=n)
        .values_list("customer_id", "result")
    )
    counts: dict[int, int] = {}
    progress: set[int] = set()
    for customer_id, result in rows:
        counts[customer_id] = counts.get(customer_id, 0) + 1
        if result != VisitResult.NO_PROGRESS:
            progress.add(customer_id)
    return {c for c, k in counts.items() if k == n and c not in progress}
