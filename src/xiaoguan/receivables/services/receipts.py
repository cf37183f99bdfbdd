"""Receipts (回款, R-AR-2): money received from a customer, allocated to its instalments oldest
first or by hand; what is not allocated is the customer's credit, usable later; a wrong
receipt is reversed with a reason (its allocations are released, never deleted).

Lock order, everywhere (plans, bills, write-offs, invoices, amendments and shipping too; the
whole rule is in docs/dev/locking.md): first the version in force of every contract the path may
touch (by root id, :func:`money_lock`), then the direct orders (by pk), then the receipts (by
pk), then the instalments (by pk). A path finds out which contracts and orders it needs with a
plain read, locks them, and only then locks and re-reads the receipts and instalments; it
touches only the instalments of what it locked. ``contract_figures_set`` at the end takes the
contract row it already holds. The database backs the arithmetic:
``instalment_not_over_allocated`` and ``receipt_not_over_allocated`` are constraints.

``collected`` of a contract (the ledger's column) = the sum of the active allocations to the
instalments of all its versions; it is written after every change through
``contracts.services.figures.contract_figures_set``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from xiaoguan.contracts.enums import IN_FORCE, EventKind
from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.selectors.family import in_family
from xiaoguan.contracts.services.figures import contract_figures_set, contracts_current_lock
from xiaoguan.contracts.services.timeline import contract_event_add
from xiaoguan.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from xiaoguan.core.numbering import next_number
from xiaoguan.customers.models import Customer
from xiaoguan.orders.models import Order
from xiaoguan.org import scope
from xiaoguan.org.models import User
from xiaoguan.receivables.enums import (
    BILL_METHODS,
    BillStatus,
    InstalmentStatus,
    ReceiptMethod,
    ReceiptStatus,
)
from xiaoguan.receivables.models import Allocation, Instalment, Receipt

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("99999999999999.99")
MANAGE = "receivables.manage"
_MONEY = DecimalField(max_digits=16, decimal_places=2)


@dataclass(frozen=True)
class ReceiptData:
    """A receipt as a user (form or API) writes it: an allow-list. Amounts may come as text."""

    customer_id: int
    method: str
    amount: Any
    received_on: date | None
    contract_id: int | None = None
    payer: str = ""
    reference: str = ""
    note: str = ""
    bill_no: str = ""
    bill_bank: str = ""
    bill_maturity: date | None = None


def money_text(value: Decimal) -> str:
    return f"¥{Decimal(value).quantize(CENT):,.2f}"


def parse_money(value: Any, *, field: str = "amount") -> Decimal:
    """A positive amount to the cent, or ValidationFailed naming ``field``."""
    if value is None or value == "":
        msg = gettext("Enter the amount.")
        raise ValidationFailed(msg, fields={field: msg})
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        msg = gettext("Enter a number.")
        raise ValidationFailed(msg, fields={field: msg}) from None
    if not number.is_finite():
        msg = gettext("Enter a number.")
        raise ValidationFailed(msg, fields={field: msg})
    if number <= 0:
        msg = gettext("The amount must be more than zero.")
        raise ValidationFailed(msg, fields={field: msg})
    if number > MAX_AMOUNT:
        msg = gettext("The number is too large.")
        raise ValidationFailed(msg, fields={field: msg})
    if number != number.quantize(CENT):
        msg = gettext("Enter the amount to the cent (at most 2 decimals).")
        raise ValidationFailed(msg, fields={field: msg})
    return number.quantize(CENT)


def _require_manage(actor: User) -> None:
    if not actor.has_right(MANAGE):
        raise PermissionDenied()


def _clean_text(value: str, limit: int) -> str:
    return " ".join((value or "").split())[:limit]


def _root_id(contract: Contract) -> int:
    return contract.root_id or contract.pk


def family_q(root_id: int, prefix: str = "contract") -> Q:
    """Instalments (or rows with a contract) of any version of the contract ``root_id``."""
    return in_family(root_id, prefix)


def contract_collected(root_id: int) -> Decimal:
    """The sum of the active allocations to the instalments of every version."""
    value = Allocation.objects.filter(
        family_q(root_id, "instalment__contract"), is_active=True
    ).aggregate(total=Coalesce(Sum("amount"), Value(ZERO), output_field=_MONEY))["total"]
    return Decimal(value).quantize(CENT)


def contracts_refresh(root_ids: Iterable[int]) -> None:
    """Write the collected figure of each contract (by root) on its current version."""
    for root_id in sorted(set(root_ids)):
        contract = Contract.objects.get(pk=root_id)
        contract_figures_set(contract=contract, collected=contract_collected(root_id))


Scope = tuple[set[int], set[int]]


def money_scope(instalments: QuerySet[Instalment]) -> Scope:
    """The contracts (by root id) and the direct orders these instalments belong to: a plain
    read, made before any lock to know what to lock first."""
    roots: set[int] = set()
    orders: set[int] = set()
    rows = instalments.order_by().values_list("contract_id", "contract__root_id", "order_id")
    for contract_id, root_id, order_id in rows.distinct():
        if contract_id:
            roots.add(root_id or contract_id)
        elif order_id:
            orders.add(order_id)
    return roots, orders


@dataclass(frozen=True)
class MoneyLocks:
    """What a money path locked first: the versions in force of contracts (by root id) and
    direct orders. The path may touch only the instalments of these (:meth:`instalments_q`)."""

    contracts: dict[int, Contract]
    orders: frozenset[int]

    def instalments_q(self) -> Q:
        family = Contract.objects.filter(
            Q(pk__in=list(self.contracts)) | Q(root_id__in=list(self.contracts))
        ).values("pk")
        return Q(contract__in=family) | Q(order_id__in=sorted(self.orders))

    def covers(self, needed: Scope) -> bool:
        roots, orders = needed
        return roots <= set(self.contracts) and orders <= self.orders


def money_lock(needed: Scope) -> MoneyLocks:
    """The first locks of a money path: the version in force of each contract (by root id),
    then each direct order (by pk). Receipts and instalments come after (docs/dev/locking.md)."""
    roots, orders = needed
    contracts = contracts_current_lock(root_ids=roots)
    order_ids = sorted(set(orders))
    if order_ids:
        list(
            Order.objects.select_for_update(no_key=True)
            .filter(pk__in=order_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    return MoneyLocks(contracts=contracts, orders=frozenset(order_ids))


def receipt_scope(receipt_id: int) -> Scope:
    """What releasing the receipt's allocations touches: the contracts and direct orders of
    the instalments it pays, and the contract it was recorded against."""
    roots, orders = money_scope(
        Instalment.objects.filter(
            pk__in=Allocation.objects.filter(receipt_id=receipt_id, is_active=True).values(
                "instalment_id"
            )
        )
    )
    contract_id = Receipt.objects.filter(pk=receipt_id).values_list("contract_id", flat=True)
    for contract in Contract.objects.filter(pk__in=contract_id).only("pk", "root_id"):
        roots.add(_root_id(contract))
    return roots, orders


def auto_order(instalments: Iterable[Instalment]) -> list[Instalment]:
    """Oldest first: due date (empty due dates last), then contract, then position."""
    return sorted(
        instalments,
        key=lambda i: (
            i.due_date is None,
            i.due_date or date.max,
            i.contract_id or 0,
            i.order_id or 0,
            i.position,
            i.pk,
        ),
    )


def _mark(instalment: Instalment, *, paid_on: date | None) -> None:
    """Status and paid date from the figures: open ↔ paid; closed and written off stay."""
    if instalment.status == InstalmentStatus.CLOSED:
        return
    if instalment.outstanding <= 0:
        if instalment.status == InstalmentStatus.OPEN:
            instalment.status = InstalmentStatus.PAID
            instalment.paid_on = paid_on
    elif instalment.status in (InstalmentStatus.PAID, InstalmentStatus.WRITTEN_OFF):
        instalment.status = InstalmentStatus.OPEN
        instalment.paid_on = None


def allocations_apply(
    *, actor: User, receipt: Receipt, plan: Sequence[tuple[Instalment, Decimal]]
) -> list[Allocation]:
    """Apply locked ``receipt`` to locked instalments; the caller checked the amounts. Saves
    the instalments and the receipt; figures and timeline are the caller's (``_after``)."""
    made = []
    for instalment, amount in plan:
        if amount <= 0:
            continue
        made.append(
            Allocation(receipt=receipt, instalment=instalment, amount=amount, created_by=actor)
        )
        instalment.collected += amount
        _mark(instalment, paid_on=receipt.received_on)
        instalment.save(update_fields=["collected", "status", "paid_on"])
        receipt.allocated += amount
    Allocation.objects.bulk_create(made)
    receipt.save(update_fields=["allocated"])
    return made


