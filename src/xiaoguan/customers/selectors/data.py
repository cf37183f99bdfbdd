"""Reads of the data part of customers: whom an import may give customers to, which pools it
may fill, and the duplicates a manager may merge (R-X-5, R-CUS-2). Always scoped."""

from __future__ import annotations

from django.db.models import QuerySet

from xiaoguan.customers.models import Customer, Pool
from xiaoguan.customers.selectors import DuplicateMatch, customer_duplicates
from xiaoguan.org.models import Department, User
from xiaoguan.org.scope import visible


def import_owner_choices(*, user: User) -> QuerySet[User]:
    """Active employees with a department that the importer may see (a rep: only themself)."""
    return visible(
        User.objects.filter(is_active=True, department__isnull=False).select_related("department"),
        user,
    ).order_by("department__path", "username")


def import_pool_choices(*, user: User) -> QuerySet[Pool]:
    """Active pools of the regions the importer may see."""
    departments = visible(Department.objects.all(), user).values("pk")
    return Pool.objects.filter(is_active=True, department__in=departments).order_by("name", "pk")


def merge_candidates(*, user: User, customer: Customer) -> list[DuplicateMatch]:
    """Active customers the given one seems to duplicate (R-CUS-2) that the user may see and
    that were not merged already."""
    matches = customer_duplicates(
        name=customer.name,
        credit_code=customer.credit_code,
        phone=customer.phone,
        exclude_pk=customer.pk,
    )
    if not matches:
        return []
    seen = set(
        visible(
            Customer.objects.filter(
                pk__in=[m.customer.pk for m in matches], is_active=True, merged_into__isnull=True
            ),
            user,
        ).values_list("pk", flat=True)
    )
    return [m for m in matches if m.customer.pk in seen]
