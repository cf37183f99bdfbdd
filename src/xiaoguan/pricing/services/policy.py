"""Writes of the discount policy and the float ranges (R-PRC-1, R-PRC-2): management only
(``pricing.policy``); every change is in the record's history and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xiaoguan.catalog.models import Product, ProductCategory
from xiaoguan.core.audit import audit_event_record
from xiaoguan.core.errors import NotFound, PermissionDenied
from xiaoguan.core.history import track
from xiaoguan.core.models import AuditKind
from xiaoguan.customers.enums import CustomerClass
from xiaoguan.org.models import Role, User
from xiaoguan.pricing.enums import DiscountKind
from xiaoguan.pricing.errors import DiscountRuleInvalid, FloatRangeInvalid
from xiaoguan.pricing.models import DiscountRule, FloatRange

POLICY_RIGHT = "pricing.policy"
MAX_PERCENT = Decimal("99.99")


@dataclass(frozen=True)
class DiscountRuleData:
    kind: str
    percent: Any
    customer_class: str = ""
    dealer_tier: str = ""
    min_quantity: Any = None
    category_id: Any = None
    product_id: Any = None
    valid_from: date | None = None
    valid_to: date | None = None
    is_active: bool = True
    note: str = ""


def _ensure_policy(actor: User) -> None:
    if not actor.has_right(POLICY_RIGHT):
        raise PermissionDenied()


def _percent(value: Any) -> Decimal | None:
    try:
        pct = Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not pct.is_finite() or pct < 0 or pct > MAX_PERCENT or pct != pct.quantize(Decimal("0.01")):
        return None
    return pct


def _clean_rule(data: DiscountRuleData) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if data.kind not in DiscountKind.values:
        raise DiscountRuleInvalid(fields={"kind": _("Not one of the allowed values.")})
    percent = _percent(data.percent)
    if percent is None:
        errors["percent"] = _("A percentage from 0 to 99.99.")
    values: dict[str, Any] = {
        "kind": data.kind,
        "customer_class": "",
        "dealer_tier": "",
        "min_quantity": None,
        "category": None,
        "product": None,
        "percent": percent,
        "valid_from": data.valid_from,
        "valid_to": data.valid_to,
        "is_active": bool(data.is_active),
        "note": (data.note or "").strip()[:200],
    }
    if data.kind == DiscountKind.CUSTOMER_CLASS:
        if data.customer_class not in CustomerClass.values:
            errors["customer_class"] = _("Choose the customer class.")
        values["customer_class"] = data.customer_class
    elif data.kind == DiscountKind.QUANTITY:
        try:
            qty = Decimal(str(data.min_quantity))
            if (
                not qty.is_finite()
                or qty <= 0
                or qty > Decimal("99999999999")
                or (qty != qty.quantize(Decimal("0.001")))
            ):
                raise InvalidOperation
            values["min_quantity"] = qty
        except (InvalidOperation, ValueError, TypeError):
            errors["min_quantity"] = _("The break is a quantity above zero.")
    else:
        tier = (data.dealer_tier or "").strip()
        if not tier or len(tier) > 20:
            errors["dealer_tier"] = _("Give the dealer tier.")
        values["dealer_tier"] = tier
    if data.product_id not in (None, ""):
        product = Product.objects.filter(pk=data.product_id).first()
        if product is None:
            errors["product"] = _("Choose a product.")
        values["product"] = product
    elif data.category_id not in (None, ""):
        category = ProductCategory.objects.filter(pk=data.category_id).first()
        if category is None:
            errors["category"] = _("Choose a category.")
        values["category"] = category
    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        errors["valid_to"] = _("The last day is before the first day.")
    if errors:
        raise DiscountRuleInvalid(fields=errors)
    return values


def _audit(actor: User, obj: Any, summary: str, detail: dict[str, Any]) -> None:
    audit_event_record(
        kind=AuditKind.POLICY_CHANGED, actor=actor, obj=obj, summary=summary, detail=detail
    )


@transaction.atomic
def discount_rule_create(*, actor: User, data: DiscountRuleData) -> DiscountRule:
    _ensure_policy(actor)
    rule = DiscountRule(**_clean_rule(data))
    track(rule, actor=actor)
    rule.save()
    _audit(actor, rule, f"Discount rule added: {rule}", {"action": "create"})
    return rule


@transaction.atomic
def discount_rule_update(*, actor: User, rule_id: int, data: DiscountRuleData) -> DiscountRule:
    _ensure_policy(actor)
    rule = DiscountRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None:
        raise NotFound()
    before = str(rule)
    for key, value in _clean_rule(data).items():
        setattr(rule, key, value)
    track(rule, actor=actor)
    rule.save()
    _audit(actor, rule, f"Discount rule changed: {before} → {rule}", {"action": "update"})
    return rule


@transaction.atomic
def float_range_set(*, actor: User, role_id: int, max_discount: Any) -> FloatRange | None:
    """Set how far below the effective price holders of the role may go; an empty value
    removes the range (the role then has none: 0 %)."""
    _ensure_policy(actor)
    role = Role.objects.filter(pk=role_id).first()
    if role is None:
        raise NotFound()
    existing = FloatRange.objects.select_for_update().filter(role=role).first()
    if max_discount in (None, ""):
        if existing is not None:
            track(existing, actor=actor)
            existing.delete()
            _audit(actor, role, f"Float range removed: {role.code}", {"action": "delete"})
        return None
    pct = _percent(max_discount)
    if pct is None:
        raise FloatRangeInvalid(fields={"max_discount": _("A percentage from 0 to 99.99.")})
    old = existing.max_discount if existing else None
    fr = existing or FloatRange(role=role)
    fr.max_discount = pct
    track(fr, actor=actor)
    fr.save()
    _audit(
        actor,
        fr,
        f"Float range {role.code}: {old} → {pct}",
        {
            "action": "set",
            "role": role.code,
            "old": str(old) if old is not None else None,
            "new": str(pct),
        },
    )
    return fr
