"""The ledger's execution figures of a contract (R-CON-6), written by orders (shipped) and
receivables (invoiced, collected) through this one function, never by saving the contract.

The figures belong to the contract as a whole: they are written on its current version (an
amendment carries them over when it takes effect)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from xiaoguan.contracts.models import Contract

_FIELDS = {
    "shipped": "shipped_amount",
    "invoiced": "invoiced_amount",
    "collected": "collected_amount",
}


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
    value."""
    root_id = contract.root_id or contract.pk
    current = (
        Contract.objects.select_for_update().filter(is_current=True).filter(pk=root_id).first()
    ) or Contract.objects.select_for_update().get(root_id=root_id, is_current=True)
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
