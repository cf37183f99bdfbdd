"""Order pages (R-ORD-1, R-ORD-2): the list with filters, sorting and the xlsx export; the
detail with lines (ordered, reserved, shipped), credit holds, history and the sections other
parts add; taking an order from a signed contract or directly; editing a draft; submission;
the review page (checks, return or confirm); cancellation and the credit re-check. Thin:
selectors read (scoped), services write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.catalog.models import Product, ProductUnit, Unit
from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.history import history_rows
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.core.web.listing import filters_and_sort, sort_columns
from xiaoguan.core.xlsx import xlsx_response
from xiaoguan.orders.enums import CreditStage, OrderChannel, OrderStatus
from xiaoguan.orders.errors import OrderNotFound
from xiaoguan.orders.models import Order
from xiaoguan.orders.selectors import credit as credit_selectors
from xiaoguan.orders.selectors import orders as selectors
from xiaoguan.orders.services import orders as services
from xiaoguan.orders.web.order_sections import sections_for
from xiaoguan.orders.web.orders_forms import (
    CancelForm,
    ContractPickForm,
    OrderFilterForm,
    OrderForm,
    ReviewForm,
    contract_lines_from_post,
    direct_lines_from_post,
)

PAGE_SIZE = 25
EXPORT_MAX_ROWS = 50_000
SORT_COLUMNS = ("number", "date", "customer", "total", "status")
BLANK_ROWS = 3


def _order(request: HttpRequest, order_id: int) -> Order:
    try:
        return selectors.order_get(user=request.user, order_id=order_id)
    except OrderNotFound:
        raise Http404 from None


# --- list and export ---------------------------------------------------------------------------


def _search(request: HttpRequest) -> tuple[Any, dict[str, Any]]:
    form = OrderFilterForm(request.GET or None)
    filters, sort = (
        filters_and_sort(
            form,
            filter_keys=selectors.FILTER_KEYS,
            sorts=selectors.SORTS,
            default_sort=selectors.DEFAULT_SORT,
        )
        if form.is_bound
        else ({}, selectors.DEFAULT_SORT)
    )
    qs = selectors.order_list(user=request.user, filters=filters, sort=sort)
    return qs, {"filter_form": form, "filters": filters, "sort": sort}


@require_right("orders.view")
def order_list(request: HttpRequest) -> HttpResponse:
    qs, chosen = _search(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/order_list.html",
        {
            "page": page,
            "columns": sort_columns(chosen["sort"], SORT_COLUMNS),
            "statuses": OrderStatus.choices,
            "channels": OrderChannel.choices,
            "chosen_statuses": chosen["filters"].get("status") or [],
            "query": request.GET.urlencode(),
            "can_create": request.user.has_right("orders.edit"),
            **chosen,
        },
    )


@require_right("orders.view")
def order_export(request: HttpRequest) -> HttpResponse:
    """The filtered orders as xlsx: exactly what the list shows, all pages (audited)."""
    qs, _chosen = _search(request)
    if qs.order_by().values("pk")[: EXPORT_MAX_ROWS + 1].count() > EXPORT_MAX_ROWS:
        messages.error(
            request,
            _("More than %(n)s orders match: narrow the filter to export them.")
            % {"n": f"{EXPORT_MAX_ROWS:,}"},
        )
        return redirect("orders:order_list")
    return xlsx_response(
        filename="orders.xlsx",
        sheet_title=_("Orders"),
        columns=[
            (_("order number"), "number"),
            (_("order date"), "order_date"),
            (_("customer"), "customer__name"),
            (_("contract"), lambda o: o.contract.number if o.contract_id else ""),
            (_("received by"), "get_channel_display"),
            (_("status"), "get_status_display"),
            (_("owner"), lambda o: str(o.owner)),
            (_("order amount"), "total"),
            (_("shipped"), "shipped_amount"),
            (_("requested delivery date"), "requested_date"),
            (_("delivery address"), "ship_to"),
        ],
        rows=qs,
        actor=request.user,
        request=request,
        what="orders.orders",
    )


# --- detail ------------------------------------------------------------------------------------


def _detail_context(request: HttpRequest, order: Order) -> dict[str, Any]:
    user = request.user
    lines = list(selectors.order_lines(order=order))
    holds = list(credit_selectors.order_holds(order=order))
    editable = order.is_editable and user.has_right("orders.edit")
    return {
        "order": order,
        "lines": lines,
        "holds": holds,
        "reason_labels": credit_selectors.reason_labels(),
        "history": history_rows(order),
        "sections": sections_for(request, order),
        "can_edit": editable,
        "can_submit": editable,
        "can_review": order.status == OrderStatus.SUBMITTED and user.has_right("orders.review"),
        "can_recheck": order.status == OrderStatus.CREDIT_HOLD and user.has_right("orders.review"),
        "can_release": user.has_right("orders.credit"),
        "can_cancel": order.status in services.CANCELLABLE and user.has_right("orders.edit"),
        "cancel_form": CancelForm(),
        "missing": services.order_missing(order=order) if editable else [],
    }


@require_right("orders.view")
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    return render(request, "orders/order_detail.html", _detail_context(request, order))


# --- create and edit ------------------------------------------------------------------------------


def _product_choices() -> dict[str, Any]:
    products = list(
        Product.objects.filter(is_active=True)
        .order_by("code")
        .values("pk", "code", "name", "model", "unit_id")
    )
    units = dict(Unit.objects.values_list("pk", "name"))
    extra: dict[int, list[int]] = {}
    for product_id, unit_id in ProductUnit.objects.values_list("product_id", "unit_id"):
        extra.setdefault(product_id, []).append(unit_id)
    unit_rows = sorted(
        {u for p in products for u in [p["unit_id"], *extra.get(p["pk"], [])]},
    )
    return {"products": products, "units": [(u, units.get(u, "")) for u in unit_rows]}


def _contract_rows(contract: Any, order: Order | None, post: Any = None) -> list[dict[str, Any]]:
    """Each line of the contract's current version with what remains to order."""
    current = selectors.contract_current(contract=contract)
    remaining = selectors.contract_remaining(
        contract=current, exclude_order_id=order.pk if order else None
    )
    mine: dict[tuple[int, int], Decimal] = {}
    if order is not None:
        for line in order.lines.all():
            key = (line.product_id, line.unit_id)
            mine[key] = mine.get(key, Decimal(0)) + line.quantity
    rows = []
    for cl in current.lines.select_related("product", "unit").order_by("position"):
        key = (cl.product_id, cl.unit_id)
        value = post.get(f"qty_{cl.pk}", "") if post is not None else mine.pop(key, "")
        rows.append(
            {
                "line": cl,
                "remaining": remaining.get(key, Decimal(0)),
                "value": f"{value.normalize():f}" if isinstance(value, Decimal) else value,
            }
        )
    return rows


