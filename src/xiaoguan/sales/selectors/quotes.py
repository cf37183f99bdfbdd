"""Reads of quotes (R-QUO-2, R-QUO-3), always through the data scope (R-ORG-1). The cost
estimate is confidential: it is never a filter or a sort key here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from xiaoguan.customers.models import Customer
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible
from xiaoguan.pricing.lines import line_figures
from xiaoguan.pricing.selectors.prices import effective_price
from xiaoguan.sales.enums import QuoteStatus
from xiaoguan.sales.models import Quote, QuoteLine

SORTS: dict[str, tuple[str, ...]] = {
    "-created": ("-created_at", "-pk"),
    "created": ("created_at", "pk"),
    "number": ("number",),
    "-number": ("-number",),
    "total": ("total", "pk"),
    "-total": ("-total", "-pk"),
    "valid": ("valid_until", "pk"),
    "-valid": ("-valid_until", "-pk"),
}
DEFAULT_SORT = "-created"
FILTER_KEYS = ("q", "status", "customer", "expiring", "opportunity", "inquiry")
EXPIRING_DAYS = 7
# Statuses in which the validity date still matters (the customer has not answered yet).
WAITING_STATUSES = (QuoteStatus.APPROVED,)


def _base(user: User) -> QuerySet[Quote]:
    return visible(Quote.objects.all(), user)


def _filtered(qs: QuerySet[Quote], filters: dict[str, Any]) -> QuerySet[Quote]:
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(number__icontains=q) | Q(title__icontains=q) | Q(customer__name__icontains=q)
        )
    status = filters.get("status")
    if status == "open":
        qs = qs.filter(
            status__in=(
                QuoteStatus.DRAFT,
                QuoteStatus.RETURNED,
                QuoteStatus.IN_APPROVAL,
                QuoteStatus.APPROVED,
            )
        )
    elif status in QuoteStatus.values:
        qs = qs.filter(status=status)
    customer = filters.get("customer")
    if customer:
        qs = qs.filter(customer_id=customer.pk if isinstance(customer, Customer) else customer)
    for key in ("opportunity", "inquiry"):
        if filters.get(key):
            qs = qs.filter(**{f"{key}_id": filters[key]})
    if filters.get("expiring"):
        today = timezone.localdate()
        qs = qs.filter(
            status__in=WAITING_STATUSES,
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=EXPIRING_DAYS),
        )
    return qs


def quote_list(
    *, user: User, filters: dict[str, Any] | None = None, sort: str = DEFAULT_SORT
) -> QuerySet[Quote]:
    """The quotes the user may see, filtered by the allow-listed ``FILTER_KEYS`` (``expiring``:
    approved, waiting for the customer, validity ending within a week) and sorted by ``SORTS``."""
    qs = _filtered(_base(user), filters or {})
    ordering = SORTS.get(sort) or SORTS[DEFAULT_SORT]
    return qs.select_related("customer", "owner", "department").order_by(*ordering)


def quote_get(*, user: User, quote_id: int) -> Quote:
    """One quote the user may see; otherwise Quote.DoesNotExist (a 404)."""
    return (
        _base(user)
        .select_related("customer", "owner", "department", "inquiry", "opportunity")
        .get(pk=quote_id)
    )


def quote_lines(*, quote: Quote) -> QuerySet[QuoteLine]:
    """The lines of a quote already fetched through the scope, in order."""
    return quote.lines.select_related("product", "unit").order_by("position")


def customer_quotes(*, customer: Customer, user: User, limit: int = 10) -> QuerySet[Quote]:
    """A customer's latest quotes the user may see, newest first."""
    return _base(user).filter(customer=customer).order_by("-created_at", "-pk")[:limit]


def quote_is_expired(quote: Quote) -> bool:
    return quote.status in WAITING_STATUSES and quote.valid_until < timezone.localdate()


@dataclass(frozen=True)
class LinePreview:
    """What the line editor shows for a product and quantity: the effective price and how it
    was derived, and the figures of the offered price."""

    product_id: int
    unit_id: int
    quantity: Decimal
    list_price: Decimal
    steps: tuple[Any, ...]
    unit_price: Decimal
    discount: Decimal
    amount: Decimal


def line_preview(
    *,
    customer: Customer,
    product_id: int,
    unit_id: int,
    quantity: Decimal,
    unit_price: Decimal | None = None,
    discount: Decimal | None = None,
) -> LinePreview:
    """The effective price for the customer today and the line's figures (for the editor;
    the service prices again on save). Raises pricing's PriceMissing."""
    effective = effective_price(
        product_id=product_id,
        unit_id=unit_id,
        quantity=quantity,
        customer_class=customer.customer_class or "",
        on_date=timezone.localdate(),
    )
    figures = line_figures(
        quantity=quantity, list_price=effective.price, unit_price=unit_price, discount=discount
    )
    return LinePreview(
        product_id=product_id,
        unit_id=unit_id,
        quantity=quantity,
        list_price=effective.price,
        steps=tuple(effective.steps),
        unit_price=figures.unit_price,
        discount=figures.discount,
        amount=figures.amount,
    )
