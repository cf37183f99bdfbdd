"""Test helpers: opportunities are made through the service, as users make them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from xiaoguan.sales.services.opportunities import OpportunityData, opportunity_create


def make_opportunity(actor, customer, name: str = "厂区灭火器年度采购", **fields):
    data = {
        "customer_id": customer.pk,
        "name": name,
        "amount": Decimal("100000"),
        "expected_close": date(2026, 12, 31),
    }
    data.update(fields)
    return opportunity_create(actor=actor, data=OpportunityData(**data))
