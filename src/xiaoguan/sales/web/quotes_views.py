"""Quote pages (R-QUO-2, R-QUO-3): list with filters and export; detail with lines, totals and
the approval history; entry and edit with the line editor (the effective price and its
derivation per line, HTMX); submit, withdraw, the customer's answer; the printable PDF.
Thin: selectors read (scoped), services write."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.approvals.selectors import approval_history_for, pending_request_for
from xiaoguan.catalog.models import Product, Unit
from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.history import history_rows
from xiaoguan.core.money_words import amount_in_chinese_words
from xiaoguan.core.pdf import pdf_response, render_pdf
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.core.web.listing import filters_and_sort, sort_columns
from xiaoguan.core.xlsx import xlsx_response
from xiaoguan.customers.models import Customer
from xiaoguan.org.models import Department
from xiaoguan.org.scope import visible
from xiaoguan.pricing.errors import PriceBelowRange
from xiaoguan.pricing.line_input import MAX_MONEY, MAX_QUANTITY
from xiaoguan.pricing.selectors.prices import can_see_confidential
from xiaoguan.pricing.services.price_requests import price_approval_check
from xiaoguan.sales.enums import OPEN_STAGES, InquiryStatus, LostReason, QuoteStatus
from xiaoguan.sales.models import Inquiry, Opportunity, Quote
from xiaoguan.sales.selectors import quotes as selectors
from xiaoguan.sales.selectors.inquiries import inquiry_figures_for
from xiaoguan.sales.services import quotes as services
from xiaoguan.sales.web.quotes_forms import (
    BLANK_ROWS,
    AnswerForm,
    QuoteCustomerForm,
    QuoteFilterForm,
    QuoteForm,
    posted_lines,
)

PAGE_SIZE = 25
SORT_COLUMNS = ("number", "total", "valid", "created")
# The formal document: the approved quote, and what became of it.
FORMAL_STATUSES = (QuoteStatus.APPROVED, QuoteStatus.ACCEPTED, QuoteStatus.LOST)


def _quote(request: HttpRequest, quote_id: int) -> Quote:
    try:
        return selectors.quote_get(user=request.user, quote_id=quote_id)
    except Quote.DoesNotExist:
        raise Http404 from None


def _filters(request: HttpRequest) -> tuple[dict[str, Any], str, QuoteFilterForm]:
    form = QuoteFilterForm(request.GET or None)
    filters, sort = filters_and_sort(
        form,
        filter_keys=selectors.FILTER_KEYS,
        sorts=selectors.SORTS,
        default_sort=selectors.DEFAULT_SORT,
    )
    return filters, sort, form


@require_right("sales.quotes_view")
def quote_list(request: HttpRequest) -> HttpResponse:
    filters, sort, form = _filters(request)
    qs = selectors.quote_list(user=request.user, filters=filters, sort=sort)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    columns = sort_columns(sort, SORT_COLUMNS)
    return render(
        request,
        "sales/quote_list.html",
        {
            "page": page,
            "columns": columns,
            "sort": sort,
            "filter_form": form,
            "can_edit": request.user.has_right("sales.quotes_edit"),
            "show_cost": can_see_confidential(request.user),
            "today": timezone.localdate(),
        },
    )


@require_right("sales.quotes_view")
def quote_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as xlsx (audited): the prices are the customer's; the cost estimate
    column only for holders of ``pricing.confidential``."""
    filters, sort, _form = _filters(request)
    qs = selectors.quote_list(user=request.user, filters=filters, sort=sort)
    columns: list[tuple[Any, Any]] = [
        (_("number"), "number"),
        (_("subject"), "title"),
        (_("customer"), "customer__name"),
        (_("status"), "get_status_display"),
        (_("prices as of"), "price_date"),
        (_("valid until"), "valid_until"),
        (_("amount at effective prices"), "list_total"),
        (_("discount"), "discount_total"),
        (_("quote total"), "total"),
        (_("reason lost"), "get_lost_reason_display"),
        (_("owner"), lambda q: str(q.owner)),
        (_("department"), "department__name"),
        (_("created"), "created_at"),
    ]
    if can_see_confidential(request.user):
        columns.insert(9, (_("material cost estimate"), "cost_estimate"))
    return xlsx_response(
        filename="quotes.xlsx",
        sheet_title=_("Quotes"),
        columns=columns,
        rows=qs,
        actor=request.user,
        request=request,
        what="sales.quotes",
    )


