"""The "Orders and shipments" section of the contract page: the orders of the contract's
family the user may see (number, date, status, amount, what is shipped) and the button that
takes an order from the contract. Registered in ``orders.setup.orders``; the contracts part
only knows the registry (``contracts.web.contract_sections``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from xiaoguan.orders.selectors import orders as selectors


def contract_section(request: HttpRequest, contract: Any) -> str:
    """The section's HTML, or "" for a user without ``orders.view`` or when there is neither
    an order in the user's scope nor one to take."""
    user: Any = request.user
    if not user.has_right("orders.view"):
        return ""
    data = selectors.contract_orders(user=user, contract=contract)
    orderable = (
        selectors.contract_orderable_version(user=user, contract=contract)
        if user.has_right("orders.edit")
        else None
    )
    if not data.orders and orderable is None:
        return ""
    return render_to_string(
        "orders/_contract_orders.html",
        {"contract": contract, "data": data, "orderable": orderable},
        request=request,
    )
