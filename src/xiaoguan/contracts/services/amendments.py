"""Amendments (合同变更, R-CON-5): a signed contract is never edited; a change is a new version
of the contract that goes through the same approval and takes effect when it is signed.

The new version is a draft copy of the version in force (header, lines, payment terms) with
``amends`` pointing at it and ``is_current`` off; it is edited, submitted and signed with the
ordinary contract services. Signing it calls :func:`amendment_take_effect`, which retires the
old version and makes the new one current. No amendment may cut a line below what was already
shipped or bring the amount below what was already collected: checked at submission
(:func:`amendment_check`) and again when it takes effect.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext

from xiaoguan.catalog.models import Product, Unit
from xiaoguan.contracts import registries
from xiaoguan.contracts.enums import ContractStatus, EventKind
from xiaoguan.contracts.errors import (
    AmendmentBelowCollected,
    AmendmentBelowShipped,
    AmendmentInvalid,
    AmendmentNotAllowed,
    AmendmentOpen,
)
from xiaoguan.contracts.models import Contract, ContractLine, PaymentTerm
from xiaoguan.contracts.services.timeline import contract_event_add
from xiaoguan.core.documents import ensure_transition
from xiaoguan.core.history import track
from xiaoguan.org.models import User

# An amendment in one of these statuses is "on the way": it blocks another one.
OPEN_AMENDMENT_STATUSES = (
    ContractStatus.DRAFT,
    ContractStatus.RETURNED,
    ContractStatus.IN_APPROVAL,
    ContractStatus.APPROVED,
)

# Fields of a version that are NOT copied into its amendment: identity, versioning, workflow
# and signing, termination, and the execution figures (carried over when it takes effect).
_NOT_COPIED = frozenset(
    {
        "id",
        "version",
        "created_at",
        "updated_at",
        "version_no",
        "root",
        "amends",
        "is_current",
        "amendment_reason",
        "status",
        "submitted_at",
        "decided_at",
        "approved_at",
        "signed_on",
        "signed_at",
        "customer_signatory",
        "company_signatory",
        "termination_kind",
        "termination_reason",
        "settlement_amount",
        "settlement_note",
        "terminated_on",
        "shipped_amount",
        "invoiced_amount",
        "collected_amount",
    }
)
_CARRIED = ("shipped_amount", "invoiced_amount", "collected_amount")
_LINE_FIELDS: tuple[str, ...] = (
    "position",
    "product_id",
    "unit_id",
    "spec",
    "quantity",
    "list_price",
    "unit_price",
    "discount",
    "amount",
)
_TERM_FIELDS = ("position", "label", "trigger", "days_after", "percent", "amount", "is_retention")
REASON_MAX = 2000


def _root_id(contract: Contract) -> int:
    return contract.root_id or contract.pk


def contract_family(*, root_id: int) -> QuerySet[Contract]:
    """Every version of the contract whose root is ``root_id`` (version 1 included)."""
    return Contract.objects.filter(Q(pk=root_id) | Q(root_id=root_id))


def open_amendment(*, contract: Contract) -> Contract | None:
    """The amendment of this contract that is on the way, if any."""
    return (
        contract_family(root_id=_root_id(contract))
        .filter(amends__isnull=False, status__in=OPEN_AMENDMENT_STATUSES)
        .order_by("-version_no")
        .first()
    )


def _lock(contract_id: int) -> Contract:
    return Contract.objects.select_for_update().get(pk=contract_id)


def _number(value: Decimal) -> str:
    """A quantity as people write it: 120, 12.5 (never 120.000 or 1.2E+2)."""
    text = format(value.normalize(), "f")
    return text


def _money(value: Decimal) -> str:
    return f"¥{value:,.2f}"


@transaction.atomic
def contract_amend_start(*, actor: User, contract: Contract, reason: str) -> Contract:
    """Draft an amendment of the signed version in force: a new version with the same number,
    the next version number, and a copy of its header, lines and payment terms. One amendment
    at a time per contract."""
    reason = (reason or "").strip()
    if not reason:
        msg = gettext("Say why the contract is changed.")
        raise AmendmentInvalid(msg, fields={"reason": msg})
    if len(reason) > REASON_MAX:
        msg = gettext("The reason is too long (at most 2,000 characters).")
        raise AmendmentInvalid(msg, fields={"reason": msg})
    old = _lock(contract.pk)
    if old.status != ContractStatus.SIGNED or not old.is_current:
        raise AmendmentNotAllowed()
    if open_amendment(contract=old) is not None:
        raise AmendmentOpen()
    root_id = _root_id(old)
    last_no = contract_family(root_id=root_id).aggregate(n=Max("version_no"))["n"] or 1
    values: dict[str, Any] = {
        f.attname: getattr(old, f.attname)
        for f in Contract._meta.concrete_fields
        if f.name not in _NOT_COPIED
    }
    new = Contract(
        **values,
        version_no=last_no + 1,
        root_id=root_id,
        amends=old,
        is_current=False,
        amendment_reason=reason,
        status=ContractStatus.DRAFT,
    )
    track(new, actor, "amendment drafted")
    new.save()
    ContractLine.objects.bulk_create(
        ContractLine(contract=new, **{f: getattr(line, f) for f in _LINE_FIELDS})
        for line in ContractLine.objects.filter(contract=old).order_by("position")
    )
    PaymentTerm.objects.bulk_create(
        PaymentTerm(contract=new, **{f: getattr(term, f) for f in _TERM_FIELDS})
        for term in PaymentTerm.objects.filter(contract=old).order_by("position")
    )
    contract_event_add(
        contract=new,
        kind=EventKind.AMENDMENT,
        summary=gettext("Amendment v%(no)s drafted: %(reason)s")
        % {"no": new.version_no, "reason": reason},
        actor=actor,
        detail={"amends": old.pk, "version_no": new.version_no, "reason": reason[:300]},
    )
    return new


def _shipped_refusals(*, old: Contract, new: Contract) -> list[str]:
    shipped = {k: q for k, q in registries.shipped_quantities(contract=old).items() if q > 0}
    if not shipped:
        return []
    ordered: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for product_id, unit_id, quantity in ContractLine.objects.filter(contract=new).values_list(
        "product_id", "unit_id", "quantity"
    ):
        ordered[(product_id, unit_id)] += quantity
    short = [key for key, qty in shipped.items() if ordered.get(key, Decimal(0)) < qty]
    if not short:
        return []
    products = Product.objects.in_bulk([p for p, _u in short])
    units = Unit.objects.in_bulk([u for _p, u in short])
    messages = []
    for product_id, unit_id in sorted(short):
        product = products.get(product_id)
        unit = units.get(unit_id)
        messages.append(
            gettext(
                "%(product)s: %(shipped)s %(unit)s were already shipped; the amendment keeps "
                "only %(ordered)s."
            )
            % {
                "product": product.name if product else product_id,
                "shipped": _number(shipped[(product_id, unit_id)]),
                "unit": unit.name if unit else "",
                "ordered": _number(ordered.get((product_id, unit_id), Decimal(0))),
            }
        )
    return messages


def _check(*, old: Contract, new: Contract) -> None:
    if new.customer_id != old.customer_id:
        msg = gettext("An amendment keeps the customer of the contract.")
        raise AmendmentInvalid(msg, fields={"customer": msg})
    refusals = _shipped_refusals(old=old, new=new)
    if refusals:
        raise AmendmentBelowShipped(
            gettext("The amendment cuts quantities below what was already shipped: %(lines)s")
            % {"lines": " ".join(refusals)},
            extra={"lines": refusals},
        )
    if new.total < old.collected_amount:
        raise AmendmentBelowCollected(
            gettext(
                "The new contract amount %(total)s is below the %(collected)s the customer "
                "has already paid."
            )
            % {"total": _money(new.total), "collected": _money(old.collected_amount)}
        )


def amendment_check(*, contract: Contract) -> None:
    """An amendment keeps every line at least at what was shipped and the amount at least at
    what was collected (R-CON-5). ``contract_submit`` calls it for versions that amend another;
    a version that amends nothing passes."""
    if contract.amends_id is None:
        return
    old = Contract.objects.get(pk=contract.amends_id)
    _check(old=old, new=contract)


def amendment_take_effect(*, old: Contract, new: Contract, actor: User) -> None:
    """Called by ``contract_sign`` inside its transaction when a version that amends another is
    signed: the old version is superseded, the new one becomes the contract in force and takes
    over what was shipped, invoiced and collected; ``contract_amended`` handlers run here."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("amendment_take_effect runs inside the signing transaction")
    # Lock order (docs/dev/locking.md): the amendment, then the version in force it replaces
    # (``contract_sign`` holds the amendment already; a termination takes them in the same
    # order), then, in the ``contract_amended`` handlers, receipts and instalments.
    new_row = Contract.objects.select_for_update().get(pk=new.pk)
    old_row = Contract.objects.select_for_update().get(pk=old.pk)
    if (
        new_row.amends_id != old_row.pk
        or old_row.status != ContractStatus.SIGNED
        or not old_row.is_current
    ):
        raise AmendmentNotAllowed()
    _check(old=old_row, new=new_row)

    # Retire the old version first: the partial unique constraint allows one current
    # amendment per root, so the new version may only become current after the old stopped.
    ensure_transition(old_row, to=ContractStatus.SUPERSEDED)
    old_row.status = ContractStatus.SUPERSEDED
    old_row.is_current = False
    track(old_row, actor, "superseded by an amendment")
    old_row.save(update_fields=["status", "is_current", "updated_at"])
    old.status, old.is_current = old_row.status, False

    for name in _CARRIED:
        setattr(new, name, getattr(old_row, name))
    new.is_current = True
    track(new, actor, "amendment in force")
    new.save(update_fields=["is_current", *_CARRIED, "updated_at"])

    registries.contract_amended.send(old=old_row, new=new, actor=actor)
    contract_event_add(
        contract=new,
        kind=EventKind.AMENDED,
        summary=gettext("Amendment v%(new)s in force, replacing v%(old)s (%(total)s)")
        % {"new": new.version_no, "old": old_row.version_no, "total": _money(new.total)},
        actor=actor,
        detail={
            "old": old_row.pk,
            "new": new.pk,
            "old_total": str(old_row.total),
            "new_total": str(new.total),
        },
    )


