"""The bills page (R-AR-2): bills of exchange received as payment, held ones by maturity with
the "maturing within 30 days" flag, and the steps of a bill's life (endorsed, discounted,
matured, dishonoured)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.receivables.enums import BillStatus
from xiaoguan.receivables.selectors import receipts as selectors
from xiaoguan.receivables.services import bills as services
from xiaoguan.receivables.web.bills_forms import BillActionForm, DiscountForm, EndorseForm

MAX_ROWS = 500
ACTIONS: dict[str, Any] = {
    "endorse": (EndorseForm, BillStatus.ENDORSED),
    "discount": (DiscountForm, BillStatus.DISCOUNTED),
    "mature": (BillActionForm, BillStatus.MATURED),
    "dishonour": (BillActionForm, BillStatus.DISHONOURED),
}


@require_right("receivables.view")
def bill_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", BillStatus.HELD)
    if status not in BillStatus.values and status != "all":
        status = BillStatus.HELD
    receipts = list(
        selectors.bill_list(user=request.user, status=None if status == "all" else status)[
            :MAX_ROWS
        ]
    )
    return render(
        request,
        "receivables/bill_list.html",
        {
            "rows": selectors.bill_rows(receipts),
            "status": status,
            "statuses": BillStatus.choices,
            "maturing_days": selectors.MATURING_DAYS,
            "can_manage": request.user.has_right("receivables.manage"),
        },
    )


def _action(request: HttpRequest, receipt_id: int, action: str) -> HttpResponse:
    receipt = selectors.receipt_get(user=request.user, receipt_id=receipt_id)
    if receipt is None or not receipt.bill_status:
        raise Http404
    form_class, _to = ACTIONS[action]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if action == "endorse":
                services.bill_endorse(
                    actor=request.user, receipt_id=receipt.pk, endorsee=d["endorsee"], on=d["on"]
                )
            elif action == "discount":
                services.bill_discount(
                    actor=request.user, receipt_id=receipt.pk, charge=d["charge"], on=d["on"]
                )
            elif action == "mature":
                services.bill_mature(actor=request.user, receipt_id=receipt.pk, on=d["on"])
            else:
                services.bill_dishonour(actor=request.user, receipt_id=receipt.pk, on=d["on"])
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The bill was updated."))
            return redirect("receivables:receipt_detail", receipt_id=receipt.pk)
    return render(
        request,
        "receivables/bill_action.html",
        {"receipt": receipt, "form": form, "action": action, "to": BillStatus(ACTIONS[action][1])},
    )


@require_right("receivables.manage")
def bill_endorse(request: HttpRequest, receipt_id: int) -> HttpResponse:
    return _action(request, receipt_id, "endorse")


@require_right("receivables.manage")
def bill_discount(request: HttpRequest, receipt_id: int) -> HttpResponse:
    return _action(request, receipt_id, "discount")


@require_right("receivables.manage")
def bill_mature(request: HttpRequest, receipt_id: int) -> HttpResponse:
    return _action(request, receipt_id, "mature")


@require_right("receivables.manage")
def bill_dishonour(request: HttpRequest, receipt_id: int) -> HttpResponse:
    return _action(request, receipt_id, "dishonour")
