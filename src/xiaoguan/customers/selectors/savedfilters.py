"""Saved filters: each user sees only their own."""

from __future__ import annotations

from django.db.models import QuerySet

from xiaoguan.customers.models import SavedFilter
from xiaoguan.org.models import User


def saved_filters(*, user: User, page: str) -> QuerySet[SavedFilter]:
    return SavedFilter.objects.filter(user=user, page=page).order_by("name", "pk")


def saved_filter_get(*, user: User, filter_id: int) -> SavedFilter:
    """One of the user's saved filters; otherwise SavedFilter.DoesNotExist (a 404)."""
    return SavedFilter.objects.get(user=user, pk=filter_id)
