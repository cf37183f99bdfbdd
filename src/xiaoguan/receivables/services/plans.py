"""The collection plan (回款计划, R-AR-1): instalments built from the contract's payment schedule
when it is signed, rebuilt when an amendment takes effect, closed on termination; a direct
order gets one instalment when it is confirmed. Due dates that depend on an event (delivery,
acceptance, the end of the warranty) are empty until the event happens.

Every function here is an extension-point handler (registered in ``setup/receipts.py``) and
runs inside the caller's transaction: if it raises, the signing (amendment, termination,
confirmation...) is rolled back.

Locks (docs/dev/locking.md): the caller already holds the contract (signing, amendment,
termination, delivery, acceptance) or the order (confirmation, cancellation, delivery); the
handlers then take the receipts and the instalments, in that order, as receipts do. Holding the
contract (or the direct order) also means no other path can allocate to its instalments
meanwhile: every allocation locks the contracts and direct orders of its instalments first.

Due dates (decisions, also in docs/user/*/receipts.md):

* on signing: the date the contract was first signed (an amendment does not restart the
  clock) + days after;
* before shipment: the contract's delivery date (the signing date when it has none) + days;
* on delivery: the date orders report the contract fully delivered + days;
* on acceptance: the acceptance date + days;
* at the end of the warranty: acceptance date + the contract's warranty months (+ days); until
  an acceptance is recorded the delivery date stands in for it; without warranty months the
  retention is due on that date (+ days).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext

from xiaoguan.contracts.enums import ContractStatus, PaymentTrigger
from xiaoguan.contracts.models import Contract, PaymentTerm
from xiaoguan.contracts.services.figures import contract_current_lock
from xiaoguan.orders.models import Order
from xiaoguan.org.models import User
from xiaoguan.receivables.enums import InstalmentStatus, ReceiptStatus
from xiaoguan.receivables.models import Allocation, Instalment, PlanEvent, Receipt
from xiaoguan.receivables.services.receipts import (
    allocations_apply,
    allocations_release,
    auto_order,
    contracts_refresh,
    family_q,
)

NOT_CLOSED = ~Q(status=InstalmentStatus.CLOSED)


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, on the last day of a shorter month (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _root(contract: Contract) -> Contract:
    return contract if contract.root_id is None else Contract.objects.get(pk=contract.root_id)


def _events(root_id: int) -> dict[str, date]:
    return dict(PlanEvent.objects.filter(root_id=root_id).values_list("kind", "on"))


def _warranty_end(contract: Contract, events: dict[str, date]) -> date | None:
    start = events.get(PlanEvent.ACCEPTANCE) or events.get(PlanEvent.DELIVERY)
    if start is None:
        return None
    return add_months(start, contract.warranty_months or 0)


def _due(
    *, trigger: str, days_after: int, contract: Contract, signed_on: date | None, events: dict
) -> date | None:
    base: date | None
    if trigger == PaymentTrigger.SIGNING:
        base = signed_on
    elif trigger == PaymentTrigger.BEFORE_SHIPMENT:
        base = contract.delivery_date or signed_on
    elif trigger == PaymentTrigger.DELIVERY:
        base = events.get(PlanEvent.DELIVERY)
    elif trigger == PaymentTrigger.ACCEPTANCE:
        base = events.get(PlanEvent.ACCEPTANCE)
    elif trigger == PaymentTrigger.WARRANTY_END:
        base = _warranty_end(contract, events)
    else:
        base = None
    return base + timedelta(days=days_after) if base else None


def _build(contract: Contract) -> list[Instalment]:
    """The instalments of ``contract``'s schedule (saved), due dates from what is known."""
    root = _root(contract)
    signed_on = root.signed_on or contract.signed_on
    events = _events(root.pk)
    rows = []
    for term in PaymentTerm.objects.filter(contract=contract).order_by("position"):
        rows.append(
            Instalment(
                customer_id=contract.customer_id,
                contract=contract,
                owner_id=contract.owner_id,
                department_id=contract.department_id,
                position=term.position,
                label=term.label,
                trigger=term.trigger,
                days_after=term.days_after,
                is_retention=term.is_retention,
                amount=term.amount,
                due_date=_due(
                    trigger=term.trigger,
                    days_after=term.days_after,
                    contract=contract,
                    signed_on=signed_on,
                    events=events,
                ),
            )
        )
    created = []
    for row in rows:  # one by one: the history records each creation
        row.save()
        created.append(row)
    return created


def collection_plan_build(*, contract: Contract, actor: User | None = None, **_: Any) -> list:
    """``contract_signed``: the plan from the schedule (nothing when it already has one)."""
    if Instalment.objects.filter(contract=contract).exists():
        return []
    return _build(contract)


