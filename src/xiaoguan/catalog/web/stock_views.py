"""Stock pages (R-ORD-3): stock levels with filters, sort and xlsx export; replenishment
alerts; a product's movement ledger with its reorder points; goods receipt, stock count and
transfer; warehouses. Thin: selectors read, services write. Stock is master data: whoever
holds ``catalog.stock_view`` sees all of it; changes need ``catalog.stock_manage``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.catalog.models import Product, StockLevel, Warehouse
from xiaoguan.catalog.selectors import stock as selectors
from xiaoguan.catalog.services import stock as services
from xiaoguan.catalog.web.stock_forms import (
    AdjustForm,
    AlertFilterForm,
    ReceiveForm,
    ReorderPointForm,
    StockFilterForm,
    TransferForm,
    WarehouseForm,
    apply_error,
    map_fields,
)
from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.history import history_rows
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.listing import filters_and_sort, sort_columns
from xiaoguan.core.xlsx import xlsx_response

VIEW = "catalog.stock_view"
MANAGE = "catalog.stock_manage"
PAGE_SIZE = 25
MOVEMENT_PAGE_SIZE = 30
SORT_COLUMNS = ("product", "warehouse", "on_hand", "reserved", "available", "reorder")


def _levels(request: HttpRequest) -> tuple[Any, str, StockFilterForm]:
    form = StockFilterForm(request.GET or None)
    filters, sort = filters_and_sort(
        form,
        filter_keys=selectors.FILTER_KEYS,
        sorts=selectors.SORTS,
        default_sort=selectors.DEFAULT_SORT,
    )
    qs = selectors.stock_levels(
        warehouse_id=filters.get("warehouse"),
        category_id=filters.get("category"),
        search=filters.get("q") or "",
        below_only=bool(filters.get("below")),
        sort=sort,
    )
    return qs, sort, form


@require_right(VIEW)
def stock_levels(request: HttpRequest) -> HttpResponse:
    qs, sort, form = _levels(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/stock_levels.html",
        {
            "page": page,
            "columns": sort_columns(sort, SORT_COLUMNS),
            "sort": sort,
            "filter_form": form,
            "can_manage": request.user.has_right(MANAGE),
        },
    )


@require_right(VIEW)
def stock_export(request: HttpRequest) -> HttpResponse:
    """The filtered stock levels as xlsx, all pages (audited)."""
    qs, _sort, _form = _levels(request)
    columns = [
        (_("warehouse"), "warehouse__name"),
        (_("product code"), "product__code"),
        (_("product name"), "product__name"),
        (_("model"), "product__model"),
        (_("unit"), "product__unit__name"),
        (_("on hand"), "on_hand"),
        (_("reserved"), "reserved"),
        (_("available"), "available_qty"),
        (_("reorder point"), "effective_point"),
        (_("reorder point set by hand"), lambda x: x.reorder_point is not None),
        (_("Below reorder point"), "below"),
    ]
    return xlsx_response(
        filename="stock.xlsx",
        sheet_title=_("Stock"),
        columns=columns,
        rows=qs,
        actor=request.user,
        request=request,
        what="catalog.stock",
    )


@require_right(VIEW)
def stock_alerts(request: HttpRequest) -> HttpResponse:
    form = AlertFilterForm(request.GET or None)
    warehouse_id = form.cleaned_data.get("warehouse") if form.is_valid() else None
    qs = selectors.reorder_alerts(warehouse_id=warehouse_id or None)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    history, cover = selectors.reorder_settings()
    return render(
        request,
        "catalog/stock_alerts.html",
        {
            "page": page,
            "filter_form": form,
            "history_days": history,
            "cover_days": cover,
            "can_manage": request.user.has_right(MANAGE),
        },
    )


@require_right(VIEW)
def stock_product(request: HttpRequest, product_id: int) -> HttpResponse:
    """A product's stock in each warehouse and its movement ledger, newest first."""
    product = Product.objects.select_related("unit").filter(pk=product_id).first()
    if product is None:
        raise Http404
    warehouse_id = request.GET.get("warehouse") or ""
    warehouse_id = int(warehouse_id) if warehouse_id.isdigit() else None
    levels = list(
        selectors.with_figures(
            StockLevel.objects.filter(product=product).select_related("warehouse")
        ).order_by("warehouse__code")
    )
    movements = selectors.product_movements(product_id=product.pk, warehouse_id=warehouse_id)
    page = Paginator(movements, MOVEMENT_PAGE_SIZE).get_page(request.GET.get("page"))
    can_manage = request.user.has_right(MANAGE)
    return render(
        request,
        "catalog/stock_product.html",
        {
            "product": product,
            "levels": levels,
            "page": page,
            "warehouse_id": warehouse_id,
            "can_manage": can_manage,
            "reorder_form": ReorderPointForm() if can_manage else None,
        },
    )


