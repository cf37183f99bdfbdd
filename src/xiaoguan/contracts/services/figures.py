"""The ledger's execution figures of a contract (R-CON-6), written by orders (shipped) and
receivables (invoiced, collected) through this one function, never by saving the contract.

The figures belong to the contract as a whole: they are written on its current version (an
amendment carries them over when it takes effect).

This module also holds the first lock of every money path (docs/dev/locking.md): the version in
force of each contract touched, taken by root id, before any order, receipt or instalment row.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.selectors.family import family_current

_FIELDS = {
    "shipped": "shipped_amount",
    "invoiced": "invoiced_amount",
    "collected": "collected_amount",
}


def contract_current_lock(*, root_id: int) -> Contract | None:
    """The version in force of the contract ``root_id``, locked (None if the family has none).

    Waiting on a version that an amendment retires meanwhile returns no row once the amendment
    commits (the row is no longer current, and the new version was not current when the
    statement began): look again, the next statement sees the new version in force."""
    while True:
        current = family_current(root_id).select_for_update(no_key=True).order_by("pk").first()
        if current is not None or not family_current(root_id).exists():
            return current


def contracts_current_lock(*, root_ids: Iterable[int]) -> dict[int, Contract]:
    """Lock the version in force of each contract (by root id, ascending: the global order
    between contracts); returns them by root id. Re-entrant: locking a row twice is free."""
    locked: dict[int, Contract] = {}
    for root_id in sorted(set(root_ids)):
        current = contract_current_lock(root_id=root_id)
        if current is not None:
            locked[root_id] = current
    return locked


@transaction.atomic
def contract_figures_set(
    *,
    contract: Contract,
    shipped: Decimal | None = None,
    invoiced: Decimal | None = None,
    collected: Decimal | None = None,
) -> Contract:
    """Set the given figures (absolute values, recomputed by the caller from its own rows) on
    the contract's current version, with the row locked. Figures left as None keep their
    value. Money paths lock that row first (``contracts_current_lock``); here it is taken
    again for free."""
    root_id = contract.root_id or contract.pk
    current = contract_current_lock(root_id=root_id)
    if current is None:
        raise Contract.DoesNotExist(f"no version in force for contract {root_id}")
    values = {"shipped": shipped, "invoiced": invoiced, "collected": collected}
    changed = []
    for key, value in values.items():
        if value is None:
            continue
        field = _FIELDS[key]
        if getattr(current, field) != value:
            setattr(current, field, value)
            changed.append(field)
    if changed:
        current.save(update_fields=[*changed, "updated_at"])
    return current
