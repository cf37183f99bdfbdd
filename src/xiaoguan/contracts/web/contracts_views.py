"""Contract pages (R-CON-1..3): draft from scratch, a template or an accepted quote, with the
HTMX line and schedule editor; detail with lines, schedule, the sections higher parts add
(``contract_sections``: orders, collection plan, invoices), after-sales terms, clauses,
approvals and the execution timeline; submit, withdraw, cancel; signing with the signed scan.
Thin: selectors read (scoped), services write. The contract list is the ledger
(``contracts:ledger``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.approvals.selectors import approval_history_for
from xiaoguan.catalog.models import Product, Unit
from xiaoguan.contracts.enums import ContractStatus, PaymentTrigger
from xiaoguan.contracts.errors import ContractExistsForQuote, ContractNotFound
from xiaoguan.contracts.models import Contract, ContractTemplate
from xiaoguan.contracts.selectors import contracts as selectors
from xiaoguan.contracts.selectors import templates as template_selectors
from xiaoguan.contracts.selectors.execution import contract_execution_context
from xiaoguan.contracts.services import contracts as services
from xiaoguan.contracts.services.schedule import schedule_amounts
from xiaoguan.contracts.web.contract_sections import sections_for
from xiaoguan.contracts.web.contracts_forms import (
    ContractForm,
    SignForm,
    lines_from_post,
    terms_from_post,
)
from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.pricing.lines import document_totals

BLANK_LINE = {"product_id": "", "unit_id": "", "quantity": "", "unit_price": "", "discount": ""}
DEFAULT_TERMS = [
    {"label": "预付款", "trigger": PaymentTrigger.SIGNING, "days_after": 7, "percent": "30"},
    {
        "label": "发货款",
        "trigger": PaymentTrigger.BEFORE_SHIPMENT,
        "days_after": 0,
        "percent": "60",
    },
    {
        "label": "质保金",
        "trigger": PaymentTrigger.WARRANTY_END,
        "days_after": 30,
        "percent": "10",
        "is_retention": True,
    },
]


def _contract(request: HttpRequest, contract_id: int) -> Contract:
    try:
        return selectors.contract_get(user=request.user, contract_id=contract_id)
    except ContractNotFound:
        raise Http404 from None


def _editor_choices() -> dict[str, Any]:
    return {
        "products": list(
            Product.objects.filter(is_active=True)
            .order_by("code")
            .values("pk", "code", "name", "model", "unit_id")
        ),
        "units": list(Unit.objects.filter(is_active=True).order_by("name").values("pk", "name")),
        "triggers": PaymentTrigger.choices,
    }


def _rows_from_post(request: HttpRequest) -> tuple[list[dict], list[dict]]:
    lines = [
        {
            "product_id": str(line.product_id),
            "unit_id": str(line.unit_id),
            "quantity": line.quantity,
            "unit_price": line.unit_price or "",
            "discount": line.discount or "",
            "spec": line.spec,
        }
        for line in lines_from_post(request.POST)
    ]
    terms = [
        {
            "label": t.label,
            "trigger": t.trigger,
            "days_after": t.days_after,
            "percent": t.percent or "",
            "amount": t.amount or "",
            "is_retention": t.is_retention,
        }
        for t in terms_from_post(request.POST)
    ]
    return lines, terms


def _rows_of(contract: Contract) -> tuple[list[dict], list[dict]]:
    lines = [
        {
            "product_id": str(line.product_id),
            "unit_id": str(line.unit_id),
            "quantity": f"{line.quantity.normalize():f}",
            "unit_price": f"{line.unit_price}",
            "discount": "",
            "spec": line.spec,
        }
        for line in selectors.contract_lines(contract=contract)
    ]
    terms = [
        {
            "label": t.label,
            "trigger": t.trigger,
            "days_after": t.days_after,
            "percent": f"{t.percent.normalize():f}" if t.percent is not None else "",
            "amount": f"{t.amount}" if t.percent is None else "",
            "is_retention": t.is_retention,
        }
        for t in selectors.contract_terms(contract=contract)
    ]
    return lines, terms


def _errors_of(exc: ApplicationError, prefix: str) -> list[str]:
    return [str(m) for k, m in exc.fields.items() if k == prefix or k.startswith(prefix + ".")]


def _form_page(
    request: HttpRequest,
    *,
    form: ContractForm,
    contract: Contract | None,
    lines: list[dict],
    terms: list[dict],
    error: ApplicationError | None = None,
) -> HttpResponse:
    return render(
        request,
        "contracts/contract_form.html",
        {
            "form": form,
            "contract": contract,
            "lines": lines or [dict(BLANK_LINE)],
            "terms": terms,
            "line_errors": _errors_of(error, "lines") if error else [],
            "term_errors": _errors_of(error, "terms") if error else [],
            "error": error,
            **_editor_choices(),
        },
        status=422 if error is not None else 200,
    )


def _with_defaults(data: services.ContractData, lines, *, new: bool) -> services.ContractData:
    """After-sales terms proposed from the products where the user left them open (a new
    draft also takes the installation flag from the products)."""
    from dataclasses import replace

    defaults = services.after_sales_defaults(
        product_ids=[line.product_id for line in lines if line.product_id > 0]
    )
    if not defaults:
        return data
    changes: dict[str, Any] = {}
    if data.warranty_months is None:
        changes["warranty_months"] = defaults["warranty_months"]
    if data.inspection_cycle_months is None:
        changes["inspection_cycle_months"] = defaults["inspection_cycle_months"]
    if new and defaults["installation_required"]:
        changes["installation_required"] = True
    return replace(data, **changes)


@require_right("contracts.edit")
def contract_create(request: HttpRequest) -> HttpResponse:
    customers = selectors.contract_customers(user=request.user)
    templates = template_selectors.template_choices()
    if request.method == "POST":
        form = ContractForm(request.POST, customers=customers, templates=templates)
        lines_rows, terms_rows = _rows_from_post(request)
        if form.is_valid():
            lines = lines_from_post(request.POST)
            try:
                contract = services.contract_create(
                    actor=request.user,
                    data=_with_defaults(form.to_data(), lines, new=True),
                    lines=lines,
                    terms=terms_from_post(request.POST),
                )
            except ApplicationError as exc:
                form_apply_error(form, exc)
                return _form_page(
                    request,
                    form=form,
                    contract=None,
                    lines=lines_rows,
                    terms=terms_rows,
                    error=exc,
                )
            messages.success(
                request, _("Contract %(number)s drafted.") % {"number": contract.number}
            )
            return redirect("contracts:contract_detail", contract_id=contract.pk)
        return _form_page(request, form=form, contract=None, lines=lines_rows, terms=terms_rows)
    initial: dict[str, Any] = {"price_date": timezone.localdate()}
    preset = request.GET.get("customer", "")
    if preset.isdigit() and customers.filter(pk=int(preset)).exists():
        initial["customer"] = int(preset)
    template = request.GET.get("template", "")
    if template.isdigit() and templates.filter(pk=int(template)).exists():
        initial["template"] = int(template)
    form = ContractForm(customers=customers, templates=templates, initial=initial)
    return _form_page(
        request, form=form, contract=None, lines=[], terms=[dict(t) for t in DEFAULT_TERMS]
    )


@require_right("contracts.edit")
def contract_edit(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _contract(request, contract_id)
    if not contract.is_editable:
        messages.error(request, _("Only a draft or a returned contract can be edited."))
        return redirect("contracts:contract_detail", contract_id=contract.pk)
    customers = selectors.contract_customers(user=request.user) | type(
        contract.customer
    ).objects.filter(pk=contract.customer_id)
    templates = ContractTemplate.objects.filter(
        pk__in=[
            *template_selectors.template_choices().values_list("pk", flat=True),
            contract.template_id or 0,
        ]
    ).order_by("code")
    if request.method == "POST":
        form = ContractForm(
            request.POST, customers=customers, templates=templates, contract=contract
        )
        lines_rows, terms_rows = _rows_from_post(request)
        if form.is_valid():
            lines = lines_from_post(request.POST)
            try:
                services.contract_update(
                    actor=request.user,
                    contract=contract,
                    expected_version=form.cleaned_data.get("version") or 0,
                    data=_with_defaults(form.to_data(), lines, new=False),
                    lines=lines,
                    terms=terms_from_post(request.POST),
                )
            except ApplicationError as exc:
                form_apply_error(form, exc)
                return _form_page(
                    request,
                    form=form,
                    contract=contract,
                    lines=lines_rows,
                    terms=terms_rows,
                    error=exc,
                )
            messages.success(request, _("Draft saved."))
            return redirect("contracts:contract_detail", contract_id=contract.pk)
        return _form_page(request, form=form, contract=contract, lines=lines_rows, terms=terms_rows)
    form = ContractForm(customers=customers, templates=templates, contract=contract)
    lines_rows, terms_rows = _rows_of(contract)
    return _form_page(request, form=form, contract=contract, lines=lines_rows, terms=terms_rows)


@require_right("contracts.edit")
def contract_line_row(request: HttpRequest) -> HttpResponse:
    """One empty row of the line editor (HTMX "add a line")."""
    return render(
        request,
        "contracts/contract_form.html#line_row",
        {"line": dict(BLANK_LINE), **_editor_choices()},
    )


@require_right("contracts.edit")
def contract_term_row(request: HttpRequest) -> HttpResponse:
    """One empty row of the schedule editor (HTMX "add an instalment")."""
    return render(
        request,
        "contracts/contract_form.html#term_row",
        {"term": {"trigger": PaymentTrigger.DELIVERY, "days_after": 0}, **_editor_choices()},
    )


@require_right("contracts.edit")
@require_POST
def contract_preview(request: HttpRequest) -> HttpResponse:
    """The editor's figures without saving (HTMX): each line's effective price and amount,
    the totals, each instalment's amount, the after-sales terms the products suggest; or the
    refusals the save would give."""
    customers = selectors.contract_customers(user=request.user)
    customer_id = request.POST.get("customer", "")
    contract_id = request.POST.get("contract", "")
    contract = None
    if contract_id.isdigit():
        contract = _contract(request, int(contract_id))
        customer = contract.customer
        price_date = contract.price_date
    else:
        customer = customers.filter(pk=int(customer_id)).first() if customer_id.isdigit() else None
        price_date = None
        raw_date = request.POST.get("price_date", "")
        if raw_date:
            from django.utils.dateparse import parse_date

            try:
                price_date = parse_date(raw_date)
            except ValueError:
                price_date = None
        price_date = price_date or timezone.localdate()
    context: dict[str, Any] = {"errors": [], "priced": [], "schedule": []}
    lines = lines_from_post(request.POST)
    if customer is None:
        context["errors"].append(_("Choose a customer to see the prices."))
    elif lines:
        try:
            priced = services.contract_price_lines(
                customer=customer,
                price_date=price_date,
                lines=lines,
                quote_id=contract.quote_id if contract else None,
            )
        except ApplicationError as exc:
            context["errors"] += [str(m) for m in exc.fields.values()] or [str(exc.message)]
        else:
            totals = document_totals(p.figures for p in priced)
            context["priced"] = priced
            context["totals"] = totals
            terms = terms_from_post(request.POST)
            try:
                amounts = schedule_amounts(total=totals.total, terms=terms)
            except ApplicationError as exc:
                context["errors"] += [str(m) for m in exc.fields.values()] or [str(exc.message)]
            else:
                context["schedule"] = list(zip(terms, amounts, strict=True))
            context["suggested"] = services.after_sales_defaults(
                product_ids=[p.product.pk for p in priced]
            )
    return render(request, "contracts/contract_form.html#preview", context)


def _detail_context(request: HttpRequest, contract: Contract) -> dict[str, Any]:
    user = request.user
    lines = list(selectors.contract_lines(contract=contract))
    terms = list(selectors.contract_terms(contract=contract))
    editable = contract.is_editable and user.has_right("contracts.edit")
    missing = services.contract_missing_terms(contract=contract) if editable else []
    below: list[Any] = []
    price_cover = None
    if editable and lines:
        try:
            # The lines below the range and the approved request (own or the quote's) covering
            # them: the page says which approval stands or asks for one.
            cover = services.contract_price_approval(contract=contract)
            below, price_cover = cover.below, cover.request
        except ApplicationError:
            below = []
    can_edit_files = user.has_right("contracts.sign") or editable
    return {
        "contract": contract,
        "lines": lines,
        "terms": terms,
        "history": approval_history_for(contract),
        "can_edit": editable,
        "can_submit": editable,
        "can_cancel": user.has_right("contracts.edit")
        and contract.status
        in (ContractStatus.DRAFT, ContractStatus.RETURNED, ContractStatus.APPROVED),
        "can_withdraw": contract.status == ContractStatus.IN_APPROVAL
        and user.has_right("contracts.edit"),
        "can_sign": contract.status == ContractStatus.APPROVED and user.has_right("contracts.sign"),
        "missing": missing,
        "below_range": below,
        "price_cover": price_cover,
        "scan": selectors.contract_signed_scan(contract=contract),
        "can_edit_files": can_edit_files,
        "discount_total": contract.list_total - contract.total,
        # Effective prices and discounts show the price policy: pricing.view holders only.
        "show_prices": user.has_right("pricing.view"),
        **contract_execution_context(contract=contract, user=user),
        # What higher parts add: orders and shipments, the collection plan, invoices.
        "sections": sections_for(request, contract),
    }


@require_right("contracts.view")
def contract_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _contract(request, contract_id)
    return render(request, "contracts/contract_detail.html", _detail_context(request, contract))


def _act(request: HttpRequest, contract_id: int, action, success: str) -> HttpResponse:
    contract = _contract(request, contract_id)
    try:
        action(contract)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success)
    return redirect("contracts:contract_detail", contract_id=contract.pk)


@require_right("contracts.edit")
@require_POST
def contract_submit(request: HttpRequest, contract_id: int) -> HttpResponse:
    return _act(
        request,
        contract_id,
        lambda c: services.contract_submit(actor=request.user, contract=c),
        _("Submitted for approval."),
    )


@require_right("contracts.edit")
@require_POST
def contract_withdraw(request: HttpRequest, contract_id: int) -> HttpResponse:
    return _act(
        request,
        contract_id,
        lambda c: services.contract_withdraw(actor=request.user, contract=c),
        _("Withdrawn from approval; the contract is a draft again."),
    )


@require_right("contracts.edit")
@require_POST
def contract_cancel(request: HttpRequest, contract_id: int) -> HttpResponse:
    reason = request.POST.get("reason", "")[:300]
    return _act(
        request,
        contract_id,
        lambda c: services.contract_cancel(actor=request.user, contract=c, reason=reason),
        _("Contract cancelled."),
    )


@require_right("contracts.sign")
def contract_sign(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _contract(request, contract_id)
    if contract.status != ContractStatus.APPROVED:
        messages.error(request, _("Only an approved contract can be signed."))
        return redirect("contracts:contract_detail", contract_id=contract.pk)
    if request.method == "POST":
        form = SignForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.contract_sign(
                    actor=request.user,
                    contract=contract,
                    signed_on=d["signed_on"],
                    customer_signatory=d["customer_signatory"],
                    company_signatory=d["company_signatory"],
                    scan=d["scan"],
                )
            except ApplicationError as exc:
                form_apply_error(form, exc)
            else:
                messages.success(request, _("Signing recorded; the contract is in force."))
                return redirect("contracts:contract_detail", contract_id=contract.pk)
        status = 422
    else:
        form = SignForm(
            initial={
                "signed_on": timezone.localdate(),
                "company_signatory": str(request.user),
            }
        )
        status = 200
    return render(
        request,
        "contracts/contract_sign.html",
        {"form": form, "contract": contract},
        status=status,
    )


@require_right("contracts.edit")
@require_POST
def contract_from_quote(request: HttpRequest, quote_id: int) -> HttpResponse:
    """From the quote page: the accepted quote becomes a new draft (or, when one exists, the
    user is taken to it)."""
    try:
        contract = services.contract_create_from_quote(actor=request.user, quote_id=quote_id)
    except ContractExistsForQuote as exc:
        messages.info(request, str(exc.message))
        return redirect("contracts:contract_detail", contract_id=exc.extra["contract_id"])
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404 from None
        messages.error(request, str(exc.message))
        return redirect("sales:quote_detail", quote_id=quote_id)
    messages.success(
        request,
        _("Contract %(number)s drafted from the quote; complete the terms and submit it.")
        % {"number": contract.number},
    )
    return redirect("contracts:contract_edit", contract_id=contract.pk)
