"""Canaries of the receipts part: a signed contract of the West canary employee whose plan the
signing handler built (the instalment names carry the marker through the contract title on
the plan page), and a bank acceptance bill recorded by finance for the canary customer, held,
with the marker in its payer, note and bill number. Its id reaches the receipt and bill pages,
the first instalment's the instalment API;
the plan page gets the contracts provider's contract id, the credit action the customer's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

MARKER = "CANARY"


def provide(*, company: Any, emp: Any, values: dict[str, Any]) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from xiaoguan.contracts import registries
    from xiaoguan.contracts.tests.test_amendments_support import lines_of, product, signed_contract
    from xiaoguan.customers.models import Customer
    from xiaoguan.receivables.models import Instalment
    from xiaoguan.receivables.services.receipts import ReceiptData, receipt_record

    customer = Customer.objects.get(pk=values["customer_id"])
    contract = signed_contract(
        emp,
        lines_of(
            (product("RCP-P1", "消防水带", unit_name="RCP-卷", unit_code="RCP-U"), "10", "200.00")
        ),
        cust=customer,
        title=f"{MARKER}-RECEIPT-CONTRACT",
    )
    with transaction.atomic():
        registries.contract_signed.send(contract=contract, actor=emp)
    today = timezone.localdate()
    receipt = receipt_record(
        actor=company.finance1,
        data=ReceiptData(
            customer_id=customer.pk,
            contract_id=contract.pk,
            method="bank_bill",
            amount="500.00",
            received_on=today,
            payer=f"{MARKER}-PAYER",
            note=f"{MARKER}-RECEIPT-NOTE",
            bill_no=f"{MARKER}-BILL",
            bill_bank=f"{MARKER}-BANK",
            bill_maturity=today + timedelta(days=20),
        ),
    )
    instalment = Instalment.objects.filter(contract=contract).order_by("position").first()
    assert instalment is not None
    return {"receipt_id": receipt.pk, "instalment_id": instalment.pk}
