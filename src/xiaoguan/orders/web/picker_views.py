"""The contract picker's suggestions on "order from a contract" (core/_search_picker.html):
signed contracts in the user's scope with something left to order, matching what is typed,
as JSON. Thin: ``selectors.contract_picker`` reads."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.formats import date_format
from django.views.decorators.http import require_GET

from xiaoguan.core.search import PICKER_LIMIT
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.widgets import picker_response
from xiaoguan.orders.selectors import orders as selectors
from xiaoguan.orders.web.orders_forms import contract_label


@require_right("orders.edit")
@require_GET
def contract_picker(request: HttpRequest) -> JsonResponse:
    """``?q=`` (contract number, subject, customer name or its pinyin initials; two letters
    or one Chinese character at least). Those who may take orders ask; the data scope decides
    which contracts they find. Answers ``{"items": [{"id", "label", "detail"}], "more":
    bool}`` — at most 20 items."""
    found = selectors.contract_picker(
        user=request.user, q=request.GET.get("q", ""), limit=PICKER_LIMIT + 1
    )
    return picker_response(
        found,
        label=contract_label,
        detail=lambda c: (
            c.customer.name,
            date_format(c.signed_on, "SHORT_DATE_FORMAT") if c.signed_on else "",
        ),
    )