def _direct_rows(order: Order | None, post: Any = None) -> list[dict[str, Any]]:
    if post is not None:
        rows = [
            {
                "product_id": str(x.product_id),
                "unit_id": str(x.unit_id),
                "quantity": x.quantity,
                "unit_price": x.unit_price or "",
                "discount": x.discount or "",
            }
            for x in direct_lines_from_post(post)
        ]
    elif order is not None:
        rows = [
            {
                "product_id": str(x.product_id),
                "unit_id": str(x.unit_id),
                "quantity": f"{x.quantity.normalize():f}",
                "unit_price": f"{x.unit_price}",
                "discount": "",
            }
            for x in order.lines.order_by("position")
        ]
    else:
        rows = []
    return rows + [
        {"product_id": "", "unit_id": "", "quantity": "", "unit_price": "", "discount": ""}
        for _i in range(BLANK_ROWS)
    ]


def _line_errors(exc: ApplicationError | None) -> list[str]:
    if exc is None:
        return []
    found = [str(m) for k, m in exc.fields.items() if k == "lines" or k.startswith("lines.")]
    found += [str(m) for k, m in exc.fields.items() if k == "contract"]
    return found


def _form_page(
    request: HttpRequest,
    *,
    form: OrderForm,
    order: Order | None,
    contract: Any = None,
    direct: bool,
    error: ApplicationError | None = None,
) -> HttpResponse:
    post = request.POST if request.method == "POST" else None
    context: dict[str, Any] = {
        "form": form,
        "order": order,
        "contract": contract,
        "direct": direct,
        "error": error,
        "line_errors": _line_errors(error),
    }
    if direct:
        context["rows"] = _direct_rows(order, post)
        context.update(_product_choices())
    elif contract is not None:
        context["rows"] = _contract_rows(contract, order, post)
    else:
        # the first step: a search picker, not every contract in scope; ``?contract=`` that
        # is not an orderable contract in scope comes back here refused with a message
        contracts = selectors.orderable_contracts(user=request.user)
        raw = request.POST.get("contract") or request.GET.get("contract") or ""
        pick = ContractPickForm({"contract": raw} if raw else None, contracts=contracts)
        pick.is_valid()
        context["pick"] = pick
        context["no_contracts"] = not raw and not contracts.exists()
    status = 422 if (error is not None or (form.is_bound and form.errors)) else 200
    return render(request, "orders/order_form.html", context, status=status)


