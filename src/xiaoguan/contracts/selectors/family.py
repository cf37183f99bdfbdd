"""All versions of one contract (its "family": the root and its amendments), for the rows of
higher apps that point at a version (orders, instalments, receipts, invoices).

Filter with ``in_family(root_id, "contract")`` rather than ``Q(contract_id=root) |
Q(contract__root_id=root)``: the OR across a join makes PostgreSQL scan every row of the
higher table (600,000 instalments: 600–770 ms per receipt, docs/benchmarks.md), while the
family's few ids come from the contract indexes in well under a millisecond."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from xiaoguan.contracts.models import Contract


def family_ids(root_id: int) -> QuerySet[Contract, Any]:
    """The ids of every version of the contract whose root is ``root_id`` (a subquery)."""
    return Contract.objects.filter(Q(pk=root_id) | Q(root_id=root_id)).values("pk")


def in_family(root_id: int, field: str = "contract") -> Q:
    """Rows whose ``field`` (a foreign key to Contract, possibly across relations such as
    ``"instalment__contract"``) is a version of the contract ``root_id``."""
    return Q(**{f"{field}__in": family_ids(root_id)})


def family_current(root_id: int) -> QuerySet[Contract]:
    """The version in force of the contract ``root_id`` (one row; chain ``select_for_update``
    or ``select_related`` as needed)."""
    return Contract.objects.filter(Q(pk=root_id) | Q(root_id=root_id), is_current=True)
