"""Invoice records (开票记录, R-AR-7): a rep asks finance to invoice part of a signed contract;
finance issues the invoice in the tax system and records its number and date here, or cancels
the request; an issued invoice can be voided with a reason.

What may still be requested for a contract is its current total minus what is requested or
issued (not cancelled, not voided) over every version of the contract. The contract ledger's
"invoiced" figure is the sum of the issued, not voided invoices over every version of the root
contract (:func:`invoiced_total`), written through ``contract_figures_set``. Every step is on
the contract's timeline (EventKind.INVOICE). Invoice numbers are unique among issued and
voided invoices (a voided number is never used again).

Locks (docs/dev/locking.md): the contract's version in force first, then the invoice record.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from xiaoguan.contracts.enums import ContractStatus, EventKind
from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.selectors.family import family_current, in_family
from xiaoguan.contracts.services.figures import contract_current_lock, contract_figures_set
from xiaoguan.contracts.services.timeline import contract_event_add
from xiaoguan.core.documents import ensure_transition
from xiaoguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from xiaoguan.core.history import track
from xiaoguan.core.notifications import notify
from xiaoguan.core.numbering import next_number
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible
from xiaoguan.receivables.enums import InvoiceKind, InvoiceStatus
from xiaoguan.receivables.models import InvoiceRecord

PREFIX = "KP"
# Chinese VAT rates (增值税税率 / 征收率), in percent.
TAX_RATES = (
    Decimal("13"),
    Decimal("9"),
    Decimal("6"),
    Decimal("5"),
    Decimal("3"),
    Decimal("1"),
    Decimal("0"),
)
# Contracts that can be invoiced: signed and in force, or completed.
INVOICEABLE = (ContractStatus.SIGNED, ContractStatus.COMPLETED)
COUNTED = (InvoiceStatus.REQUESTED, InvoiceStatus.ISSUED)
CENT = Decimal("0.01")


class InvoiceInvalid(ValidationFailed):
    code = "invoice_invalid"


class InvoiceNumberTaken(Conflict):
    code = "invoice_number_taken"

    def default_message(self) -> Any:
        return gettext("This invoice number is already recorded on another invoice.")


def _bad(field: str, message: Any) -> InvoiceInvalid:
    return InvoiceInvalid(message, fields={field: message})


def _money(value: Decimal) -> str:
    return f"¥{value:,.2f}"


def _root_id(contract: Contract) -> int:
    return contract.root_id or contract.pk


def _family_q(root_id: int) -> Q:
    return in_family(root_id)


def invoiced_total(*, root_id: int) -> Decimal:
    """Issued and not voided, over every version of the contract."""
    value = InvoiceRecord.objects.filter(_family_q(root_id), status=InvoiceStatus.ISSUED).aggregate(
        s=Sum("amount")
    )["s"]
    return value or Decimal(0)


def committed_total(*, root_id: int, exclude_id: int | None = None) -> Decimal:
    """Requested or issued (neither cancelled nor voided), over every version."""
    qs = InvoiceRecord.objects.filter(_family_q(root_id), status__in=COUNTED)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.aggregate(s=Sum("amount"))["s"] or Decimal(0)


def _current(contract: Contract, *, lock: bool) -> Contract:
    root_id = _root_id(contract)
    current = contract_current_lock(root_id=root_id) if lock else family_current(root_id).first()
    return current or contract


def _amount(raw: Any) -> Decimal:
    try:
        amount = Decimal(str(raw))
    except (InvalidOperation, TypeError, ValueError):
        raise _bad("amount", gettext("Enter a valid number.")) from None
    if not amount.is_finite() or amount <= 0:
        raise _bad("amount", gettext("The amount must be more than zero."))
    if amount != amount.quantize(CENT):
        raise _bad("amount", gettext("At most two decimal places."))
    return amount


def _sync_figures(contract: Contract) -> None:
    contract_figures_set(contract=contract, invoiced=invoiced_total(root_id=_root_id(contract)))


def invoice_url(invoice: InvoiceRecord) -> str:
    return reverse("receivables:invoice_detail", args=[invoice.pk])


@transaction.atomic
def invoice_request(
    *,
    actor: User,
    contract_id: int,
    kind: str,
    amount: Any,
    tax_rate: Any = Decimal("13"),
    note: str = "",
) -> InvoiceRecord:
    """Ask finance to invoice ``amount`` of a signed contract the actor may see; refused when
    it would take what is requested and issued over the contract's total."""
    if not actor.has_right("receivables.invoice_request"):
        raise PermissionDenied()
    contract = visible(Contract.objects.all(), actor).filter(pk=contract_id).first()
    if contract is None:
        raise NotFound(gettext("Contract not found."))
    if kind not in InvoiceKind.values:
        raise _bad("kind", gettext("Not one of the allowed values."))
    value = _amount(amount)
    try:
        rate = Decimal(str(tax_rate))
    except (InvalidOperation, TypeError, ValueError):
        rate = Decimal(-1)
    if rate not in TAX_RATES:
        raise _bad(
            "tax_rate",
            gettext("Not a VAT rate: use one of %(rates)s.")
            % {"rates": ", ".join(f"{r}%" for r in TAX_RATES)},
        )
    note = (note or "").strip()
    if len(note) > 300:
        raise _bad("note", gettext("At most %(n)s characters.") % {"n": 300})
    current = _current(contract, lock=True)
    if current.status not in INVOICEABLE:
        raise InvoiceInvalid(
            gettext("Only a signed contract can be invoiced; this one is %(status)s.")
            % {"status": current.get_status_display()},
            fields={"contract_id": gettext("The contract is not signed.")},
        )
    left = current.total - committed_total(root_id=_root_id(current))
    if value > left:
        raise _bad(
            "amount",
            gettext(
                "Only %(left)s of the contract's %(total)s is left to invoice (the rest is "
                "requested or issued already)."
            )
            % {"left": _money(max(left, Decimal(0))), "total": _money(current.total)},
        )
    invoice = InvoiceRecord(
        number=next_number(prefix=PREFIX),
        contract=current,
        customer_id=current.customer_id,
        kind=kind,
        amount=value,
        tax_rate=rate,
        note=note,
        requested_by=actor,
        owner=current.owner,
        department=current.department,
    )
    track(invoice, actor, "requested")
    invoice.save()
    contract_event_add(
        contract=current,
        kind=EventKind.INVOICE,
        summary=gettext("Invoice requested: %(number)s, %(kind)s %(amount)s")
        % {
            "number": invoice.number,
            "kind": invoice.get_kind_display(),
            "amount": _money(value),
        },
        actor=actor,
        detail={"invoice": invoice.pk, "action": "requested", "amount": str(value)},
    )
    return invoice


