"""The overdue customer's panel on the page of the legal department's task about it (R-AR-3,
R-ORG-4): what legal needs to draft a demand letter (the customer's name, credit code, address
and main contact; the overdue instalments with the total; the last dunning actions), read-only,
for whoever may see the task; registered in ``receivables.setup.collection``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from xiaoguan.org.models import DepartmentTask
from xiaoguan.receivables.selectors.legal_tasks import legal_task_customer


def legal_task_panel(request: HttpRequest, task: DepartmentTask) -> str:
    data = legal_task_customer(task=task)
    if data is None:
        return ""
    context: dict[str, Any] = {"task": task, "d": data, "customer": data.customer}
    return render_to_string("receivables/legal_task_panel.html", context, request=request)
