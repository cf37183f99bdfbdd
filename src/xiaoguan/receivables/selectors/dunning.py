"""Dunning (催收, R-AR-3) read through the user's scope: the list of actions, a customer's
history and panel on the customer page, and the user's "next steps" due."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from xiaoguan.customers.models import Customer
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible
from xiaoguan.receivables.models import DunningAction
from xiaoguan.receivables.selectors.overdue import overdue_base
from xiaoguan.receivables.services.dunning import open_legal_task

FILTER_KEYS = ("q", "kind", "mine", "done_from", "done_to", "customer")
SORTS = {
    "done": ("done_on", "pk"),
    "-done": ("-done_on", "-pk"),
    "next": ("next_on", "pk"),
    "-next": ("-next_on", "-pk"),
}
DEFAULT_SORT = "-done"
PANEL_ROWS = 10


def _related(qs: QuerySet[DunningAction]) -> QuerySet[DunningAction]:
    return qs.select_related("customer", "contract", "instalment", "recorded_by", "owner")


def dunning_list(
    *, user: User, filters: dict[str, Any] | None = None, sort: str = DEFAULT_SORT
) -> QuerySet[DunningAction]:
    filters = filters or {}
    qs = visible(DunningAction.objects.all(), user)
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(customer__name__icontains=q)
            | Q(outcome__icontains=q)
            | Q(contact__icontains=q)
            | Q(contract__number__icontains=q)
        )
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("mine"):
        qs = qs.filter(recorded_by=user)
    if filters.get("done_from"):
        qs = qs.filter(done_on__gte=filters["done_from"])
    if filters.get("done_to"):
        qs = qs.filter(done_on__lte=filters["done_to"])
    if filters.get("customer"):
        qs = qs.filter(customer_id=filters["customer"])
    return _related(qs).order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


def dunning_get(*, user: User, action_id: int) -> DunningAction:
    return _related(visible(DunningAction.objects.all(), user)).get(pk=action_id)


def next_steps_due(*, user: User, until: dt.date | None = None) -> QuerySet[DunningAction]:
    """The next steps the user recorded that are due by ``until`` (default: a week from
    today) and not yet followed by a later action on the same customer."""
    until = until or timezone.localdate() + dt.timedelta(days=7)
    later = DunningAction.objects.filter(customer=OuterRef("customer_id"), pk__gt=OuterRef("pk"))
    return (
        _related(
            visible(DunningAction.objects.all(), user).filter(
                recorded_by=user, next_on__isnull=False, next_on__lte=until
            )
        )
        .filter(~Exists(later))
        .order_by("next_on", "pk")
    )


def customer_history(*, user: User, customer: Customer) -> QuerySet[DunningAction]:
    return _related(visible(DunningAction.objects.filter(customer=customer), user)).order_by(
        "-done_on", "-pk"
    )


def customer_dunning_panel(*, customer: Customer, user: User) -> dict[str, Any]:
    """The customer page's panel: what is overdue (in the user's scope), the last actions, and
    the open escalation to legal."""
    owed = overdue_base(user=user).filter(customer=customer).aggregate(s=Sum("left"))[
        "s"
    ] or Decimal(0)
    return {
        "dunning_actions": list(customer_history(user=user, customer=customer)[:PANEL_ROWS]),
        "dunning_overdue": owed,
        "legal_task": open_legal_task(customer_id=customer.pk),
        "can_dun": user.has_right("receivables.dunning"),
    }