def allocations_release(
    *,
    allocations: Sequence[Allocation],
    instalments: dict[int, Instalment],
    receipts: dict[int, Receipt],
    reason: str,
) -> None:
    """Release active allocations (kept, with the reason): the locked instalments and receipts
    lose the amounts. Saves them."""
    now = timezone.now()
    touched_i: set[int] = set()
    touched_r: set[int] = set()
    for allocation in allocations:
        if not allocation.is_active:
            continue
        instalment = instalments[allocation.instalment_id]
        receipt = receipts[allocation.receipt_id]
        instalment.collected -= allocation.amount
        receipt.allocated -= allocation.amount
        allocation.is_active = False
        allocation.released_at = now
        allocation.released_reason = reason[:200]
        allocation.save(update_fields=["is_active", "released_at", "released_reason"])
        touched_i.add(instalment.pk)
        touched_r.add(receipt.pk)
    for pk in sorted(touched_i):
        instalment = instalments[pk]
        _mark(instalment, paid_on=None)
        instalment.save(update_fields=["collected", "status", "paid_on"])
    for pk in sorted(touched_r):
        receipts[pk].save(update_fields=["allocated"])


def _oldest_first_plan(
    receipt: Receipt, instalments: Sequence[Instalment]
) -> list[tuple[Instalment, Decimal]]:
    left = receipt.amount - receipt.allocated
    plan: list[tuple[Instalment, Decimal]] = []
    for instalment in auto_order(instalments):
        if left <= 0:
            break
        if instalment.status != InstalmentStatus.OPEN:
            continue
        take = min(left, instalment.outstanding)
        if take > 0:
            plan.append((instalment, take))
            left -= take
    return plan


