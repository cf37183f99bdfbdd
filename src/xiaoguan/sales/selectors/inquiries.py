"""Reads of inquiries and tenders (R-QUO-1), always through the data scope (R-ORG-1)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from xiaoguan.customers.models import Customer
from xiaoguan.org.department_tasks import figures_visible, tasks_for_subject
from xiaoguan.org.enums import TaskStatus
from xiaoguan.org.models import DepartmentTask, User
from xiaoguan.org.scope import visible
from xiaoguan.sales.enums import OPEN_STAGES, InquiryStatus
from xiaoguan.sales.models import Inquiry, Opportunity, Quote

OPEN_STATUSES = (InquiryStatus.NEW, InquiryStatus.ESCALATED, InquiryStatus.BIDDING)
SUBJECT_TYPE = "inquiry"
TASK_TECHNICAL = "sales.technical_parameters"
TASK_COST = "sales.cost_lead_time"
CONFIDENTIAL_RIGHT = "pricing.confidential"
FILTER_KEYS = ("q", "status", "kind", "deadline_from", "deadline_to", "customer")
SORTS: dict[str, tuple[str, ...]] = {
    "deadline": ("deadline", "pk"),
    "-deadline": ("-deadline", "-pk"),
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
    "number": ("number",),
    "-number": ("-number",),
    "amount": ("estimated_amount", "pk"),
    "-amount": ("-estimated_amount", "-pk"),
}
DEFAULT_SORT = "deadline"


def _day_start(value: date) -> datetime:
    return timezone.make_aware(datetime.combine(value, time.min))


def _filtered(qs: QuerySet[Inquiry], filters: dict[str, Any]) -> QuerySet[Inquiry]:
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(title__icontains=q)
            | Q(tender_number__icontains=q)
            | Q(customer__name__icontains=q)
        )
    status = filters.get("status")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in InquiryStatus.values:
        qs = qs.filter(status=status)
    kind = filters.get("kind")
    if kind:
        qs = qs.filter(kind=kind)
    customer = filters.get("customer")
    if customer:
        qs = qs.filter(customer_id=customer.pk if isinstance(customer, Customer) else customer)
    if filters.get("deadline_from"):
        qs = qs.filter(deadline__gte=_day_start(filters["deadline_from"]))
    if filters.get("deadline_to"):
        from datetime import timedelta

        qs = qs.filter(deadline__lt=_day_start(filters["deadline_to"] + timedelta(days=1)))
    return qs


def inquiry_list(
    *, user: User, filters: dict[str, Any] | None = None, sort: str = DEFAULT_SORT
) -> QuerySet[Inquiry]:
    """The inquiries the user may see, filtered by the allow-listed ``FILTER_KEYS``."""
    qs = _filtered(visible(Inquiry.objects.all(), user), filters or {})
    ordering = SORTS.get(sort) or SORTS[DEFAULT_SORT]
    return qs.select_related("customer", "owner", "department").order_by(*ordering)


def inquiry_get(*, user: User, inquiry_id: int) -> Inquiry:
    """One inquiry the user may see; otherwise Inquiry.DoesNotExist (a 404)."""
    return (
        visible(Inquiry.objects.all(), user)
        .select_related("customer", "owner", "department", "opportunity", "decided_by")
        .get(pk=inquiry_id)
    )


def inquiry_customers(*, user: User) -> QuerySet[Customer]:
    """The customers a new inquiry may be registered for: active and in scope (the form's
    picker checks a posted id against these)."""
    return visible(Customer.objects.filter(is_active=True), user).order_by("name_normalized", "pk")


def inquiry_opportunities(*, user: User, customer_id: int | None) -> QuerySet[Opportunity]:
    """The opportunities an inquiry may be linked to: the chosen customer's open ones in
    scope; none before a customer is chosen (a director's whole pipeline would not fit in a
    drop-down)."""
    if not customer_id:
        return Opportunity.objects.none()
    qs = Opportunity.objects.filter(stage__in=OPEN_STAGES, customer_id=customer_id)
    return visible(qs, user).order_by("-created_at", "-pk")


def customer_open_inquiries(*, customer: Customer, user: User, limit: int = 10) -> list[Inquiry]:
    """A customer's open inquiries the user may see (the customer page's section)."""
    return list(
        visible(Inquiry.objects.filter(customer=customer, status__in=OPEN_STATUSES), user)
        .select_related("owner")
        .order_by("deadline", "pk")[:limit]
    )


def inquiry_tasks(*, inquiry: Inquiry) -> QuerySet[DepartmentTask]:
    """The department tasks about the inquiry (the inquiry is already in the caller's scope)."""
    return tasks_for_subject(subject_type=SUBJECT_TYPE, subject_id=inquiry.pk)


def inquiry_task_rows(*, inquiry: Inquiry, user: User) -> list[dict[str, Any]]:
    """The inquiry's tasks with the figures the user may see (the cost only for holders of
    pricing.confidential and the production department)."""
    return [
        {"task": task, "figures": figures_visible(user=user, task=task)}
        for task in inquiry_tasks(inquiry=inquiry)
    ]


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def inquiry_task_figures(*, inquiry: Inquiry) -> dict[str, Any]:
    """What the technical and production departments filled in on the inquiry's tasks (the
    latest completed task of each kind): ``technical_notes`` (text, "" if none),
    ``cost_estimate`` (Decimal or None) and ``lead_time_days`` (int or None). The cost is
    confidential: callers show it only to holders of pricing.confidential."""
    figures: dict[str, Any] = {"technical_notes": "", "cost_estimate": None, "lead_time_days": None}
    done = (
        DepartmentTask.objects.filter(
            subject_type=SUBJECT_TYPE,
            subject_id=inquiry.pk,
            kind__in=(TASK_TECHNICAL, TASK_COST),
            status=TaskStatus.DONE,
        )
        .order_by("completed_at", "pk")
        .values_list("kind", "response_data", "response")
    )
    for kind, data, response in done:
        data = data or {}
        if kind == TASK_TECHNICAL:
            notes = (data.get("parameters") or "").strip()
            if response and response.strip() and response.strip() != notes:
                notes = f"{notes}\n\n{response.strip()}".strip()
            figures["technical_notes"] = notes
        else:
            figures["cost_estimate"] = _decimal(data.get("material_cost"))
            days = data.get("lead_time_days")
            figures["lead_time_days"] = int(days) if days not in (None, "") else None
    return figures


def inquiry_figures_for(*, inquiry: Inquiry, user: User) -> dict[str, Any]:
    """``inquiry_task_figures`` with the cost removed for users without pricing.confidential."""
    figures = inquiry_task_figures(inquiry=inquiry)
    if not user.has_right(CONFIDENTIAL_RIGHT):
        figures.pop("cost_estimate", None)
    return figures


def inquiry_quotes(*, inquiry: Inquiry, user: User) -> QuerySet[Quote]:
    """The quotes made on the inquiry that the user may see."""
    return visible(Quote.objects.filter(inquiry=inquiry), user).order_by("-created_at", "-pk")


def inquiry_approval(*, inquiry: Inquiry) -> Any:
    """The latest bid-decision approval request of the inquiry (or None)."""
    from xiaoguan.approvals.models import ApprovalRequest

    return (
        ApprovalRequest.objects.filter(doc_type="bid_decision", object_id=inquiry.pk)
        .order_by("-created_at", "-pk")
        .first()
    )
