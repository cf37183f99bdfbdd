"""Canaries of the opportunities part: an opportunity of the canary employee (West) whose
name and description carry the marker, moved once so it has a stage history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

MARKER = "CANARY"


def provide(*, company, emp, values) -> dict[str, Any]:
    from xiaoguan.customers import services as customers
    from xiaoguan.customers.models import Customer
    from xiaoguan.sales.services.opportunities import (
        OpportunityData,
        opportunity_create,
        opportunity_move,
    )

    customer = Customer.objects.filter(pk=values.get("customer_id"), owner=emp).first()
    if customer is None:
        customer = customers.customer_create(
            actor=emp, data=customers.CustomerData(name=f"{MARKER}-OPP-CUSTOMER")
        )
    opp = opportunity_create(
        actor=emp,
        data=OpportunityData(
            customer_id=customer.pk,
            name=f"{MARKER}-OPPORTUNITY",
            amount=Decimal("123456"),
            expected_close=date(2030, 1, 31),
            description=f"{MARKER}-OPPORTUNITY-DESCRIPTION",
        ),
    )
    opportunity_move(actor=emp, opportunity=opp, stage="quote", note=f"{MARKER}-STAGE-NOTE")
    return {"opportunity_id": opp.pk}
