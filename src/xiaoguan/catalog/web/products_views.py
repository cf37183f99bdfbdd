"""Catalog pages (R-PRC-1): the product list with filters, export and import; product detail,
entry and edit; categories and units; and the product search the quote and contract line
editors call. Thin: selectors read, services write."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.catalog.models import Product, ProductCategory, Unit
from xiaoguan.catalog.selectors import products as selectors
from xiaoguan.catalog.services import importing
from xiaoguan.catalog.services import products as services
from xiaoguan.catalog.services.importing import ImportInvalid, RowProblem
from xiaoguan.catalog.web.products_forms import (
    CategoryForm,
    ProductFilterForm,
    ProductForm,
    ProductImportForm,
    UnitForm,
)
from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.history import history_rows
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.core.web.listing import filters_and_sort, sort_columns
from xiaoguan.core.xlsx import xlsx_response
from xiaoguan.core.xlsx_import import upload_discard, upload_keep, upload_load

PAGE_SIZE = 25
SORT_COLUMNS = ("code", "name", "category", "updated")
SEARCH_LIMIT = 20


def _product(request: HttpRequest, product_id: int) -> Product:
    try:
        return selectors.product_get(user=request.user, product_id=product_id)
    except Product.DoesNotExist:
        raise Http404 from None


def _filters(request: HttpRequest) -> tuple[dict[str, Any], str, ProductFilterForm]:
    form = ProductFilterForm(request.GET or None)
    filters, sort = filters_and_sort(
        form,
        filter_keys=selectors.FILTER_KEYS,
        sorts=selectors.SORTS,
        default_sort=selectors.DEFAULT_SORT,
    )
    return filters, sort, form


@require_right("catalog.view")
def product_list(request: HttpRequest) -> HttpResponse:
    filters, sort, form = _filters(request)
    qs = selectors.product_list_with_units(user=request.user, filters=filters, sort=sort)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    columns = sort_columns(sort, SORT_COLUMNS)
    return render(
        request,
        "catalog/product_list.html",
        {
            "page": page,
            "columns": columns,
            "sort": sort,
            "filter_form": form,
            "can_manage": request.user.has_right("catalog.manage"),
        },
    )


@require_right("catalog.view")
def product_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as xlsx, in the import's columns (it can be edited and imported
    again): exactly the rows the list shows, all pages. No prices: those are in pricing."""
    filters, sort, _form = _filters(request)
    qs = selectors.product_list_with_units(user=request.user, filters=filters, sort=sort)
    return xlsx_response(
        filename="products.xlsx",
        sheet_title=_("Products"),
        columns=importing.export_columns(),
        rows=qs,
        actor=request.user,
        request=request,
        what="catalog.products",
    )


@require_right("catalog.view")
def product_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id)
    return render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "unit_options": selectors.product_unit_options(product_ids=[product.pk])[product.pk],
            "history": history_rows(product),
            "can_manage": request.user.has_right("catalog.manage"),
        },
    )


@require_right("catalog.manage")
def product_create(request: HttpRequest) -> HttpResponse:
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(
                actor=request.user, data=form.to_data(), units=form.to_units()
            )
        except ApplicationError as exc:
            form.apply_error(exc)
        else:
            messages.success(request, _("Product created."))
            return redirect("catalog:product_detail", product_id=product.pk)
    return render(request, "catalog/product_form.html", {"form": form, "product": None})


@require_right("catalog.manage")
def product_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id)
    form = ProductForm(request.POST or None, product=product)
    if request.method == "POST" and form.is_valid():
        try:
            services.product_update(
                actor=request.user,
                product_id=product.pk,
                data=form.to_data(),
                units=form.to_units(),
            )
        except ApplicationError as exc:
            form.apply_error(exc)
        else:
            messages.success(request, _("Product saved."))
            return redirect("catalog:product_detail", product_id=product.pk)
    return render(request, "catalog/product_form.html", {"form": form, "product": product})


