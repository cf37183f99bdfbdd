"""Demo receipts (R-AR-1, R-AR-2): over the signed contracts of the demo, receipts in every
method recorded by finance through the services: many contracts paid as their instalments fell
due, some partly, some left overdue untouched (for dunning and aging); two bills (one held and
maturing within days, one discounted at the bank); one receipt reversed with its reason; one
over-payment left as the customer's credit.

First the backfill builds the plans of signed contracts that have none (none in a fresh demo:
the signing handler built them; harmless). Deterministic and idempotent: nothing is recorded
twice (a demo with receipts is left as it is)."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

METHODS = ("transfer", "transfer", "transfer", "cheque", "cash", "transfer", "cheque")
BANKS = ("中国工商银行成都分行", "招商银行上海分行", "中国银行杭州分行", "交通银行南京分行")


def _actor(users: dict[str, Any]) -> Any:
    return users.get("pengli") or users.get("finance") or next(iter(users.values()))


def load(*, users: dict[str, Any]) -> int:
    """Record the demo receipts (once); returns how many receipts exist."""
    from django.db.models import Q
    from django.utils import timezone

    from xiaoguan.contracts.enums import ContractStatus
    from xiaoguan.contracts.models import Contract
    from xiaoguan.receivables.enums import InstalmentStatus
    from xiaoguan.receivables.models import Instalment, Receipt
    from xiaoguan.receivables.services.bills import bill_discount
    from xiaoguan.receivables.services.plans import collection_plans_backfill
    from xiaoguan.receivables.services.receipts import (
        ReceiptData,
        receipt_record,
        receipt_reverse,
    )

    if Receipt.objects.exists():
        return Receipt.objects.count()
    actor = _actor(users)
    collection_plans_backfill(actor=actor)
    today = timezone.localdate()
    rnd = random.Random(20261126)
    contracts = list(
        Contract.objects.filter(status=ContractStatus.SIGNED, is_current=True)
        .select_related("customer", "root")
        .order_by("pk")
    )

    def record(contract: Any, amount: Decimal, on: Any, method: str, **extra: Any) -> Any:
        return receipt_record(
            actor=actor,
            data=ReceiptData(
                customer_id=contract.customer_id,
                contract_id=contract.pk,
                method=method,
                amount=amount,
                received_on=on,
                payer=contract.customer.name,
                reference=extra.pop("reference", f"{rnd.randint(10**9, 10**10 - 1)}"),
                **extra,
            ),
        )

    def due(contract: Any) -> list[Any]:
        root_id = contract.root_id or contract.pk
        return list(
            Instalment.objects.filter(
                Q(contract_id=root_id) | Q(contract__root_id=root_id),
                status=InstalmentStatus.OPEN,
                due_date__lte=today,
            ).order_by("due_date", "position")
        )

    def signed_on(contract: Any) -> Any:
        root = contract.root or contract
        return root.signed_on or contract.signed_on or today

    bills_done = {"held": False, "discounted": False}
    reversed_done = credit_done = False
    for n, contract in enumerate(contracts):
        instalments = due(contract)
        if not instalments:
            continue
        earliest = signed_on(contract)
        roll = rnd.random()
        if roll < 0.22:
            continue  # left overdue, untouched: dunning and aging have work
        if not bills_done["held"] or not bills_done["discounted"]:
            first = instalments[0]
            on = max(earliest, today - timedelta(days=rnd.randint(5, 25)))
            kind = "held" if not bills_done["held"] else "discounted"
            receipt = record(
                contract,
                first.outstanding,
                on,
                "bank_bill" if kind == "held" else "commercial_bill",
                reference="",
                bill_no=f"1{rnd.randint(10**14, 10**15 - 1)}",
                bill_bank=BANKS[n % len(BANKS)] if kind == "held" else contract.customer.name,
                bill_maturity=today + timedelta(days=12 if kind == "held" else 120),
                note="六个月银行承兑汇票" if kind == "held" else "商业承兑汇票，已向银行贴现",
            )
            if kind == "discounted":
                bill_discount(
                    actor=actor,
                    receipt_id=receipt.pk,
                    charge=(receipt.amount * Decimal("0.012")).quantize(Decimal("0.01")),
                    on=max(on, today - timedelta(days=2)),
                )
            bills_done[kind] = True
            continue
        if roll < 0.40:
            # partly paid: half of the oldest due instalment
            first = instalments[0]
            part = (first.outstanding / 2).quantize(Decimal("0.01"))
            if part > 0:
                on = max(earliest, min(today, (first.due_date or today) + timedelta(days=3)))
                record(contract, part, on, METHODS[n % len(METHODS)], note="部分付款，余款催收中")
            continue
        # paid as the instalments fell due (a few days late at most)
        for i, instalment in enumerate(instalments):
            on = max(
                earliest,
                min(today, (instalment.due_date or today) + timedelta(days=rnd.randint(0, 12))),
            )
            method = METHODS[(n + i) % len(METHODS)]
            record(contract, instalment.outstanding, on, method)
        if not reversed_done:
            wrong = record(
                contract,
                Decimal("18800.00"),
                max(earliest, today - timedelta(days=1)),
                "transfer",
                note="误录：该笔为其他客户汇款",
            )
            receipt_reverse(
                actor=actor,
                receipt_id=wrong.pk,
                reason="银行回单核对有误，该笔款项为其他客户汇款，冲销后重新入账。",
            )
            reversed_done = True
        elif not credit_done:
            # an over-payment: the whole contract paid and ¥6,000 more, kept as credit
            root_id = contract.root_id or contract.pk
            left = sum(
                (
                    i.outstanding
                    for i in Instalment.objects.filter(
                        Q(contract_id=root_id) | Q(contract__root_id=root_id),
                        status=InstalmentStatus.OPEN,
                    )
                ),
                Decimal(0),
            )
            record(
                contract,
                left + Decimal("6000.00"),
                today,
                "transfer",
                note="客户多付，余款留作预收款",
            )
            credit_done = True
    return Receipt.objects.count()
