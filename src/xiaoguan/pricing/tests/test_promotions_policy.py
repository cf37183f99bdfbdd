"""Promotions through the approval engine; discount rules and float ranges (management only)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xiaoguan.approvals.models import ApprovalTask
from xiaoguan.approvals.services import approval_decide
from xiaoguan.approvals.services.chains import default_chains_ensure
from xiaoguan.core.errors import PermissionDenied
from xiaoguan.core.models import AuditEvent, AuditKind
from xiaoguan.org.models import Role
from xiaoguan.pricing.enums import ApprovalDocStatus, DiscountKind
from xiaoguan.pricing.errors import DiscountRuleInvalid, FloatRangeInvalid, PromotionInvalid
from xiaoguan.pricing.models import DiscountRule, FloatRange, Promotion
from xiaoguan.pricing.selectors.prices import effective_price, float_allowance
from xiaoguan.pricing.services import policy, promotions
from xiaoguan.pricing.services.prices import (
    PriceChangeData,
    PriceChangeLineData,
    price_change_create,
)
from xiaoguan.pricing.tests import factories as f

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def product(company):
    p = f.product()
    f.base_price(p, "100.00", date(2020, 1, 1))
    return p


def data(product, **kw):
    today = timezone.localdate()
    values = {
        "name": "双十一特价",
        "product_id": product.pk,
        "unit_id": product.unit_id,
        "price": "80.00",
        "starts_on": today,
        "ends_on": today + timedelta(days=10),
    }
    values.update(kw)
    return promotions.PromotionData(**values)


def test_approved_promotion_applies_within_its_dates_and_cancel_ends_it(company, product):
    default_chains_ensure()
    promo = promotions.promotion_create(actor=company.mgr_east, data=data(product))
    promotions.promotion_submit(actor=company.mgr_east, promotion=promo)
    today = timezone.localdate()
    args = {"product_id": product.pk, "unit_id": product.unit_id, "quantity": D(1)}
    assert effective_price(**args, customer_class="C", on_date=today).price == D("100.00")
    task = ApprovalTask.objects.get(request__object_id=promo.pk, request__doc_type="promotion")
    approval_decide(task_id=task.pk, actor=task.approver, decision="approve")
    promo.refresh_from_db()
    assert promo.status == ApprovalDocStatus.APPROVED
    assert effective_price(**args, customer_class="C", on_date=today).price == D("80.00")
    after = today + timedelta(days=11)
    assert effective_price(**args, customer_class="C", on_date=after).price == D("100.00")
    promotions.promotion_cancel(actor=company.mgr_east, promotion=promo)
    assert effective_price(**args, customer_class="C", on_date=today).price == D("100.00")


def test_rejected_promotion_never_applies(company, product):
    default_chains_ensure()
    promo = promotions.promotion_create(actor=company.mgr_east, data=data(product))
    promotions.promotion_submit(actor=company.mgr_east, promotion=promo)
    task = ApprovalTask.objects.get(request__object_id=promo.pk, request__doc_type="promotion")
    approval_decide(task_id=task.pk, actor=task.approver, decision="reject", comment="太低")
    promo.refresh_from_db()
    assert promo.status == ApprovalDocStatus.REJECTED
    today = timezone.localdate()
    r = effective_price(
        product_id=product.pk,
        unit_id=product.unit_id,
        quantity=D(1),
        customer_class="C",
        on_date=today,
    )
    assert r.price == D("100.00")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"price": "0"}, "price"),
        ({"price": "-1"}, "price"),
        ({"unit_id": 999999}, "unit"),
        ({"product_id": 999999}, "product"),
        ({"ends_on": date(2020, 1, 1), "starts_on": date(2019, 1, 1)}, "ends_on"),
        ({"starts_on": None}, "starts_on"),
    ],
)
def test_bad_promotion_refused(company, product, change, field):
    with pytest.raises(PromotionInvalid) as exc:
        promotions.promotion_create(actor=company.mgr_east, data=data(product, **change))
    assert field in exc.value.fields
    assert Promotion.objects.count() == 0


def test_rep_cannot_propose_promotion(company, product):
    with pytest.raises(PermissionDenied):
        promotions.promotion_create(actor=company.rep_e1, data=data(product))
    assert Promotion.objects.count() == 0


def test_discount_rules_only_by_management_and_validated(company, product):
    rule_data = policy.DiscountRuleData(
        kind=DiscountKind.CUSTOMER_CLASS, customer_class="A", percent="8"
    )
    with pytest.raises(PermissionDenied):
        policy.discount_rule_create(actor=company.director, data=rule_data)
    rule = policy.discount_rule_create(actor=company.gm, data=rule_data)
    assert rule.percent == D("8")
    for bad, field in [
        (
            policy.DiscountRuleData(kind="customer_class", customer_class="", percent="8"),
            "customer_class",
        ),
        (policy.DiscountRuleData(kind="quantity", min_quantity="0", percent="3"), "min_quantity"),
        (policy.DiscountRuleData(kind="quantity", min_quantity="10", percent="100"), "percent"),
        (policy.DiscountRuleData(kind="quantity", min_quantity="10", percent="-1"), "percent"),
        (policy.DiscountRuleData(kind="dealer_tier", dealer_tier="", percent="3"), "dealer_tier"),
        (
            policy.DiscountRuleData(
                kind="quantity",
                min_quantity="10",
                percent="3",
                valid_from=date(2026, 2, 1),
                valid_to=date(2026, 1, 1),
            ),
            "valid_to",
        ),
    ]:
        with pytest.raises(DiscountRuleInvalid) as exc:
            policy.discount_rule_create(actor=company.gm, data=bad)
        assert field in exc.value.fields
    assert DiscountRule.objects.count() == 1
    updated = policy.discount_rule_update(
        actor=company.gm,
        rule_id=rule.pk,
        data=policy.DiscountRuleData(kind="customer_class", customer_class="A", percent="9"),
    )
    assert updated.percent == D("9")
    assert rule.history.count() == 2
    assert AuditEvent.objects.filter(kind=AuditKind.POLICY_CHANGED).count() == 2


def test_float_range_set_and_remove(company):
    rep = Role.objects.get(code="sales_rep")
    with pytest.raises(PermissionDenied):
        policy.float_range_set(actor=company.director, role_id=rep.pk, max_discount="5")
    policy.float_range_set(actor=company.gm, role_id=rep.pk, max_discount="5")
    assert float_allowance(user=company.rep_e1) == D("5")
    with pytest.raises(FloatRangeInvalid):
        policy.float_range_set(actor=company.gm, role_id=rep.pk, max_discount="120")
    assert FloatRange.objects.get(role=rep).max_discount == D("5")
    policy.float_range_set(actor=company.gm, role_id=rep.pk, max_discount="")
    assert float_allowance(user=company.rep_e1) == D(0)


def test_price_change_line_without_unit_is_the_base_unit(company, product):
    change = price_change_create(
        actor=company.mgr_east,
        data=PriceChangeData("x", timezone.localdate()),
        lines=[PriceChangeLineData(product.pk, "", "110")],
    )
    assert change.lines.get().unit_id == product.unit_id