def _after(
    *, actor: User, receipt: Receipt, allocations: Sequence[Allocation], summary_kind: str
) -> None:
    """Contract figures and one RECEIPT timeline entry per touched contract version."""
    by_contract: dict[int, Decimal] = defaultdict(Decimal)
    contracts: dict[int, Contract] = {}
    for allocation in allocations:
        instalment = allocation.instalment
        if instalment.contract_id:
            by_contract[instalment.contract_id] += allocation.amount
    if receipt.contract_id and receipt.contract_id not in by_contract and summary_kind != "alloc":
        by_contract[receipt.contract_id] += Decimal(0)
    if not by_contract:
        return
    for contract in Contract.objects.filter(pk__in=by_contract):
        contracts[contract.pk] = contract
    contracts_refresh(_root_id(c) for c in contracts.values())
    for contract_id, amount in sorted(by_contract.items()):
        contract = contracts[contract_id]
        values = {
            "number": receipt.number,
            "method": receipt.get_method_display(),
            "amount": money_text(receipt.amount),
            "applied": money_text(amount),
        }
        if summary_kind == "record":
            summary = (
                gettext("Receipt %(number)s (%(method)s) %(amount)s, %(applied)s applied") % values
            )
        elif summary_kind == "reverse":
            summary = gettext(
                "Receipt %(number)s %(amount)s reversed, %(applied)s released: %(reason)s"
            ) % {**values, "reason": receipt.reversal_reason}
        else:
            summary = gettext("Receipt %(number)s: %(applied)s applied") % values
        contract_event_add(
            contract=contract,
            kind=EventKind.RECEIPT,
            summary=summary,
            actor=actor,
            detail={"receipt": receipt.pk, "amount": str(amount), "action": summary_kind},
        )