@require_right(MANAGE)
@require_POST
def stock_reorder_point(request: HttpRequest, product_id: int) -> HttpResponse:
    product = Product.objects.filter(pk=product_id).first()
    if product is None:
        raise Http404
    form = ReorderPointForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("catalog:stock_product", product_id=product.pk)
    try:
        services.stock_reorder_point_set(
            actor=request.user,
            warehouse_id=form.cleaned_data["warehouse"],
            product_id=product.pk,
            reorder_point=form.cleaned_data.get("reorder_point"),
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Reorder point saved."))
    return redirect("catalog:stock_product", product_id=product.pk)


def _operation(
    request: HttpRequest, form_class: type, template_title: str, run: Any, done: Any
) -> HttpResponse:
    """A stock operation page: the form, the service, the refusal on the form."""
    initial = {
        k: request.GET[k] for k in ("warehouse", "product", "from_warehouse") if k in request.GET
    }
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result = run(form.cleaned_data)
        except ApplicationError as exc:
            apply_error(form, map_fields(form, exc))
        else:
            messages.success(request, done(result))
            return redirect("catalog:stock_product", product_id=form.cleaned_data["product"])
    return render(
        request,
        "catalog/stock_operation.html",
        {"form": form, "title": template_title},
    )


@require_right(MANAGE)
def stock_receive(request: HttpRequest) -> HttpResponse:
    def run(d: dict[str, Any]) -> StockLevel:
        return services.stock_receive(
            actor=request.user,
            warehouse_id=d["warehouse"],
            product_id=d["product"],
            quantity=d["quantity"],
            reference=d.get("reference") or "",
            note=d.get("note") or "",
        )

    return _operation(
        request,
        ReceiveForm,
        _("Goods receipt"),
        run,
        lambda level: (
            _("Received. On hand now %(n)s.") % {"n": services.quantity_text(level.on_hand)}
        ),
    )


@require_right(MANAGE)
def stock_adjust(request: HttpRequest) -> HttpResponse:
    def run(d: dict[str, Any]) -> StockLevel:
        return services.stock_adjust(
            actor=request.user,
            warehouse_id=d["warehouse"],
            product_id=d["product"],
            counted=d["counted"],
            reason=d["reason"],
        )

    return _operation(
        request,
        AdjustForm,
        _("Stock count"),
        run,
        lambda level: (
            _("Stock count recorded. On hand now %(n)s.")
            % {"n": services.quantity_text(level.on_hand)}
        ),
    )


@require_right(MANAGE)
def stock_transfer(request: HttpRequest) -> HttpResponse:
    def run(d: dict[str, Any]) -> tuple[StockLevel, StockLevel]:
        return services.stock_transfer(
            actor=request.user,
            from_warehouse_id=d["from_warehouse"],
            to_warehouse_id=d["to_warehouse"],
            product_id=d["product"],
            quantity=d["quantity"],
            note=d.get("note") or "",
        )

    return _operation(request, TransferForm, _("Stock transfer"), run, lambda _r: _("Transferred."))


# --- warehouses -----------------------------------------------------------------------------


def _warehouse(warehouse_id: int) -> Warehouse:
    warehouse = Warehouse.objects.filter(pk=warehouse_id).first()
    if warehouse is None:
        raise Http404
    return warehouse


@require_right(VIEW)
def warehouse_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "catalog/warehouse_list.html",
        {
            "warehouses": list(selectors.warehouses()),
            "can_manage": request.user.has_right(MANAGE),
        },
    )


@require_right(MANAGE)
def warehouse_create(request: HttpRequest) -> HttpResponse:
    form = WarehouseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.warehouse_create(actor=request.user, data=form.to_data())
        except ApplicationError as exc:
            apply_error(form, map_fields(form, exc))
        else:
            messages.success(request, _("Warehouse created."))
            return redirect("catalog:warehouse_list")
    return render(
        request,
        "catalog/warehouse_form.html",
        {"form": form, "warehouse": None, "title": _("New warehouse")},
    )


@require_right(MANAGE)
def warehouse_edit(request: HttpRequest, warehouse_id: int) -> HttpResponse:
    warehouse = _warehouse(warehouse_id)
    form = WarehouseForm(request.POST or None, warehouse=warehouse)
    if request.method == "POST" and form.is_valid():
        try:
            services.warehouse_update(
                actor=request.user, warehouse_id=warehouse.pk, data=form.to_data()
            )
        except ApplicationError as exc:
            apply_error(form, map_fields(form, exc))
        else:
            messages.success(request, _("Warehouse saved."))
            return redirect("catalog:warehouse_list")
    return render(
        request,
        "catalog/warehouse_form.html",
        {
            "form": form,
            "warehouse": warehouse,
            "title": warehouse.name,
            "history": history_rows(warehouse),
        },
    )


@require_right(MANAGE)
@require_POST
def warehouse_deactivate(request: HttpRequest, warehouse_id: int) -> HttpResponse:
    warehouse = _warehouse(warehouse_id)
    try:
        services.warehouse_deactivate(actor=request.user, warehouse_id=warehouse.pk)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The warehouse is closed."))
    return redirect("catalog:warehouse_list")


@require_right(MANAGE)
@require_POST
def warehouse_activate(request: HttpRequest, warehouse_id: int) -> HttpResponse:
    warehouse = _warehouse(warehouse_id)
    services.warehouse_activate(actor=request.user, warehouse_id=warehouse.pk)
    messages.success(request, _("The warehouse is open again."))
    return redirect("catalog:warehouse_list")
