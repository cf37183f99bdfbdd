"""Pages of classification, visit frequency, credit file and customer care (R-CUS-3, R-CUS-9,
R-CUS-10): the customer-page sections, the override/grade/credit forms, the visits-due list
with its export, the care page and the scoring-rule page with "recompute all". Thin:
selectors read (scoped), services write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.core import policy
from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.core.web.listing import sort_columns
from xiaoguan.core.xlsx import xlsx_response
from xiaoguan.customers import selectors
from xiaoguan.customers.models import Customer
from xiaoguan.customers.selectors import classification as sel
from xiaoguan.customers.services import classification as class_services
from xiaoguan.customers.services import credit as credit_services
from xiaoguan.customers.web.classification_forms import (
    ClassOverrideForm,
    CreditForm,
    CreditNoteForm,
    GradeForm,
    VisitsDueFilterForm,
)
from xiaoguan.org import selectors as org_selectors

PAGE_SIZE = 25
NOTES_SHOWN = 5


def _customer(request: HttpRequest, customer_id: int) -> Customer:
    try:
        return selectors.customer_get(user=request.user, customer_id=customer_id)
    except Customer.DoesNotExist:
        raise Http404 from None


def _can_note(user: Any) -> bool:
    return user.has_right("customers.edit") or user.has_right("customers.credit")


# --- customer page sections ------------------------------------------------------------


def class_section_context(customer: Customer, user: Any) -> dict[str, Any]:
    can_classify = user.has_right("customers.classify")
    days = sel.visit_days()
    return {
        "breakdown": sel.breakdown_rows(customer),
        "overridden": customer.class_overridden_by_id is not None,
        "can_classify": can_classify,
        "override_form": ClassOverrideForm(
            initial={"customer_class": customer.class_proposed or customer.customer_class},
            auto_id="id_override_%s",
        )
        if can_classify
        else None,
        "grade_form": GradeForm(initial={"grade": customer.grade}, auto_id="id_grade_%s")
        if can_classify
        else None,
        "visit_days": days.get(customer.grade),
    }


def credit_section_context(customer: Customer, user: Any) -> dict[str, Any]:
    return {
        "poor_credit": sel.is_poor_credit(customer),
        "credit_notes": sel.credit_notes(customer=customer, limit=NOTES_SHOWN),
        "can_credit": user.has_right("customers.credit"),
        "can_note": _can_note(user),
    }


# --- classification actions -------------------------------------------------------------


@require_right("customers.classify")
@require_POST
def class_override(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    form = ClassOverrideForm(request.POST, auto_id="id_override_%s")
    if form.is_valid():
        try:
            class_services.class_override(
                customer=customer,
                actor=request.user,
                customer_class=form.cleaned_data["customer_class"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Class overridden."))
            return redirect("customers:detail", customer_id=customer.pk)
    return render(
        request,
        "customers/classification_override.html",
        {"customer": customer, "form": form},
        status=422,
    )


@require_right("customers.classify")
@require_POST
def class_override_clear(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    class_services.class_override_clear(customer=customer, actor=request.user)
    messages.success(request, _("The class follows the scoring rule again."))
    return redirect("customers:detail", customer_id=customer.pk)


@require_right("customers.classify")
@require_POST
def grade_set(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    form = GradeForm(request.POST)
    if form.is_valid():
        class_services.grade_set(
            customer=customer, actor=request.user, grade=form.cleaned_data["grade"]
        )
        messages.success(request, _("Grade saved."))
    else:
        messages.error(request, _("Not one of the allowed values."))
    return redirect("customers:detail", customer_id=customer.pk)


@require_right("customers.view")
def classification_rule(request: HttpRequest) -> HttpResponse:
    """The scoring rule in force (read from the policy) and, for management, "recompute all"."""
    rule = class_services.scoring_rule()
    keys = [r.key for r in policy.rules() if r.key.startswith("customers.class_")]
    return render(
        request,
        "customers/classification_rule.html",
        {
            "rule": rule,
            "rules": [policy.rule(k) for k in keys],
            "values": {k: policy.value(k) for k in keys},
            "visit_days": sel.visit_days(),
            "can_recompute": request.user.has_right("policy.manage"),
        },
    )


@require_right("policy.manage")
@require_POST
def classification_recompute(request: HttpRequest) -> HttpResponse:
    count = class_services.recompute_all(actor=request.user)
    messages.success(request, _("%(n)s customers re-scored.") % {"n": count})
    return redirect("customers:classification_rule")


# --- credit file ----------------------------------------------------------------------


@require_right("customers.credit")
def credit_edit(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    form = CreditForm(
        request.POST or None,
        initial={"credit_rating": customer.credit_rating, "credit_limit": customer.credit_limit},
    )
    if request.method == "POST" and form.is_valid():
        try:
            credit_services.credit_set(
                customer=customer,
                actor=request.user,
                rating=form.cleaned_data["credit_rating"],
                limit=form.cleaned_data["credit_limit"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Credit file saved."))
            return redirect("customers:detail", customer_id=customer.pk)
    return render(
        request,
        "customers/credit_form.html",
        {"customer": customer, "form": form, "title": _("Credit rating and limit")},
        status=422 if form.errors else 200,
    )


@require_right("customers.view")
def credit_note_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    if not _can_note(request.user):
        raise PermissionDenied
    form = CreditNoteForm(request.POST or None, initial={"investigated_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            credit_services.credit_note_add(
                customer=customer,
                actor=request.user,
                content=form.cleaned_data["content"],
                investigated_on=form.cleaned_data["investigated_on"],
                rating=form.cleaned_data["rating"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Investigation note added."))
            return redirect("customers:detail", customer_id=customer.pk)
    return render(
        request,
        "customers/credit_form.html",
        {"customer": customer, "form": form, "title": _("Credit investigation")},
        status=422 if form.errors else 200,
    )


@require_right("customers.view")
def credit_notes(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    page = Paginator(sel.credit_notes(customer=customer), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "customers/credit_notes.html",
        {"customer": customer, "page": page, "can_note": _can_note(request.user)},
    )


# --- visits due -----------------------------------------------------------------------


def _visits_due(request: HttpRequest):
    owners = [(u.pk, str(u)) for u in org_selectors.employee_choices(user=request.user)]
    form = VisitsDueFilterForm(request.GET or None, owners=owners)
    owner, grade, sort = None, "", sel.DEFAULT_VISIT_SORT
    if form.is_valid():
        owner = form.cleaned_data["owner"]
        grade = form.cleaned_data["grade"] or ""
        if form.cleaned_data["sort"] in sel.VISIT_SORTS:
            sort = form.cleaned_data["sort"]
    qs = sel.visits_due(user=request.user, owner=owner, grade=grade, sort=sort)
    return qs, {"filter_form": form, "sort": sort, "owners": owners}


@require_right("customers.view")
def visits_due(request: HttpRequest) -> HttpResponse:
    qs, chosen = _visits_due(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [{"customer": c, "days": sel.days_overdue(c, now)} for c in page]
    sort = chosen["sort"]
    columns = sort_columns(sort, ("due", "name", "grade"))
    return render(
        request,
        "customers/classification_visits_due.html",
        {"page": page, "rows": rows, "columns": columns, "visit_days": sel.visit_days(), **chosen},
    )


@require_right("customers.view")
def visits_due_export(request: HttpRequest) -> HttpResponse:
    qs, _chosen = _visits_due(request)
    now = timezone.now()
    return xlsx_response(
        filename="visits-due.xlsx",
        sheet_title=_("Visits due"),
        columns=[
            (_("customer name"), "name"),
            (_("grade"), "get_grade_display"),
            (_("customer class"), "get_customer_class_display"),
            (_("owner"), lambda c: str(c.owner)),
            (_("department"), "department__name"),
            (_("last contact"), "last_contact_at"),
            (_("visit due"), "due_at"),
            (_("days overdue"), lambda c: sel.days_overdue(c, now)),
        ],
        rows=qs,
        actor=request.user,
        request=request,
        what="customers.visits_due",
    )


# --- customer care --------------------------------------------------------------------


@require_right("customers.view")
def care(request: HttpRequest) -> HttpResponse:
    birthdays = sel.birthdays_upcoming(user=request.user, days=30)
    page = Paginator(birthdays, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    from datetime import timedelta

    from xiaoguan.customers import care as care_data

    codes = [c.strip() for c in str(policy.value("customers.care_holidays")).split(",")]
    holidays = [
        {"label": care_data.HOLIDAYS[code]["label"], "on": day, "in_days": (day - today).days}
        for code, day in care_data.holidays_between(
            [c for c in codes if c], today, today + timedelta(days=60)
        )
    ]
    return render(
        request,
        "customers/classification_care.html",
        {"page": page, "holidays": holidays},
    )
