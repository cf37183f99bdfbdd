"""Inquiry and tender pages (R-QUO-1): list with filters and export; registration and edit;
detail with the bid decision, the department tasks, the quotes and the documents. Thin:
selectors read (scoped), services write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.core import attachments, policy
from xiaoguan.core.errors import ApplicationError, NotFound
from xiaoguan.core.history import history_rows
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.core.web.listing import filters_and_sort, sort_columns
from xiaoguan.core.xlsx import xlsx_response
from xiaoguan.org.department_tasks import department_task_inbox
from xiaoguan.sales.enums import InquiryStatus
from xiaoguan.sales.models import Inquiry
from xiaoguan.sales.selectors import inquiries as selectors
from xiaoguan.sales.services import inquiries as services
from xiaoguan.sales.web.inquiries_forms import (
    CancelForm,
    DecisionForm,
    InquiryFilterForm,
    InquiryForm,
    RequestFiguresForm,
)

PAGE_SIZE = 25
SORT_COLUMNS = ("number", "deadline", "amount", "created")


def _inquiry(request: HttpRequest, inquiry_id: int) -> Inquiry:
    try:
        return selectors.inquiry_get(user=request.user, inquiry_id=inquiry_id)
    except Inquiry.DoesNotExist:
        raise Http404 from None


def _filters(request: HttpRequest) -> tuple[dict[str, Any], str, InquiryFilterForm]:
    form = InquiryFilterForm(request.GET or None)
    filters, sort = filters_and_sort(
        form,
        filter_keys=selectors.FILTER_KEYS,
        sorts=selectors.SORTS,
        default_sort=selectors.DEFAULT_SORT,
    )
    return filters, sort, form


@require_right("sales.inquiries_view")
def inquiry_list(request: HttpRequest) -> HttpResponse:
    filters, sort, form = _filters(request)
    qs = selectors.inquiry_list(user=request.user, filters=filters, sort=sort)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    columns = sort_columns(sort, SORT_COLUMNS)
    context = {
        "page": page,
        "columns": columns,
        "sort": sort,
        "filter_form": form,
        "now": timezone.now(),
        "can_edit": request.user.has_right("sales.inquiries_edit"),
    }
    template = (
        "sales/inquiry_list.html#inquiry-table" if request.htmx else "sales/inquiry_list.html"
    )
    return render(request, template, context)


@require_right("sales.inquiries_view")
def inquiry_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as xlsx: exactly the rows the list shows, all pages."""
    filters, sort, _form = _filters(request)
    qs = selectors.inquiry_list(user=request.user, filters=filters, sort=sort)
    return xlsx_response(
        filename="inquiries.xlsx",
        sheet_title=_("Inquiries and tenders"),
        columns=[
            (_("number"), "number"),
            (_("kind"), "get_kind_display"),
            (_("source"), "get_source_display"),
            (_("customer"), "customer__name"),
            (_("subject"), "title"),
            (_("tender number"), "tender_number"),
            (_("deadline for the offer"), lambda i: timezone.localtime(i.deadline)),
            (_("estimated amount"), "estimated_amount"),
            (_("status"), "get_status_display"),
            (_("reason for the decision"), "decision_note"),
            (_("outcome"), "outcome_note"),
            (_("owner"), lambda i: str(i.owner)),
            (_("department"), "department__name"),
            (_("created"), "created_at"),
        ],
        rows=qs,
        actor=request.user,
        request=request,
        what="sales.inquiries",
    )


def _int(value: Any) -> int | None:
    return int(value) if str(value or "").isdigit() else None


