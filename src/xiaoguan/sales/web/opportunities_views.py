"""Opportunity pages (R-CUS-8): list with filters, sorting and export; detail with the stage
history; entry and edit; stage moves; the pipeline board and the weighted pipeline report.
Thin: selectors read (scoped), services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.history import history_rows
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.core.web.listing import filters_and_sort, sort_columns
from xiaoguan.core.xlsx import xlsx_response
from xiaoguan.org import selectors as org_selectors
from xiaoguan.sales.enums import CLOSED_STAGES, OPEN_STAGES, LostReason, Stage
from xiaoguan.sales.models import Opportunity
from xiaoguan.sales.selectors import opportunities as selectors
from xiaoguan.sales.services import opportunities as services
from xiaoguan.sales.web.opportunities_forms import (
    OpportunityFilterForm,
    OpportunityForm,
    StageMoveForm,
)

PAGE_SIZE = 25
SORT_COLUMNS = ("number", "amount", "close", "stage", "created")


def _opportunity(request: HttpRequest, opportunity_id: int) -> Opportunity:
    try:
        return selectors.opportunity_get(user=request.user, opportunity_id=opportunity_id)
    except Opportunity.DoesNotExist:
        raise Http404 from None


def _filters(request: HttpRequest) -> tuple[dict[str, Any], str, OpportunityFilterForm]:
    form = OpportunityFilterForm(
        request.GET or None,
        owners=org_selectors.employee_choices(user=request.user),
        teams=selectors.team_choices(user=request.user),
    )
    filters, sort = filters_and_sort(
        form,
        filter_keys=selectors.FILTER_KEYS,
        sorts=selectors.SORTS,
        default_sort=selectors.DEFAULT_SORT,
    )
    return filters, sort, form


@require_right("sales.opportunities_view")
def opportunity_list(request: HttpRequest) -> HttpResponse:
    filters, sort, form = _filters(request)
    qs = selectors.opportunity_list(user=request.user, filters=filters, sort=sort)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    columns = sort_columns(sort, SORT_COLUMNS)
    return render(
        request,
        "sales/opportunity_list.html",
        {
            "page": page,
            "columns": columns,
            "sort": sort,
            "filter_form": form,
            "can_edit": request.user.has_right("sales.opportunities_edit"),
        },
    )


@require_right("sales.opportunities_view")
def opportunity_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as xlsx: exactly the rows the list shows, all pages."""
    filters, sort, _form = _filters(request)
    qs = selectors.opportunity_list(user=request.user, filters=filters, sort=sort)
    return xlsx_response(
        filename="opportunities.xlsx",
        sheet_title=_("Opportunities"),
        columns=[
            (_("number"), "number"),
            (_("opportunity name"), "name"),
            (_("customer"), "customer__name"),
            (_("stage"), "get_stage_display"),
            (_("expected amount"), "amount"),
            (_("probability (%)"), "probability"),
            (
                _("weighted amount"),
                lambda o: (o.amount * o.probability / 100).quantize(selectors.CENT),
            ),
            (_("expected close"), "expected_close"),
            (_("reason lost"), "get_lost_reason_display"),
            (_("owner"), lambda o: str(o.owner)),
            (_("department"), "department__name"),
            (_("created"), "created_at"),
        ],
        rows=qs,
        actor=request.user,
        request=request,
        what="sales.opportunities",
    )


