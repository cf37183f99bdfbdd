"""Credit control pages (R-ORD-2, R-RSK-1): the credit holds of orders in scope, and the
request to finance to release one (through the approvals engine). Thin: selectors read
(scoped), services write."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.orders.enums import CreditHoldStatus
from xiaoguan.orders.errors import CreditHoldNotFound
from xiaoguan.orders.selectors import credit as selectors
from xiaoguan.orders.services import credit as services
from xiaoguan.orders.web.orders_forms import ReleaseForm

PAGE_SIZE = 25


@require_right("orders.credit")
def credit_hold_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "blocking")
    qs = selectors.credit_hold_list(user=request.user, status=status or None)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/credit_hold_list.html",
        {
            "page": page,
            "status": status,
            "statuses": [("blocking", _("Still blocking")), *CreditHoldStatus.choices],
            "reason_labels": selectors.reason_labels(),
        },
    )


@require_right("orders.credit")
def credit_hold_release(request: HttpRequest, hold_id: int) -> HttpResponse:
    """Ask finance to release a hold, saying why."""
    try:
        hold = selectors.credit_hold_get(user=request.user, hold_id=hold_id)
    except CreditHoldNotFound:
        raise Http404 from None
    form = ReleaseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.credit_hold_request_release(
                    actor=request.user, hold=hold, reason=form.cleaned_data["reason"]
                )
            except ApplicationError as exc:
                form_apply_error(form, exc)
            else:
                messages.success(request, _("Release requested; finance decides."))
                return redirect("orders:order_detail", order_id=hold.order_id)
        status = 422
    return render(
        request,
        "orders/credit_hold_release.html",
        {"hold": hold, "form": form, "reason_labels": selectors.reason_labels()},
        status=status,
    )
