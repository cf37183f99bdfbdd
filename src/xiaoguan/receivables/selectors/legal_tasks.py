"""Reads of an overdue customer for the legal department's task about it (R-AR-3, R-ORG-4): the
escalation (``receivables.legal``) shared the customer with legal, so these reads follow the
task, not the data scope, and cover the whole debt (as the escalation's own figures do); the
caller has checked that the user may see the task.

The lists are capped (the most overdue instalments, the last dunning actions) and come with
their totals, so the panel costs the same few queries however long the customer's history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, QuerySet, Sum
from django.utils import timezone

from xiaoguan.customers import divisions
from xiaoguan.customers.models import Contact, Customer
from xiaoguan.org.models import DepartmentTask, User
from xiaoguan.org.scope import visible
from xiaoguan.receivables.enums import InstalmentStatus
from xiaoguan.receivables.models import DunningAction, Instalment
from xiaoguan.receivables.selectors.overdue import OUTSTANDING

VIEW_RIGHT = "customers.view"
INSTALMENT_ROWS = 20
ACTION_ROWS = 10


@dataclass
class LegalTaskCustomer:
    """What the panel shows: the customer, where to send a letter, what is owed and what was
    done to collect it."""

    customer: Customer
    address: str
    contact: Contact | None
    instalments: list[Instalment] = field(default_factory=list)
    overdue_total: Decimal = Decimal(0)
    overdue_count: int = 0
    oldest_due: dt.date | None = None
    actions: list[DunningAction] = field(default_factory=list)
    action_count: int = 0
    today: dt.date | None = None

    @property
    def oldest_days(self) -> int:
        if self.oldest_due is None or self.today is None:
            return 0
        return (self.today - self.oldest_due).days


def _overdue(customer_id: int, today: dt.date) -> QuerySet[Instalment]:
    return (
        Instalment.objects.filter(
            customer_id=customer_id, status=InstalmentStatus.OPEN, due_date__lt=today
        )
        .annotate(left=OUTSTANDING)
        .filter(left__gt=0)
    )


def legal_task_customer(
    *, task: DepartmentTask, today: dt.date | None = None
) -> LegalTaskCustomer | None:
    """The customer a legal task is about with its overdue instalments (the most overdue
    first, at most :data:`INSTALMENT_ROWS`) and its last dunning actions (at most
    :data:`ACTION_ROWS`), each with the totals; None if the customer is gone."""
    if task.subject_id is None:
        return None
    customer = Customer.objects.filter(pk=task.subject_id).first()
    if customer is None:
        return None
    today = today or timezone.localdate()
    contact = (
        Contact.objects.filter(customer=customer).order_by("-is_primary", "name", "pk").first()
    )
    overdue = _overdue(customer.pk, today)
    totals = overdue.aggregate(total=Sum("left"), n=Count("pk"), oldest=Min("due_date"))
    instalments = list(
        overdue.select_related("contract", "order").order_by("due_date", "position", "pk")[
            :INSTALMENT_ROWS
        ]
    )
    for i in instalments:
        i.days_overdue = (today - i.due_date).days if i.due_date else 0  # type: ignore[attr-defined]
    actions_qs = DunningAction.objects.filter(customer=customer)
    actions = list(actions_qs.order_by("-done_on", "-pk")[:ACTION_ROWS])
    action_count = actions_qs.count()
    return LegalTaskCustomer(
        customer=customer,
        address=divisions.full_address(
            customer.province, customer.city, customer.district, customer.street
        ),
        contact=contact,
        instalments=instalments,
        overdue_total=totals["total"] or Decimal(0),
        overdue_count=totals["n"] or 0,
        oldest_due=totals["oldest"],
        actions=actions,
        action_count=action_count,
        today=today,
    )


def customers_openable(*, user: User, ids: list[int]) -> set[int]:
    """The customers among ``ids`` whose own page the user can open (right and scope)."""
    if not ids or not user.has_right(VIEW_RIGHT):
        return set()
    return set(visible(Customer.objects.filter(pk__in=ids), user).values_list("pk", flat=True))
