"""Lead pages (R-CUS-4): list (search, filters, sorting, export, bulk assignment), detail with
history, duplicates and actions, create/edit, disqualify, assign, and the referral breaches.
Thin: selectors read (scoped), services write. Conversion is a sales page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.history import history_rows
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.core.web.listing import sort_columns
from xiaoguan.core.xlsx import xlsx_response
from xiaoguan.customers import divisions
from xiaoguan.customers.enums import LEAD_TRANSITIONS, LeadStatus
from xiaoguan.customers.models import Lead
from xiaoguan.customers.selectors import leads as selectors
from xiaoguan.customers.services import leads as services
from xiaoguan.customers.web.leads_forms import (
    AssignForm,
    BulkAssignForm,
    DisqualifyForm,
    LeadFilterForm,
    LeadForm,
)
from xiaoguan.org import selectors as org_selectors

PAGE_SIZE = 25
SORT_COLUMNS = ("name", "status", "created", "assigned")


def _lead(request: HttpRequest, lead_id: int) -> Lead:
    try:
        return selectors.lead_get(user=request.user, lead_id=lead_id)
    except Lead.DoesNotExist:
        raise Http404 from None


def _search(request: HttpRequest) -> tuple[Any, dict[str, Any]]:
    form = LeadFilterForm(
        request.GET or None, owners=org_selectors.employee_choices(user=request.user)
    )
    q, filters, sort = "", {}, selectors.DEFAULT_SORT
    if form.is_valid():
        data = form.cleaned_data
        q = data["q"] or ""
        filters = {k: data.get(k) for k in selectors.FILTER_KEYS if data.get(k)}
        if data["sort"] in selectors.SORTS:
            sort = data["sort"]
    qs = selectors.lead_list(user=request.user, q=q, filters=filters, sort=sort)
    return qs, {"filter_form": form, "q": q, "sort": sort}


def _actions(lead: Lead, user) -> dict[str, bool]:
    can_edit = user.has_right("leads.edit")
    allowed = LEAD_TRANSITIONS.get(lead.status, set())
    return {
        "can_edit": can_edit and lead.status != LeadStatus.CONVERTED,
        "can_contact": can_edit and LeadStatus.CONTACTED in allowed,
        "can_qualify": can_edit and LeadStatus.QUALIFIED in allowed,
        "can_disqualify": can_edit and LeadStatus.DISQUALIFIED in allowed,
        "can_reopen": can_edit and lead.status == LeadStatus.DISQUALIFIED,
        "can_convert": (
            can_edit and user.has_right("customers.edit") and LeadStatus.CONVERTED in allowed
        ),
        "can_assign": user.has_right("leads.assign") and lead.status != LeadStatus.CONVERTED,
    }


@require_right("leads.view")
def lead_list(request: HttpRequest) -> HttpResponse:
    qs, chosen = _search(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    sort = chosen["sort"]
    columns = sort_columns(sort, SORT_COLUMNS)
    can_assign = request.user.has_right("leads.assign")
    return render(
        request,
        "customers/lead_list.html",
        {
            "page": page,
            "columns": columns,
            "can_edit": request.user.has_right("leads.edit"),
            "can_assign": can_assign,
            "assignees": selectors.assignable_users(user=request.user) if can_assign else [],
            **chosen,
        },
    )


@require_right("leads.view")
def lead_export(request: HttpRequest) -> HttpResponse:
    """The filtered lead list as xlsx: exactly the rows the list shows, all pages."""
    qs, _chosen = _search(request)
    return xlsx_response(
        filename="leads.xlsx",
        sheet_title=_("Leads"),
        columns=[
            (_("company or person"), "name"),
            (_("contact"), "contact_name"),
            (_("phone"), "phone"),
            (_("e-mail"), "email"),
            (
                _("address"),
                lambda x: divisions.full_address(x.province, x.city, x.district, x.street),
            ),
            (_("industry"), "get_industry_display"),
            (_("source channel"), "get_source_display"),
            (_("referrer"), "referrer"),
            (_("demand"), "demand"),
            (_("status"), "get_status_display"),
            (_("reason"), "get_disqualify_reason_display"),
            (_("owner"), lambda x: str(x.owner)),
            (_("department"), "department__name"),
            (_("assigned"), "assigned_at"),
            (_("first contacted"), "first_contacted_at"),
            (_("customer"), lambda x: x.converted_customer.name if x.converted_customer else ""),
            (_("created"), "created_at"),
        ],
        rows=qs,
        actor=request.user,
        request=request,
        what="customers.leads",
    )


@require_right("leads.view")
def lead_detail(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = _lead(request, lead_id)
    duplicates = None
    if lead.status != LeadStatus.CONVERTED:
        duplicates = selectors.lead_duplicates(
            user=request.user, name=lead.name, phone=lead.phone, exclude_pk=lead.pk
        )
    return render(
        request,
        "customers/lead_detail.html",
        {
            "lead": lead,
            "address": divisions.full_address(lead.province, lead.city, lead.district, lead.street),
            "deadline": selectors.followup_deadline(lead),
            "duplicates": duplicates,
            "history": history_rows(lead),
            "disqualify_form": DisqualifyForm(),
            **_actions(lead, request.user),
        },
    )


@require_right("leads.edit")
def lead_create(request: HttpRequest) -> HttpResponse:
    form = LeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lead = services.lead_create(actor=request.user, data=form.to_data())
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Lead created."))
            return redirect("customers:lead_detail", lead_id=lead.pk)
    return render(request, "customers/lead_form.html", {"form": form, "lead": None})


@require_right("leads.edit")
def lead_edit(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = _lead(request, lead_id)
    form = LeadForm(request.POST or None, lead=lead)
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_update(lead=lead, actor=request.user, data=form.to_data())
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Lead saved."))
            return redirect("customers:lead_detail", lead_id=lead.pk)
    return render(request, "customers/lead_form.html", {"form": form, "lead": lead})


def _step(request: HttpRequest, lead_id: int, action, done: str) -> HttpResponse:
    lead = _lead(request, lead_id)
    try:
        action(lead=lead, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return redirect("customers:lead_detail", lead_id=lead.pk)


@require_right("leads.edit")
@require_POST
def lead_contacted(request: HttpRequest, lead_id: int) -> HttpResponse:
    return _step(request, lead_id, services.lead_mark_contacted, _("Marked as contacted."))


@require_right("leads.edit")
@require_POST
def lead_qualify(request: HttpRequest, lead_id: int) -> HttpResponse:
    return _step(request, lead_id, services.lead_qualify, _("Lead qualified."))


@require_right("leads.edit")
@require_POST
def lead_reopen(request: HttpRequest, lead_id: int) -> HttpResponse:
    return _step(request, lead_id, services.lead_reopen, _("Lead reopened."))


@require_right("leads.edit")
def lead_disqualify(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = _lead(request, lead_id)
    form = DisqualifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_disqualify(
                lead=lead,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Lead disqualified."))
            return redirect("customers:lead_detail", lead_id=lead.pk)
    return render(request, "customers/lead_disqualify.html", {"form": form, "lead": lead})


@require_right("leads.assign")
def lead_assign(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = _lead(request, lead_id)
    form = AssignForm(request.POST or None, users=selectors.assignable_users(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_assign(
                leads=[lead], actor=request.user, to_user=form.cleaned_data["owner"]
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Lead assigned."))
            return redirect("customers:lead_detail", lead_id=lead.pk)
    return render(request, "customers/lead_assign.html", {"form": form, "lead": lead})


@require_right("leads.assign")
@require_POST
def lead_bulk_assign(request: HttpRequest) -> HttpResponse:
    """Assign the leads ticked on the list to one rep (all or none)."""
    form = BulkAssignForm(request.POST, users=selectors.assignable_users(user=request.user))
    back = request.POST.get("next") or ""
    target = back if back.startswith("?") else ""
    if not form.is_valid():
        messages.error(request, _("Choose the leads and the employee to assign them to."))
        return redirect(f"{_list_url()}{target}")
    ids = form.cleaned_data["lead"]
    leads = list(selectors.lead_list(user=request.user).filter(pk__in=ids))
    try:
        if len(leads) != len(set(ids)):
            raise services.LeadInvalid(_("Some of the chosen leads are not yours to assign."))
        moved = services.lead_assign(
            leads=leads, actor=request.user, to_user=form.cleaned_data["owner"]
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            ngettext("%(n)d lead assigned.", "%(n)d leads assigned.", len(moved))
            % {"n": len(moved)},
        )
    return redirect(f"{_list_url()}{target}")


def _list_url() -> str:
    from django.urls import reverse

    return reverse("customers:lead_list")


@require_right("leads.assign")
def lead_breaches(request: HttpRequest) -> HttpResponse:
    """Referral leads in the manager's scope not contacted within the policy's hours."""
    kind = request.GET.get("kind") or "open"
    if kind not in selectors.BREACH_KINDS:
        kind = "open"
    qs = selectors.referral_breaches(user=request.user, kind=kind)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/lead_breaches.html",
        {"page": page, "kind": kind, "hours": selectors.referral_hours()},
    )
