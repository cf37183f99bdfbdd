"""Shipping pages (R-ORD-4, R-ORD-5): the logistics board of shipping plans, shipments
(prepare, ship with the waybill, cancel, confirm delivery), late shipments, order exceptions,
the customer's acceptance of a delivered contract, and the shipping section of the order page.
Thin: selectors read (scoped), services write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.contracts.models import Contract
from xiaoguan.core import attachments, policy
from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.core.web.listing import filters_and_sort, sort_columns
from xiaoguan.orders.enums import ExceptionStatus, OrderStatus, ShipmentStatus
from xiaoguan.orders.models import Order, Shipment, ShippingPlan
from xiaoguan.orders.selectors import shipping as selectors
from xiaoguan.orders.services import exceptions as exception_services
from xiaoguan.orders.services import shipping as services
from xiaoguan.orders.web.shipping_forms import (
    AcceptanceForm,
    CancelForm,
    DeliverForm,
    ExceptionForm,
    InformForm,
    PlanForm,
    PrepareForm,
    ResolveForm,
    ShipForm,
    ShipmentFilterForm,
    WarehouseFilterForm,
)
from xiaoguan.org.scope import visible

PAGE_SIZE = 50
# Orders whose page shows the shipping section (earlier ones have nothing to ship yet).
SECTION_STATUSES = (
    OrderStatus.CONFIRMED,
    OrderStatus.PARTLY_SHIPPED,
    OrderStatus.SHIPPED,
    OrderStatus.COMPLETED,
)
SORT_COLUMNS = ("number", "shipped_on", "amount")


def order_url(order: Order | int, anchor: str = "shipping") -> str:
    pk = order if isinstance(order, int) else order.pk
    try:
        url = reverse("orders:order_detail", kwargs={"order_id": pk})
    except NoReverseMatch:  # pragma: no cover - the orders part mounts its detail page
        return reverse("orders:shipment_list") + f"?q={pk}"
    return f"{url}#{anchor}" if anchor else url


def _order(request: HttpRequest, order_id: int) -> Order:
    order = (
        visible(Order.objects.select_related("customer", "contract", "warehouse"), request.user)
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise Http404
    return order


def _shipment(request: HttpRequest, shipment_id: int):
    try:
        return selectors.shipment_get(user=request.user, shipment_id=shipment_id)
    except ApplicationError:
        raise Http404 from None


def _exception(request: HttpRequest, exception_id: int):
    try:
        return selectors.exception_get(user=request.user, exception_id=exception_id)
    except ApplicationError:
        raise Http404 from None


# --- the board and plans ---------------------------------------------------------------


@require_right("orders.view")
def shipping_board(request: HttpRequest) -> HttpResponse:
    form = WarehouseFilterForm(request.GET or None)
    warehouse_id = form.cleaned_data.get("warehouse") if form.is_valid() else None
    board = selectors.shipping_board(user=request.user, warehouse_id=warehouse_id)
    return render(
        request,
        "orders/shipping_board.html",
        {
            "board": board,
            "filter_form": form,
            "sections": [
                ("late", _("Late"), board.late),
                ("today", _("Today"), board.today),
                ("week", _("This week"), board.week),
                ("later", _("Later (next 30 days)"), board.later),
            ],
        },
    )


@require_right("orders.ship")
def shipping_plan_create(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.shipping_plan_create(
                actor=request.user,
                order_id=order.pk,
                planned_date=data["planned_date"],
                method=data["method"],
                carrier=data.get("carrier", ""),
                note=data.get("note", ""),
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Shipping plan saved."))
            return redirect(order_url(order))
    return render(
        request,
        "orders/shipping_plan_form.html",
        {"order": order, "form": form, "order_url": order_url(order)},
    )


@require_right("orders.ship")
@require_POST
def shipping_plan_cancel(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = visible(ShippingPlan.objects.all(), request.user).filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    try:
        services.shipping_plan_cancel(actor=request.user, plan_id=plan.pk)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Shipping plan dropped."))
    return redirect(order_url(plan.order_id))


# --- shipments ---------------------------------------------------------------------------


@require_right("orders.view")
def shipment_list(request: HttpRequest) -> HttpResponse:
    form = ShipmentFilterForm(request.GET or None)
    filters, sort = filters_and_sort(
        form,
        filter_keys=("q", "status", "warehouse", "late"),
        sorts=selectors.SHIPMENT_SORTS,
        default_sort="-number",
    )
    qs = selectors.shipment_list(user=request.user, filters=filters, sort=sort)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/shipment_list.html",
        {
            "page": page,
            "filter_form": form,
            "sort": sort,
            "columns": sort_columns(sort, SORT_COLUMNS),
            "confirm_days": selectors.confirm_days(),
        },
    )


@require_right("orders.view")
def shipment_detail(request: HttpRequest, shipment_id: int) -> HttpResponse:
    shipment = _shipment(request, shipment_id)
    hold = selectors.shipment_credit_hold(shipment=shipment)
    return render(
        request,
        "orders/shipment_detail.html",
        {
            "shipment": shipment,
            "lines": selectors.shipment_lines(shipment=shipment),
            "exceptions": list(shipment.exceptions.order_by("-raised_at")),
            "hold": hold,
            "order_url": order_url(shipment.order),
            "can_ship": request.user.has_right("orders.ship"),
            "can_deliver": request.user.has_right("orders.deliver"),
            "att": {
                "items": list(
                    attachments.attachments_for(
                        user=request.user, obj=shipment, already_checked=True
                    )
                ),
                "owner": attachments.owner_key(Shipment),
                "object_id": shipment.pk,
                "can_edit": request.user.has_right("orders.deliver")
                or request.user.has_right("orders.ship"),
                "max_mb": policy.value(attachments.MAX_SIZE_KEY),
                "extensions": sorted(attachments.allowed_extensions()),
            },
        },
    )


@require_right("orders.ship")
def shipment_prepare(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    plans = selectors.order_active_plans(order=order)
    initial: dict[str, Any] = {"warehouse_id": order.warehouse_id}
    if plans:
        initial.update(plan_id=plans[0].pk, method=plans[0].method, carrier=plans[0].carrier)
    form = PrepareForm(request.POST or None, plans=plans, initial=initial)
    lines = selectors.lines_to_ship(order=order)
    typed = {x.line.pk: request.POST.get(f"qty_{x.line.pk}", "") for x in lines}
    line_errors: dict[int, str] = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            shipment = services.shipment_prepare(
                actor=request.user,
                order_id=order.pk,
                warehouse_id=data["warehouse_id"],
                lines=[
                    services.ShipmentLineData(order_line_id=pk, quantity=q)
                    for pk, q in typed.items()
                ],
                method=data["method"],
                carrier=data.get("carrier", ""),
                plan_id=data.get("plan_id"),
            )
        except ApplicationError as exc:
            for key, msg in exc.fields.items():
                if key.startswith("lines."):
                    line_errors[int(key.split(".", 1)[1])] = str(msg)
            if not line_errors:
                form_apply_error(form, exc)
            else:
                form.add_error(None, str(exc.message))
        else:
            messages.success(
                request,
                _("Shipment %(number)s prepared. Ship it when the goods leave.")
                % {"number": shipment.number},
            )
            return redirect("orders:shipment_detail", shipment_id=shipment.pk)
    rows = [
        {
            "x": x,
            "value": typed.get(x.line.pk, ""),
            "error": line_errors.get(x.line.pk, ""),
            "reserved": sum(x.reserved.values()),
        }
        for x in lines
    ]
    return render(
        request,
        "orders/shipment_prepare.html",
        {
            "order": order,
            "form": form,
            "rows": rows,
            "order_url": order_url(order),
            "any_remaining": any(x.remaining > 0 for x in lines),
        },
    )


@require_right("orders.ship")
def shipment_ship(request: HttpRequest, shipment_id: int) -> HttpResponse:
    shipment = _shipment(request, shipment_id)
    form = ShipForm(request.POST or None, initial={"carrier": shipment.carrier})
    hold = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.shipment_ship(
                actor=request.user,
                shipment_id=shipment.pk,
                shipped_on=data["shipped_on"],
                waybill_no=data.get("waybill_no", ""),
                carrier=data.get("carrier", ""),
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            if result.hold is None:
                messages.success(
                    request, _("Shipment %(number)s shipped.") % {"number": shipment.number}
                )
                return redirect("orders:shipment_detail", shipment_id=shipment.pk)
            hold = result.hold
            messages.warning(
                request,
                _(
                    "Credit control blocked the shipment: it stays prepared until finance "
                    "releases the hold."
                ),
            )
    return render(
        request,
        "orders/shipment_ship.html",
        {
            "shipment": shipment,
            "form": form,
            "hold": hold,
            "lines": selectors.shipment_lines(shipment=shipment),
        },
    )


@require_right("orders.ship")
def shipment_cancel(request: HttpRequest, shipment_id: int) -> HttpResponse:
    shipment = _shipment(request, shipment_id)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.shipment_cancel(
                actor=request.user, shipment_id=shipment.pk, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Shipment cancelled."))
            return redirect("orders:shipment_detail", shipment_id=shipment.pk)
    return render(request, "orders/shipment_cancel.html", {"shipment": shipment, "form": form})


@require_right("orders.deliver")
def shipment_deliver(request: HttpRequest, shipment_id: int) -> HttpResponse:
    shipment = _shipment(request, shipment_id)
    form = DeliverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.shipment_confirm_delivery(
                actor=request.user,
                shipment_id=shipment.pk,
                delivered_on=data["delivered_on"],
                received_by=data["received_by"],
                note=data.get("note", ""),
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Delivery confirmed."))
            return redirect("orders:shipment_detail", shipment_id=shipment.pk)
    return render(request, "orders/shipment_deliver.html", {"shipment": shipment, "form": form})


# --- late --------------------------------------------------------------------------------


@require_right("orders.view")
def shipping_late(request: HttpRequest) -> HttpResponse:
    orders = list(selectors.late_orders(user=request.user)[:200])
    shipments = list(selectors.unconfirmed_shipments(user=request.user)[:200])
    return render(
        request,
        "orders/shipping_late.html",
        {
            "orders": orders,
            "shipments": shipments,
            "grace_days": selectors.grace_days(),
            "confirm_days": selectors.confirm_days(),
        },
    )


# --- exceptions --------------------------------------------------------------------------


@require_right("orders.view")
def exception_list(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("status") == "all"
    qs = (
        selectors.exceptions_visible(user=request.user).order_by("status", "-raised_at")
        if show_all
        else selectors.open_exceptions(user=request.user)
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orders/exception_list.html", {"page": page, "show_all": show_all})


@require_right("orders.deliver")
def exception_create(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    shipments = list(order.shipments.exclude(status=ShipmentStatus.CANCELLED).order_by("-pk"))
    initial = {}
    if str(request.GET.get("shipment", "")).isdigit():
        initial["shipment_id"] = int(request.GET["shipment"])
    form = ExceptionForm(request.POST or None, shipments=shipments, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exc_row = exception_services.order_exception_log(
                actor=request.user,
                order_id=order.pk,
                kind=data["kind"],
                description=data["description"],
                shipment_id=data.get("shipment_id"),
                informed_at=data.get("informed_at"),
                informed_how=data.get("informed_how", ""),
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Exception logged."))
            return redirect("orders:exception_detail", exception_id=exc_row.pk)
    return render(
        request,
        "orders/exception_form.html",
        {"order": order, "form": form, "order_url": order_url(order)},
    )


@require_right("orders.view")
def exception_detail(request: HttpRequest, exception_id: int) -> HttpResponse:
    found = _exception(request, exception_id)
    return render(
        request,
        "orders/exception_detail.html",
        {
            "exc": found,
            "inform_form": InformForm(),
            "resolve_form": ResolveForm(),
            "can_act": request.user.has_right("orders.deliver")
            and found.status == ExceptionStatus.OPEN,
            "order_url": order_url(found.order),
        },
    )


@require_right("orders.deliver")
@require_POST
def exception_inform(request: HttpRequest, exception_id: int) -> HttpResponse:
    found = _exception(request, exception_id)
    form = InformForm(request.POST)
    if form.is_valid():
        try:
            exception_services.order_exception_inform(
                actor=request.user,
                exception_id=found.pk,
                informed_at=form.cleaned_data.get("informed_at"),
                how=form.cleaned_data["how"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Recorded that the customer was informed."))
            return redirect("orders:exception_detail", exception_id=found.pk)
    return render(
        request,
        "orders/exception_detail.html",
        {
            "exc": found,
            "inform_form": form,
            "resolve_form": ResolveForm(),
            "can_act": found.status == ExceptionStatus.OPEN,
            "order_url": order_url(found.order),
        },
    )


@require_right("orders.deliver")
@require_POST
def exception_resolve(request: HttpRequest, exception_id: int) -> HttpResponse:
    found = _exception(request, exception_id)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            exception_services.order_exception_resolve(
                actor=request.user,
                exception_id=found.pk,
                resolution=form.cleaned_data["resolution"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Exception resolved."))
            return redirect("orders:exception_detail", exception_id=found.pk)
    return render(
        request,
        "orders/exception_detail.html",
        {
            "exc": found,
            "inform_form": InformForm(),
            "resolve_form": form,
            "can_act": found.status == ExceptionStatus.OPEN,
            "order_url": order_url(found.order),
        },
    )


# --- acceptance --------------------------------------------------------------------------


@require_right("orders.deliver")
def shipping_acceptance(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = (
        visible(Contract.objects.select_related("customer"), request.user)
        .filter(pk=contract_id)
        .first()
    )
    if contract is None:
        raise Http404
    form = AcceptanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_acceptance_record(
                actor=request.user,
                contract_id=contract.pk,
                on=form.cleaned_data["on"],
                note=form.cleaned_data.get("note", ""),
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The customer's acceptance is recorded."))
            return redirect("contracts:contract_detail", contract_id=contract.pk)
    root = services.root_id_of(contract)
    _current, delivered = services.contract_delivery_state(root)
    return render(
        request,
        "orders/shipping_acceptance.html",
        {
            "contract": contract,
            "form": form,
            "delivered": delivered,
            "accepted_on": services.contract_accepted_on(root),
        },
    )


# --- the order page's section --------------------------------------------------------------


def order_section(request: HttpRequest, order: Order) -> str:
    """The shipping section of the order page: plans, shipments, exceptions and actions."""
    user = request.user
    if not (user.has_right("orders.view") or user.has_right("orders.ship")):
        return ""
    if order.status not in SECTION_STATUSES and not order.shipments.exists():
        return ""
    data = selectors.order_shipping(order=order)
    return render_to_string(
        "orders/_order_shipping.html",
        {
            "s": data,
            "order": order,
            "can_ship": user.has_right("orders.ship") and data.can_ship,
            "can_plan": user.has_right("orders.ship") and data.can_ship,
            "can_deliver": user.has_right("orders.deliver"),
            "can_accept": user.has_right("orders.deliver")
            and data.contract_delivered
            and data.accepted_on is None,
        },
        request=request,
    )
