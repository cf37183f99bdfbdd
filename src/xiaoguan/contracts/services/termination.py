"""Termination (合同终止, R-CON-5): the signed contract in force ends early for force majeure,
a breach or by mutual agreement; the reason and the settlement are recorded, the open
department tasks of the contract and an amendment on the way are cancelled, and the
``contract_terminated`` handlers (collection plans, after-sales tasks) stop what was planned,
all in one transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from xiaoguan.contracts import registries
from xiaoguan.contracts.enums import ContractStatus, EventKind, TerminationKind
from xiaoguan.contracts.errors import TerminationInvalid, TerminationNotAllowed
from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.services import amendments
from xiaoguan.contracts.services.problems import CONTRACT_SUBJECT_TYPE
from xiaoguan.contracts.services.timeline import contract_event_add
from xiaoguan.core.documents import ensure_transition
from xiaoguan.core.history import track
from xiaoguan.org import department_tasks
from xiaoguan.org.models import User

MAX_SETTLEMENT = Decimal("1e14")
TEXT_MAX = 2000


def _clean(
    *,
    contract: Contract,
    kind: str,
    reason: str,
    settlement_amount: Any,
    settlement_note: str,
    terminated_on: date | None,
) -> tuple[str, str, Decimal, str, date]:
    """Every field's refusal at once, as field errors."""
    errors: dict[str, str] = {}
    if kind not in TerminationKind.values:
        errors["kind"] = gettext("Choose why the contract is terminated.")
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = gettext("Describe the reason for the termination.")
    elif len(reason) > TEXT_MAX:
        errors["reason"] = gettext("The text is too long (at most 2,000 characters).")
    settlement_note = (settlement_note or "").strip()
    if len(settlement_note) > TEXT_MAX:
        errors["settlement_note"] = gettext("The text is too long (at most 2,000 characters).")
    amount = Decimal(0)
    if settlement_amount is None or settlement_amount == "":
        errors["settlement_amount"] = gettext("Enter the settlement amount (0 if nothing is paid).")
    else:
        try:
            amount = Decimal(str(settlement_amount))
        except (InvalidOperation, ValueError):
            errors["settlement_amount"] = gettext("Enter a number.")
        else:
            if not amount.is_finite():
                errors["settlement_amount"] = gettext("Enter a number.")
            elif amount < 0:
                errors["settlement_amount"] = gettext("The settlement cannot be negative.")
            elif amount >= MAX_SETTLEMENT:
                errors["settlement_amount"] = gettext("The number is too large.")
            elif amount != amount.quantize(Decimal("0.01")):
                errors["settlement_amount"] = gettext("Enter the amount to the cent.")
    if terminated_on is None:
        errors["terminated_on"] = gettext("Enter the date of the termination.")
    elif terminated_on > timezone.localdate():
        errors["terminated_on"] = gettext("The termination date cannot be in the future.")
    elif contract.signed_on and terminated_on < contract.signed_on:
        errors["terminated_on"] = gettext(
            "The termination date cannot be before the signing date (%(date)s)."
        ) % {"date": contract.signed_on.isoformat()}
    if errors:
        raise TerminationInvalid(next(iter(errors.values())), fields=errors)
    assert terminated_on is not None
    return kind, reason, amount.quantize(Decimal("0.01")), settlement_note, terminated_on


@transaction.atomic
def contract_terminate(
    *,
    actor: User,
    contract: Contract,
    kind: str,
    reason: str,
    settlement_amount: Any,
    settlement_note: str = "",
    terminated_on: date | None,
) -> Contract:
    """End the signed contract in force early: record the reason and the settlement, cancel
    its open department tasks and any amendment on the way, and tell ``contract_terminated``
    handlers, all or nothing."""
    # Lock order as in signing (the amendment, then the version it amends), so a termination
    # racing the signing of an amendment waits for it instead of deadlocking.
    waiting = amendments.open_amendment(contract=contract)
    if waiting is not None:
        Contract.objects.select_for_update().filter(pk=waiting.pk).first()
    current = Contract.objects.select_for_update().get(pk=contract.pk)
    if current.status != ContractStatus.SIGNED or not current.is_current:
        raise TerminationNotAllowed()
    kind, reason, amount, note, day = _clean(
        contract=current,
        kind=kind,
        reason=reason,
        settlement_amount=settlement_amount,
        settlement_note=settlement_note,
        terminated_on=terminated_on,
    )
    pending = amendments.open_amendment(contract=current)
    if pending is not None and pending.status == ContractStatus.IN_APPROVAL:
        raise TerminationNotAllowed(
            gettext(
                "An amendment of this contract (v%(no)s) is in approval; wait for the decision "
                "or have it withdrawn before terminating the contract."
            )
            % {"no": pending.version_no}
        )
    amendments.amendment_cancel_for_termination(
        actor=actor, contract=current, reason=gettext("The contract was terminated")
    )
    ensure_transition(current, to=ContractStatus.TERMINATED)
    current.status = ContractStatus.TERMINATED
    current.termination_kind = kind
    current.termination_reason = reason
    current.settlement_amount = amount
    current.settlement_note = note
    current.terminated_on = day
    track(current, actor, "terminated")
    current.save(
        update_fields=[
            "status",
            "termination_kind",
            "termination_reason",
            "settlement_amount",
            "settlement_note",
            "terminated_on",
            "updated_at",
        ]
    )
    cancelled = department_tasks.department_tasks_cancel_for_subject(
        actor=actor,
        subject_type=CONTRACT_SUBJECT_TYPE,
        subject_ids=list(
            amendments.contract_family(root_id=current.root_id or current.pk).values_list(
                "pk", flat=True
            )
        ),
        reason=gettext("The contract was terminated: %(reason)s") % {"reason": reason},
    )
    registries.contract_terminated.send(contract=current, actor=actor)
    contract_event_add(
        contract=current,
        kind=EventKind.TERMINATED,
        summary=gettext("Terminated (%(kind)s): %(reason)s; settlement ¥%(amount)s")
        % {
            "kind": TerminationKind(kind).label,
            "reason": reason,
            "amount": f"{amount:,.2f}",
        },
        actor=actor,
        detail={
            "kind": kind,
            "settlement_amount": str(amount),
            "terminated_on": day.isoformat(),
            "tasks_cancelled": cancelled,
        },
    )
    contract.status = current.status
    return current