def _clean(data: ReceiptData, actor: User) -> dict[str, Any]:
    errors: dict[str, str] = {}
    customer = None
    try:
        customer = (
            scope.visible(Customer.objects.all(), actor)
            .filter(pk=int(data.customer_id))
            .select_related("owner")
            .first()
        )
    except (TypeError, ValueError):
        customer = None
    if customer is None:
        errors["customer"] = gettext("Choose a customer.")
    method = data.method
    if method not in ReceiptMethod.values:
        errors["method"] = gettext("Choose how the money was received.")
    amount = None
    try:
        amount = parse_money(data.amount)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    today = timezone.localdate()
    received_on = data.received_on
    if received_on is None:
        errors["received_on"] = gettext("Enter the date the money was received.")
    elif received_on > today:
        errors["received_on"] = gettext("The receipt date cannot be in the future.")
    contract = None
    if data.contract_id not in (None, ""):
        try:
            contract = Contract.objects.filter(pk=int(data.contract_id)).first()
        except (TypeError, ValueError):
            contract = None
        if contract is None or customer is None or contract.customer_id != customer.pk:
            errors["contract"] = gettext("The contract is not one of this customer's.")
            contract = None
        elif contract.status not in IN_FORCE or not contract.is_current:
            errors["contract"] = gettext("The contract %(number)s is not in force.") % {
                "number": contract.number
            }
            contract = None
        elif received_on is not None and "received_on" not in errors:
            root = Contract.objects.filter(pk=contract.root_id or contract.pk).first() or contract
            signed_on = root.signed_on or contract.signed_on
            if signed_on and received_on < signed_on:
                errors["received_on"] = gettext(
                    "The receipt date %(date)s is before the contract was signed (%(signed)s)."
                ) % {"date": received_on, "signed": signed_on}
    bill_no = _clean_text(data.bill_no, 40)
    bill_bank = _clean_text(data.bill_bank, 100)
    maturity = data.bill_maturity
    bill: dict[str, Any] = {"bill_no": bill_no, "bill_bank": bill_bank, "bill_maturity": maturity}
    if method in BILL_METHODS:
        if not bill_no:
            errors["bill_no"] = gettext("Enter the bill number.")
        if not bill_bank:
            errors["bill_bank"] = gettext("Enter the accepting bank (or company).")
        if maturity is None:
            errors["bill_maturity"] = gettext("Enter the maturity date of the bill.")
        elif received_on is not None and maturity < received_on:
            errors["bill_maturity"] = gettext(
                "The bill matures before it was received; check the dates."
            )
    else:
        bill = {"bill_no": "", "bill_bank": "", "bill_maturity": None}
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)
    return {
        "customer": customer,
        "contract": contract,
        "method": method,
        "amount": amount,
        "received_on": received_on,
        "payer": _clean_text(data.payer, 200),
        "reference": _clean_text(data.reference, 60),
        "note": _clean_text(data.note, 300),
        **bill,
    }


def _open_instalments(*, customer_id: int, root_id: int | None = None) -> QuerySet[Instalment]:
    qs = Instalment.objects.filter(customer_id=customer_id, status=InstalmentStatus.OPEN)
    if root_id is not None:
        qs = qs.filter(family_q(root_id))
    return qs


def _lock_instalments(qs: QuerySet[Instalment], locks: MoneyLocks) -> list[Instalment]:
    """Lock (and so re-read) the instalments of ``qs`` that belong to what ``locks`` holds."""
    return list(qs.filter(locks.instalments_q()).select_for_update(no_key=True).order_by("pk"))


def _not_in_force(contract: Contract) -> ValidationFailed:
    msg = gettext("The contract %(number)s is not in force.") % {"number": contract.number}
    return ValidationFailed(msg, fields={"contract": msg})


@transaction.atomic
def receipt_record(
    *, actor: User, data: ReceiptData, allocate: str = "auto", request: Any = None
) -> Receipt:
    """Record money received from a customer and (``allocate="auto"``) apply it oldest first
    to the customer's open instalments (only the contract's when a contract is given); the
    rest stays unallocated as the customer's credit. ``allocate="none"`` keeps it all as
    credit."""
    _require_manage(actor)
    if allocate not in ("auto", "none"):
        raise ValidationFailed(gettext("Choose how to allocate the receipt."))
    values = _clean(data, actor)
    customer: Customer = values.pop("customer")
    contract: Contract | None = values["contract"]
    root_id = _root_id(contract) if contract else None
    candidates = _open_instalments(customer_id=customer.pk, root_id=root_id)
    roots, orders = money_scope(candidates) if allocate == "auto" else (set(), set())
    if root_id is not None:
        roots.add(root_id)
    locks = money_lock((roots, orders))
    if contract is not None:
        # An amendment may have taken effect meanwhile: the receipt goes to the version in force.
        current = locks.contracts.get(_root_id(contract))
        if current is None or current.status not in IN_FORCE:
            raise _not_in_force(contract)
        values["contract"] = current
    owner = customer.owner or actor
    receipt = Receipt.objects.create(
        number=next_number(prefix="HK"),
        customer=customer,
        owner=owner,
        department_id=customer.department_id,
        recorded_by=actor,
        bill_status=BillStatus.HELD if values["method"] in BILL_METHODS else "",
        **values,
    )
    allocations: list[Allocation] = []
    if allocate == "auto":
        # The new receipt row is ours alone until commit; lock the instalments next.
        instalments = _lock_instalments(candidates, locks)
        allocations = allocations_apply(
            actor=actor, receipt=receipt, plan=_oldest_first_plan(receipt, instalments)
        )
    _after(actor=actor, receipt=receipt, allocations=allocations, summary_kind="record")
    return receipt


