"""Canaries of the receivables reports (aging, statements, collection rate, payment
behaviour): an overdue instalment of the West canary customer labelled with the marker, due
this month (so it is in the collection rate too), a receipt whose reference carries the
marker, and a lawsuit (its id also serves ``instalment_id`` routes). Rows written directly (test set-up); the URL parameter of the
statement pages is the canary customer's id, already provided."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

MARKER = "CANARY"


def provide(*, company: Any, emp: Any, values: dict[str, Any]) -> dict[str, Any]:
    from django.utils import timezone

    from xiaoguan.contracts.models import Contract
    from xiaoguan.customers.models import Customer
    from xiaoguan.receivables.models import DunningAction, Instalment, Receipt

    customer = Customer.objects.get(pk=values["customer_id"])
    today = timezone.localdate()
    contract = Contract.objects.filter(pk=values.get("contract_id")).first()
    if contract is None:
        contract = Contract.objects.create(
            number="HT-2099-999998",
            owner=emp,
            department=emp.department,
            customer=customer,
            title=f"{MARKER}-REPORT-CONTRACT",
            price_date=today,
            total=Decimal("9000.00"),
            status="signed",
            signed_on=today - timedelta(days=60),
        )
    instalment = Instalment.objects.create(
        owner=emp,
        department=emp.department,
        customer=customer,
        contract=contract,
        position=9,
        label=f"{MARKER}-INSTALMENT",
        trigger="signing",
        amount=Decimal("4321.00"),
        due_date=today - timedelta(days=1),
    )
    Receipt.objects.create(
        number=f"HK-{MARKER}-1",
        owner=emp,
        department=emp.department,
        customer=customer,
        method="transfer",
        amount=Decimal("1234.00"),
        received_on=today - timedelta(days=1),
        reference=f"{MARKER}-REF",
        note=f"{MARKER}-RECEIPT",
        recorded_by=emp,
    )
    DunningAction.objects.create(
        owner=emp,
        department=emp.department,
        customer=customer,
        kind="lawsuit",
        done_on=today,
        outcome=f"{MARKER}-LAWSUIT",
        recorded_by=emp,
    )
    # The instalment routes of the receipts part take an instalment id: this one serves them
    # unless a provider that runs later gives its own.
    return {} if "instalment_id" in values else {"instalment_id": instalment.pk}