def _contract_param(request: HttpRequest) -> Any:
    raw = request.POST.get("contract") or request.GET.get("contract") or ""
    if not raw.isdigit():
        return None
    return selectors.orderable_contracts(user=request.user).filter(pk=int(raw)).first()


@require_right("orders.edit")
def order_create_contract(request: HttpRequest) -> HttpResponse:
    """Take an order from a signed contract: choose the contract, then the quantities of its
    lines (never more than remains)."""
    contract = _contract_param(request)
    if request.method == "POST" and contract is not None:
        form = OrderForm(request.POST, direct=False, new=True)
        if form.is_valid():
            try:
                order = services.order_create(
                    actor=request.user,
                    data=form.to_data(channel=OrderChannel.CONTRACT, contract_id=contract.pk),
                    lines=contract_lines_from_post(request.POST),
                )
            except ApplicationError as exc:
                form_apply_error(form, exc)
                return _form_page(
                    request, form=form, order=None, contract=contract, direct=False, error=exc
                )
            messages.success(request, _("Order %(number)s drafted.") % {"number": order.number})
            return redirect("orders:order_detail", order_id=order.pk)
        return _form_page(request, form=form, order=None, contract=contract, direct=False)
    initial: dict[str, Any] = {"order_date": timezone.localdate()}
    if contract is not None:
        initial["ship_to"] = contract.delivery_place
    form = OrderForm(direct=False, new=True, initial=initial)
    return _form_page(request, form=form, order=None, contract=contract, direct=False)


@require_right("orders.edit")
def order_create_direct(request: HttpRequest) -> HttpResponse:
    """Take a direct order (phone, fax, e-mail, dealer, other) for a customer in scope."""
    customers = selectors.order_customers(user=request.user)
    if request.method == "POST":
        form = OrderForm(request.POST, customers=customers, direct=True, new=True)
        if form.is_valid():
            try:
                order = services.order_create(
                    actor=request.user,
                    data=form.to_data(channel=form.cleaned_data["channel"]),
                    lines=direct_lines_from_post(request.POST),
                )
            except ApplicationError as exc:
                form_apply_error(form, exc)
                return _form_page(request, form=form, order=None, direct=True, error=exc)
            messages.success(request, _("Order %(number)s drafted.") % {"number": order.number})
            return redirect("orders:order_detail", order_id=order.pk)
        return _form_page(request, form=form, order=None, direct=True)
    initial: dict[str, Any] = {"order_date": timezone.localdate(), "channel": OrderChannel.PHONE}
    preset = request.GET.get("customer", "")
    if preset.isdigit() and customers.filter(pk=int(preset)).exists():
        initial["customer"] = int(preset)
    form = OrderForm(customers=customers, direct=True, new=True, initial=initial)
    return _form_page(request, form=form, order=None, direct=True)