def _receipt_pk(receipt_id: Any) -> int:
    try:
        return int(receipt_id)
    except (TypeError, ValueError):
        raise NotFound() from None


def _lock_receipt(receipt_id: Any, actor: User) -> Receipt:
    pk = _receipt_pk(receipt_id)
    receipt = (
        scope.visible(Receipt.objects.all(), actor)
        .select_for_update(no_key=True)
        .filter(pk=pk)
        .first()
    )
    if receipt is None:
        raise NotFound()
    return receipt


def _wanted_ids(allocations: Sequence[tuple[Any, Any]]) -> set[int]:
    """The instalment ids of a hand allocation that are numbers (the rest is refused later)."""
    ids = set()
    for raw_id, _amount in allocations:
        try:
            ids.add(int(raw_id))
        except (TypeError, ValueError):
            continue
    return ids


def _hand_plan(
    receipt: Receipt, allocations: Sequence[tuple[Any, Any]], locks: MoneyLocks
) -> list[tuple[Instalment, Decimal]]:
    if not allocations:
        raise ValidationFailed(gettext("Choose at least one instalment and an amount."))
    wanted: dict[int, Decimal] = {}
    for raw_id, raw_amount in allocations:
        try:
            pk = int(raw_id)
        except (TypeError, ValueError):
            raise ValidationFailed(gettext("Choose an instalment of this customer.")) from None
        amount = parse_money(raw_amount)
        if pk in wanted:
            raise ValidationFailed(gettext("Each instalment may appear only once."))
        wanted[pk] = amount
    locked = {i.pk: i for i in _lock_instalments(Instalment.objects.filter(pk__in=wanted), locks)}
    plan: list[tuple[Instalment, Decimal]] = []
    for pk, amount in wanted.items():
        instalment = locked.get(pk)
        if instalment is None or instalment.customer_id != receipt.customer_id:
            raise ValidationFailed(
                gettext("Instalment %(id)s is not one of this customer's.") % {"id": pk}
            )
        if instalment.status != InstalmentStatus.OPEN:
            raise ValidationFailed(
                gettext("%(label)s is %(status)s; only open instalments take money.")
                % {"label": instalment.label, "status": instalment.get_status_display()}
            )
        if amount > instalment.outstanding:
            raise ValidationFailed(
                gettext(
                    "%(label)s has only %(left)s outstanding; %(amount)s would over-allocate it."
                )
                % {
                    "label": instalment.label,
                    "left": money_text(instalment.outstanding),
                    "amount": money_text(amount),
                }
            )
        plan.append((instalment, amount))
    total = sum((a for _i, a in plan), Decimal(0))
    if total > receipt.unallocated:
        raise ValidationFailed(
            gettext("%(total)s is more than the %(left)s left unallocated on the receipt.")
            % {"total": money_text(total), "left": money_text(receipt.unallocated)}
        )
    return plan


def _check_allocatable(receipt: Receipt) -> None:
    if receipt.status != ReceiptStatus.POSTED:
        raise InvalidTransition(gettext("A reversed receipt cannot be allocated."))
    if receipt.unallocated <= 0:
        raise ValidationFailed(gettext("Nothing of this receipt is left to allocate."))


@transaction.atomic
def receipt_allocate(
    *,
    actor: User,
    receipt_id: int,
    allocations: list[tuple[int, Decimal]] | None = None,
) -> Receipt:
    """Allocate what is left of a receipt: by hand (``[(instalment_id, amount), ...]``) or,
    with None, oldest first over the customer's open instalments."""
    _require_manage(actor)
    pk = _receipt_pk(receipt_id)
    customer_id = Receipt.objects.filter(pk=pk).values_list("customer_id", flat=True).first()
    if customer_id is None:
        raise NotFound()
    if allocations is None:
        candidates = _open_instalments(customer_id=customer_id)
    else:
        candidates = Instalment.objects.filter(pk__in=_wanted_ids(allocations))
    locks = money_lock(money_scope(candidates))
    receipt = _lock_receipt(pk, actor)
    _check_allocatable(receipt)
    if allocations is None:
        plan = _oldest_first_plan(receipt, _lock_instalments(candidates, locks))
        if not plan:
            raise ValidationFailed(gettext("The customer has no open instalment to pay."))
    else:
        plan = _hand_plan(receipt, allocations, locks)
    made = allocations_apply(actor=actor, receipt=receipt, plan=plan)
    _after(actor=actor, receipt=receipt, allocations=made, summary_kind="alloc")
    return receipt


