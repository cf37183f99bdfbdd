"""Price approval request pages (R-PRC-2, R-PRC-3): the list in the user's scope, the detail
with its lines and approval history, the filing page opened from a quote or contract
(``?subject_kind=quote&subject_id=N``; the lines come from the document) and the withdrawal.
Floor prices are shown only to holders of ``pricing.confidential``; the others see how far
below the range a line is. Thin: selectors read (scoped), services write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.approvals.selectors import approval_history_for
from xiaoguan.catalog.models import Product, Unit
from xiaoguan.core.errors import ApplicationError, NotFound
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.pricing.enums import ApprovalDocStatus, SubjectKind
from xiaoguan.pricing.lines import HUNDRED, to_cents
from xiaoguan.pricing.models import PriceRequest
from xiaoguan.pricing.registries import PriceSubject, price_subject_load
from xiaoguan.pricing.selectors import price_requests as selectors
from xiaoguan.pricing.services import price_requests as services
from xiaoguan.pricing.web.price_requests_forms import PriceRequestFilterForm, PriceRequestForm

PAGE_SIZE = 25


def _price_request(request: HttpRequest, price_request_id: int) -> PriceRequest:
    try:
        return selectors.price_request_get(user=request.user, price_request_id=price_request_id)
    except NotFound:
        raise Http404 from None


@require_right("pricing.requests_view")
def price_request_list(request: HttpRequest) -> HttpResponse:
    form = PriceRequestFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    qs = selectors.price_request_list(user=request.user, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "pricing/price_request_list.html",
        {"page": page, "filter_form": form},
    )


def _below_by(line: Any) -> Any:
    """Percentage points below the range, from the stored floor (no floor price shown)."""
    if not line.effective_price:
        return None
    return to_cents((line.floor_price - line.requested_price) * HUNDRED / line.effective_price)


def _subject_state(price_request: PriceRequest, user: Any) -> dict[str, Any]:
    """Whether the document's current lines below the range are still those requested."""
    subject = price_subject_load(
        kind=price_request.subject_kind, subject_id=price_request.subject_id, user=user
    )
    if subject is None:
        return {"subject": None, "covers_current": None}
    _below, fingerprint = selectors.below_range_fingerprint(
        subject_kind=price_request.subject_kind,
        subject_id=price_request.subject_id,
        owner=subject.owner,
        lines=subject.lines,
    )
    return {"subject": subject, "covers_current": fingerprint == price_request.fingerprint}


@require_right("pricing.requests_view")
def price_request_detail(request: HttpRequest, price_request_id: int) -> HttpResponse:
    price_request = _price_request(request, price_request_id)
    lines = selectors.price_request_lines(request=price_request)
    for line in lines:
        line.below_by = _below_by(line)
    history = approval_history_for(price_request)
    filer_id = history[0].requested_by_id if history else None
    may_cancel = request.user.pk in (price_request.owner_id, filer_id) and (
        price_request.status in (ApprovalDocStatus.APPROVED, ApprovalDocStatus.RETURNED)
        or (price_request.status == ApprovalDocStatus.IN_APPROVAL and request.user.pk == filer_id)
    )
    state = (
        _subject_state(price_request, request.user)
        if price_request.status in (ApprovalDocStatus.IN_APPROVAL, ApprovalDocStatus.APPROVED)
        else {"subject": None, "covers_current": None}
    )
    return render(
        request,
        "pricing/price_request_detail.html",
        {
            "pr": price_request,
            "lines": lines,
            "history": history,
            "show_floor": request.user.has_right("pricing.confidential"),
            "may_cancel": may_cancel,
            **state,
        },
    )


def _subject_from_query(request: HttpRequest) -> tuple[str, int, PriceSubject]:
    kind = request.GET.get("subject_kind") or request.POST.get("subject_kind") or ""
    raw_id = request.GET.get("subject_id") or request.POST.get("subject_id") or ""
    if kind not in SubjectKind.values or not raw_id.isdigit():
        raise Http404
    subject_id = int(raw_id)
    subject = price_subject_load(kind=kind, subject_id=subject_id, user=request.user)
    if subject is None:
        raise Http404
    return kind, subject_id, subject


def _named_rows(below: list[selectors.BelowRange]) -> list[dict[str, Any]]:
    products = Product.objects.in_bulk({b.line.product_id for b in below})
    units = Unit.objects.in_bulk({b.line.unit_id for b in below})
    return [
        {
            "product": products.get(b.line.product_id),
            "unit": units.get(b.line.unit_id),
            "quantity": b.line.quantity,
            "list_price": to_cents(b.line.list_price),
            "unit_price": to_cents(b.line.unit_price),
            "floor_price": b.floor_price,
            "discount": b.discount,
            "below_by": b.below_by,
        }
        for b in below
    ]


@require_right("pricing.request")
def price_request_new(request: HttpRequest) -> HttpResponse:
    """File a request for the lines of a quote or contract below its owner's range."""
    kind, subject_id, subject = _subject_from_query(request)
    form = PriceRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.price_request_create_for_subject(
                actor=request.user,
                subject_kind=kind,
                subject_id=subject_id,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(
                request,
                _("Price approval request %(number)s submitted.") % {"number": created.number},
            )
            return redirect("pricing:price_request_detail", price_request_id=created.pk)
    below = selectors.lines_below_range(owner=subject.owner, lines=subject.lines)
    return render(
        request,
        "pricing/price_request_new.html",
        {
            "form": form,
            "subject": subject,
            "subject_kind": kind,
            "subject_kind_label": SubjectKind(kind).label,
            "subject_id": subject_id,
            "rows": _named_rows(below),
            "other_lines": len(subject.lines) - len(below),
            "show_floor": request.user.has_right("pricing.confidential"),
            "pending": selectors.pending_request_exists(subject_kind=kind, subject_id=subject_id),
            "previous": selectors.requests_for_subject(
                user=request.user, subject_kind=kind, subject_id=subject_id
            )[:10],
        },
    )


@require_POST
@require_right("pricing.requests_view")
def price_request_cancel(request: HttpRequest, price_request_id: int) -> HttpResponse:
    price_request = _price_request(request, price_request_id)
    try:
        services.price_request_cancel(
            actor=request.user, request=price_request, reason=request.POST.get("reason", "")
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The price approval request is cancelled."))
    return redirect("pricing:price_request_detail", price_request_id=price_request.pk)
