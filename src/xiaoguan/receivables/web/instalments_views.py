"""The collection plan pages (R-AR-1): all instalments in scope (per contract, customer or
owner; status; due range; outstanding) and one contract's plan over all its versions with the
receipts applied to it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.selectors.family import family_current
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.listing import filters_and_sort, sort_columns
from xiaoguan.org.scope import visible
from xiaoguan.receivables.enums import InstalmentStatus
from xiaoguan.receivables.selectors import instalments as selectors

PAGE_SIZE = 50
SORT_COLUMNS = ("due", "amount", "outstanding", "customer")


class InstalmentFilterForm(forms.Form):
    customer = forms.CharField(required=False, max_length=100, label=gettext_lazy("customer"))
    contract = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    order = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    owner = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        required=False,
        choices=[("", gettext_lazy("All statuses")), *InstalmentStatus.choices],
    )
    due_from = forms.DateField(required=False, label=gettext_lazy("Due from"))
    due_to = forms.DateField(required=False, label=gettext_lazy("Due until"))
    overdue = forms.BooleanField(required=False, label=gettext_lazy("Overdue only"))
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in selectors.INSTALMENT_SORTS])

    def clean_customer(self) -> Any:
        value = (self.cleaned_data.get("customer") or "").strip()
        return int(value) if value.isdigit() else value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("due_from"), data.get("due_to")
        if start and end and end < start:
            self.add_error("due_to", gettext_lazy("The end of the range is before its start."))
        return data


@require_right("receivables.view")
def instalment_list(request: HttpRequest) -> HttpResponse:
    form = InstalmentFilterForm(request.GET or None)
    filters: dict[str, Any] = {"status": InstalmentStatus.OPEN}
    sort = selectors.INSTALMENT_DEFAULT_SORT
    if form.is_bound:
        filters, sort = filters_and_sort(
            form,
            filter_keys=selectors.INSTALMENT_FILTERS,
            sorts=selectors.INSTALMENT_SORTS,
            default_sort=selectors.INSTALMENT_DEFAULT_SORT,
        )
        if filters.get("overdue") is False:
            filters.pop("overdue")
    qs = selectors.instalment_list(user=request.user, filters=filters, sort=sort)
    totals = selectors.instalment_totals(qs)
    paginator = Paginator(qs, PAGE_SIZE)
    paginator.count = totals["count"]  # type: ignore[misc]
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "receivables/instalment_list.html",
        {
            "page": page,
            "totals": totals,
            "filter_form": form,
            "filters": filters,
            "sort": sort,
            "columns": sort_columns(sort, SORT_COLUMNS),
            "statuses": InstalmentStatus.choices,
            "today": timezone.localdate(),
        },
    )


@require_right("receivables.view")
def contract_plan(request: HttpRequest, contract_id: int) -> HttpResponse:
    """One contract's collection plan: every version's instalments (closed ones greyed), the
    receipts applied to it, collected and outstanding."""
    contract = (
        visible(Contract.objects.all(), request.user)
        .select_related("customer", "owner")
        .filter(pk=contract_id)
        .first()
    )
    if contract is None:
        raise Http404
    root_id = contract.root_id or contract.pk
    current = family_current(root_id).select_related("customer", "owner").first() or contract
    instalments = list(
        selectors.instalment_list(
            user=request.user, filters={"contract": root_id}, sort=selectors.INSTALMENT_DEFAULT_SORT
        ).order_by("contract__version_no", "position")
    )
    allocations = list(selectors.contract_allocations(root_id=root_id))
    open_rows = [i for i in instalments if i.status == InstalmentStatus.OPEN]
    return render(
        request,
        "receivables/instalment_contract.html",
        {
            "contract": current,
            "instalments": instalments,
            "allocations": allocations,
            "collected": sum((a.amount for a in allocations), 0),
            "outstanding": sum((i.outstanding_value for i in open_rows), 0),
            "today": timezone.localdate(),
            "can_manage": request.user.has_right("receivables.manage"),
        },
    )
