"""The overdue list (逾期清单, R-AR-3): per rep or per team (the dimension switch sums the
filtered list by owner or department), then the instalments with days overdue, what they owe,
the customer's last dunning action and next step; filters, sorting and the xlsx export
(audited). Thin: the selector reads (scoped)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.listing import filters_and_sort, sort_columns
from xiaoguan.core.xlsx import xlsx_response
from xiaoguan.receivables.enums import DunningKind
from xiaoguan.receivables.selectors import overdue as selectors
from xiaoguan.receivables.web.dunning_forms import OverdueFilterForm

PAGE_SIZE = 50
SORT_COLUMNS = ("due", "outstanding", "customer", "last")


def _search(request: HttpRequest) -> tuple[Any, dict[str, Any]]:
    user = request.user
    owners = selectors.owner_choices(user=user).only("pk", "full_name", "username")
    departments = [
        (d.pk, "\u3000" * max(d.depth - 1, 0) + d.name)
        for d in selectors.department_choices(user=user)[:500]
    ]
    form = OverdueFilterForm(request.GET, owners=owners, departments=departments)
    filters, sort = filters_and_sort(
        form,
        filter_keys=selectors.FILTER_KEYS,
        sorts=selectors.SORTS,
        default_sort=selectors.DEFAULT_SORT,
    )
    dimension = form.cleaned_data.get("dimension") if form.is_valid() else ""
    today = timezone.localdate()
    qs = selectors.overdue_list(user=user, filters=filters, sort=sort, today=today)
    return qs, {
        "filter_form": form,
        "filters": filters,
        "sort": sort,
        "dimension": dimension if dimension in selectors.DIMENSIONS else "rep",
        "today": today,
    }


@require_right("receivables.view")
def overdue_list(request: HttpRequest) -> HttpResponse:
    qs, chosen = _search(request)
    today = chosen["today"]
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row.days_overdue = (today - row.due_date).days
    groups = selectors.overdue_groups(qs, dimension=chosen["dimension"], today=today)
    return render(
        request,
        "receivables/overdue_list.html",
        {
            "page": page,
            "groups": groups,
            "totals": {
                "count": sum(g.count for g in groups),
                "outstanding": sum((g.outstanding for g in groups), 0),
            },
            "columns": sort_columns(chosen["sort"], SORT_COLUMNS),
            "kinds": dict(DunningKind.choices),
            "query": request.GET.urlencode(),
            "can_dun": request.user.has_right("receivables.dunning"),
            "can_write_off": request.user.has_right("receivables.manage"),
            **chosen,
        },
    )


@require_right("receivables.view")
def overdue_export(request: HttpRequest) -> HttpResponse:
    """The filtered overdue list as xlsx, every page (audited)."""
    qs, chosen = _search(request)
    today = chosen["today"]
    kinds = dict(DunningKind.choices)
    return xlsx_response(
        filename="overdue.xlsx",
        sheet_title=_("Overdue list"),
        columns=[
            (_("customer"), "customer__name"),
            (
                _("contract / order"),
                lambda i: i.contract.number if i.contract_id else i.order.number,
            ),
            (_("instalment"), "label"),
            (_("due date"), "due_date"),
            (_("days overdue"), lambda i: (today - i.due_date).days),
            (_("amount"), "amount"),
            (_("outstanding"), "left"),
            (_("owner"), lambda i: str(i.owner)),
            (_("department"), "department__name"),
            (_("last action"), lambda i: str(kinds.get(i.last_kind, "")) if i.last_kind else ""),
            (_("last action on"), "last_on"),
            (_("next step"), "next_step"),
            (_("next step on"), "next_on"),
        ],
        rows=qs,
        actor=request.user,
        request=request,
        what="receivables.overdue",
    )
