"""Reads of business trips (R-CUS-7), always through the data scope (R-ORG-1)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from xiaoguan.activities.models import Trip, TripCustomer
from xiaoguan.customers.models import Customer
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible

TRIP_SORTS: dict[str, tuple[str, ...]] = {
    "-start": ("-start_date", "-pk"),
    "start": ("start_date", "pk"),
    "-created": ("-created_at", "-pk"),
}
DEFAULT_TRIP_SORT = "-start"


def _stops() -> Prefetch:
    return Prefetch(
        "trip_customers",
        queryset=TripCustomer.objects.select_related("customer", "override_by").order_by(
            "customer__name", "pk"
        ),
    )


def trip_list(
    *, user: User, filters: dict[str, Any] | None = None, sort: str = DEFAULT_TRIP_SORT
) -> QuerySet[Trip]:
    filters = filters or {}
    qs = visible(Trip.objects.all(), user)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("mine"):
        qs = qs.filter(owner=user)
    owner = filters.get("owner")
    if owner:
        qs = qs.filter(owner_id=owner.pk if isinstance(owner, User) else owner)
    if filters.get("customer"):
        qs = qs.filter(trip_customers__customer_id=filters["customer"])
    ordering = TRIP_SORTS.get(sort) or TRIP_SORTS[DEFAULT_TRIP_SORT]
    return qs.select_related("owner", "department").prefetch_related(_stops()).order_by(*ordering)


def trip_get(*, user: User, trip_id: int) -> Trip:
    """One trip the user may see; otherwise Trip.DoesNotExist (a 404)."""
    return (
        visible(Trip.objects.all(), user)
        .select_related("owner", "department")
        .prefetch_related(_stops())
        .get(pk=trip_id)
    )


def trip_customer_choices(*, user: User, trip: Trip | None = None) -> QuerySet[Customer]:
    """The customers offered on the trip form: the user's own active customers, and those
    already on the trip (the service checks the scope of whatever is sent)."""
    qs = visible(Customer.objects.filter(is_active=True), user).filter(owner=user)
    if trip is not None:
        qs = qs | visible(Customer.objects.filter(trips=trip), user)
    return qs.distinct().order_by("name")
