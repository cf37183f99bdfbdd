"""Given-helpers of the report tests (aging, statements, collection rate, behaviour): rows
written directly in set-up so that dates and amounts are exactly what a test needs (the
services that normally write them are tested by their own parts)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.utils import timezone

from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.tests.test_ledger import ledger_contract
from xiaoguan.customers.models import Customer
from xiaoguan.customers.tests.factories import make_customer as _make_customer
from xiaoguan.receivables.enums import DunningKind, InstalmentStatus, ReceiptStatus
from xiaoguan.receivables.models import Allocation, DunningAction, Instalment, Receipt

_numbers = itertools.count(1)

__all__ = [
    "allocate",
    "at",
    "contract_for",
    "dunning",
    "instalment",
    "make_customer",
    "receipt",
]


def at(day: date, hour: int = 10) -> datetime:
    """A moment on ``day`` in the current time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def make_customer(owner: Any, name: str, *, customer_class: str = "", **fields: Any) -> Customer:
    """A customer through the customers service; the class set directly (scoring is not
    what these tests are about)."""
    customer = _make_customer(owner, name, **fields)
    if customer_class:
        Customer.objects.filter(pk=customer.pk).update(customer_class=customer_class)
        customer.customer_class = customer_class
    return customer


def contract_for(owner: Any, customer: Any, *, total: str = "100000.00", **fields: Any) -> Contract:
    number = fields.pop("number", None) or f"HT-2026-{next(_numbers):06d}"
    return ledger_contract(owner, customer, number, total=total, **fields)


def instalment(
    owner: Any,
    customer: Any,
    amount: str,
    due_date: date | None,
    *,
    contract: Contract | None = None,
    collected: str = "0",
    written_off: str = "0",
    status: str = InstalmentStatus.OPEN,
    paid_on: date | None = None,
    position: int = 1,
    label: str = "进度款",
    **fields: Any,
) -> Instalment:
    if contract is None and fields.get("order") is None:
        contract = contract_for(owner, customer)
    return Instalment.objects.create(
        owner=owner,
        department=owner.department,
        customer=customer,
        contract=contract,
        position=position,
        label=label,
        trigger="signing",
        amount=Decimal(amount),
        due_date=due_date,
        collected=Decimal(collected),
        written_off=Decimal(written_off),
        status=status,
        paid_on=paid_on,
        **fields,
    )


def receipt(
    owner: Any,
    customer: Any,
    amount: str,
    received_on: date,
    *,
    allocated: str = "0",
    status: str = ReceiptStatus.POSTED,
    **fields: Any,
) -> Receipt:
    return Receipt.objects.create(
        number=fields.pop("number", None) or f"HK-T-{next(_numbers):06d}",
        owner=owner,
        department=owner.department,
        customer=customer,
        method=fields.pop("method", "transfer"),
        amount=Decimal(amount),
        received_on=received_on,
        allocated=Decimal(allocated),
        status=status,
        recorded_by=owner,
        **fields,
    )


def allocate(rcpt: Receipt, inst: Instalment, amount: str, *, active: bool = True) -> Allocation:
    """An allocation row; the receipt's ``allocated`` and the instalment's ``collected`` are
    the caller's (set them when creating the rows)."""
    return Allocation.objects.create(
        receipt=rcpt,
        instalment=inst,
        amount=Decimal(amount),
        is_active=active,
        created_by=rcpt.owner,
    )


def dunning(owner: Any, customer: Any, kind: str = DunningKind.LAWSUIT, on: date | None = None):
    return DunningAction.objects.create(
        owner=owner,
        department=owner.department,
        customer=customer,
        kind=kind,
        done_on=on or timezone.localdate(),
        outcome="已起诉",
        recorded_by=owner,
    )