@require_right("sales.inquiries_edit")
def inquiry_create(request: HttpRequest) -> HttpResponse:
    """From the customer's page (``?customer=``, also what the customer picker reloads with)
    the customer is given; otherwise the picker's choice. The opportunities offered are the
    chosen customer's open ones only."""
    customers = selectors.inquiry_customers(user=request.user)
    preset = _int(request.GET.get("customer"))
    initial: dict[str, Any] = {}
    customer = None
    if preset:
        customer = customers.filter(pk=preset).first()
        if customer is None:
            raise Http404
        customers = customers.filter(pk=customer.pk)
        initial["customer"] = customer.pk
    opp_preset = _int(request.GET.get("opportunity"))
    if opp_preset:
        initial["opportunity"] = opp_preset
    customer_id = customer.pk if customer else _int(request.POST.get("customer"))
    form = InquiryForm(
        request.POST or None,
        customers=customers,
        opportunities=selectors.inquiry_opportunities(user=request.user, customer_id=customer_id),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            inquiry = services.inquiry_create(actor=request.user, data=form.to_data())
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(
                request, _("Inquiry %(number)s registered.") % {"number": inquiry.number}
            )
            return redirect("sales:inquiry_detail", inquiry_id=inquiry.pk)
    return render(
        request,
        "sales/inquiry_form.html",
        {"form": form, "inquiry": None, "customer": customer},
        status=422 if request.method == "POST" else 200,
    )


@require_right("sales.inquiries_edit")
def inquiry_edit(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    inquiry = _inquiry(request, inquiry_id)
    form = InquiryForm(
        request.POST or None,
        customers=None,
        opportunities=selectors.inquiry_opportunities(
            user=request.user, customer_id=inquiry.customer_id
        ),
        inquiry=inquiry,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.inquiry_update(
                actor=request.user,
                inquiry=inquiry,
                data=form.to_data(),
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise Http404 from None
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Inquiry saved."))
            return redirect("sales:inquiry_detail", inquiry_id=inquiry.pk)
    return render(
        request,
        "sales/inquiry_form.html",
        {"form": form, "inquiry": inquiry, "customer": inquiry.customer},
        status=422 if request.method == "POST" else 200,
    )


def _detail_context(
    request: HttpRequest,
    inquiry: Inquiry,
    *,
    decision_form: DecisionForm | None = None,
    figures_form: RequestFiguresForm | None = None,
    cancel_form: CancelForm | None = None,
) -> dict[str, Any]:
    user = request.user
    can_edit = user.has_right("sales.inquiries_edit")
    tasks = selectors.inquiry_task_rows(inquiry=inquiry, user=user)
    asked = {row["task"].kind for row in tasks if row["task"].status in ("open", "done")}
    # A task links to its page only for those who may open it (its department, whoever asked,
    # an all-records scope); others see its title and figures here.
    openable: set[int] = set()
    if tasks and user.has_right("org.tasks"):
        openable = set(
            department_task_inbox(user=user)
            .filter(pk__in=[row["task"].pk for row in tasks])
            .values_list("pk", flat=True)
        )
    for row in tasks:
        row["openable"] = row["task"].pk in openable
    return {
        "inquiry": inquiry,
        "can_edit": can_edit and inquiry.status == InquiryStatus.NEW,
        "can_decide": services.can_decide(user=user, inquiry=inquiry),
        "can_request_figures": (
            can_edit
            and inquiry.status == InquiryStatus.BIDDING
            and not {services.TASK_TECHNICAL, services.TASK_COST} <= asked
        ),
        "can_cancel": can_edit and inquiry.status in (InquiryStatus.NEW, InquiryStatus.BIDDING),
        "can_quote": (
            inquiry.status == InquiryStatus.BIDDING and user.has_right("sales.quotes_edit")
        ),
        "decision_form": decision_form or DecisionForm(),
        "figures_form": figures_form or RequestFiguresForm(),
        "cancel_form": cancel_form or CancelForm(),
        "tasks": tasks,
        "figures": selectors.inquiry_figures_for(inquiry=inquiry, user=user),
        "show_cost": user.has_right(selectors.CONFIDENTIAL_RIGHT),
        "quotes": list(selectors.inquiry_quotes(inquiry=inquiry, user=user)[:20])
        if user.has_right("sales.quotes_view")
        else [],
        "approval": selectors.inquiry_approval(inquiry=inquiry),
        "escalation_amount": services.escalation_amount(),
        "is_overdue": inquiry.status in selectors.OPEN_STATUSES
        and inquiry.deadline < timezone.now(),
        "attachments": {
            "items": list(
                attachments.attachments_for(user=user, obj=inquiry, already_checked=True)
            ),
            "owner": attachments.owner_key(Inquiry),
            "object_id": inquiry.pk,
            "can_edit": can_edit,
            "max_mb": policy.value(attachments.MAX_SIZE_KEY),
            "extensions": sorted(attachments.allowed_extensions()),
        },
        "history": history_rows(inquiry),
    }


@require_right("sales.inquiries_view")
def inquiry_detail(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    inquiry = _inquiry(request, inquiry_id)
    return render(request, "sales/inquiry_detail.html", _detail_context(request, inquiry))


def _refused(request: HttpRequest, inquiry_id: int, exc: ApplicationError, **forms: Any):
    if isinstance(exc, NotFound):
        raise Http404 from None
    inquiry = _inquiry(request, inquiry_id)
    for form in forms.values():
        if form is not None:
            form_apply_error(form, exc)
    return render(
        request,
        "sales/inquiry_detail.html",
        _detail_context(request, inquiry, **forms),
        status=exc.status if exc.status in (403, 409, 422) else 422,
    )


@require_right("sales.bid_decide")
@require_POST
def inquiry_decide(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    inquiry = _inquiry(request, inquiry_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "sales/inquiry_detail.html",
            _detail_context(request, inquiry, decision_form=form),
            status=422,
        )
    try:
        decided = services.inquiry_decide(
            actor=request.user,
            inquiry=inquiry,
            bid=form.cleaned_data["decision"] == "bid",
            reason=form.cleaned_data["reason"],
        )
    except ApplicationError as exc:
        return _refused(request, inquiry_id, exc, decision_form=form)
    if decided.status == InquiryStatus.ESCALATED:
        messages.info(request, _("The bid goes to management for approval."))
    else:
        messages.success(request, _("The decision is recorded."))
    return redirect("sales:inquiry_detail", inquiry_id=inquiry.pk)


@require_right("sales.inquiries_edit")
@require_POST
def inquiry_request_figures(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    inquiry = _inquiry(request, inquiry_id)
    form = RequestFiguresForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "sales/inquiry_detail.html",
            _detail_context(request, inquiry, figures_form=form),
            status=422,
        )
    try:
        created = services.inquiry_request_figures(
            actor=request.user,
            inquiry=inquiry,
            due_on=form.cleaned_data.get("due_on"),
            note=form.cleaned_data.get("note") or "",
        )
    except ApplicationError as exc:
        return _refused(request, inquiry_id, exc, figures_form=form)
    messages.success(
        request,
        _("Sent to %(departments)s.")
        % {"departments": "、".join(t.department.name for t in created)},
    )
    return redirect("sales:inquiry_detail", inquiry_id=inquiry.pk)


@require_right("sales.inquiries_edit")
@require_POST
def inquiry_cancel(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    inquiry = _inquiry(request, inquiry_id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "sales/inquiry_detail.html",
            _detail_context(request, inquiry, cancel_form=form),
            status=422,
        )
    try:
        services.inquiry_cancel(actor=request.user, inquiry=inquiry, note=form.cleaned_data["note"])
    except ApplicationError as exc:
        return _refused(request, inquiry_id, exc, cancel_form=form)
    messages.success(request, _("The inquiry is cancelled."))
    return redirect("sales:inquiry_detail", inquiry_id=inquiry.pk)
