"""The contract page's receivables sections: "Collection plan" (the instalments of every
version with what is collected and outstanding, the overdue ones flagged) and "Invoices" (the
invoice requests and issued invoices). Registered in ``receivables.setup.contract_sections``;
the contracts part only knows the registry (``contracts.web.contract_sections``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from xiaoguan.contracts.enums import ContractStatus
from xiaoguan.receivables.selectors.instalments import contract_collection_plan
from xiaoguan.receivables.selectors.invoices import contract_invoices
from xiaoguan.receivables.services.invoices import INVOICEABLE


def _root_id(contract: Any) -> int:
    return contract.root_id or contract.pk


def plan_section(request: HttpRequest, contract: Any) -> str:
    """The collection plan, for ``receivables.view`` holders; "" while there is no plan (the
    contract is not signed yet) or none of it is in the user's scope."""
    user: Any = request.user
    if not user.has_right("receivables.view"):
        return ""
    plan = contract_collection_plan(user=user, root_id=_root_id(contract))
    if not plan.instalments:
        return ""
    return render_to_string(
        "receivables/_contract_plan_section.html",
        {
            "contract": contract,
            "plan": plan,
            "can_record": user.has_right("receivables.manage")
            and contract.is_current
            and contract.status == ContractStatus.SIGNED,
        },
        request=request,
    )


def invoices_section(request: HttpRequest, contract: Any) -> str:
    """The contract's invoice records, for ``receivables.view`` holders; "" when there is
    none in the user's scope and the user cannot ask for one."""
    user: Any = request.user
    if not user.has_right("receivables.view"):
        return ""
    data = contract_invoices(user=user, root_id=_root_id(contract))
    can_request = (
        user.has_right("receivables.invoice_request")
        and contract.is_current
        and contract.status in INVOICEABLE
    )
    if not data.invoices and not can_request:
        return ""
    return render_to_string(
        "receivables/_contract_invoices_section.html",
        {"contract": contract, "data": data, "can_request": can_request},
        request=request,
    )