@require_right("orders.edit")
def order_edit(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    if not order.is_editable:
        messages.error(request, _("Only a draft or a returned order can be edited."))
        return redirect("orders:order_detail", order_id=order.pk)
    direct = order.contract_id is None
    contract = order.contract
    if request.method == "POST":
        form = OrderForm(request.POST, direct=direct, new=False)
        if form.is_valid():
            lines = (
                direct_lines_from_post(request.POST)
                if direct
                else contract_lines_from_post(request.POST)
            )
            try:
                services.order_update(
                    actor=request.user,
                    order=order,
                    expected_version=form.cleaned_data.get("version") or 0,
                    data=form.to_data(
                        channel=order.channel,
                        contract_id=order.contract_id,
                        customer_id=order.customer_id,
                    ),
                    lines=lines,
                )
            except ApplicationError as exc:
                form_apply_error(form, exc)
                return _form_page(
                    request, form=form, order=order, contract=contract, direct=direct, error=exc
                )
            messages.success(request, _("Draft saved."))
            return redirect("orders:order_detail", order_id=order.pk)
        return _form_page(request, form=form, order=order, contract=contract, direct=direct)
    form = OrderForm(
        direct=direct,
        new=False,
        initial={
            "order_date": order.order_date,
            "requested_date": order.requested_date,
            "warehouse": order.warehouse_id,
            "ship_to": order.ship_to,
            "consignee": order.consignee,
            "consignee_phone": order.consignee_phone,
            "payment_days": order.payment_days,
            "payment_terms": order.payment_terms,
            "customer_reference": order.customer_reference,
            "notes": order.notes,
            "version": order.version,
        },
    )
    return _form_page(request, form=form, order=order, contract=contract, direct=direct)


# --- actions -------------------------------------------------------------------------------------


@require_right("orders.edit")
@require_POST
def order_submit(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    try:
        services.order_submit(actor=request.user, order=order)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Submitted for review."))
    return redirect("orders:order_detail", order_id=order.pk)


@require_right("orders.edit")
@require_POST
def order_cancel(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    try:
        services.order_cancel(
            actor=request.user, order=order, reason=request.POST.get("reason", "")[:2000]
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Order cancelled."))
    return redirect("orders:order_detail", order_id=order.pk)


@require_right("orders.review")
@require_POST
def order_recheck(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    try:
        order = services.order_credit_recheck(actor=request.user, order=order)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        if order.status == OrderStatus.CREDIT_HOLD:
            messages.warning(request, _("The customer is still blocked by credit control."))
        elif order.status == OrderStatus.CONFIRMED:
            messages.success(request, _("Within the limits again: the order is confirmed."))
        else:
            messages.warning(request, order.review_note)
    return redirect("orders:order_detail", order_id=order.pk)


def _review_checks(order: Order) -> dict[str, Any]:
    """What the reviewer sees: quantities against the contract, prices against the rules,
    payment terms, address, warehouse, the customer's credit figures."""
    checks: list[dict[str, Any]] = []
    lines = list(selectors.order_lines(order=order))
    if order.contract_id:
        remaining = selectors.contract_remaining(contract=order.contract, exclude_order_id=order.pk)
        over = [
            line
            for line in lines
            if line.quantity > remaining.get((line.product_id, line.unit_id), Decimal(0))
        ]
        checks.append(
            {
                "label": _("Quantities within what remains of the contract"),
                "ok": not over,
                "detail": "; ".join(f"{x.product} × {x.quantity.normalize():f}" for x in over),
            }
        )
        for line in lines:
            line.remaining = remaining.get((line.product_id, line.unit_id), Decimal(0))
    try:
        if order.contract_id is None:
            services.direct_lines_recheck(order=order)
        price_ok, price_detail = True, ""
    except ApplicationError as exc:
        price_ok, price_detail = False, str(exc.message)
    checks.append(
        {
            "label": _("Prices within the owner's float range")
            if order.contract_id is None
            else _("Prices as in the contract"),
            "ok": price_ok,
            "detail": price_detail,
        }
    )
    for label, ok in (
        (_("Payment terms"), bool(order.payment_terms.strip())),
        (_("Delivery address"), bool(order.ship_to.strip())),
        (_("Warehouse it ships from"), order.warehouse_id is not None),
    ):
        checks.append({"label": label, "ok": ok, "detail": ""})
    figures = credit_selectors.order_credit_figures(
        order=order, stage=CreditStage.ORDER, amount=order.total
    )
    checks.append(
        {
            "label": _("Customer credit"),
            "ok": not figures.blocked,
            "detail": ", ".join(str(credit_selectors.reason_labels()[r]) for r in figures.reasons),
        }
    )
    return {"checks": checks, "lines": lines, "figures": figures}


@require_right("orders.review")
def order_review(request: HttpRequest, order_id: int) -> HttpResponse:
    """The review page: the checks, then return (with a note) or confirm (saying how it was
    confirmed with the customer)."""
    order = _order(request, order_id)
    if order.status != OrderStatus.SUBMITTED:
        messages.error(request, _("Only an order waiting for review can be reviewed."))
        return redirect("orders:order_detail", order_id=order.pk)
    form = ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                if d["action"] == "return":
                    services.order_return(
                        actor=request.user, order=order, note=d.get("review_note") or ""
                    )
                    messages.success(request, _("Returned to the author for changes."))
                else:
                    order = services.order_confirm(
                        actor=request.user,
                        order=order,
                        confirmation_note=d.get("confirmation_note") or "",
                        review_note=d.get("review_note") or "",
                    )
                    if order.status == OrderStatus.CREDIT_HOLD:
                        messages.warning(
                            request,
                            _(
                                "Blocked by credit control: the order is on credit hold until "
                                "finance releases it."
                            ),
                        )
                    else:
                        messages.success(
                            request,
                            _("Order confirmed; stock reserved from %(warehouse)s.")
                            % {"warehouse": order.warehouse},
                        )
            except ApplicationError as exc:
                if "note" in exc.fields:
                    exc.fields["review_note"] = exc.fields.pop("note")
                form_apply_error(form, exc)
            else:
                return redirect("orders:order_detail", order_id=order.pk)
        status = 422
    return render(
        request,
        "orders/order_review.html",
        {"order": order, "form": form, **_review_checks(order)},
        status=status,
    )
