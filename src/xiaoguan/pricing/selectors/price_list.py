"""Reads of the price list, price changes, promotions and the discount policy for pages and
API. Confidential fields (cost, margin, the discount policy) are only ever shown to holders of
``pricing.confidential`` (``can_see_confidential``); they are not filter or sort keys for
anyone, so nobody can learn them by filtering."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from xiaoguan.catalog.models import ProductCategory
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible
from xiaoguan.pricing.enums import ApprovalDocStatus
from xiaoguan.pricing.models import (
    BasePrice,
    DiscountRule,
    FloatRange,
    PriceChange,
    PriceChangeLine,
    Promotion,
)

# Sort keys open to everyone who sees the list; cost and margin are deliberately absent.
PRICE_SORTS = {
    "code": ("product__code", "unit__name"),
    "-code": ("-product__code", "unit__name"),
    "name": ("product__name", "product__code"),
    "-name": ("-product__name", "product__code"),
    "price": ("price", "product__code"),
    "-price": ("-price", "product__code"),
    "valid_from": ("valid_from", "product__code"),
    "-valid_from": ("-valid_from", "product__code"),
}
DEFAULT_PRICE_SORT = "code"
PRICE_FILTER_KEYS = ("q", "category")


def price_list(
    *, user: User, on_date: date, filters: dict[str, Any] | None = None, sort: str = "code"
) -> QuerySet[BasePrice]:
    """The base price of every product and unit in force on the day (one row each)."""
    filters = filters or {}
    latest = (
        BasePrice.objects.filter(
            product_id=OuterRef("product_id"), unit_id=OuterRef("unit_id"), valid_from__lte=on_date
        )
        .order_by("-valid_from")
        .values("valid_from")[:1]
    )
    qs = BasePrice.objects.filter(valid_from=Subquery(latest)).select_related(
        "product", "product__category", "unit", "change"
    )
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(product__code__icontains=q)
            | Q(product__name__icontains=q)
            | Q(product__model__icontains=q)
        )
    category = filters.get("category")
    if category:
        qs = qs.filter(Q(product__category_id=category) | Q(product__category__parent_id=category))
    if not filters.get("inactive"):
        qs = qs.filter(product__is_active=True)
    return qs.order_by(*PRICE_SORTS.get(sort, PRICE_SORTS[DEFAULT_PRICE_SORT]))


def category_choices() -> list[tuple[int, str]]:
    return list(
        ProductCategory.objects.filter(is_active=True)
        .order_by("position", "code")
        .values_list("pk", "name")
    )


def price_history(*, product_id: int, unit_id: int) -> QuerySet[BasePrice]:
    return BasePrice.objects.filter(product_id=product_id, unit_id=unit_id).select_related("change")


# --- price changes ---------------------------------------------------------------------------


def price_change_list(*, user: User, status: str = "") -> QuerySet[PriceChange]:
    qs = visible(PriceChange.objects.all(), user).select_related("owner", "department")
    if status in ApprovalDocStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def price_change_get(*, user: User, change_id: int) -> PriceChange:
    """The change if the user may see it; else ``PriceChange.DoesNotExist``."""
    return price_change_list(user=user).get(pk=change_id)


def price_change_lines(*, change: PriceChange) -> QuerySet[PriceChangeLine]:
    return change.lines.select_related("product", "unit").order_by("product__code", "unit__name")


# --- promotions ------------------------------------------------------------------------------


def promotion_list(*, user: User, status: str = "", current_on: date | None = None):
    """Approved promotions are public to price viewers; drafts and those in approval only
    within the user's scope."""
    own = visible(Promotion.objects.all(), user).values("pk")
    qs = Promotion.objects.filter(Q(status=ApprovalDocStatus.APPROVED) | Q(pk__in=own))
    if status in ApprovalDocStatus.values:
        qs = qs.filter(status=status)
    if current_on is not None:
        qs = qs.filter(
            status=ApprovalDocStatus.APPROVED, starts_on__lte=current_on, ends_on__gte=current_on
        )
    return qs.select_related("product", "unit", "owner").order_by("-starts_on", "-pk")


def promotion_get(*, user: User, promotion_id: int) -> Promotion:
    return promotion_list(user=user).get(pk=promotion_id)


# --- policy (confidential) -------------------------------------------------------------------


def discount_rules() -> QuerySet[DiscountRule]:
    return DiscountRule.objects.select_related("category", "product").order_by(
        "kind", "customer_class", "min_quantity", "pk"
    )


def float_ranges() -> list[dict[str, Any]]:
    from xiaoguan.org.models import Role

    ranges = {fr.role_id: fr for fr in FloatRange.objects.all()}
    return [{"role": role, "range": ranges.get(role.pk)} for role in Role.objects.order_by("name")]


def float_range_history(limit: int = 30) -> list[Any]:
    """The latest changes of the float ranges: who set which role to what, when."""
    return list(
        FloatRange.history.select_related("history_user", "role").order_by(  # type: ignore[attr-defined]
            "-history_date", "-history_id"
        )[:limit]
    )
