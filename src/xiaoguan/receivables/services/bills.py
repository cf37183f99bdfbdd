"""Bills of exchange received as payment (银行承兑汇票 / 商业承兑汇票, R-AR-2): a bill is held
until it matures and is paid, or it is endorsed to a third party (背书转让), or discounted at a
bank (贴现, with the interest and charges). A dishonoured bill (拒付) reverses its receipt with
the reason "bill dishonoured": the instalments it paid are open again.

Every step starts from "held" (``BILL_TRANSITIONS``); the dates cannot be in the future.

Locks (docs/dev/locking.md): the contracts first (the one the receipt was recorded against, and
for a dishonoured bill those of the instalments it paid), then the receipt, then instalments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from xiaoguan.contracts.enums import EventKind
from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.services.timeline import contract_event_add
from xiaoguan.core.errors import InvalidTransition, NotFound, ValidationFailed
from xiaoguan.org import scope
from xiaoguan.org.models import User
from xiaoguan.receivables.enums import BILL_METHODS, BILL_TRANSITIONS, BillStatus, ReceiptStatus
from xiaoguan.receivables.models import Receipt
from xiaoguan.receivables.services.receipts import (
    MoneyLocks,
    _receipt_pk,
    _require_manage,
    money_lock,
    money_text,
    receipt_money_lock,
    receipt_reverse_locked,
)

DISHONOURED_REASON = gettext_noop("bill dishonoured")


def _lock_contract_of(receipt_id: Any) -> MoneyLocks:
    """The contract the bill's receipt was recorded against, locked before the receipt (its
    timeline gets the entry)."""
    contract_id = (
        Receipt.objects.filter(pk=_receipt_pk(receipt_id))
        .values_list("contract_id", flat=True)
        .first()
    )
    root_id = None
    if contract_id is not None:
        root_id = (
            Contract.objects.filter(pk=contract_id).values_list("root_id", flat=True).first()
            or contract_id
        )
    return money_lock(({root_id} if root_id else set(), set()))


def _lock_bill(
    *, actor: User, receipt_id: Any, to: str, locks: MoneyLocks | None = None
) -> Receipt:
    _require_manage(actor)
    pk = _receipt_pk(receipt_id)
    if locks is None:
        _lock_contract_of(pk)
    receipt = (
        scope.visible(Receipt.objects.all(), actor)
        .select_for_update(no_key=True)
        .filter(pk=pk)
        .first()
    )
    if receipt is None or receipt.method not in BILL_METHODS:
        raise NotFound()
    if receipt.status != ReceiptStatus.POSTED or to not in BILL_TRANSITIONS.get(
        receipt.bill_status, set()
    ):
        raise InvalidTransition(
            gettext("The bill is %(status)s; only a held bill can be %(action)s.")
            % {
                "status": receipt.get_bill_status_display() or receipt.get_status_display(),
                "action": BillStatus(to).label,
            }
        )
    return receipt


def _check_day(on: date | None, *, field: str, receipt: Receipt) -> date:
    if on is None:
        msg = gettext("Enter the date.")
        raise ValidationFailed(msg, fields={field: msg})
    if on > timezone.localdate():
        msg = gettext("The date cannot be in the future.")
        raise ValidationFailed(msg, fields={field: msg})
    if on < receipt.received_on:
        msg = gettext("The date is before the bill was received (%(date)s).") % {
            "date": receipt.received_on
        }
        raise ValidationFailed(msg, fields={field: msg})
    return on


def _event(receipt: Receipt, actor: User, summary: str) -> None:
    if receipt.contract_id:
        contract_event_add(
            contract=receipt.contract,  # type: ignore[arg-type]
            kind=EventKind.RECEIPT,
            summary=summary,
            actor=actor,
            detail={"receipt": receipt.pk, "bill_status": receipt.bill_status},
        )


@transaction.atomic
def bill_endorse(*, actor: User, receipt_id: int, endorsee: str, on: date | None) -> Receipt:
    """The held bill is endorsed over to a third party (e.g. a supplier)."""
    receipt = _lock_bill(actor=actor, receipt_id=receipt_id, to=BillStatus.ENDORSED)
    endorsee = " ".join((endorsee or "").split())
    if not endorsee:
        msg = gettext("Enter to whom the bill was endorsed.")
        raise ValidationFailed(msg, fields={"endorsee": msg})
    if len(endorsee) > 200:
        msg = gettext("At most %(n)s characters.") % {"n": 200}
        raise ValidationFailed(msg, fields={"endorsee": msg})
    receipt.bill_settled_on = _check_day(on, field="on", receipt=receipt)
    receipt.bill_status = BillStatus.ENDORSED
    receipt.bill_endorsee = endorsee
    receipt.save(update_fields=["bill_status", "bill_endorsee", "bill_settled_on"])
    _event(
        receipt,
        actor,
        gettext("Bill %(no)s of receipt %(number)s endorsed to %(to)s")
        % {"no": receipt.bill_no, "number": receipt.number, "to": endorsee},
    )
    return receipt


def _charge(value: Any) -> Decimal:
    msg = gettext("Enter the discount interest and charges to the cent (0 if none).")
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(msg, fields={"charge": msg}) from None
    if value in (None, "") or not amount.is_finite() or amount < 0:
        raise ValidationFailed(msg, fields={"charge": msg})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed(msg, fields={"charge": msg})
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def bill_discount(*, actor: User, receipt_id: int, charge: Any, on: date | None) -> Receipt:
    """The held bill is discounted at a bank: the interest and charges are recorded."""
    receipt = _lock_bill(actor=actor, receipt_id=receipt_id, to=BillStatus.DISCOUNTED)
    amount = _charge(charge)
    if amount >= receipt.amount:
        msg = gettext("The charges must be less than the bill's %(amount)s.") % {
            "amount": money_text(receipt.amount)
        }
        raise ValidationFailed(msg, fields={"charge": msg})
    receipt.bill_settled_on = _check_day(on, field="on", receipt=receipt)
    receipt.bill_status = BillStatus.DISCOUNTED
    receipt.bill_charge = amount
    receipt.save(update_fields=["bill_status", "bill_charge", "bill_settled_on"])
    _event(
        receipt,
        actor,
        gettext("Bill %(no)s of receipt %(number)s discounted, charges %(charge)s")
        % {"no": receipt.bill_no, "number": receipt.number, "charge": money_text(amount)},
    )
    return receipt


@transaction.atomic
def bill_mature(*, actor: User, receipt_id: int, on: date | None) -> Receipt:
    """The held bill matured and the accepting bank (or company) paid it."""
    receipt = _lock_bill(actor=actor, receipt_id=receipt_id, to=BillStatus.MATURED)
    receipt.bill_settled_on = _check_day(on, field="on", receipt=receipt)
    receipt.bill_status = BillStatus.MATURED
    receipt.save(update_fields=["bill_status", "bill_settled_on"])
    _event(
        receipt,
        actor,
        gettext("Bill %(no)s of receipt %(number)s paid at maturity")
        % {"no": receipt.bill_no, "number": receipt.number},
    )
    return receipt


@transaction.atomic
def bill_dishonour(*, actor: User, receipt_id: int, on: date | None = None) -> Receipt:
    """The bill was refused at maturity: its receipt is reversed ("bill dishonoured") and the
    instalments it paid are open again."""
    _require_manage(actor)
    locks = receipt_money_lock(receipt_id)
    receipt = _lock_bill(actor=actor, receipt_id=receipt_id, to=BillStatus.DISHONOURED, locks=locks)
    receipt.bill_settled_on = _check_day(on or timezone.localdate(), field="on", receipt=receipt)
    receipt.bill_status = BillStatus.DISHONOURED
    receipt.save(update_fields=["bill_status", "bill_settled_on"])
    return receipt_reverse_locked(
        actor=actor, receipt=receipt, reason=gettext(DISHONOURED_REASON), locks=locks
    )
