"""Given-helpers of the receivables tests: a signed contract with its collection plan built by
the ``contract_signed`` handler, receipts recorded through the services. Other parts of the
app may append their own helpers below."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from xiaoguan.contracts import registries
from xiaoguan.contracts.enums import ContractStatus, PaymentTrigger
from xiaoguan.contracts.models import Contract, ContractLine, PaymentTerm
from xiaoguan.contracts.tests.test_amendments_support import (
    customer,
    lines_of,
    product,
    signed_contract,
)
from xiaoguan.receivables.models import Instalment, Receipt
from xiaoguan.receivables.services.receipts import ReceiptData, family_q, receipt_record

__all__ = [
    "amend",
    "contract_with_plan",
    "customer",
    "pay",
    "plan_of",
    "product",
    "set_terms",
]


def set_terms(contract: Contract, terms: list[tuple[str, str, int, str]]) -> None:
    """Replace the payment schedule: ``[(label, trigger, days_after, amount), ...]``."""
    PaymentTerm.objects.filter(contract=contract).delete()
    for position, (label, trigger, days, amount) in enumerate(terms, start=1):
        PaymentTerm.objects.create(
            contract=contract,
            position=position,
            label=label,
            trigger=trigger,
            days_after=days,
            amount=Decimal(amount),
            is_retention=trigger == PaymentTrigger.WARRANTY_END,
        )


def contract_with_plan(
    owner: Any,
    *,
    cust: Any = None,
    quantity: str = "100",
    price: str = "100.00",
    signed_on: date | None = None,
    terms: list[tuple[str, str, int, str]] | None = None,
) -> Contract:
    """A signed contract (¥quantity × price) whose plan the signing handler built. Default
    schedule: 30 % on signing (+7 days), 70 % on delivery (+30 days)."""
    p = product("MFZ-ABC4", "手提式干粉灭火器")
    contract = signed_contract(
        owner,
        lines_of((p, quantity, price)),
        cust=cust,
        signed_on=signed_on or timezone.localdate() - timedelta(days=60),
    )
    if terms is None:
        total = contract.total
        advance = (total * Decimal("0.3")).quantize(Decimal("0.01"))
        terms = [
            ("预付款", PaymentTrigger.SIGNING, 7, str(advance)),
            ("到货款", PaymentTrigger.DELIVERY, 30, str(total - advance)),
        ]
    set_terms(contract, terms)
    with transaction.atomic():
        registries.contract_signed.send(contract=contract, actor=owner)
    return contract


def plan_of(contract: Contract) -> list[Instalment]:
    root_id = contract.root_id or contract.pk
    return list(Instalment.objects.filter(family_q(root_id)).order_by("contract_id", "position"))


def pay(
    actor: Any,
    cust: Any,
    amount: str,
    *,
    contract: Contract | None = None,
    method: str = "transfer",
    received_on: date | None = None,
    allocate: str = "auto",
    **extra: Any,
) -> Receipt:
    return receipt_record(
        actor=actor,
        data=ReceiptData(
            customer_id=cust.pk,
            method=method,
            amount=amount,
            received_on=received_on or timezone.localdate(),
            contract_id=contract.pk if contract else None,
            **extra,
        ),
        allocate=allocate,
    )


def amend(contract: Contract, actor: Any, *, quantity: str, terms: list | None = None) -> Contract:
    """An amendment of ``contract`` with a new quantity on its one line, in force at once
    (as contract_sign does it): ``contract_amended`` handlers run."""
    from xiaoguan.contracts.services.amendments import (
        amendment_take_effect,
        contract_amend_start,
    )

    new = contract_amend_start(actor=actor, contract=contract, reason="客户调整数量")
    line = ContractLine.objects.get(contract=new)
    line.quantity = Decimal(quantity)
    line.amount = (line.quantity * line.unit_price).quantize(Decimal("0.01"))
    line.save()
    Contract.objects.filter(pk=new.pk).update(total=line.amount, list_total=line.amount)
    new.refresh_from_db()
    if terms is None:
        advance = (new.total * Decimal("0.3")).quantize(Decimal("0.01"))
        terms = [
            ("预付款", PaymentTrigger.SIGNING, 7, str(advance)),
            ("到货款", PaymentTrigger.DELIVERY, 30, str(new.total - advance)),
        ]
    set_terms(new, terms)
    Contract.objects.filter(pk=new.pk).update(
        status=ContractStatus.SIGNED, signed_on=timezone.localdate()
    )
    new.refresh_from_db()
    old = Contract.objects.get(pk=contract.pk)
    with transaction.atomic():
        amendment_take_effect(old=old, new=new, actor=actor)
    new.refresh_from_db()
    return new