def _lock(actor: User, invoice_id: int) -> InvoiceRecord:
    """The invoice record locked, after the version in force of its contract."""
    found = (
        visible(InvoiceRecord.objects.all(), actor)
        .filter(pk=invoice_id)
        .select_related("contract")
        .first()
    )
    if found is None:
        raise NotFound(gettext("Invoice not found."))
    contract_current_lock(root_id=_root_id(found.contract))
    return (
        InvoiceRecord.objects.select_for_update(of=("self",), no_key=True)
        .select_related("contract")
        .get(pk=invoice_id)
    )


@transaction.atomic
def invoice_issue(
    *, actor: User, invoice_id: int, invoice_no: str, issued_on: dt.date | None
) -> InvoiceRecord:
    """Finance records the invoice issued in the tax system: its number and date."""
    if not actor.has_right("receivables.manage"):
        raise PermissionDenied()
    invoice_no = (invoice_no or "").strip()
    if not invoice_no:
        raise _bad("invoice_no", gettext("Enter the number of the issued invoice."))
    if len(invoice_no) > 40:
        raise _bad("invoice_no", gettext("At most %(n)s characters.") % {"n": 40})
    if issued_on is None:
        raise _bad("issued_on", gettext("Enter the date of the invoice."))
    if issued_on > timezone.localdate():
        raise _bad("issued_on", gettext("An invoice cannot be dated in the future."))
    invoice = _lock(actor, invoice_id)
    ensure_transition(invoice, to=InvoiceStatus.ISSUED)
    current = _current(invoice.contract, lock=True)
    issued = invoiced_total(root_id=_root_id(current))
    if issued + invoice.amount > current.total:
        raise _bad(
            "amount",
            gettext("Issuing %(amount)s would invoice more than the contract's %(total)s.")
            % {"amount": _money(invoice.amount), "total": _money(current.total)},
        )
    if (
        InvoiceRecord.objects.filter(invoice_no=invoice_no)
        .exclude(pk=invoice.pk)
        .exclude(invoice_no="")
        .exists()
    ):
        raise InvoiceNumberTaken(fields={"invoice_no": InvoiceNumberTaken().message})
    invoice.status = InvoiceStatus.ISSUED
    invoice.invoice_no = invoice_no
    invoice.issued_on = issued_on
    invoice.issued_by = actor
    track(invoice, actor, "issued")
    try:
        with transaction.atomic():
            invoice.save(
                update_fields=["status", "invoice_no", "issued_on", "issued_by", "updated_at"]
            )
    except IntegrityError:
        raise InvoiceNumberTaken(fields={"invoice_no": InvoiceNumberTaken().message}) from None
    _sync_figures(current)
    contract_event_add(
        contract=invoice.contract,
        kind=EventKind.INVOICE,
        summary=gettext("Invoice issued: %(no)s, %(amount)s")
        % {"no": invoice_no, "amount": _money(invoice.amount)},
        actor=actor,
        detail={"invoice": invoice.pk, "action": "issued", "invoice_no": invoice_no},
    )
    if invoice.requested_by_id != actor.pk:
        notify(
            recipient=invoice.requested_by,
            kind="receivables.invoice_issued",
            title=gettext("Invoice %(no)s issued for %(number)s")
            % {"no": invoice_no, "number": invoice.number},
            url=invoice_url(invoice),
            dedupe_key=f"receivables.invoice_issued:{invoice.pk}",
        )
    return invoice