@require_right("catalog.manage")
@require_POST
def product_deactivate(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id)
    services.product_deactivate(
        actor=request.user, product_id=product.pk, reason=request.POST.get("reason", "")[:100]
    )
    messages.success(request, _("The product is no longer offered."))
    return redirect("catalog:product_detail", product_id=product.pk)


@require_right("catalog.manage")
@require_POST
def product_activate(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id)
    try:
        services.product_activate(actor=request.user, product_id=product.pk)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The product is offered again."))
    return redirect("catalog:product_detail", product_id=product.pk)


@require_right("catalog.view")
def product_search(request: HttpRequest) -> HttpResponse:
    """Active products matching ``?q=`` (code, name, model or spec; every word must match),
    optionally ``&category=<id>``, at most 20, for the line editors of quotes and contracts.

    JSON (the default)::

        {"items": [{"id": 12, "code": "MFZ-ABC4", "name": "手提式干粉灭火器",
                    "model": "MFZ/ABC4", "spec": "4kg ABC 干粉", "category": "干粉灭火器",
                    "label": "MFZ-ABC4 手提式干粉灭火器 MFZ/ABC4",
                    "unit_id": 1,                       # the base unit
                    "units": [{"id": 1, "name": "具", "factor": "1", "is_base": true},
                              {"id": 5, "name": "箱", "factor": "4", "is_base": false}],
                    "needs_installation": false, "warranty_months": 12,
                    "inspection_cycle_months": 12, "service_life_years": 10}, ...],
         "more": false}                                  # true: more matches than listed

    With the ``HX-Request`` header (HTMX) it answers the partial
    ``catalog/_product_search_results.html``: a list of buttons, each with ``data-product``
    holding the item above as JSON, and ``data-target`` = the ``?target=`` parameter (the
    line the editor fills). An empty ``q`` lists the first products of the catalog."""
    q = (request.GET.get("q") or "").strip()[:100]
    category = request.GET.get("category") or ""
    choices = selectors.product_choices(
        user=request.user,
        q=q,
        category_id=int(category) if category.isdigit() else None,
        limit=SEARCH_LIMIT + 1,
    )
    more = len(choices) > SEARCH_LIMIT
    items = [c.as_dict() for c in choices[:SEARCH_LIMIT]]
    if request.headers.get("HX-Request"):
        return render(
            request,
            "catalog/_product_search_results.html",
            {
                "rows": [
                    {"item": item, "json": json.dumps(item, ensure_ascii=False)} for item in items
                ],
                "more": more,
                "q": q,
                "target": (request.GET.get("target") or "")[:40],
            },
        )
    return JsonResponse({"items": items, "more": more}, json_dumps_params={"ensure_ascii": False})


# --- import -------------------------------------------------------------------------------


def _owner_key(request: HttpRequest) -> str:
    return f"catalog-{request.user.pk}"


def _import_page(request: HttpRequest, **context: Any) -> HttpResponse:
    return render(request, "catalog/import_page.html", context)


@require_right("catalog.manage")
def product_import(request: HttpRequest) -> HttpResponse:
    """Step 1: upload; every row is checked (dry run) and nothing is imported yet."""
    form = ProductImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _import_page(request, form=form)
    upload = form.cleaned_data["file"]
    try:
        result = importing.import_dry_run(actor=request.user, upload=upload)
    except ApplicationError as exc:
        form_apply_error(form, exc)
        return _import_page(request, form=form)
    token = ""
    if result.ok:
        upload.seek(0)
        token = upload_keep(upload.read(), owner_key=_owner_key(request))
    return _import_page(request, form=form, result=result, token=token, file_name=upload.name)


