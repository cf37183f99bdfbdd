"""Pages of the price list (R-PRC-1..2, R-ORG-2): the price list with its export, the price
calculator, price changes (调价单) with their lines editor, the discount policy and the float
ranges. Thin: selectors read, services write; confidential columns only for
``can_see_confidential``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.catalog.models import Product, Unit
from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.history import history_rows
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.core.xlsx import xlsx_response
from xiaoguan.customers.models import Customer
from xiaoguan.org.scope import visible
from xiaoguan.pricing.enums import ApprovalDocStatus
from xiaoguan.pricing.models import PriceChange
from xiaoguan.pricing.selectors import price_list as selectors
from xiaoguan.pricing.selectors.prices import can_see_confidential, effective_price
from xiaoguan.pricing.services import policy as policy_services
from xiaoguan.pricing.services import prices as services
from xiaoguan.pricing.web.prices_forms import (
    DiscountRuleForm,
    EffectivePriceForm,
    PriceChangeForm,
    PriceFilterForm,
    lines_from_post,
)

PAGE_SIZE = 50
CUSTOMER_CHOICES_CAP = 1000


def _margin(price: Decimal, cost: Decimal | None) -> Decimal | None:
    if cost is None or not price:
        return None
    return ((price - cost) * 100 / price).quantize(Decimal("0.1"))


def _price_filters(request: HttpRequest) -> tuple[dict[str, Any], str, Any, PriceFilterForm]:
    form = PriceFilterForm(request.GET or None, categories=selectors.category_choices())
    filters: dict[str, Any] = {}
    sort = selectors.DEFAULT_PRICE_SORT
    on = timezone.localdate()
    if form.is_valid():
        d = form.cleaned_data
        filters = {k: d.get(k) for k in selectors.PRICE_FILTER_KEYS if d.get(k) not in (None, "")}
        if d.get("sort") in selectors.PRICE_SORTS:
            sort = d["sort"]
        on = d.get("on") or on
    return filters, sort, on, form


@require_right("pricing.view")
def price_list(request: HttpRequest) -> HttpResponse:
    filters, sort, on, form = _price_filters(request)
    qs = selectors.price_list(user=request.user, on_date=on, filters=filters, sort=sort)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    confidential = can_see_confidential(request.user)
    rows = [
        {
            "bp": bp,
            "cost": bp.cost_price if confidential else None,
            "margin": _margin(bp.price, bp.cost_price) if confidential else None,
        }
        for bp in page
    ]
    return render(
        request,
        "pricing/price_list.html",
        {
            "page": page,
            "rows": rows,
            "filter_form": form,
            "sort": sort,
            "on": on,
            "confidential": confidential,
            "can_manage": request.user.has_right("pricing.manage"),
            "can_load": request.user.has_right("pricing.policy"),
        },
    )


@require_right("pricing.view")
def price_export(request: HttpRequest) -> HttpResponse:
    """The filtered price list as xlsx; cost and margin only for confidential holders. The
    audit event names the filters."""
    filters, sort, on, _form = _price_filters(request)
    qs = selectors.price_list(user=request.user, on_date=on, filters=filters, sort=sort)
    columns: list[tuple[Any, Any]] = [
        (_("product code"), "product__code"),
        (_("product name"), "product__name"),
        (_("model"), "product__model"),
        (_("category"), "product__category__name"),
        (_("unit"), "unit__name"),
        (_("base price"), "price"),
        (_("valid from"), "valid_from"),
    ]
    if can_see_confidential(request.user):
        columns += [
            (_("cost price"), "cost_price"),
            (_("margin (%)"), lambda bp: _margin(bp.price, bp.cost_price)),
        ]
    described = {k: str(v) for k, v in filters.items()} | {"on": on.isoformat(), "sort": sort}
    return xlsx_response(
        filename=f"prices-{on.isoformat()}.xlsx",
        sheet_title=_("Price list"),
        columns=columns,
        rows=qs,
        actor=request.user,
        request=request,
        what=f"pricing.prices?{urlencode(described)}",
    )


def _customer_choices(user) -> list[tuple[int, str]]:
    return list(
        visible(Customer.objects.filter(is_active=True), user)
        .order_by("name_normalized", "pk")
        .values_list("pk", "name")[:CUSTOMER_CHOICES_CAP]
    )


def _product_choices() -> list[tuple[int, str]]:
    return [
        (pk, f"{code} {name} {model}".strip())
        for pk, code, name, model in Product.objects.filter(is_active=True)
        .order_by("code")
        .values_list("pk", "code", "name", "model")
    ]


def _unit_choices() -> list[tuple[int, str]]:
    return list(Unit.objects.filter(is_active=True).order_by("name").values_list("pk", "name"))


@require_right("pricing.view")
def effective_price_page(request: HttpRequest) -> HttpResponse:
    """Customer (or class), product, unit, quantity and date → the price and its derivation.
    Everyone with ``pricing.view`` sees the steps and the price after each; the percentages of
    the discount rules only holders of ``pricing.confidential``."""
    initial = {"on": timezone.localdate(), "quantity": 1}
    form = EffectivePriceForm(
        request.GET or None,
        initial=initial,
        customers=_customer_choices(request.user),
        products=_product_choices(),
        units=_unit_choices(),
    )
    result = None
    error = ""
    customer = None
    if request.GET and form.is_valid():
        d = form.cleaned_data
        customer_class = d.get("customer_class") or ""
        if d.get("customer"):
            customer = (
                visible(Customer.objects.all(), request.user).filter(pk=d["customer"]).first()
            )
            if customer is None:
                raise Http404
            customer_class = customer.customer_class
        try:
            result = effective_price(
                product_id=d["product"],
                unit_id=d["unit"],
                quantity=d["quantity"],
                customer_class=customer_class,
                on_date=d["on"],
            )
        except ApplicationError as exc:
            error = str(exc.message)
    return render(
        request,
        "pricing/effective_price.html",
        {
            "form": form,
            "result": result,
            "error": error,
            "customer": customer,
            "confidential": can_see_confidential(request.user),
        },
    )


# --- price changes ---------------------------------------------------------------------------


def _change(request: HttpRequest, change_id: int) -> PriceChange:
    try:
        return selectors.price_change_get(user=request.user, change_id=change_id)
    except PriceChange.DoesNotExist:
        raise Http404 from None


@require_right("pricing.manage")
def price_change_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = selectors.price_change_list(user=request.user, status=status)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "pricing/price_change_list.html",
        {"page": page, "status": status, "statuses": ApprovalDocStatus.choices},
    )


@require_right("pricing.manage")
def price_change_detail(request: HttpRequest, change_id: int) -> HttpResponse:
    change = _change(request, change_id)
    confidential = can_see_confidential(request.user)
    return render(
        request,
        "pricing/price_change_detail.html",
        {
            "change": change,
            "lines": selectors.price_change_lines(change=change),
            "confidential": confidential,
            "history": history_rows(change),
            "can_edit": change.is_editable,
        },
    )


def _change_form(request: HttpRequest, change: PriceChange | None) -> HttpResponse:
    confidential = can_see_confidential(request.user)
    initial: dict[str, Any] = {}
    existing: list[dict[str, Any]] = []
    if change is not None:
        initial = {
            "reason": change.reason,
            "effective_from": change.effective_from,
            "version": change.version,
        }
        existing = [
            {
                "product": ln.product_id,
                "unit": ln.unit_id,
                "new_price": ln.new_price,
                "new_cost": ln.new_cost if confidential else None,
            }
            for ln in change.lines.all()
        ]
    else:
        initial = {"effective_from": timezone.localdate()}
    form = PriceChangeForm(request.POST or None, initial=initial)
    rows = existing
    line_errors: dict[str, Any] = {}
    if request.method == "POST":
        lines = lines_from_post(request.POST, with_cost=confidential)
        rows = [
            {
                "product": ln.product_id,
                "unit": ln.unit_id,
                "new_price": ln.new_price,
                "new_cost": ln.new_cost,
            }
            for ln in lines
        ]
        if form.is_valid():
            try:
                if change is None:
                    change = services.price_change_create(
                        actor=request.user, data=form.to_data(), lines=lines
                    )
                else:
                    change = services.price_change_update(
                        actor=request.user,
                        change=change,
                        expected_version=form.cleaned_data.get("version") or 0,
                        data=form.to_data(),
                        lines=lines,
                    )
            except ApplicationError as exc:
                form_apply_error(form, exc)
                line_errors = {k: v for k, v in exc.fields.items() if k.startswith("lines")}
            else:
                messages.success(request, _("Price change saved."))
                return redirect("pricing:price_change_detail", change_id=change.pk)
    blank = max(3, 8 - len(rows))
    rows = rows + [{} for _i in range(blank)]
    return render(
        request,
        "pricing/price_change_form.html",
        {
            "form": form,
            "change": change,
            "rows": rows,
            "line_errors": [
                _("Line %(n)s: %(message)s") % {"n": k.split(".")[1], "message": m}
                for k, v in line_errors.items()
                for m in (v if isinstance(v, list) else [v])
            ],
            "products": _product_choices(),
            "units": _unit_choices(),
            "confidential": confidential,
        },
    )


@require_right("pricing.manage")
def price_change_create(request: HttpRequest) -> HttpResponse:
    return _change_form(request, None)


@require_right("pricing.manage")
def price_change_edit(request: HttpRequest, change_id: int) -> HttpResponse:
    change = _change(request, change_id)
    if not change.is_editable:
        messages.error(request, _("A submitted or decided price change cannot be edited."))
        return redirect("pricing:price_change_detail", change_id=change.pk)
    return _change_form(request, change)


@require_right("pricing.manage")
@require_POST
def price_change_action(request: HttpRequest, change_id: int, action: str) -> HttpResponse:
    change = _change(request, change_id)
    actions = {
        "submit": (services.price_change_submit, _("Sent to management for approval.")),
        "withdraw": (services.price_change_withdraw, _("Taken back; it is a draft again.")),
        "cancel": (services.price_change_cancel, _("Price change cancelled.")),
    }
    if action not in actions:
        raise Http404
    service, done = actions[action]
    try:
        service(actor=request.user, change=change)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        for msgs in exc.fields.values():
            messages.error(request, str(msgs))
    else:
        messages.success(request, done)
    return redirect("pricing:price_change_detail", change_id=change.pk)


# --- discount policy and float ranges ------------------------------------------------------


def _category_choices_all() -> list[tuple[int, str]]:
    return selectors.category_choices()


@require_right("pricing.confidential")
def discount_rules(request: HttpRequest) -> HttpResponse:
    can_edit = request.user.has_right("pricing.policy")
    form = None
    if can_edit:
        form = DiscountRuleForm(
            request.POST or None,
            initial={"is_active": True},
            categories=_category_choices_all(),
            products=_product_choices(),
        )
        if request.method == "POST" and form.is_valid():
            try:
                policy_services.discount_rule_create(actor=request.user, data=form.to_data())
            except ApplicationError as exc:
                form_apply_error(form, exc)
            else:
                messages.success(request, _("Discount rule added."))
                return redirect("pricing:discount_rules")
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "pricing/discount_rules.html",
        {"rules": selectors.discount_rules(), "form": form, "can_edit": can_edit},
    )


@require_right("pricing.policy")
def discount_rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = selectors.discount_rules().filter(pk=rule_id).first()
    if rule is None:
        raise Http404
    initial = {
        "kind": rule.kind,
        "customer_class": rule.customer_class,
        "min_quantity": rule.min_quantity,
        "dealer_tier": rule.dealer_tier,
        "category": rule.category_id,
        "product": rule.product_id,
        "percent": rule.percent,
        "valid_from": rule.valid_from,
        "valid_to": rule.valid_to,
        "is_active": rule.is_active,
        "note": rule.note,
    }
    form = DiscountRuleForm(
        request.POST or None,
        initial=initial,
        categories=_category_choices_all(),
        products=_product_choices(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            policy_services.discount_rule_update(
                actor=request.user, rule_id=rule.pk, data=form.to_data()
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Discount rule saved."))
            return redirect("pricing:discount_rules")
    return render(
        request,
        "pricing/discount_rule_form.html",
        {"form": form, "rule": rule, "history": history_rows(rule)},
    )


@require_right("pricing.policy")
def float_ranges(request: HttpRequest) -> HttpResponse:
    rows = selectors.float_ranges()
    if request.method == "POST":
        errors = 0
        for row in rows:
            key = f"role-{row['role'].pk}"
            if key not in request.POST:
                continue
            value = request.POST.get(key, "").strip()
            current = row["range"].max_discount if row["range"] else None
            if (value == "" and current is None) or (
                current is not None and value and _same(value, current)
            ):
                continue
            try:
                policy_services.float_range_set(
                    actor=request.user, role_id=row["role"].pk, max_discount=value
                )
            except ApplicationError as exc:
                errors += 1
                messages.error(
                    request,
                    f"{row['role'].name}: " + "; ".join(str(v) for v in exc.fields.values())
                    or str(exc.message),
                )
        if not errors:
            messages.success(request, _("Float ranges saved."))
            return redirect("pricing:float_ranges")
        rows = selectors.float_ranges()
    return render(
        request,
        "pricing/float_ranges.html",
        {"rows": rows, "history": selectors.float_range_history()},
    )


def _same(value: str, current: Decimal) -> bool:
    try:
        return Decimal(value) == current
    except ArithmeticError:
        return False


@require_right("pricing.policy")
def price_import(request: HttpRequest) -> HttpResponse:
    """Management loads a price list from Excel (all or nothing, audited)."""
    from xiaoguan.pricing.services.price_import import price_list_import

    problems: list[str] = []
    valid_from = request.POST.get("valid_from") or timezone.localdate().isoformat()
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            day = date_from_iso(valid_from)
            if upload is None:
                problems.append(_("Choose an Excel file (.xlsx)."))
            else:
                count = price_list_import(
                    actor=request.user, upload=upload, valid_from=day, filename=upload.name
                )
                messages.success(request, _("%(n)s prices loaded.") % {"n": count})
                return redirect(f"{reverse('pricing:price_list')}?on={valid_from}")
        except ApplicationError as exc:
            problems.append(str(exc.message))
            problems += [f"{k}: {v}" for k, v in exc.fields.items()]
    return render(
        request, "pricing/price_import.html", {"problems": problems, "valid_from": valid_from}
    )


def date_from_iso(value: str):
    from datetime import date as _date

    from xiaoguan.pricing.errors import PriceChangeInvalid

    try:
        return _date.fromisoformat(value)
    except ValueError:
        raise PriceChangeInvalid(_("Choose the day the prices apply from.")) from None
