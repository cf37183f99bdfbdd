"""The execution timeline of a contract (R-CON-4): every service that changes a contract or
acts on it adds one entry here; higher apps (orders, receivables) add shipments and receipts
through the same function."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from xiaoguan.contracts.models import Contract, ContractEvent
from xiaoguan.org.models import Department, User


def contract_event_add(
    *,
    contract: Contract,
    kind: str,
    summary: str,
    actor: User | None = None,
    department: Department | None = None,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> ContractEvent:
    """One entry on the timeline shared by all versions of the contract."""
    return ContractEvent.objects.create(
        root_id=contract.root_id or contract.pk,
        contract=contract,
        kind=kind,
        summary=summary[:300],
        actor=actor,
        department=department,
        detail=detail or {},
        at=at or timezone.now(),
    )
