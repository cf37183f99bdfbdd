"""Dunning pages (催收, R-AR-3): the list of actions with the user's next steps due, logging an
action on a customer (optionally one of its instalments), a customer's dunning history with its
escalation to legal, and the escalation form. Thin: selectors read (scoped), services write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.core.web.listing import filters_and_sort, sort_columns
from xiaoguan.core.xlsx import xlsx_response
from xiaoguan.customers.models import Customer
from xiaoguan.customers.selectors import customer_get
from xiaoguan.receivables.selectors import dunning as selectors
from xiaoguan.receivables.selectors.overdue import overdue_base
from xiaoguan.receivables.services import dunning as services
from xiaoguan.receivables.web.dunning_forms import DunningFilterForm, DunningForm, EscalateForm

PAGE_SIZE = 50
SORT_COLUMNS = ("done", "next")


def _customer(request: HttpRequest, customer_id: Any) -> Customer:
    try:
        return customer_get(user=request.user, customer_id=int(customer_id))
    except (Customer.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def _search(request: HttpRequest) -> tuple[Any, dict[str, Any]]:
    form = DunningFilterForm(request.GET)
    filters, sort = filters_and_sort(
        form,
        filter_keys=selectors.FILTER_KEYS,
        sorts=selectors.SORTS,
        default_sort=selectors.DEFAULT_SORT,
    )
    qs = selectors.dunning_list(user=request.user, filters=filters, sort=sort)
    return qs, {"filter_form": form, "filters": filters, "sort": sort}


@require_right("receivables.dunning")
def dunning_list(request: HttpRequest) -> HttpResponse:
    qs, chosen = _search(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "receivables/dunning_list.html",
        {
            "page": page,
            "next_steps": list(selectors.next_steps_due(user=request.user)[:50]),
            "columns": sort_columns(chosen["sort"], SORT_COLUMNS),
            "query": request.GET.urlencode(),
            **chosen,
        },
    )


@require_right("receivables.dunning")
def dunning_export(request: HttpRequest) -> HttpResponse:
    qs, _chosen = _search(request)
    return xlsx_response(
        filename="dunning.xlsx",
        sheet_title=_("Dunning"),
        columns=[
            (_("date"), "done_on"),
            (_("customer"), "customer__name"),
            (_("contract"), lambda a: a.contract.number if a.contract_id else ""),
            (_("action"), "get_kind_display"),
            (_("spoke with"), "contact"),
            (_("outcome"), "outcome"),
            (_("customer promised to pay by"), "promised_on"),
            (_("promised amount"), "promised_amount"),
            (_("next step"), "next_step"),
            (_("next step on"), "next_on"),
            (_("recorded by"), lambda a: str(a.recorded_by)),
            (_("owner"), lambda a: str(a.owner)),
        ],
        rows=qs,
        actor=request.user,
        request=request,
        what="receivables.dunning",
    )


@require_right("receivables.dunning")
def dunning_create(request: HttpRequest) -> HttpResponse:
    """Log an action: ``?customer=<id>`` (from the overdue list or the customer page), with an
    instalment preselected by ``&instalment=<id>``."""
    raw = request.POST.get("customer") or request.GET.get("customer")
    if not raw:
        messages.info(request, _("Choose a customer in the overdue list to log a dunning action."))
        return redirect("receivables:overdue_list")
    customer = _customer(request, raw)
    instalments = list(
        overdue_base(user=request.user)
        .filter(customer=customer)
        .select_related("contract", "order")
        .order_by("due_date", "pk")[:100]
    )
    initial: dict[str, Any] = {}
    chosen = request.GET.get("instalment", "")
    if chosen.isdigit():
        initial["instalment_id"] = int(chosen)
    form = DunningForm(request.POST or None, instalments=instalments, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.dunning_action_log(
                actor=request.user,
                data=services.DunningData(
                    customer_id=customer.pk,
                    kind=data["kind"],
                    done_on=data["done_on"],
                    outcome=data["outcome"],
                    contact=data.get("contact", ""),
                    instalment_id=data.get("instalment_id"),
                    promised_on=data.get("promised_on"),
                    promised_amount=data.get("promised_amount"),
                    next_step=data.get("next_step", ""),
                    next_on=data.get("next_on"),
                ),
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Dunning action logged."))
            return redirect("receivables:dunning_customer", customer_id=customer.pk)
    return render(request, "receivables/dunning_form.html", {"customer": customer, "form": form})


@require_right("receivables.view")
def dunning_customer(request: HttpRequest, customer_id: int) -> HttpResponse:
    """A customer's dunning history, what it owes past due and its escalation to legal."""
    customer = _customer(request, customer_id)
    panel = selectors.customer_dunning_panel(customer=customer, user=request.user)
    page = Paginator(
        selectors.customer_history(user=request.user, customer=customer), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "receivables/dunning_customer.html",
        {"customer": customer, "page": page, **panel},
    )


@require_right("receivables.dunning")
def dunning_escalate(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    form = EscalateForm(request.POST or None)
    open_task = services.open_legal_task(customer_id=customer.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_escalate(
                actor=request.user, customer_id=customer.pk, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The customer was sent to the legal department."))
            return redirect(reverse("receivables:dunning_customer", args=[customer.pk]))
    return render(
        request,
        "receivables/dunning_escalate.html",
        {"customer": customer, "form": form, "legal_task": open_task},
    )
