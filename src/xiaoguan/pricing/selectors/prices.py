"""The effective price (R-PRC-1), computed in this one place for pages, API, quotes and
contracts, and the float allowance of a user (R-PRC-2).

The rule, for a product in a unit, a quantity, a customer class and a date:

1. **Base price** in force on the date: the ``BasePrice`` of the product and unit with the
   latest ``valid_from`` on or before the date. When the unit has no price of its own but the
   product sells in it with a ``ProductUnit`` factor (1 箱 = 4 具), the base price is the
   base-unit price in force × the factor, to the cent. No price at all: ``PriceMissing`` (422,
   naming the product).
2. **Customer-class discount**: the best active ``DiscountRule`` of kind ``customer_class`` for
   the customer's class valid on the date. A rule for the product beats a rule for its
   category (its own category beats the parent category), which beats a rule for all
   products; among rules equally specific the largest percentage applies.
3. **Quantity break**: among the active ``quantity`` rules valid on the date whose
   ``min_quantity`` is at most the quantity (counted in base units when the line's unit has a
   factor), the most specific one with the largest ``min_quantity``.
4. **Dealer tier** (only when a tier is given): like the customer class, for the tier.
5. The percentages are **stacked**: each applies to the price after the previous one
   (base × (1 − a) × (1 − b) …), each step rounded half-up to the cent.
6. **Promotion**: the lowest APPROVED ``Promotion`` of the product in that unit whose dates
   include the date *replaces* the result when it is lower.

The price is never below one cent and never above the base price. Every step is recorded as a
``PriceStep`` with a translated label; who may see the percentages is decided by
``can_see_confidential`` (the rule table itself is confidential, the derivation of one price is
shown with the percentages only to holders of ``pricing.confidential``).

``effective_prices`` answers any number of lines with a constant number of queries (five).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Max, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from xiaoguan.catalog.models import Product, ProductUnit
from xiaoguan.pricing.enums import ApprovalDocStatus, DiscountKind
from xiaoguan.pricing.errors import PriceMissing
from xiaoguan.pricing.lines import CENT, HUNDRED, to_cents
from xiaoguan.pricing.models import BasePrice, DiscountRule, FloatRange, Promotion

if TYPE_CHECKING:
    from xiaoguan.org.models import User

CONFIDENTIAL_RIGHT = "pricing.confidential"


def can_see_confidential(user: Any) -> bool:
    """Whether the user may see cost prices, floor prices, the discount policy and margins
    (R-ORG-2). Every page, API payload, export and PDF asks this one question."""
    return bool(user is not None and user.is_authenticated and user.has_right(CONFIDENTIAL_RIGHT))


@dataclass(frozen=True)
class PriceQuery:
    product_id: int
    unit_id: int
    quantity: Decimal


@dataclass(frozen=True)
class PriceStep:
    """One step of the derivation shown to users: what was applied and the price after it."""

    label: str
    price: Decimal
    percent: Decimal | None = None


@dataclass(frozen=True)
class EffectivePrice:
    product_id: int
    unit_id: int
    quantity: Decimal
    base_price: Decimal
    price: Decimal
    steps: tuple[PriceStep, ...]
    promotion_id: int | None


@dataclass(frozen=True)
class _Rule:
    pk: int
    kind: str
    customer_class: str
    dealer_tier: str
    min_quantity: Decimal | None
    category_id: int | None
    product_id: int | None
    percent: Decimal


def _specificity(rule: _Rule, product_id: int, category_ids: tuple[int, ...]) -> int | None:
    """3 for the product, 2 for its own category, 1 for the parent category, 0 for all
    products; None when the rule does not apply to the product."""
    if rule.product_id is not None:
        return 3 if rule.product_id == product_id else None
    if rule.category_id is not None:
        if rule.category_id not in category_ids:
            return None
        return 2 if rule.category_id == category_ids[0] else 1
    return 0


def _best(
    rules: Sequence[_Rule],
    product_id: int,
    category_ids: tuple[int, ...],
    key_extra: Any,
) -> _Rule | None:
    best: tuple[Any, ...] | None = None
    chosen: _Rule | None = None
    for rule in rules:
        spec = _specificity(rule, product_id, category_ids)
        if spec is None:
            continue
        key = (spec, key_extra(rule), -rule.pk)
        if best is None or key > best:
            best, chosen = key, rule
    return chosen


def _apply(price: Decimal, percent: Decimal) -> Decimal:
    return max(to_cents(price * (HUNDRED - percent) / HUNDRED), CENT)


def effective_prices(
    *,
    queries: Sequence[PriceQuery],
    customer_class: str,
    on_date: date,
    dealer_tier: str = "",
) -> list[EffectivePrice]:
    """The effective price of each query, in the same order, with five queries for any
    number of lines. Raises ``PriceMissing`` naming the first product without a price."""
    if not queries:
        return []
    product_ids = {q.product_id for q in queries}

    products = {
        row["pk"]: row
        for row in Product.objects.filter(pk__in=product_ids).values(
            "pk", "name", "model", "unit_id", "category_id", "category__parent_id"
        )
    }
    factors: dict[tuple[int, int], Decimal] = {
        (pid, uid): factor
        for pid, uid, factor in ProductUnit.objects.filter(product_id__in=product_ids).values_list(
            "product_id", "unit_id", "factor"
        )
    }
    latest = (
        BasePrice.objects.filter(
            product_id=OuterRef("product_id"), unit_id=OuterRef("unit_id"), valid_from__lte=on_date
        )
        .order_by("-valid_from")
        .values("valid_from")[:1]
    )
    prices: dict[tuple[int, int], Decimal] = {
        (pid, uid): price
        for pid, uid, price in BasePrice.objects.filter(
            product_id__in=product_ids, valid_from__lte=on_date, valid_from=Subquery(latest)
        ).values_list("product_id", "unit_id", "price")
    }

    category_ids = {
        cid
        for row in products.values()
        for cid in (row["category_id"], row["category__parent_id"])
        if cid is not None
    }
    kinds = Q(kind=DiscountKind.CUSTOMER_CLASS, customer_class=customer_class) | Q(
        kind=DiscountKind.QUANTITY
    )
    if dealer_tier:
        kinds |= Q(kind=DiscountKind.DEALER_TIER, dealer_tier=dealer_tier)
    rules = [
        _Rule(**row)
        for row in DiscountRule.objects.filter(kinds, is_active=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on_date))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on_date))
        .filter(
            Q(product_id__in=product_ids)
            | Q(category_id__in=category_ids)
            | Q(product__isnull=True, category__isnull=True)
        )
        .values(
            "pk",
            "kind",
            "customer_class",
            "dealer_tier",
            "min_quantity",
            "category_id",
            "product_id",
            "percent",
        )
    ]
    class_rules = [r for r in rules if r.kind == DiscountKind.CUSTOMER_CLASS]
    quantity_rules = [r for r in rules if r.kind == DiscountKind.QUANTITY]
    tier_rules = [r for r in rules if r.kind == DiscountKind.DEALER_TIER]

    promotions: dict[tuple[int, int], tuple[Decimal, int, str]] = {}
    for pk, pid, uid, price, name in (
        Promotion.objects.filter(
            product_id__in=product_ids,
            status=ApprovalDocStatus.APPROVED,
            starts_on__lte=on_date,
            ends_on__gte=on_date,
        )
        .order_by("price", "pk")
        .values_list("pk", "product_id", "unit_id", "price", "name")
    ):
        promotions.setdefault((pid, uid), (price, pk, name))

    results: list[EffectivePrice] = []
    for query in queries:
        product = products.get(query.product_id)
        key = (query.product_id, query.unit_id)
        factor = factors.get(key) if product and query.unit_id != product["unit_id"] else None
        steps: list[PriceStep] = []
        if key in prices:
            base = prices[key]
            steps.append(PriceStep(label=_("Base price"), price=base))
        elif product and factor is not None and (query.product_id, product["unit_id"]) in prices:
            base = to_cents(prices[(query.product_id, product["unit_id"])] * factor)
            steps.append(
                PriceStep(
                    label=_("Base price (%(factor)s base units)")
                    % {"factor": f"{factor.normalize():f}"},
                    price=base,
                )
            )
        else:
            name = f"{product['name']} {product['model']}".strip() if product else ""
            raise PriceMissing(
                _("There is no base price for %(product)s on %(date)s.")
                % {"product": name or f"#{query.product_id}", "date": on_date.isoformat()},
                extra={"product_id": query.product_id, "unit_id": query.unit_id},
            )
        cats: tuple[int, ...] = (
            tuple(c for c in (product["category_id"], product["category__parent_id"]) if c)
            if product
            else ()
        )
        base_quantity = query.quantity * factor if factor is not None else query.quantity

        price = base
        rule = _best(class_rules, query.product_id, cats, lambda r: r.percent)
        if rule and rule.percent:
            price = _apply(price, rule.percent)
            steps.append(
                PriceStep(
                    label=_("Discount for class %(cls)s customers") % {"cls": customer_class},
                    price=price,
                    percent=rule.percent,
                )
            )
        applicable = [
            r
            for r in quantity_rules
            if r.min_quantity is not None and r.min_quantity <= base_quantity
        ]
        rule = _best(applicable, query.product_id, cats, lambda r: (r.min_quantity, r.percent))
        if rule and rule.percent:
            price = _apply(price, rule.percent)
            steps.append(
                PriceStep(
                    label=_("Quantity break from %(qty)s")
                    % {"qty": f"{(rule.min_quantity or Decimal(0)).normalize():f}"},
                    price=price,
                    percent=rule.percent,
                )
            )
        if dealer_tier:
            rule = _best(tier_rules, query.product_id, cats, lambda r: r.percent)
            if rule and rule.percent:
                price = _apply(price, rule.percent)
                steps.append(
                    PriceStep(
                        label=_("Dealer tier %(tier)s discount") % {"tier": dealer_tier},
                        price=price,
                        percent=rule.percent,
                    )
                )
        promotion_id = None
        promo = promotions.get(key)
        if promo and promo[0] < price:
            price, promotion_id = promo[0], promo[1]
            steps.append(
                PriceStep(label=_("Promotion: %(name)s") % {"name": promo[2]}, price=price)
            )
        results.append(
            EffectivePrice(
                product_id=query.product_id,
                unit_id=query.unit_id,
                quantity=query.quantity,
                base_price=base,
                price=min(price, base),
                steps=tuple(steps),
                promotion_id=promotion_id,
            )
        )
    return results


def effective_price(
    *,
    product_id: int,
    unit_id: int,
    quantity: Decimal,
    customer_class: str,
    on_date: date,
    dealer_tier: str = "",
) -> EffectivePrice:
    return effective_prices(
        queries=[PriceQuery(product_id=product_id, unit_id=unit_id, quantity=quantity)],
        customer_class=customer_class,
        on_date=on_date,
        dealer_tier=dealer_tier,
    )[0]


def float_allowance(*, user: User) -> Decimal:
    """How far (percent) the user may go below the effective price without a price approval
    request: the widest ``FloatRange`` over the user's roles, 0 when none."""
    if not user.pk or not user.is_active:
        return Decimal(0)
    value = FloatRange.objects.filter(role__members=user).aggregate(m=Max("max_discount"))["m"]
    return value if value is not None else Decimal(0)