@transaction.atomic
def invoice_cancel(*, actor: User, invoice_id: int, reason: str = "") -> InvoiceRecord:
    """Finance (or the requester) cancels a request that was not issued."""
    invoice = _lock(actor, invoice_id)
    if not (
        actor.has_right("receivables.manage")
        or (invoice.requested_by_id == actor.pk and actor.has_right("receivables.invoice_request"))
    ):
        raise PermissionDenied()
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise _bad("reason", gettext("At most %(n)s characters.") % {"n": 300})
    ensure_transition(invoice, to=InvoiceStatus.CANCELLED)
    invoice.status = InvoiceStatus.CANCELLED
    invoice.void_reason = reason
    track(invoice, actor, "cancelled")
    invoice.save(update_fields=["status", "void_reason", "updated_at"])
    contract_event_add(
        contract=invoice.contract,
        kind=EventKind.INVOICE,
        summary=gettext("Invoice request %(number)s cancelled") % {"number": invoice.number},
        actor=actor,
        detail={"invoice": invoice.pk, "action": "cancelled", "reason": reason},
    )
    return invoice


@transaction.atomic
def invoice_void(*, actor: User, invoice_id: int, reason: str) -> InvoiceRecord:
    """Finance voids an issued invoice (作废 / 红冲) with a reason; the ledger's invoiced figure
    drops by its amount."""
    if not actor.has_right("receivables.manage"):
        raise PermissionDenied()
    reason = (reason or "").strip()
    if not reason:
        raise _bad("reason", gettext("Say why the invoice is voided."))
    if len(reason) > 300:
        raise _bad("reason", gettext("At most %(n)s characters.") % {"n": 300})
    invoice = _lock(actor, invoice_id)
    ensure_transition(invoice, to=InvoiceStatus.VOIDED)
    invoice.status = InvoiceStatus.VOIDED
    invoice.void_reason = reason
    invoice.voided_at = timezone.now()
    track(invoice, actor, "voided")
    invoice.save(update_fields=["status", "void_reason", "voided_at", "updated_at"])
    _sync_figures(_current(invoice.contract, lock=True))
    contract_event_add(
        contract=invoice.contract,
        kind=EventKind.INVOICE,
        summary=gettext("Invoice %(no)s voided: %(reason)s")
        % {"no": invoice.invoice_no, "reason": reason},
        actor=actor,
        detail={"invoice": invoice.pk, "action": "voided", "reason": reason},
    )
    return invoice
