"""Invoice record pages (开票记录, R-AR-7): the list (filtered by contract, status, type,
dates; xlsx export), the request, the detail with finance's issue / cancel / void. Thin:
selectors read (scoped), services write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.core.web.listing import filters_and_sort, sort_columns
from xiaoguan.core.xlsx import xlsx_response
from xiaoguan.receivables.enums import InvoiceStatus
from xiaoguan.receivables.models import InvoiceRecord
from xiaoguan.receivables.selectors import invoices as selectors
from xiaoguan.receivables.services import invoices as services
from xiaoguan.receivables.web.invoice_forms import (
    InvoiceFilterForm,
    InvoiceIssueForm,
    InvoiceReasonForm,
    InvoiceRequestForm,
)

PAGE_SIZE = 50
SORT_COLUMNS = ("created", "amount", "issued")
CONTRACT_CHOICES = 300


def _invoice(request: HttpRequest, invoice_id: int) -> InvoiceRecord:
    try:
        return selectors.invoice_get(user=request.user, invoice_id=invoice_id)
    except InvoiceRecord.DoesNotExist:
        raise Http404 from None


def _search(request: HttpRequest) -> tuple[Any, dict[str, Any]]:
    form = InvoiceFilterForm(request.GET)
    filters, sort = filters_and_sort(
        form,
        filter_keys=selectors.FILTER_KEYS,
        sorts=selectors.SORTS,
        default_sort=selectors.DEFAULT_SORT,
    )
    qs = selectors.invoice_list(user=request.user, filters=filters, sort=sort)
    return qs, {"filter_form": form, "filters": filters, "sort": sort}


@require_right("receivables.view")
def invoice_list(request: HttpRequest) -> HttpResponse:
    qs, chosen = _search(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "receivables/invoice_list.html",
        {
            "page": page,
            "columns": sort_columns(chosen["sort"], SORT_COLUMNS),
            "query": request.GET.urlencode(),
            "can_request": request.user.has_right("receivables.invoice_request"),
            **chosen,
        },
    )


@require_right("receivables.view")
def invoice_export(request: HttpRequest) -> HttpResponse:
    qs, _chosen = _search(request)
    return xlsx_response(
        filename="invoices.xlsx",
        sheet_title=_("Invoices"),
        columns=[
            (_("request number"), "number"),
            (_("contract"), "contract__number"),
            (_("customer"), "customer__name"),
            (_("invoice type"), "get_kind_display"),
            (_("amount incl. tax"), "amount"),
            (_("tax rate (%)"), "tax_rate"),
            (_("status"), "get_status_display"),
            (_("invoice number"), "invoice_no"),
            (_("issued on"), "issued_on"),
            (_("requested by"), lambda i: str(i.requested_by)),
            (_("note"), "note"),
            (_("reason for voiding"), "void_reason"),
        ],
        rows=qs,
        actor=request.user,
        request=request,
        what="receivables.invoices",
    )


@require_right("receivables.invoice_request")
def invoice_create(request: HttpRequest) -> HttpResponse:
    contracts = list(selectors.invoiceable_contracts(user=request.user)[:CONTRACT_CHOICES])
    initial: dict[str, Any] = {"tax_rate": "13"}
    raw = request.GET.get("contract", "")
    if raw.isdigit():
        initial["contract_id"] = int(raw)
    form = InvoiceRequestForm(request.POST or None, contracts=contracts, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invoice = services.invoice_request(
                actor=request.user,
                contract_id=data["contract_id"],
                kind=data["kind"],
                amount=data["amount"],
                tax_rate=data["tax_rate"],
                note=data.get("note", ""),
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(
                request,
                _("Invoice request %(number)s sent to finance.") % {"number": invoice.number},
            )
            return redirect("receivables:invoice_detail", invoice_id=invoice.pk)
    return render(request, "receivables/invoice_form.html", {"form": form})


@require_right("receivables.view")
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    user = request.user
    manage = user.has_right("receivables.manage")
    requested = invoice.status == InvoiceStatus.REQUESTED
    return render(
        request,
        "receivables/invoice_detail.html",
        {
            "invoice": invoice,
            "issue_form": InvoiceIssueForm() if manage and requested else None,
            "can_cancel": requested and (manage or invoice.requested_by_id == user.pk),
            "can_void": manage and invoice.status == InvoiceStatus.ISSUED,
            "reason_form": InvoiceReasonForm(),
        },
    )


@require_right("receivables.manage")
def invoice_issue(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    form = InvoiceIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invoice_issue(
                actor=request.user,
                invoice_id=invoice.pk,
                invoice_no=form.cleaned_data["invoice_no"],
                issued_on=form.cleaned_data["issued_on"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The invoice is recorded as issued."))
            return redirect("receivables:invoice_detail", invoice_id=invoice.pk)
    return render(request, "receivables/invoice_issue.html", {"invoice": invoice, "form": form})


def _reason_action(request: HttpRequest, invoice_id: int, action: Any, done: str) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    form = InvoiceReasonForm(request.POST)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    try:
        action(actor=request.user, invoice_id=invoice.pk, reason=reason)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return redirect("receivables:invoice_detail", invoice_id=invoice.pk)


@require_right("receivables.invoice_request")
@require_POST
def invoice_cancel(request: HttpRequest, invoice_id: int) -> HttpResponse:
    return _reason_action(
        request, invoice_id, services.invoice_cancel, _("The request was cancelled.")
    )


@require_right("receivables.manage")
@require_POST
def invoice_void(request: HttpRequest, invoice_id: int) -> HttpResponse:
    return _reason_action(request, invoice_id, services.invoice_void, _("The invoice was voided."))