@transaction.atomic
def amendment_discard(*, actor: User, contract: Contract, reason: str = "") -> Contract:
    """Drop an amendment that has not been submitted (or was returned, or is approved but not
    signed); the version in force stays as it is. One in approval is withdrawn first."""
    new = _lock(contract.pk)
    if new.amends_id is None or new.status not in (
        ContractStatus.DRAFT,
        ContractStatus.RETURNED,
        ContractStatus.APPROVED,
    ):
        raise AmendmentNotAllowed(
            gettext("Only an amendment that is not in approval or signed can be discarded.")
        )
    _cancel(new, actor=actor, reason=reason or gettext("Amendment discarded"))
    return new


def _cancel(amendment: Contract, *, actor: User, reason: str) -> None:
    ensure_transition(amendment, to=ContractStatus.CANCELLED)
    amendment.status = ContractStatus.CANCELLED
    track(amendment, actor, "amendment cancelled")
    amendment.save(update_fields=["status", "updated_at"])
    contract_event_add(
        contract=amendment,
        kind=EventKind.CANCELLED,
        summary=gettext("Amendment v%(no)s cancelled: %(reason)s")
        % {"no": amendment.version_no, "reason": reason},
        actor=actor,
        detail={"version_no": amendment.version_no},
    )


def amendment_cancel_for_termination(*, actor: User, contract: Contract, reason: str) -> None:
    """Termination drops the amendment on the way (the caller holds the lock of the version in
    force and has checked that the amendment is not in approval)."""
    pending = open_amendment(contract=contract)
    if pending is None:
        return
    _cancel(_lock(pending.pk), actor=actor, reason=reason)