@require_right("sales.opportunities_view")
def opportunity_detail(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opp = _opportunity(request, opportunity_id)
    can_edit = request.user.has_right("sales.opportunities_edit")
    return render(
        request,
        "sales/opportunity_detail.html",
        {
            "opp": opp,
            "stage_changes": selectors.opportunity_stage_changes(opportunity=opp),
            "history": history_rows(opp),
            "can_edit": can_edit,
            "is_closed": opp.stage in CLOSED_STAGES,
            "move_targets": [
                s for s in (OPEN_STAGES if opp.stage in CLOSED_STAGES else Stage) if s != opp.stage
            ],
            "lost_reasons": LostReason.choices,
            "weighted": (opp.amount * opp.probability / 100).quantize(selectors.CENT),
        },
    )


def _customers(request: HttpRequest):
    return selectors.opportunity_customers(user=request.user)


@require_right("sales.opportunities_edit")
def opportunity_create(request: HttpRequest) -> HttpResponse:
    customers = _customers(request)
    preset = request.GET.get("customer")
    initial: dict[str, Any] = {}
    customer = None
    if preset and preset.isdigit():
        customer = customers.filter(pk=int(preset)).first()
        if customer is None:
            raise Http404
        customers = customers.filter(pk=customer.pk)
        initial["customer"] = customer.pk
    form = OpportunityForm(request.POST or None, customers=customers, initial=initial)
    if customer is not None:
        # entered from the customer's page: the customer is given (named in the title)
        form.fields["customer"].widget = forms.HiddenInput()
    if request.method == "POST" and form.is_valid():
        try:
            opp = services.opportunity_create(actor=request.user, data=form.to_data())
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Opportunity created."))
            return redirect("sales:opportunity_detail", opportunity_id=opp.pk)
    return render(
        request,
        "sales/opportunity_form.html",
        {"form": form, "opp": None, "customer": customer},
    )


@require_right("sales.opportunities_edit")
def opportunity_edit(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opp = _opportunity(request, opportunity_id)
    form = OpportunityForm(request.POST or None, customers=None, opportunity=opp)
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_update(
                actor=request.user,
                opportunity=opp,
                data=form.to_data(),
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Opportunity saved."))
            return redirect("sales:opportunity_detail", opportunity_id=opp.pk)
    return render(
        request,
        "sales/opportunity_form.html",
        {"form": form, "opp": opp, "customer": opp.customer},
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_right("sales.opportunities_edit")
@require_POST
def opportunity_move(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    """Move the stage (from the detail page's form or the pipeline board's drag and drop);
    the board asks for JSON and gets the new stage or the refusal's message."""
    opp = _opportunity(request, opportunity_id)
    form = StageMoveForm(request.POST)
    if not form.is_valid():
        message = _("This stage change is not possible.")
        if _wants_json(request):
            return JsonResponse({"code": "invalid", "message": message}, status=422)
        messages.error(request, message)
        return redirect("sales:opportunity_detail", opportunity_id=opp.pk)
    d = form.cleaned_data
    try:
        opp = services.opportunity_move(
            actor=request.user,
            opportunity=opp,
            stage=d["stage"],
            note=d.get("note") or "",
            lost_reason=d.get("lost_reason") or "",
            expected_version=d.get("version"),
        )
    except ApplicationError as exc:
        if _wants_json(request):
            return JsonResponse(exc.as_dict(), status=exc.status)
        messages.error(request, str(exc.message))
        for msgs in exc.fields.values():
            if str(msgs) != str(exc.message):
                messages.error(request, str(msgs))
        return redirect("sales:opportunity_detail", opportunity_id=opp.pk)
    if _wants_json(request):
        return JsonResponse(
            {
                "id": opp.pk,
                "stage": opp.stage,
                "probability": opp.probability,
                "version": opp.version,
            }
        )
    messages.success(request, _("Stage changed."))
    return redirect("sales:opportunity_detail", opportunity_id=opp.pk)


@require_right("sales.opportunities_view")
def pipeline(request: HttpRequest) -> HttpResponse:
    filters, _sort, form = _filters(request)
    filters = {k: v for k, v in filters.items() if k in ("owner", "team", "q", "customer")}
    columns = selectors.pipeline_board(user=request.user, filters=filters)
    return render(
        request,
        "sales/pipeline_board.html",
        {
            "open_columns": [c for c in columns if c.stage in OPEN_STAGES],
            "closed_columns": [c for c in columns if c.stage in CLOSED_STAGES],
            "filter_form": form,
            "can_edit": request.user.has_right("sales.opportunities_edit"),
            "lost_reasons": LostReason.choices,
        },
    )


@require_right("sales.opportunities_view")
def pipeline_report(request: HttpRequest) -> HttpResponse:
    filters, _sort, form = _filters(request)
    group = request.GET.get("group") if request.GET.get("group") == "department" else "owner"
    report = selectors.weighted_pipeline(user=request.user, group=group, filters=filters)
    return render(
        request,
        "sales/pipeline_report.html",
        {"report": report, "filter_form": form, "group": group},
    )
