"""Visit and follow-up pages (R-CUS-6, R-X-7): my and my team's visits with filters and
export, plan, record (on the phone too, with an optional check-in location), cancel;
follow-ups due and overdue, create, mark done. Thin: selectors read (scoped), services write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.activities.models import FollowUp, Visit
from xiaoguan.activities.selectors import visits as selectors
from xiaoguan.activities.services import visits as services
from xiaoguan.activities.web.visits_forms import (
    FollowUpDoneForm,
    FollowUpForm,
    VisitFilterForm,
    VisitPlanForm,
    VisitRecordForm,
)
from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.core.xlsx import xlsx_response
from xiaoguan.customers.models import Customer
from xiaoguan.org import selectors as org_selectors

PAGE_SIZE = 25


def _visit(request: HttpRequest, visit_id: int) -> Visit:
    try:
        return selectors.visit_get(user=request.user, visit_id=visit_id)
    except Visit.DoesNotExist:
        raise Http404 from None


def _followup(request: HttpRequest, followup_id: int) -> FollowUp:
    try:
        return selectors.followup_get(user=request.user, followup_id=followup_id)
    except FollowUp.DoesNotExist:
        raise Http404 from None


def _customer_param(request: HttpRequest) -> Customer | None:
    raw = request.GET.get("customer") or request.POST.get("customer")
    if not raw:
        return None
    try:
        return selectors.customer_for_visit(user=request.user, customer_id=int(raw))
    except (ValueError, Customer.DoesNotExist):
        raise Http404 from None


def _search(request: HttpRequest) -> tuple[Any, dict[str, Any]]:
    form = VisitFilterForm(
        request.GET or None, owners=org_selectors.employee_choices(user=request.user)
    )
    filters: dict[str, Any] = {}
    sort = selectors.DEFAULT_VISIT_SORT
    if form.is_valid():
        data = form.cleaned_data
        filters = {k: data.get(k) for k in selectors.VISIT_FILTER_KEYS if data.get(k)}
        if data["sort"] in selectors.VISIT_SORTS:
            sort = data["sort"]
    qs = selectors.visit_list(user=request.user, filters=filters, sort=sort)
    return qs, {"filter_form": form, "sort": sort, "filters": filters}


@require_right("activities.view")
def visit_list(request: HttpRequest) -> HttpResponse:
    qs, chosen = _search(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    start, end = selectors.week_bounds()
    return render(
        request,
        "activities/visit_list.html",
        {
            "page": page,
            "week_planned": list(
                selectors.visits_planned(user=request.user, start=start, end=end)[:20]
            ),
            "week_start": start,
            "week_end": end,
            "can_edit": request.user.has_right("activities.edit"),
            **chosen,
        },
    )


@require_right("activities.view")
def visit_export(request: HttpRequest) -> HttpResponse:
    """The filtered visit list as xlsx: exactly the rows the list shows, all pages."""
    qs, _chosen = _search(request)
    return xlsx_response(
        filename="visits.xlsx",
        sheet_title=_("Visits"),
        columns=[
            (_("customer"), "customer__name"),
            (_("status"), "get_status_display"),
            (_("kind"), "get_kind_display"),
            (_("planned for"), "planned_for"),
            (_("visited at"), lambda v: timezone.localtime(v.visited_at) if v.visited_at else ""),
            (_("purpose"), "purpose"),
            (_("customer feedback"), "feedback"),
            (_("change in demand"), "demand_change"),
            (_("result"), "get_result_display"),
            (_("next step"), "next_step"),
            (_("owner"), lambda v: str(v.owner)),
            (_("department"), "department__name"),
        ],
        rows=qs,
        actor=request.user,
        request=request,
        what="activities.visits",
    )


@require_right("activities.view")
def visit_detail(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    return render(
        request,
        "activities/visit_detail.html",
        {
            "visit": visit,
            "is_owner": visit.owner_id == request.user.pk
            and request.user.has_right("activities.edit"),
        },
    )


@require_right("activities.edit")
def visit_plan(request: HttpRequest) -> HttpResponse:
    customer = _customer_param(request)
    if customer is None:
        return _choose_customer(request, "activities:visit_plan")
    form = VisitPlanForm(
        request.POST or None, initial={"planned_for": timezone.localdate(), "kind": "onsite"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_plan(actor=request.user, customer=customer, **form.cleaned_data)
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Visit planned."))
            return redirect("activities:visit_detail", visit_id=visit.pk)
    return render(request, "activities/visit_plan.html", {"form": form, "customer": customer})


def _choose_customer(request: HttpRequest, target: str) -> HttpResponse:
    q = (request.GET.get("q") or "")[:100]
    return render(
        request,
        "activities/visit_choose_customer.html",
        {
            "q": q,
            "target": target,
            "customers": selectors.customer_search(user=request.user, q=q),
        },
    )


def _record(request: HttpRequest, *, customer: Customer, visit: Visit | None) -> HttpResponse:
    contacts = list(selectors.customer_contacts(customer=customer))
    initial = {
        "visited_at": timezone.localtime().replace(second=0, microsecond=0),
        "kind": visit.kind if visit else "onsite",
        "purpose": visit.purpose if visit else "",
    }
    form = VisitRecordForm(request.POST or None, contacts=contacts, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_record(
                actor=request.user, data=form.to_data(), customer=customer, visit=visit
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect("activities:visit_detail", visit_id=visit.pk)
    return render(
        request,
        "activities/visit_record.html",
        {"form": form, "customer": customer, "visit": visit},
    )


@require_right("activities.edit")
def visit_record_new(request: HttpRequest) -> HttpResponse:
    """Record an unplanned visit; without a customer, first choose one."""
    customer = _customer_param(request)
    if customer is None:
        return _choose_customer(request, "activities:visit_record_new")
    return _record(request, customer=customer, visit=None)


@require_right("activities.edit")
def visit_record(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Record a planned visit."""
    visit = _visit(request, visit_id)
    if visit.status != "planned" or visit.owner_id != request.user.pk:
        messages.error(request, _("Only your own planned visits can be recorded."))
        return redirect("activities:visit_detail", visit_id=visit.pk)
    return _record(request, customer=visit.customer, visit=visit)