@require_right("catalog.manage")
@require_POST
def product_import_run(request: HttpRequest) -> HttpResponse:
    """Step 2: import the kept file; it is read and checked again, then written at once."""
    token = (request.POST.get("token") or "")[:64]
    try:
        data = upload_load(token, owner_key=_owner_key(request))
        result = importing.import_run(actor=request.user, upload=data, request=request)
    except ImportInvalid as exc:
        problems = [RowProblem(**e) for e in exc.extra.get("errors", [])]
        return _import_page(
            request,
            form=ProductImportForm(),
            result=importing.ImportResult(rows=exc.extra.get("rows", 0), problems=problems),
            failed=True,
        )
    except ApplicationError as exc:
        return _import_page(request, form=ProductImportForm(), file_error=str(exc.message))
    upload_discard(token, owner_key=_owner_key(request))
    messages.success(
        request,
        _("%(created)s products added, %(updated)s updated.")
        % {"created": result.created, "updated": result.updated},
    )
    return redirect("catalog:product_list")


@require_right("catalog.manage")
def product_import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        importing.import_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="import-products.xlsx"'
    return response


# --- categories and units -----------------------------------------------------------------


def _setup_page(
    request: HttpRequest,
    *,
    category_form: CategoryForm | None = None,
    unit_form: UnitForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_manage = request.user.has_right("catalog.manage")
    return render(
        request,
        "catalog/catalog_setup.html",
        {
            "categories": selectors.category_list(user=request.user),
            "units": selectors.unit_list(user=request.user),
            "can_manage": can_manage,
            "category_form": category_form or (CategoryForm() if can_manage else None),
            "unit_form": unit_form or (UnitForm() if can_manage else None),
        },
        status=status,
    )


@require_right("catalog.view")
def catalog_setup(request: HttpRequest) -> HttpResponse:
    """Categories (in tree order, with how many products each holds) and units; the forms to
    add them for ``catalog.manage``."""
    return _setup_page(request)


@require_right("catalog.manage")
@require_POST
def category_create(request: HttpRequest) -> HttpResponse:
    form = CategoryForm(request.POST)
    if form.is_valid():
        try:
            services.category_create(actor=request.user, data=form.to_data())
        except ApplicationError as exc:
            form.apply_error(exc)
        else:
            messages.success(request, _("Category added."))
            return redirect("catalog:setup")
    return _setup_page(request, category_form=form, status=422)


@require_right("catalog.manage")
def category_edit(request: HttpRequest, category_id: int) -> HttpResponse:
    try:
        category = selectors.category_get(user=request.user, category_id=category_id)
    except ProductCategory.DoesNotExist:
        raise Http404 from None
    form = CategoryForm(request.POST or None, category=category)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_update(
                actor=request.user, category_id=category.pk, data=form.to_data()
            )
        except ApplicationError as exc:
            form.apply_error(exc)
        else:
            messages.success(request, _("Category saved."))
            return redirect("catalog:setup")
    return render(
        request,
        "catalog/setup_form.html",
        {
            "form": form,
            "title": _("Edit category %(name)s") % {"name": category.name},
            "history": history_rows(category),
        },
    )


@require_right("catalog.manage")
@require_POST
def unit_create(request: HttpRequest) -> HttpResponse:
    form = UnitForm(request.POST)
    if form.is_valid():
        try:
            services.unit_create(actor=request.user, data=form.to_data())
        except ApplicationError as exc:
            form.apply_error(exc)
        else:
            messages.success(request, _("Unit added."))
            return redirect("catalog:setup")
    return _setup_page(request, unit_form=form, status=422)


@require_right("catalog.manage")
def unit_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    try:
        unit = selectors.unit_get(user=request.user, unit_id=unit_id)
    except Unit.DoesNotExist:
        raise Http404 from None
    form = UnitForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit_id=unit.pk, data=form.to_data())
        except ApplicationError as exc:
            form.apply_error(exc)
        else:
            messages.success(request, _("Unit saved."))
            return redirect("catalog:setup")
    return render(
        request,
        "catalog/setup_form.html",
        {
            "form": form,
            "title": _("Edit unit %(name)s") % {"name": unit.name},
            "history": history_rows(unit),
        },
    )