def _lock_money(
    instalment_filter: Q,
) -> tuple[list[Instalment], list[Allocation], dict[int, Receipt]]:
    """Lock, in the service-wide order, the receipts with active allocations to the matching
    instalments, then the instalments themselves (the caller holds their contract or direct
    order, so the set of receipts read before the locks cannot grow meanwhile)."""
    receipt_ids = set(
        Allocation.objects.filter(is_active=True)
        .filter(instalment__in=Instalment.objects.filter(instalment_filter))
        .values_list("receipt_id", flat=True)
    )
    receipts = {
        r.pk: r
        for r in Receipt.objects.select_for_update(no_key=True)
        .filter(pk__in=receipt_ids)
        .order_by("pk")
    }
    instalments = list(
        Instalment.objects.select_for_update(no_key=True).filter(instalment_filter).order_by("pk")
    )
    allocations = list(
        Allocation.objects.filter(
            is_active=True, instalment__in=[i.pk for i in instalments]
        ).order_by("pk")
    )
    return instalments, allocations, receipts


def _close(instalments: list[Instalment], reason: str) -> None:
    now = timezone.now()
    for instalment in instalments:
        instalment.status = InstalmentStatus.CLOSED
        instalment.closed_at = now
        instalment.closed_reason = reason[:200]
        instalment.save(update_fields=["status", "closed_at", "closed_reason"])


def collection_plan_rebuild(*, old: Contract, new: Contract, actor: User, **_: Any) -> None:
    """``contract_amended``: close the replaced version's instalments (releasing the money
    allocated to them), build the new version's plan and allocate the released money to it
    again, oldest receipt first and oldest instalment first: what was collected stays
    collected. Contracts refuse an amendment below what was collected, so the money fits;
    should it not, the rest stays on the receipts as the customer's credit."""
    root_id = new.root_id or new.pk
    instalments, allocations, receipts = _lock_money(
        family_q(root_id) & NOT_CLOSED & ~Q(contract=new)
    )
    by_pk = {i.pk: i for i in instalments}
    released: dict[int, Decimal] = defaultdict(Decimal)
    for allocation in allocations:
        released[allocation.receipt_id] += allocation.amount
    reason = gettext("Plan rebuilt for amendment v%(no)s") % {"no": new.version_no}
    allocations_release(
        allocations=allocations, instalments=by_pk, receipts=receipts, reason=reason
    )
    _close(instalments, reason)
    new_instalments = collection_plan_build(contract=new, actor=actor) or list(
        Instalment.objects.select_for_update(no_key=True).filter(contract=new).order_by("pk")
    )
    ordered = auto_order(new_instalments)
    for receipt in sorted(receipts.values(), key=lambda r: (r.received_on, r.pk)):
        left = released.get(receipt.pk, Decimal(0))
        if receipt.status != ReceiptStatus.POSTED or left <= 0:
            continue
        plan = []
        for instalment in ordered:
            if left <= 0:
                break
            take = min(left, instalment.amount - instalment.collected - instalment.written_off)
            if instalment.status == InstalmentStatus.OPEN and take > 0:
                plan.append((instalment, take))
                left -= take
        allocations_apply(actor=actor, receipt=receipt, plan=plan)
    contracts_refresh([root_id])


def collection_plan_terminate(*, contract: Contract, actor: User, **_: Any) -> Instalment | None:
    """``contract_terminated``: the open instalments are closed (what was paid on them stays
    collected). When the settlement agreed exceeds what was collected, one settlement
    instalment for the difference falls due on the termination date."""
    root_id = contract.root_id or contract.pk
    instalments = list(
        Instalment.objects.select_for_update()
        .filter(family_q(root_id), status=InstalmentStatus.OPEN)
        .order_by("pk")
    )
    _close(instalments, gettext("Contract terminated"))
    from xiaoguan.receivables.services.receipts import contract_collected

    collected = contract_collected(root_id)
    settlement = contract.settlement_amount or Decimal(0)
    if settlement <= collected:
        return None
    last = Instalment.objects.filter(contract=contract).aggregate(m=Max("position"))["m"] or 0
    instalment = Instalment(
        customer_id=contract.customer_id,
        contract=contract,
        owner_id=contract.owner_id,
        department_id=contract.department_id,
        position=last + 1,
        label=gettext("Settlement on termination")[:60],
        trigger=PaymentTrigger.SIGNING,
        days_after=0,
        amount=settlement - collected,
        due_date=contract.terminated_on or timezone.localdate(),
    )
    instalment.save()
    return instalment


