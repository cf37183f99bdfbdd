"""The customer picker's suggestions (core/_search_picker.html): customers in the user's
scope matching what is typed, as JSON. Thin: ``selectors.customer_picker`` reads."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from xiaoguan.core.search import PICKER_LIMIT
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.widgets import picker_response
from xiaoguan.customers import divisions, selectors


@require_right("customers.view")
@require_GET
def customer_picker(request: HttpRequest) -> JsonResponse:
    """``?q=`` (name, pinyin initials, phone or credit code; two letters or one Chinese
    character at least), ``&inactive=1`` to include deactivated customers. Answers
    ``{"items": [{"id", "label", "detail"}], "more": bool}`` — at most 20 items."""
    found = selectors.customer_picker(
        user=request.user,
        q=request.GET.get("q", ""),
        include_inactive=request.GET.get("inactive") == "1",
        limit=PICKER_LIMIT + 1,
    )
    return picker_response(
        found,
        label=lambda c: c.name,
        detail=lambda c: (divisions.name_of(c.city) or "", str(c.owner or "")),
    )
