"""The contract panel on the page of a department task about a contract (R-ORG-4, R-CON-3): what
production and logistics need to plan (customer, delivery date and place, the lines, the
after-sales terms), read-only, for whoever may see the task; prices only for those who see
them on the contract's page. Registered in ``contracts.setup.contracts``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from xiaoguan.contracts.selectors.contract_tasks import (
    contract_of_task,
    contract_task_lines,
    contract_task_shows_prices,
)
from xiaoguan.org.models import DepartmentTask


def contract_task_panel(request: HttpRequest, task: DepartmentTask) -> str:
    contract = contract_of_task(task=task)
    if contract is None:
        return ""
    context: dict[str, Any] = {
        "task": task,
        "contract": contract,
        "lines": list(contract_task_lines(contract=contract)),
        "show_prices": contract_task_shows_prices(user=request.user, contract=contract),
    }
    return render_to_string("contracts/contract_task_panel.html", context, request=request)
