"""The employee picker's suggestions (core/_search_picker.html): active employees in the
user's scope matching what is typed, as JSON. Thin: ``selectors.employee_picker`` reads."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from xiaoguan.core.search import PICKER_LIMIT
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.widgets import picker_response
from xiaoguan.org import selectors


@require_right(None)
@require_GET
def employee_picker(request: HttpRequest) -> JsonResponse:
    """``?q=`` (name or user name; two letters or one Chinese character at least). Any
    employee may ask: the data scope decides whom they find, as it does for the owner
    filters the picker replaces. Answers ``{"items": [{"id", "label", "detail"}], "more":
    bool}`` — at most 20 items."""
    found = selectors.employee_picker(
        user=request.user, q=request.GET.get("q", ""), limit=PICKER_LIMIT + 1
    )
    return picker_response(
        found,
        label=str,
        detail=lambda u: (u.username, u.department.name if u.department_id else ""),
    )
