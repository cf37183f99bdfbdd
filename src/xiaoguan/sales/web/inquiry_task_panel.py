"""The inquiry panel on the page of a department task about an inquiry (R-ORG-4, R-QUO-2): what
the technical and production departments need to answer (customer, requirements, deadline,
tender documents), read-only, for whoever may see the task; registered in
``sales.setup.inquiries``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from xiaoguan.org.models import DepartmentTask
from xiaoguan.sales.selectors.inquiry_tasks import inquiry_of_task, inquiry_task_files


def inquiry_task_panel(request: HttpRequest, task: DepartmentTask) -> str:
    inquiry = inquiry_of_task(task=task)
    if inquiry is None:
        return ""
    context: dict[str, Any] = {
        "task": task,
        "inquiry": inquiry,
        "files": list(inquiry_task_files(user=request.user, inquiry=inquiry)),
    }
    return render_to_string("sales/inquiry_task_panel.html", context, request=request)
