"""Customer pages (R-CUS-1, R-CUS-2): list with search, filters, sorting and export; detail
with contacts and history; create and edit with the duplicate check. Thin: selectors read
(scoped), services write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.history import history_rows
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.customers import divisions, registries, selectors, services
from xiaoguan.customers.errors import CustomerDuplicate
from xiaoguan.customers.models import Contact, Customer
from xiaoguan.customers.web.forms import ContactForm, CustomerForm

# The list and its export live in list_views (search, filters, saved filters, pagination).
from xiaoguan.customers.web.list_views import customer_export, customer_list  # noqa: F401


def _customer(request: HttpRequest, customer_id: int) -> Customer:
    try:
        return selectors.customer_get(user=request.user, customer_id=customer_id)
    except Customer.DoesNotExist:
        raise Http404 from None


def _contact(request: HttpRequest, contact_id: int) -> Contact:
    try:
        return selectors.contact_get(user=request.user, contact_id=contact_id)
    except Contact.DoesNotExist:
        raise Http404 from None


def _address(customer: Customer) -> str:
    return divisions.full_address(
        customer.province, customer.city, customer.district, customer.street
    )


@require_right("customers.view")
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    sections = [
        {
            "key": s.key,
            "template": s.template,
            "column": s.column,
            **s.context(customer, request.user),
        }
        for s in registries.detail_sections(request.user)
    ]
    return render(
        request,
        "customers/customer_detail.html",
        {
            "customer": customer,
            "main_sections": [s for s in sections if s["column"] == "main"],
            "side_sections": [s for s in sections if s["column"] != "main"],
            "address": _address(customer),
            "contacts": selectors.customer_contacts(customer=customer),
            "history": history_rows(customer),
            "can_edit": request.user.has_right("customers.edit"),
        },
    )


def _duplicates(exc: ApplicationError) -> dict[str, Any]:
    if isinstance(exc, CustomerDuplicate):
        return {
            "duplicate_matches": exc.extra.get("matches", []),
            "duplicate_hidden": exc.extra.get("hidden_count", 0),
            "duplicate_message": str(exc.message),
        }
    return {}


@require_right("customers.edit")
def customer_create(request: HttpRequest) -> HttpResponse:
    form = CustomerForm(request.POST or None)
    extra: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(actor=request.user, data=form.to_data())
        except ApplicationError as exc:
            form_apply_error(form, exc)
            extra = _duplicates(exc)
        else:
            messages.success(request, _("Customer created."))
            return redirect("customers:detail", customer_id=customer.pk)
    return render(
        request, "customers/customer_form.html", {"form": form, "customer": None, **extra}
    )


@require_right("customers.edit")
def customer_edit(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    form = CustomerForm(request.POST or None, customer=customer)
    extra: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(customer=customer, actor=request.user, data=form.to_data())
        except ApplicationError as exc:
            form_apply_error(form, exc)
            extra = _duplicates(exc)
        else:
            messages.success(request, _("Customer saved."))
            return redirect("customers:detail", customer_id=customer.pk)
    return render(
        request, "customers/customer_form.html", {"form": form, "customer": customer, **extra}
    )


@require_right("customers.edit")
@require_POST
def customer_deactivate(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    services.customer_deactivate(customer=customer, actor=request.user)
    messages.success(request, _("Customer deactivated."))
    return redirect("customers:detail", customer_id=customer.pk)


@require_right("customers.edit")
@require_POST
def customer_reactivate(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    services.customer_reactivate(customer=customer, actor=request.user)
    messages.success(request, _("Customer reactivated."))
    return redirect("customers:detail", customer_id=customer.pk)


# --- contacts -------------------------------------------------------------------------


@require_right("customers.edit")
def contact_create(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_create(customer=customer, actor=request.user, data=form.to_data())
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Contact added."))
            return redirect("customers:detail", customer_id=customer.pk)
    return render(
        request,
        "customers/contact_form.html",
        {"form": form, "customer": customer, "contact": None},
    )


@require_right("customers.edit")
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = _contact(request, contact_id)
    form = ContactForm(request.POST or None, contact=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(contact=contact, actor=request.user, data=form.to_data())
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Contact saved."))
            return redirect("customers:detail", customer_id=contact.customer_id)
    return render(
        request,
        "customers/contact_form.html",
        {"form": form, "customer": contact.customer, "contact": contact},
    )


@require_right("customers.edit")
@require_POST
def contact_delete(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = _contact(request, contact_id)
    customer_id = contact.customer_id
    services.contact_delete(contact=contact, actor=request.user)
    messages.success(request, _("Contact removed."))
    return redirect("customers:detail", customer_id=customer_id)