@require_right("activities.edit")
@require_POST
def visit_cancel(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    try:
        services.visit_cancel(actor=request.user, visit=visit)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Visit cancelled."))
    return redirect("activities:visit_detail", visit_id=visit.pk)


# --- follow-ups -----------------------------------------------------------------------------


@require_right("activities.view")
def followup_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state") or "due"
    if state not in selectors.FOLLOWUP_STATES:
        state = "due"
    mine = request.GET.get("mine") == "1"
    qs = selectors.followup_list(user=request.user, state=state, mine=mine)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/visit_followup_list.html",
        {
            "page": page,
            "state": state,
            "mine": mine,
            "today": timezone.localdate(),
            "states": [
                ("due", _("Due and overdue")),
                ("open", _("Open")),
                ("done", _("Done")),
                ("all", _("All")),
            ],
        },
    )


@require_right("activities.edit")
def followup_create(request: HttpRequest) -> HttpResponse:
    customer = _customer_param(request)
    if customer is None:
        return _choose_customer(request, "activities:followup_create")
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.followup_create(actor=request.user, customer=customer, **form.cleaned_data)
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Follow-up created."))
            return redirect("customers:detail", customer_id=customer.pk)
    return render(
        request, "activities/visit_followup_form.html", {"form": form, "customer": customer}
    )


@require_right("activities.edit")
def followup_done(request: HttpRequest, followup_id: int) -> HttpResponse:
    followup = _followup(request, followup_id)
    form = FollowUpDoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.followup_complete(
                actor=request.user, followup=followup, outcome=form.cleaned_data["outcome"]
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Follow-up done."))
            return redirect("activities:followup_list")
    return render(
        request,
        "activities/visit_followup_done.html",
        {"form": form, "followup": followup},
    )