def _set_event(contract: Contract, kind: str, on: date) -> tuple[int, dict[str, date]]:
    root_id = contract.root_id or contract.pk
    PlanEvent.objects.update_or_create(root_id=root_id, kind=kind, defaults={"on": on})
    return root_id, _events(root_id)


def _redate(root_id: int, triggers: tuple[str, ...], contract: Contract, events: dict) -> None:
    root = Contract.objects.get(pk=root_id)
    for instalment in (
        Instalment.objects.select_for_update()
        .filter(family_q(root_id), trigger__in=triggers)
        .filter(NOT_CLOSED)
        .order_by("pk")
    ):
        due = _due(
            trigger=instalment.trigger,
            days_after=instalment.days_after,
            contract=contract,
            signed_on=root.signed_on,
            events=events,
        )
        if due != instalment.due_date:
            instalment.due_date = due
            instalment.save(update_fields=["due_date"])


def contract_plan_delivered(*, contract: Contract, on: date, actor: User, **_: Any) -> None:
    """``contract_delivered``: "on delivery" instalments fall due (date + days after); the
    retention counts from the delivery until an acceptance is recorded."""
    root_id, events = _set_event(contract, PlanEvent.DELIVERY, on)
    _redate(root_id, (PaymentTrigger.DELIVERY, PaymentTrigger.WARRANTY_END), contract, events)


def contract_plan_accepted(*, contract: Contract, on: date, actor: User, **_: Any) -> None:
    """``contract_accepted``: "on acceptance" instalments fall due, and the retention at the
    end of the warranty counted from the acceptance."""
    root_id, events = _set_event(contract, PlanEvent.ACCEPTANCE, on)
    _redate(root_id, (PaymentTrigger.ACCEPTANCE, PaymentTrigger.WARRANTY_END), contract, events)


def order_plan_build(*, order: Order, actor: User | None = None, **_: Any) -> Instalment | None:
    """``order_confirmed``: a direct order is paid in one instalment, due ``payment_days``
    after delivery."""
    if order.contract_id is not None or order.total <= 0:
        return None
    if Instalment.objects.filter(order=order).filter(NOT_CLOSED).exists():
        return None
    instalment = Instalment(
        customer_id=order.customer_id,
        order=order,
        owner_id=order.owner_id,
        department_id=order.department_id,
        position=1,
        label=(gettext("Payment for order %(number)s") % {"number": order.number})[:60],
        trigger=PaymentTrigger.DELIVERY,
        days_after=order.payment_days,
        amount=order.total,
    )
    instalment.save()
    return instalment


def order_plan_close(*, order: Order, actor: User, **_: Any) -> None:
    """``order_cancelled``: the order's instalments are closed; money already allocated to
    them goes back to the customer's credit."""
    instalments, allocations, receipts = _lock_money(Q(order=order) & NOT_CLOSED)
    allocations_release(
        allocations=allocations,
        instalments={i.pk: i for i in instalments},
        receipts=receipts,
        reason=gettext("Order cancelled"),
    )
    _close(instalments, gettext("Order cancelled"))


def order_plan_delivered(*, order: Order, on: date, actor: User, **_: Any) -> None:
    """``order_delivered``: the direct order's instalment falls due ``payment_days`` later."""
    for instalment in (
        Instalment.objects.select_for_update()
        .filter(order=order, trigger=PaymentTrigger.DELIVERY)
        .filter(NOT_CLOSED)
        .order_by("pk")
    ):
        due = on + timedelta(days=instalment.days_after)
        if due != instalment.due_date:
            instalment.due_date = due
            instalment.save(update_fields=["due_date"])


def contracts_without_plan() -> list[Contract]:
    """Signed contracts in force whose family has no instalment (signed before issue 5)."""
    with_plan = set(
        Instalment.objects.filter(contract__isnull=False).values_list("contract_id", flat=True)
    )
    roots_with_plan = set(
        Contract.objects.filter(pk__in=with_plan).values_list("root_id", flat=True)
    ) | set(with_plan)
    return [
        c
        for c in Contract.objects.filter(status=ContractStatus.SIGNED, is_current=True).order_by(
            "pk"
        )
        if (c.root_id or c.pk) not in roots_with_plan
    ]


@transaction.atomic
def collection_plans_backfill(*, actor: User | None = None) -> int:
    """Build the plan of every signed contract in force that has none; returns how many.
    Contracts are locked by root id, the order every money path takes them in."""
    built = 0
    for root_id in sorted(c.root_id or c.pk for c in contracts_without_plan()):
        locked = contract_current_lock(root_id=root_id)
        if locked is None or locked.status != ContractStatus.SIGNED:
            continue
        if Instalment.objects.filter(family_q(root_id)).exists():
            continue
        if _build(locked):
            built += 1
    return built
