"""The contract ledger (合同台账, R-CON-6): the current version of every contract in the user's
scope with its amounts, the expiring / overdue flags, filters, sorting, the totals of what
is filtered and its xlsx export. Thin: the selector reads (scoped).

Pagination counts nothing on its own: the totals row is one aggregate over the filtered set
(count and sums), which the page needs anyway, and its count numbers the pages. The page
itself fetches one row more than it shows to know whether a next page exists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoguan.contracts.enums import ContractStatus
from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.selectors import ledger as selectors
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.listing import sort_columns
from xiaoguan.core.xlsx import xlsx_response
from xiaoguan.org.web.pickers import owner_filter_field

PAGE_SIZE = 25
MAX_PAGE = 10_000
# An export larger than this is refused with a request to narrow the filter: a workbook of
# a whole scale-20 ledger (200,000 rows) would tie up a server worker for minutes.
EXPORT_MAX_ROWS = 50_000
# Filters behind the "more filters" toggle (open when one of them is used).
MORE_FILTERS = ("customer", "department", "signed_from", "signed_to", "amount_min", "amount_max")
SORT_COLUMNS = ("number", "signed", "delivery", "total", "outstanding", "created")


class LedgerFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    status = forms.MultipleChoiceField(
        required=False,
        choices=[(s.value, s.label) for s in selectors.LEDGER_STATUSES],
        label=gettext_lazy("status"),
    )
    customer = forms.CharField(required=False, max_length=100, label=gettext_lazy("customer"))
    owner = owner_filter_field()
    department = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label=gettext_lazy("department")
    )
    signed_from = forms.DateField(required=False, label=gettext_lazy("Signed from"))
    signed_to = forms.DateField(required=False, label=gettext_lazy("Signed until"))
    amount_min = forms.DecimalField(
        required=False, min_value=0, max_digits=16, decimal_places=2, label=gettext_lazy("From ¥")
    )
    amount_max = forms.DecimalField(
        required=False, min_value=0, max_digits=16, decimal_places=2, label=gettext_lazy("To ¥")
    )
    flag = forms.MultipleChoiceField(
        required=False,
        choices=[
            ("expiring", gettext_lazy("Expiring")),
            ("overdue", gettext_lazy("Delivery overdue")),
        ],
    )
    sort = forms.CharField(required=False, max_length=20)

    def __init__(self, *args: Any, owners: Any, departments: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["department"].choices = [("", _("All departments")), *departments]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("signed_from"), data.get("signed_to")
        if start and end and end < start:
            self.add_error("signed_to", _("The end of the range is before its start."))
        low, high = data.get("amount_min"), data.get("amount_max")
        if low is not None and high is not None and high < low:
            self.add_error("amount_max", _("The upper amount is below the lower one."))
        return data


def _choices(user: Any) -> dict[str, Any]:
    """The owner filter validates against the scoped employees (no rows are read until an
    owner is chosen); the departments are few and stay a <select>."""
    owners = selectors.owner_choices(user=user).only(
        "pk", "full_name", "username", "department__path"
    )
    departments = [
        (d.pk, "\u3000" * max(d.depth - 1, 0) + d.name)
        for d in selectors.department_choices(user=user).only("pk", "name", "depth", "path")
    ]
    return {"owners": owners, "departments": departments}


def search(request: HttpRequest) -> tuple[Any, dict[str, Any]]:
    """The ledger's filters (an allow-list; invalid fields are shown and ignored) and the
    scoped, sorted result."""
    form = LedgerFilterForm(request.GET or None, **_choices(request.user))
    filters: dict[str, Any] = {}
    sort = selectors.DEFAULT_SORT
    if form.is_bound:
        form.is_valid()
        cleaned = form.cleaned_data
        filters = {
            k: cleaned.get(k)
            for k in selectors.FILTER_KEYS
            if cleaned.get(k) not in (None, "", []) and k not in form.errors
        }
        if cleaned.get("sort") in selectors.SORTS:
            sort = cleaned["sort"]
    qs = selectors.ledger_list(user=request.user, filters=filters, sort=sort)
    return qs, {"filter_form": form, "filters": filters, "sort": sort}


def page_number(raw: str | None) -> int:
    try:
        number = int(raw or 1)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


@dataclass
class LedgerPage:
    rows: list[Any]
    number: int
    has_next: bool
    count: int

    def __iter__(self):
        return iter(self.rows)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // PAGE_SIZE))

    @property
    def start_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + len(self.rows)


@dataclass
class LedgerRow:
    contract: Contract
    expiring: bool
    overdue: bool


@require_right("contracts.view")
def ledger(request: HttpRequest) -> HttpResponse:
    qs, chosen = search(request)
    number = page_number(request.GET.get("page"))
    start = (number - 1) * PAGE_SIZE
    contracts = list(qs[start : start + PAGE_SIZE + 1])
    totals = selectors.ledger_totals(qs)
    today, days = timezone.localdate(), selectors.expiring_days()
    rows = []
    for c in contracts[:PAGE_SIZE]:
        flags = selectors.row_flags(c, today=today, days=days)
        rows.append(LedgerRow(contract=c, expiring=flags.expiring, overdue=flags.overdue))
    page = LedgerPage(
        rows=rows, number=number, has_next=len(contracts) > PAGE_SIZE, count=totals.count
    )
    sort = chosen["sort"]
    columns = sort_columns(sort, SORT_COLUMNS)
    filters = chosen["filters"]
    return render(
        request,
        "contracts/ledger.html",
        {
            "page": page,
            "totals": totals,
            "columns": columns,
            "expiring_days": days,
            "statuses": [(s.value, s.label) for s in selectors.LEDGER_STATUSES],
            "chosen_statuses": filters.get("status") or [],
            "chosen_flags": filters.get("flag") or [],
            "more_filters": any(k in filters for k in MORE_FILTERS),
            "query": request.GET.urlencode(),
            "signed_status": ContractStatus.SIGNED,
            **chosen,
        },
    )


@require_right("contracts.view")
def ledger_export(request: HttpRequest) -> HttpResponse:
    """The filtered ledger as xlsx: exactly the rows the ledger shows, all pages (audited)."""
    qs, _chosen = search(request)
    if qs.order_by().values("pk")[: EXPORT_MAX_ROWS + 1].count() > EXPORT_MAX_ROWS:
        messages.error(
            request,
            _("More than %(n)s contracts match: narrow the filter to export them.")
            % {"n": f"{EXPORT_MAX_ROWS:,}"},
        )
        query = request.GET.urlencode()
        return redirect(f"{reverse('contracts:ledger')}?{query}" if query else "contracts:ledger")
    today, days = timezone.localdate(), selectors.expiring_days()

    def flags(c: Contract) -> str:
        f = selectors.row_flags(c, today=today, days=days)
        return "、".join(
            str(label)
            for on, label in ((f.expiring, _("Expiring")), (f.overdue, _("Delivery overdue")))
            if on
        )

    return xlsx_response(
        filename="contracts.xlsx",
        sheet_title=_("Contract ledger"),
        columns=[
            (_("contract number"), "number"),
            (_("version"), "version_no"),
            (_("subject"), "title"),
            (_("customer"), "customer__name"),
            (_("owner"), lambda c: str(c.owner)),
            (_("status"), "get_status_display"),
            (_("signing date"), "signed_on"),
            (_("delivery date"), "delivery_date"),
            (_("contract term ends"), "end_on"),
            (_("contract amount"), "total"),
            (_("shipped"), "shipped_amount"),
            (_("invoiced"), "invoiced_amount"),
            (_("collected"), "collected_amount"),
            (_("outstanding"), "outstanding"),
            (_("flags"), flags),
        ],
        rows=qs,
        actor=request.user,
        request=request,
        what="contracts.ledger",
    )
