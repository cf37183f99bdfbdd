"""Bad-debt write-off pages (坏账核销, R-AR-4): the list, a request for an overdue instalment
(sent to approval at once), the detail with its approval and the withdrawal. Thin: selectors
read (scoped), services write; the approval itself is decided in the approvals inbox."""

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
from xiaoguan.receivables.enums import WriteOffStatus
from xiaoguan.receivables.models import Instalment, WriteOff
from xiaoguan.receivables.selectors import overdue as selectors
from xiaoguan.receivables.services import write_offs as services
from xiaoguan.receivables.web.write_off_forms import WriteOffFilterForm, WriteOffForm

PAGE_SIZE = 50
SORT_COLUMNS = ("created", "amount")


def _write_off(request: HttpRequest, write_off_id: int) -> WriteOff:
    try:
        return selectors.write_off_get(user=request.user, write_off_id=write_off_id)
    except WriteOff.DoesNotExist:
        raise Http404 from None


@require_right("receivables.view")
def write_off_list(request: HttpRequest) -> HttpResponse:
    form = WriteOffFilterForm(request.GET)
    filters, sort = filters_and_sort(
        form,
        filter_keys=selectors.WRITE_OFF_FILTER_KEYS,
        sorts=selectors.WRITE_OFF_SORTS,
        default_sort=selectors.WRITE_OFF_DEFAULT_SORT,
    )
    qs = selectors.write_off_list(user=request.user, filters=filters, sort=sort)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "receivables/write_off_list.html",
        {
            "page": page,
            "filter_form": form,
            "sort": sort,
            "columns": sort_columns(sort, SORT_COLUMNS),
        },
    )


@require_right("receivables.manage")
def write_off_create(request: HttpRequest) -> HttpResponse:
    """Request a write-off of ``?instalment=<id>`` (from the overdue list)."""
    raw = request.POST.get("instalment") or request.GET.get("instalment") or ""
    if not raw.isdigit():
        messages.info(request, _("Choose an overdue instalment to write off."))
        return redirect("receivables:overdue_list")
    try:
        instalment = selectors.instalment_get(user=request.user, instalment_id=int(raw))
    except Instalment.DoesNotExist:
        raise Http404 from None
    form = WriteOffForm(request.POST or None, initial={"amount": instalment.outstanding})
    if request.method == "POST" and form.is_valid():
        try:
            write_off = services.write_off_request(
                actor=request.user,
                instalment_id=instalment.pk,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            try:
                services.write_off_submit(actor=request.user, write_off_id=write_off.pk)
            except ApplicationError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(
                    request,
                    _("Write-off %(number)s sent for approval.") % {"number": write_off.number},
                )
            return redirect("receivables:write_off_detail", write_off_id=write_off.pk)
    return render(
        request,
        "receivables/write_off_form.html",
        {"instalment": instalment, "form": form},
    )


@require_right("receivables.view")
def write_off_detail(request: HttpRequest, write_off_id: int) -> HttpResponse:
    from xiaoguan.approvals.models import ApprovalRequest

    write_off = _write_off(request, write_off_id)
    approval = (
        ApprovalRequest.objects.filter(doc_type=services.DOC_TYPE, object_id=write_off.pk)
        .order_by("-pk")
        .first()
    )
    context: dict[str, Any] = {
        "write_off": write_off,
        "instalment": write_off.instalment,
        "approval": approval,
        "can_manage": request.user.has_right("receivables.manage"),
        "is_draft": write_off.status == WriteOffStatus.DRAFT,
        "can_cancel": write_off.status in services.PENDING,
    }
    return render(request, "receivables/write_off_detail.html", context)


@require_right("receivables.manage")
@require_POST
def write_off_submit(request: HttpRequest, write_off_id: int) -> HttpResponse:
    write_off = _write_off(request, write_off_id)
    try:
        services.write_off_submit(actor=request.user, write_off_id=write_off.pk)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Sent for approval."))
    return redirect("receivables:write_off_detail", write_off_id=write_off.pk)


@require_right("receivables.manage")
@require_POST
def write_off_cancel(request: HttpRequest, write_off_id: int) -> HttpResponse:
    write_off = _write_off(request, write_off_id)
    try:
        services.write_off_cancel(actor=request.user, write_off_id=write_off.pk)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The write-off was withdrawn."))
    return redirect("receivables:write_off_detail", write_off_id=write_off.pk)