def _price_problem(quote: Quote) -> str:
    """Why the quote could not be submitted for its prices (empty when it could)."""
    if not quote.is_editable:
        return ""
    lines = services.quote_priced_lines(quote=quote)
    if not lines:
        return ""
    try:
        price_approval_check(
            subject_kind="quote", subject_id=quote.pk, owner=quote.owner, lines=lines
        )
    except PriceBelowRange as exc:
        return str(exc.message)
    return ""


@require_right("sales.quotes_view")
def quote_detail(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = _quote(request, quote_id)
    user = request.user
    can_edit = user.has_right("sales.quotes_edit")
    pending = pending_request_for(quote) if quote.status == QuoteStatus.IN_APPROVAL else None
    contract_url = ""
    if quote.status == QuoteStatus.ACCEPTED and user.has_right("contracts.edit"):
        try:
            contract_url = reverse("contracts:contract_from_quote", kwargs={"quote_id": quote.pk})
        except NoReverseMatch:
            contract_url = ""
    price_problem = _price_problem(quote) if can_edit else ""
    price_request_url = ""
    if price_problem and user.has_right("pricing.request"):
        try:
            price_request_url = (
                reverse("pricing:price_request_new") + f"?subject_kind=quote&subject_id={quote.pk}"
            )
        except NoReverseMatch:
            price_request_url = ""
    return render(
        request,
        "sales/quote_detail.html",
        {
            "quote": quote,
            "lines": selectors.quote_lines(quote=quote),
            "approvals": approval_history_for(quote),
            "history": history_rows(quote),
            "can_edit": can_edit,
            "show_cost": can_see_confidential(user),
            "can_withdraw": pending is not None and pending.requested_by_id == user.pk,
            "expired": selectors.quote_is_expired(quote),
            "formal": quote.status in FORMAL_STATUSES,
            "answer_form": AnswerForm(),
            "lost_reasons": LostReason.choices,
            "contract_url": contract_url,
            "price_problem": price_problem,
            "price_request_url": price_request_url,
        },
    )


def _customers(request: HttpRequest):
    return visible(Customer.objects.filter(is_active=True), request.user).order_by(
        "name_normalized", "pk"
    )


def _products():
    return list(
        Product.objects.filter(is_active=True)
        .select_related("unit")
        .prefetch_related("units__unit")
        .order_by("code")
    )


def _opportunities(request: HttpRequest, customer: Customer):
    return visible(
        Opportunity.objects.filter(customer=customer, stage__in=OPEN_STAGES), request.user
    ).order_by("-pk")


def _rows_of(quote: Quote | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if quote is not None:
        for line in selectors.quote_lines(quote=quote):
            rows.append(
                {
                    "product": str(line.product_id),
                    "unit": str(line.unit_id),
                    "quantity": f"{line.quantity.normalize():f}",
                    "unit_price": f"{line.unit_price:f}",
                    "discount": "",
                    "spec": line.spec,
                }
            )
    return rows


def _form_page(
    request: HttpRequest,
    *,
    form: QuoteForm,
    rows: list[dict[str, Any]],
    quote: Quote | None,
    customer: Customer | None,
    customers: Any,
    inquiry: Inquiry | None,
    status: int = 200,
) -> HttpResponse:
    products = _products()
    blank = {
        "product": "",
        "unit": "",
        "quantity": "",
        "unit_price": "",
        "discount": "",
        "spec": "",
    }
    return render(
        request,
        "sales/quote_form.html",
        {
            "form": form,
            "quote": quote,
            "customer": customer,
            "customers": customers,
            "inquiry": inquiry,
            "products": products,
            "units": Unit.objects.filter(is_active=True).order_by("name"),
            "rows": [*rows, *([blank] * BLANK_ROWS)],
            "blank_row": blank,
        },
        status=status,
    )


@require_right("sales.quotes_edit")
def quote_create(request: HttpRequest) -> HttpResponse:
    """A new quote for a customer (``?customer=``), an inquiry being bid (``?inquiry=``) or an
    opportunity (``?opportunity=``)."""
    source = request.POST if request.method == "POST" else request.GET
    customers = _customers(request)
    customer = inquiry = None
    initial: dict[str, Any] = {}
    inquiry_id = source.get("inquiry", "")
    if inquiry_id.isdigit():
        inquiry = (
            visible(Inquiry.objects.select_related("customer"), request.user)
            .filter(pk=int(inquiry_id), status=InquiryStatus.BIDDING)
            .first()
        )
        if inquiry is None:
            raise Http404
        customer = inquiry.customer
        initial.update(title=inquiry.title, opportunity=inquiry.opportunity_id)
        # What the technical and production departments filled in, shown before saving (the
        # service copies the same figures into fields left empty); the cost only to its holders.
        figures = inquiry_figures_for(inquiry=inquiry, user=request.user)
        initial.update(
            technical_notes=figures.get("technical_notes") or "",
            delivery_lead_days=figures.get("lead_time_days"),
            cost_estimate=figures.get("cost_estimate"),
        )
    opp_id = source.get("opportunity", "")
    if customer is None and opp_id.isdigit():
        opp = (
            visible(Opportunity.objects.select_related("customer"), request.user)
            .filter(pk=int(opp_id))
            .first()
        )
        if opp is None:
            raise Http404
        customer = opp.customer
        initial.update(title=opp.name, opportunity=opp.pk)
    if customer is None:
        # First the customer (a search picker); the form needs it for prices and opportunities.
        # An id outside the scope is a 404 that still says why and offers the picker again.
        customer_id = source.get("customer", "")
        pick = QuoteCustomerForm(
            {"customer": customer_id} if customer_id else None, customers=customers
        )
        if not pick.is_valid():
            return render(
                request,
                "sales/quote_pick_customer.html",
                {"pick": pick},
                status=404 if pick.is_bound else 200,
            )
        customer = pick.cleaned_data["customer"]
    form = QuoteForm(
        request.POST or None,
        initial=initial,
        opportunities=_opportunities(request, customer),
        may_see_cost=can_see_confidential(request.user),
    )
    rows: list[dict[str, Any]] = []
    if request.method == "POST":
        products = {p.pk: p.unit_id for p in Product.objects.only("unit_id")}
        lines, rows = posted_lines(request.POST, base_units=products)
        if form.is_valid():
            try:
                quote = services.quote_create(
                    actor=request.user,
                    data=form.to_data(
                        customer_id=customer.pk, inquiry_id=inquiry.pk if inquiry else None
                    ),
                    lines=lines,
                )
            except ApplicationError as exc:
                form_apply_error(form, exc)
                _line_errors(form, exc)
            else:
                messages.success(request, _("Quote %(n)s saved as a draft.") % {"n": quote.number})
                return redirect("sales:quote_detail", quote_id=quote.pk)
    return _form_page(
        request,
        form=form,
        rows=rows,
        quote=None,
        customer=customer,
        customers=None,
        inquiry=inquiry,
        status=422 if request.method == "POST" else 200,
    )


def _line_errors(form: QuoteForm, exc: ApplicationError) -> None:
    """Line problems (``lines.N.field``) listed at the top of the form."""
    for key, message in exc.fields.items():
        if key.startswith("lines"):
            form.add_error(None, str(message))


@require_right("sales.quotes_edit")
def quote_edit(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = _quote(request, quote_id)
    if not quote.is_editable:
        messages.error(request, _("A submitted or approved document cannot be edited."))
        return redirect("sales:quote_detail", quote_id=quote.pk)
    initial = {
        "title": quote.title,
        "valid_until": quote.valid_until,
        "opportunity": quote.opportunity_id,
        "delivery_lead_days": quote.delivery_lead_days,
        "payment_terms": quote.payment_terms,
        "technical_notes": quote.technical_notes,
        "cost_estimate": quote.cost_estimate,
        "notes": quote.notes,
        "version": quote.version,
    }
    form = QuoteForm(
        request.POST or None,
        initial=initial,
        opportunities=_opportunities(request, quote.customer),
        may_see_cost=can_see_confidential(request.user),
    )
    rows = _rows_of(quote)
    if request.method == "POST":
        products = {p.pk: p.unit_id for p in Product.objects.only("unit_id")}
        lines, rows = posted_lines(request.POST, base_units=products)
        if form.is_valid():
            data = form.to_data(customer_id=quote.customer_id)
            if "cost_estimate" not in form.fields:
                data.cost_estimate = None
            try:
                services.quote_update(
                    actor=request.user,
                    quote=quote,
                    expected_version=form.cleaned_data.get("version") or 0,
                    data=data,
                    lines=lines,
                )
            except ApplicationError as exc:
                form_apply_error(form, exc)
                _line_errors(form, exc)
            else:
                messages.success(request, _("Quote saved."))
                return redirect("sales:quote_detail", quote_id=quote.pk)
    return _form_page(
        request,
        form=form,
        rows=rows,
        quote=quote,
        customer=quote.customer,
        customers=None,
        inquiry=quote.inquiry,
        status=422 if request.method == "POST" else 200,
    )


def _decimal(raw: str | None) -> Decimal | None:
    try:
        value = Decimal((raw or "").strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


@require_right("sales.quotes_edit")
def quote_line_preview(request: HttpRequest) -> HttpResponse:
    """The line editor's price cell: the effective price for the customer today, how it was
    derived, and the line amount (the service prices again on save)."""
    customer_id = request.GET.get("customer", "")
    customer = (
        _customers(request).filter(pk=int(customer_id)).first() if customer_id.isdigit() else None
    )
    product_id = request.GET.get("line-product", "")
    context: dict[str, Any] = {
        "preview": None,
        "error": "",
        "show_percent": can_see_confidential(request.user),
    }
    if customer is not None and product_id.isdigit():
        product = Product.objects.filter(pk=int(product_id), is_active=True).first()
        quantity = _decimal(request.GET.get("line-quantity")) or Decimal(1)
        unit = request.GET.get("line-unit", "")
        # Out of range numbers get no preview (the service refuses them on save).
        if product is not None and 0 < quantity <= MAX_QUANTITY:
            unit_price = _decimal(request.GET.get("line-unit_price"))
            if unit_price is not None and unit_price > MAX_MONEY:
                unit_price = None
            discount = _decimal(request.GET.get("line-discount"))
            try:
                context["preview"] = selectors.line_preview(
                    customer=customer,
                    product_id=product.pk,
                    unit_id=int(unit) if unit.isdigit() else product.unit_id,
                    quantity=quantity,
                    unit_price=unit_price if unit_price and unit_price > 0 else None,
                    discount=discount if discount is not None and 0 <= discount < 100 else None,
                )
            except ApplicationError as exc:
                context["error"] = str(exc.message)
    return render(request, "sales/quote_form.html#line_preview", context)


def _act(request: HttpRequest, quote_id: int, action, success: str, **kwargs: Any) -> HttpResponse:
    quote = _quote(request, quote_id)
    try:
        action(actor=request.user, quote=quote, **kwargs)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        for key, msgs in exc.fields.items():
            if str(msgs) != str(exc.message) and not key.startswith("lines"):
                messages.error(request, str(msgs))
    else:
        messages.success(request, success)
    return redirect("sales:quote_detail", quote_id=quote.pk)


@require_right("sales.quotes_edit")
@require_POST
def quote_submit(request: HttpRequest, quote_id: int) -> HttpResponse:
    return _act(request, quote_id, services.quote_submit, _("Quote sent for approval."))


@require_right("sales.quotes_edit")
@require_POST
def quote_withdraw(request: HttpRequest, quote_id: int) -> HttpResponse:
    return _act(
        request, quote_id, services.quote_withdraw, _("Quote withdrawn; it is a draft again.")
    )


@require_right("sales.quotes_edit")
@require_POST
def quote_accept(request: HttpRequest, quote_id: int) -> HttpResponse:
    form = AnswerForm(request.POST)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    return _act(
        request, quote_id, services.quote_accept, _("The customer accepted the quote."), note=note
    )


@require_right("sales.quotes_edit")
@require_POST
def quote_lose(request: HttpRequest, quote_id: int) -> HttpResponse:
    form = AnswerForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    return _act(
        request,
        quote_id,
        services.quote_lose,
        _("The quote is recorded as lost."),
        lost_reason=data.get("lost_reason", ""),
        note=data.get("note", ""),
    )


@require_right("sales.quotes_edit")
@require_POST
def quote_cancel(request: HttpRequest, quote_id: int) -> HttpResponse:
    form = AnswerForm(request.POST)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    return _act(request, quote_id, services.quote_cancel, _("Quote cancelled."), note=note)


def _company_name() -> str:
    root = Department.objects.get_root_nodes().first()
    return root.name if root is not None else ""


@require_right("sales.quotes_view")
def quote_pdf(request: HttpRequest, quote_id: int) -> HttpResponse:
    """The printable quote. Approved, accepted and lost quotes print as the formal document
    with the stamp box; any other status prints with a 草稿 (draft) watermark and no stamp
    box. The cost estimate is never printed."""
    quote = _quote(request, quote_id)
    formal = quote.status in FORMAL_STATUSES
    content = render_pdf(
        "sales/pdf/quote.html",
        {
            "quote": quote,
            "lines": list(selectors.quote_lines(quote=quote)),
            "company_name": _company_name(),
            "total_words": amount_in_chinese_words(quote.total),
            "formal": formal,
        },
    )
    return pdf_response(content, filename=f"{quote.number}.pdf")
