"""Canaries of the collection part: a signed contract of the West canary employee with an
overdue instalment, a dunning action, a draft bad-debt write-off and an invoice request, each
carrying the marker (contract title, instalment name, outcome, reason, note). The write-off and
invoice ids reach their pages; the dunning pages get the canary customer's id."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

MARKER = "CANARY"


def provide(*, company: Any, emp: Any, values: dict[str, Any]) -> dict[str, Any]:
    from django.utils import timezone

    from xiaoguan.contracts.tests.test_amendments_support import lines_of, product, signed_contract
    from xiaoguan.customers.models import Customer
    from xiaoguan.receivables.models import Instalment
    from xiaoguan.receivables.services.dunning import DunningData, dunning_action_log
    from xiaoguan.receivables.services.invoices import invoice_request
    from xiaoguan.receivables.services.write_offs import write_off_request

    customer = Customer.objects.filter(pk=values.get("customer_id")).first()
    contract = signed_contract(
        emp,
        lines_of(
            (product("COL-P1", "消防应急灯", unit_name="COL-台", unit_code="COL-U"), "10", "300.00")
        ),
        cust=customer,
        title=f"{MARKER}-COLLECTION-CONTRACT",
    )
    instalment = Instalment.objects.create(
        owner=emp,
        department=emp.department,
        customer=contract.customer,
        contract=contract,
        position=1,
        label=f"{MARKER}-INSTALMENT",
        trigger="signing",
        amount=Decimal("3000.00"),
        due_date=timezone.localdate() - timedelta(days=40),
    )
    dunning_action_log(
        actor=emp,
        data=DunningData(
            customer_id=contract.customer_id,
            instalment_id=instalment.pk,
            kind="phone",
            done_on=timezone.localdate(),
            outcome=f"{MARKER}-DUNNING-OUTCOME",
            next_step=f"{MARKER}-NEXT-STEP",
            next_on=timezone.localdate(),
        ),
    )
    write_off = write_off_request(
        actor=company.finance1,
        instalment_id=instalment.pk,
        amount="100.00",
        reason=f"{MARKER}-WRITE-OFF-REASON",
    )
    invoice = invoice_request(
        actor=emp,
        contract_id=contract.pk,
        kind="vat_special",
        amount="1000.00",
        note=f"{MARKER}-INVOICE-NOTE",
    )
    return {"write_off_id": write_off.pk, "invoice_id": invoice.pk}