@transaction.atomic
def customer_credit_use(*, actor: User, customer_id: int) -> list[Receipt]:
    """Use the customer's credit: allocate the unallocated part of its posted receipts, oldest
    receipt first, to its open instalments oldest first. Returns the receipts that changed."""
    _require_manage(actor)
    customer = scope.visible(Customer.objects.all(), actor).filter(pk=customer_id).first()
    if customer is None:
        raise NotFound()
    candidates = _open_instalments(customer_id=customer.pk)
    locks = money_lock(money_scope(candidates))
    receipts = list(
        Receipt.objects.select_for_update(no_key=True)
        .filter(customer=customer, status=ReceiptStatus.POSTED)
        .order_by("pk")
    )
    receipts = [r for r in receipts if r.unallocated > 0]
    receipts.sort(key=lambda r: (r.received_on, r.pk))
    if not receipts:
        raise ValidationFailed(gettext("The customer has no unallocated money."))
    instalments = _lock_instalments(candidates, locks)
    if not instalments:
        raise ValidationFailed(gettext("The customer has no open instalment to pay."))
    changed = []
    for receipt in receipts:
        made = allocations_apply(
            actor=actor, receipt=receipt, plan=_oldest_first_plan(receipt, instalments)
        )
        if made:
            changed.append(receipt)
            _after(actor=actor, receipt=receipt, allocations=made, summary_kind="alloc")
    return changed


def receipt_money_lock(receipt_id: Any) -> MoneyLocks:
    """Before locking a receipt to reverse it: lock the contracts and direct orders it pays."""
    return money_lock(receipt_scope(_receipt_pk(receipt_id)))


def receipt_reverse_locked(
    *, actor: User, receipt: Receipt, reason: str, locks: MoneyLocks
) -> Receipt:
    """Reverse a locked receipt (bills call it for a dishonoured bill); ``locks`` are what
    :func:`receipt_money_lock` took before the receipt."""
    reason = " ".join((reason or "").split())
    if not reason:
        msg = gettext("Give the reason for the reversal.")
        raise ValidationFailed(msg, fields={"reason": msg})
    if len(reason) > 2000:
        msg = gettext("The text is too long (at most 2,000 characters).")
        raise ValidationFailed(msg, fields={"reason": msg})
    if receipt.status != ReceiptStatus.POSTED:
        raise InvalidTransition(gettext("The receipt is already reversed."))
    if not locks.covers(receipt_scope(receipt.pk)):
        # Allocated to another contract between the look and the lock: nothing is changed.
        raise Conflict()
    active = list(
        Allocation.objects.filter(receipt=receipt, is_active=True)
        .select_related("instalment")
        .order_by("pk")
    )
    instalments = {
        i.pk: i
        for i in _lock_instalments(
            Instalment.objects.filter(pk__in={a.instalment_id for a in active}), locks
        )
    }
    for allocation in active:
        allocation.instalment = instalments[allocation.instalment_id]
    allocations_release(
        allocations=active,
        instalments=instalments,
        receipts={receipt.pk: receipt},
        reason=gettext("Receipt reversed: %(reason)s") % {"reason": reason},
    )
    receipt.status = ReceiptStatus.REVERSED
    receipt.reversed_at = timezone.now()
    receipt.reversed_by = actor
    receipt.reversal_reason = reason
    receipt.save(update_fields=["status", "reversed_at", "reversed_by", "reversal_reason"])
    _after(actor=actor, receipt=receipt, allocations=active, summary_kind="reverse")
    return receipt


@transaction.atomic
def receipt_reverse(*, actor: User, receipt_id: int, reason: str) -> Receipt:
    """Reverse a wrong receipt with a reason: its allocations are released (the instalments
    are open again), the receipt stays in the list as reversed and takes no allocation."""
    _require_manage(actor)
    locks = receipt_money_lock(receipt_id)
    receipt = _lock_receipt(receipt_id, actor)
    return receipt_reverse_locked(actor=actor, receipt=receipt, reason=reason, locks=locks)


def customer_credit(customer_id: int) -> Decimal:
    """The customer's unallocated money over its posted receipts."""
    from django.db.models import F

    value = Receipt.objects.filter(customer_id=customer_id, status=ReceiptStatus.POSTED).aggregate(
        total=Coalesce(Sum(F("amount") - F("allocated")), Value(ZERO), output_field=_MONEY)
    )["total"]
    return Decimal(value).quantize(CENT)
