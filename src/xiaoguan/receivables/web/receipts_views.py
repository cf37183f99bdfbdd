"""Receipt pages (R-AR-2): the list (scope, filters, sort, xlsx export), recording a receipt,
its detail with the allocations, allocation by hand or oldest first, reversal, and the use of
a customer's credit. Finance (``receivables.manage``) records; reps see their own in scope.
Thin: selectors read (scoped), services decide."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.core.web.listing import filters_and_sort, sort_columns
from xiaoguan.core.xlsx import xlsx_response
from xiaoguan.customers.models import Customer
from xiaoguan.org.scope import visible
from xiaoguan.receivables.enums import ReceiptStatus
from xiaoguan.receivables.selectors import receipts as selectors
from xiaoguan.receivables.services import receipts as services
from xiaoguan.receivables.web.receipts_forms import (
    AllocateForm,
    ReceiptFilterForm,
    ReceiptForm,
    ReverseForm,
)

PAGE_SIZE = 25
EXPORT_MAX_ROWS = 50_000
SORT_COLUMNS = ("received", "amount", "number", "customer")


def search(request: HttpRequest) -> tuple[Any, dict[str, Any]]:
    form = ReceiptFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    sort = selectors.RECEIPT_DEFAULT_SORT
    if form.is_bound:
        filters, sort = filters_and_sort(
            form,
            filter_keys=selectors.RECEIPT_FILTERS,
            sorts=selectors.RECEIPT_SORTS,
            default_sort=selectors.RECEIPT_DEFAULT_SORT,
        )
    qs = selectors.receipt_list(user=request.user, filters=filters, sort=sort)
    return qs, {"filter_form": form, "filters": filters, "sort": sort}


@require_right("receivables.view")
def receipt_list(request: HttpRequest) -> HttpResponse:
    qs, chosen = search(request)
    totals = selectors.receipt_totals(qs)
    paginator = Paginator(qs, PAGE_SIZE)
    paginator.count = totals["count"]  # type: ignore[misc]  # one aggregate, not two counts
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "receivables/receipt_list.html",
        {
            "page": page,
            "totals": totals,
            "columns": sort_columns(chosen["sort"], SORT_COLUMNS),
            "query": request.GET.urlencode(),
            "can_manage": request.user.has_right("receivables.manage"),
            **chosen,
        },
    )


@require_right("receivables.view")
def receipt_export(request: HttpRequest) -> HttpResponse:
    """The filtered receipts as xlsx (audited)."""
    qs, _chosen = search(request)
    if qs.order_by().values("pk")[: EXPORT_MAX_ROWS + 1].count() > EXPORT_MAX_ROWS:
        messages.error(
            request,
            _("More than %(n)s receipts match: narrow the filter to export them.")
            % {"n": f"{EXPORT_MAX_ROWS:,}"},
        )
        return redirect("receivables:receipt_list")
    return xlsx_response(
        filename="receipts.xlsx",
        sheet_title=_("Receipts"),
        columns=[
            (_("receipt number"), "number"),
            (_("received on"), "received_on"),
            (_("customer"), "customer__name"),
            (_("for contract"), lambda r: r.contract.number if r.contract_id else ""),
            (_("method"), "get_method_display"),
            (_("amount"), "amount"),
            (_("allocated"), "allocated"),
            (_("unallocated"), "unallocated"),
            (_("status"), "get_status_display"),
            (_("payer"), "payer"),
            (_("bank reference / cheque number"), "reference"),
            (_("bill number"), "bill_no"),
            (_("bill maturity"), "bill_maturity"),
            (_("bill status"), "get_bill_status_display"),
            (_("owner"), lambda r: str(r.owner)),
        ],
        rows=qs,
        actor=request.user,
        request=request,
        what="receivables.receipts",
    )


def _int(value: Any) -> int | None:
    return int(value) if str(value or "").isdigit() else None


@require_right("receivables.manage")
def receipt_create(request: HttpRequest) -> HttpResponse:
    customer_id = _int(request.POST.get("customer") or request.GET.get("customer"))
    customers = selectors.receipt_customers(user=request.user)
    contracts = selectors.receipt_contracts(user=request.user, customer_id=customer_id)
    initial: dict[str, Any] = {"received_on": timezone.localdate(), "allocate": "auto"}
    if customer_id and customers.filter(pk=customer_id).exists():
        initial["customer"] = customer_id
    contract_id = _int(request.GET.get("contract"))
    if contract_id and contracts.filter(pk=contract_id).exists():
        initial["contract"] = contract_id
    form = ReceiptForm(
        request.POST or None, customers=customers, contracts=contracts, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            receipt = services.receipt_record(
                actor=request.user,
                data=services.ReceiptData(
                    customer_id=d["customer"].pk,
                    contract_id=d["contract"].pk if d.get("contract") else None,
                    method=d["method"],
                    amount=d["amount"],
                    received_on=d["received_on"],
                    payer=d.get("payer") or "",
                    reference=d.get("reference") or "",
                    note=d.get("note") or "",
                    bill_no=d.get("bill_no") or "",
                    bill_bank=d.get("bill_bank") or "",
                    bill_maturity=d.get("bill_maturity"),
                ),
                allocate=d["allocate"],
                request=request,
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(
                request,
                _("Receipt %(number)s recorded: %(allocated)s allocated, %(left)s left as credit.")
                % {
                    "number": receipt.number,
                    "allocated": services.money_text(receipt.allocated),
                    "left": services.money_text(receipt.unallocated),
                },
            )
            return redirect("receivables:receipt_detail", receipt_id=receipt.pk)
    return render(request, "receivables/receipt_form.html", {"form": form})


def _receipt(request: HttpRequest, receipt_id: int) -> Any:
    receipt = selectors.receipt_get(user=request.user, receipt_id=receipt_id)
    if receipt is None:
        raise Http404
    return receipt


@require_right("receivables.view")
def receipt_detail(request: HttpRequest, receipt_id: int) -> HttpResponse:
    receipt = _receipt(request, receipt_id)
    can_manage = request.user.has_right("receivables.manage")
    allocatable = can_manage and receipt.status == ReceiptStatus.POSTED and receipt.unallocated > 0
    instalments = (
        selectors.open_instalments_of(user=request.user, customer_id=receipt.customer_id)
        if allocatable
        else []
    )
    return render(
        request,
        "receivables/receipt_detail.html",
        {
            "receipt": receipt,
            "allocations": selectors.receipt_allocations(receipt),
            "can_manage": can_manage,
            "allocatable": allocatable,
            "instalments": instalments,
            "today": timezone.localdate(),
        },
    )


@require_right("receivables.manage")
@require_POST
def receipt_allocate(request: HttpRequest, receipt_id: int) -> HttpResponse:
    receipt = _receipt(request, receipt_id)
    try:
        if request.POST.get("mode") == "auto":
            allocations = None
        else:
            form = AllocateForm(
                request.POST,
                instalments=selectors.open_instalments_of(
                    user=request.user, customer_id=receipt.customer_id
                ),
            )
            form.is_valid()
            allocations = form.allocations()  # type: ignore[assignment]
            if not allocations:
                raise services.ValidationFailed(_("Enter an amount for at least one instalment."))
        before = receipt.allocated
        receipt = services.receipt_allocate(
            actor=request.user, receipt_id=receipt.pk, allocations=allocations
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("%(amount)s allocated.")
            % {"amount": services.money_text(receipt.allocated - before)},
        )
    return redirect("receivables:receipt_detail", receipt_id=receipt.pk)


@require_right("receivables.manage")
def receipt_reverse(request: HttpRequest, receipt_id: int) -> HttpResponse:
    receipt = _receipt(request, receipt_id)
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.receipt_reverse(
                actor=request.user, receipt_id=receipt.pk, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(
                request, _("Receipt %(number)s reversed.") % {"number": receipt.number}
            )
            return redirect("receivables:receipt_detail", receipt_id=receipt.pk)
    return render(request, "receivables/receipt_reverse.html", {"receipt": receipt, "form": form})


@require_right("receivables.manage")
@require_POST
def customer_credit_use(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Allocate the customer's unallocated receipts, oldest first."""
    customer = visible(Customer.objects.all(), request.user).filter(pk=customer_id).first()
    if customer is None:
        raise Http404
    try:
        changed = services.customer_credit_use(actor=request.user, customer_id=customer.pk)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("The credit of %(n)s receipt(s) was allocated.") % {"n": len(changed)},
        )
    return redirect(reverse("customers:detail", args=[customer.pk]))
