"""Aging pages (账龄分析, R-AR-4): the report with its dimension switch, as-of date, filters,
sortable columns and totals; the drill-down to the instalments behind one figure; the xlsx
export of both (audited). Thin: ``selectors.aging`` computes, in the user's scope."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.listing import sort_columns
from xiaoguan.core.xlsx import xlsx_response
from xiaoguan.customers.enums import CustomerClass
from xiaoguan.org import selectors as org_selectors
from xiaoguan.org.web.pickers import owner_filter_field
from xiaoguan.receivables.selectors import aging as selectors

RIGHT = "receivables.reports"
PAGE_SIZE = 50
DRILL_PAGE_SIZE = 100
MAX_PAGE = 10_000
EXPORT_MAX_ROWS = 50_000


def dimension_choices() -> list[tuple[str, Any]]:
    return [
        ("customer", gettext_lazy("Customer")),
        ("rep", gettext_lazy("Rep")),
        ("team", gettext_lazy("Team")),
        ("region", gettext_lazy("Region")),
    ]


class AgingFilterForm(forms.Form):
    dimension = forms.ChoiceField(required=False, label=gettext_lazy("Group by"))
    as_of = forms.DateField(required=False, label=gettext_lazy("As of"))
    owner = owner_filter_field()
    department = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label=gettext_lazy("department")
    )
    customer_class = forms.ChoiceField(required=False, label=gettext_lazy("customer class"))
    sort = forms.CharField(required=False, max_length=30)

    def __init__(self, *args: Any, owners: Any, departments: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dimension"].choices = dimension_choices()
        self.fields["owner"].queryset = owners
        self.fields["department"].choices = [("", _("All departments")), *departments]
        self.fields["customer_class"].choices = [("", _("All classes")), *CustomerClass.choices]

    def clean_owner(self) -> int | None:
        owner = self.cleaned_data.get("owner")
        return owner.pk if owner is not None else None

    def clean_as_of(self) -> date | None:
        value = self.cleaned_data.get("as_of")
        if value is not None and not date(2000, 1, 1) <= value <= date(2100, 12, 31):
            raise forms.ValidationError(_("Choose a date between 2000 and 2100."))
        return value


def _choices(user: Any) -> dict[str, Any]:
    """The owner filter validates against the scoped employees (no rows are read until an
    owner is chosen); the departments are few and stay a <select>."""
    owners = org_selectors.employee_choices(user=user).only(
        "pk", "full_name", "username", "department__path"
    )
    departments = [
        (d.pk, "\u3000" * max(d.depth - 1, 0) + d.name)
        for d in org_selectors.department_choices(user=user).only("pk", "name", "depth", "path")
    ]
    return {"owners": owners, "departments": departments}


def search(request: HttpRequest) -> tuple[AgingFilterForm, dict[str, Any]]:
    """The chosen dimension, as-of date, filters and sort (invalid fields are shown and
    ignored)."""
    form = AgingFilterForm(request.GET or None, **_choices(request.user))
    chosen: dict[str, Any] = {
        "dimension": "customer",
        "as_of": timezone.localdate(),
        "filters": {},
        "sort": selectors.DEFAULT_SORT,
    }
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
        if data.get("dimension") in selectors.DIMENSIONS and "dimension" not in form.errors:
            chosen["dimension"] = data["dimension"]
        if data.get("as_of") and "as_of" not in form.errors:
            chosen["as_of"] = data["as_of"]
        chosen["filters"] = {
            k: data.get(k)
            for k in ("owner", "department", "customer_class")
            if data.get(k) not in (None, "") and k not in form.errors
        }
        if data.get("sort"):
            chosen["sort"] = data["sort"]
    return form, chosen


def page_number(raw: str | None) -> int:
    try:
        number = int(raw or 1)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


def _filter_query(chosen: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    params: dict[str, Any] = {"dimension": chosen["dimension"], "as_of": chosen["as_of"]}
    params.update(chosen["filters"])
    return urlencode(params)


@require_right(RIGHT)
def aging(request: HttpRequest) -> HttpResponse:
    form, chosen = search(request)
    number = page_number(request.GET.get("page"))
    report = selectors.aging_report(
        user=request.user,
        dimension=chosen["dimension"],
        as_of=chosen["as_of"],
        filters=chosen["filters"],
        sort=chosen["sort"],
        offset=(number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    columns = sort_columns(report.sort, selectors.sort_keys(report.buckets))
    return render(
        request,
        "receivables/aging_report.html",
        {
            "filter_form": form,
            "report": report,
            "rows": [(row, row.cells(report.buckets)) for row in report.rows],
            "total_cells": report.totals.cells(report.buckets),
            "heads": [(b, columns[b.key]) for b in report.buckets],
            "columns": columns,
            "dimensions": dimension_choices(),
            "dimension_label": dict(dimension_choices())[report.dimension],
            "drill_query": _filter_query(chosen),
            "query": request.GET.urlencode(),
            "page": {
                "number": number,
                "has_previous": number > 1,
                "has_next": number * PAGE_SIZE < report.row_count,
                "num_pages": max(1, -(-report.row_count // PAGE_SIZE)),
            },
        },
    )


def _aging_columns(report: selectors.AgingReport) -> list[tuple[Any, Any]]:
    dim = dict(dimension_choices())[report.dimension]
    columns: list[tuple[Any, Any]] = [(dim, "label")]
    for b in report.buckets:
        columns.append((b.label, lambda r, key=b.key: r.amounts.get(key, selectors.ZERO)))
    columns += [
        (_("Waiting for an event"), "waiting"),
        (_("Total overdue"), "overdue"),
        (_("Total"), "total"),
        (
            _("Bad-debt risk"),
            lambda r: _("Yes") if r.risk else "",
        ),
    ]
    return columns


@require_right(RIGHT)
def aging_export(request: HttpRequest) -> HttpResponse:
    """The whole report (every row, the totals last) as xlsx; audited."""
    _form, chosen = search(request)
    report = selectors.aging_report(
        user=request.user,
        dimension=chosen["dimension"],
        as_of=chosen["as_of"],
        filters=chosen["filters"],
        sort=chosen["sort"],
        limit=EXPORT_MAX_ROWS,
    )
    return xlsx_response(
        filename=f"aging-{report.dimension}-{report.as_of.isoformat()}.xlsx",
        sheet_title=_("Aging"),
        columns=_aging_columns(report),
        rows=[*report.rows, report.totals],
        actor=request.user,
        request=request,
        what="receivables.aging",
    )


# --- drill-down ---------------------------------------------------------------------------


class DrillForm(AgingFilterForm):
    key = forms.IntegerField(min_value=0, max_value=2**31 - 1)
    bucket = forms.CharField(max_length=20)


def _drill(request: HttpRequest) -> tuple[DrillForm, dict[str, Any] | None, Any]:
    form = DrillForm(request.GET or None, **_choices(request.user))
    if not form.is_bound or not form.is_valid():
        return form, None, None
    data = form.cleaned_data
    chosen = {
        "dimension": data.get("dimension") or "customer",
        "as_of": data.get("as_of") or timezone.localdate(),
        "filters": {
            k: data.get(k)
            for k in ("owner", "department", "customer_class")
            if data.get(k) not in (None, "")
        },
        "key": data["key"],
        "bucket": data["bucket"],
    }
    try:
        qs = selectors.aging_instalments(
            user=request.user,
            dimension=chosen["dimension"],
            key=chosen["key"],
            bucket=chosen["bucket"],
            as_of=chosen["as_of"],
            filters=chosen["filters"],
        )
    except ValueError:
        form.add_error("bucket", _("Not one of the report's columns."))
        return form, None, None
    return form, chosen, qs


@require_right(RIGHT)
def aging_instalments(request: HttpRequest) -> HttpResponse:
    form, chosen, qs = _drill(request)
    rows: list[Any] = []
    has_next = False
    number = page_number(request.GET.get("page"))
    bucket = None
    if chosen is not None:
        start = (number - 1) * DRILL_PAGE_SIZE
        fetched = list(qs[start : start + DRILL_PAGE_SIZE + 1])
        has_next = len(fetched) > DRILL_PAGE_SIZE
        as_of = chosen["as_of"]
        rows = [(i, selectors.days_past_due(i, as_of)) for i in fetched[:DRILL_PAGE_SIZE]]
        bucket = selectors.bucket_for(chosen["bucket"], as_of)
    return render(
        request,
        "receivables/aging_instalments.html",
        {
            "form": form,
            "chosen": chosen,
            "bucket": bucket,
            "rows": rows,
            "has_next": has_next,
            "number": number,
            "query": request.GET.urlencode(),
            "back_query": _filter_query(chosen) if chosen else "",
        },
    )


@require_right(RIGHT)
def aging_instalments_export(request: HttpRequest) -> HttpResponse:
    _form, chosen, qs = _drill(request)
    as_of = chosen["as_of"] if chosen else timezone.localdate()
    rows = qs[:EXPORT_MAX_ROWS] if qs is not None else []
    return xlsx_response(
        filename=f"aging-instalments-{as_of.isoformat()}.xlsx",
        sheet_title=_("Aging instalments"),
        columns=[
            (_("customer"), "customer__name"),
            (_("contract"), lambda i: i.contract.number if i.contract_id else ""),
            (_("sales order"), lambda i: i.order.number if i.order_id else ""),
            (_("instalment"), "label"),
            (_("owner"), lambda i: str(i.owner)),
            (_("department"), "department__name"),
            (_("due date"), "due_date"),
            (_("days past due"), lambda i: selectors.days_past_due(i, as_of)),
            (_("amount"), "amount"),
            (_("collected"), "collected"),
            (_("written off"), "written_off"),
            (_("outstanding"), "outstanding_amount"),
        ],
        rows=rows,
        actor=request.user,
        request=request,
        what="receivables.aging_instalments",
    )
