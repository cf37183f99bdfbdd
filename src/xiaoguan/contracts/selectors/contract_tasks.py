"""Reads of a contract for the department tasks about it (R-ORG-4, R-CON-3): production and
logistics get a task when a contract (or an amendment) is signed, and any department when a
problem of it is routed to them. The task shared the contract with that department, so these
reads follow the task, not the data scope; the caller has checked that the user may see the
task."""

from __future__ import annotations

from django.db.models import QuerySet

from xiaoguan.contracts.models import Contract, ContractLine
from xiaoguan.org.models import DepartmentTask, User
from xiaoguan.org.scope import visible

VIEW_RIGHT = "contracts.view"
# The right the contract page asks for its effective prices and discounts.
PRICES_RIGHT = "pricing.view"


def contract_of_task(*, task: DepartmentTask) -> Contract | None:
    """The contract version a task is about, with its customer (None if it is gone)."""
    if task.subject_id is None:
        return None
    return Contract.objects.select_related("customer").filter(pk=task.subject_id).first()


def contract_task_lines(*, contract: Contract) -> QuerySet[ContractLine]:
    return (
        ContractLine.objects.filter(contract=contract)
        .select_related("product", "unit")
        .order_by("position", "pk")
    )


def contracts_openable(*, user: User, ids: list[int]) -> set[int]:
    """The contracts among ``ids`` whose own page the user can open (right and scope)."""
    if not ids or not user.has_right(VIEW_RIGHT):
        return set()
    return set(visible(Contract.objects.filter(pk__in=ids), user).values_list("pk", flat=True))


def contract_task_shows_prices(*, user: User, contract: Contract) -> bool:
    """Prices on the task's panel only for those who would see them on the contract's page:
    the contract in their scope with the contracts right, and the pricing right."""
    return user.has_right(PRICES_RIGHT) and contract.pk in contracts_openable(
        user=user, ids=[contract.pk]
    )
