"""Canaries of the data part of customers (import, merge): the import kind of the template
and API routes, and a West customer of the canary employee with a duplicate to merge."""

from __future__ import annotations

from typing import Any


def provide(*, company, emp, values: dict[str, Any]) -> dict[str, Any]:
    from xiaoguan.customers.models import Customer
    from xiaoguan.customers.services import CustomerData, customer_create

    twin = customer_create(actor=emp, data=CustomerData(name="CANARY-TWIN-CUSTOMER"))
    # A second record of the canary customer (as an old import would have left it).
    Customer.objects.filter(pk=twin.pk).update(
        name_normalized=Customer.objects.get(pk=values["customer_id"]).name_normalized
    )
    return {"import_kind": "customers"}
