"""The effective price engine (pricing.selectors.prices): each rule, specificity, stacking,
promotions, dates, units with a factor, missing prices, constant query count."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from xiaoguan.pricing.enums import ApprovalDocStatus, DiscountKind
from xiaoguan.pricing.errors import PriceMissing
from xiaoguan.pricing.models import FloatRange, Promotion
from xiaoguan.pricing.selectors.prices import (
    PriceQuery,
    can_see_confidential,
    effective_price,
    effective_prices,
    float_allowance,
)
from xiaoguan.pricing.tests import factories as f

D = Decimal
DAY = date(2026, 6, 15)
CLS = DiscountKind.CUSTOMER_CLASS
QTY = DiscountKind.QUANTITY

pytestmark = pytest.mark.django_db


def price(prod, qty="1", cls="A", on=DAY, unit=None, tier=""):
    return effective_price(
        product_id=prod.pk,
        unit_id=(unit or prod.unit).pk,
        quantity=D(qty),
        customer_class=cls,
        on_date=on,
        dealer_tier=tier,
    )


def promotion(company, prod, price_, starts, ends, status=ApprovalDocStatus.APPROVED, unit=None):
    n = Promotion.objects.count() + 1
    return Promotion.objects.create(
        number=f"PR-T{n}",
        name=f"促销{n}",
        product=prod,
        unit=unit or prod.unit,
        price=D(price_),
        starts_on=starts,
        ends_on=ends,
        status=status,
        owner=company.gm,
        department=company.depts["HQ"],
    )


def test_base_price_in_force_is_the_latest_on_or_before_the_day():
    # Given three prices of one product
    p = f.product()
    f.base_price(p, "100.00", date(2026, 1, 1))
    f.base_price(p, "110.00", date(2026, 6, 15))
    f.base_price(p, "120.00", date(2026, 7, 1))
    # Then each day takes the latest price on or before it
    assert price(p, on=date(2026, 6, 14), cls="C").price == D("100.00")
    assert price(p, on=date(2026, 6, 15), cls="C").price == D("110.00")
    assert price(p, on=date(2026, 12, 31), cls="C").price == D("120.00")
    result = price(p, cls="C")
    assert result.base_price == D("110.00")
    assert [(s.label, s.price, s.percent) for s in result.steps] == [
        ("Base price", D("110.00"), None)
    ]
    assert result.promotion_id is None


def test_missing_price_names_the_product_and_is_422():
    p = f.product(name="室内消火栓", model="SN65")
    f.base_price(p, "100.00", date(2026, 7, 1))
    with pytest.raises(PriceMissing) as exc:
        price(p, on=date(2026, 6, 30))
    assert exc.value.status == 422
    assert exc.value.code == "price_missing"
    assert "室内消火栓 SN65" in str(exc.value.message)
    assert exc.value.extra["product_id"] == p.pk


def test_customer_class_discount_applies_to_its_class_only():
    p = f.product()
    f.base_price(p, "200.00", date(2026, 1, 1))
    f.rule(CLS, "8", customer_class="A")
    f.rule(CLS, "5", customer_class="B")
    a = price(p, cls="A")
    assert a.price == D("184.00")
    assert a.steps[1].percent == D("8") and a.steps[1].price == D("184.00")
    assert a.steps[1].label == "Discount for class A customers"
    assert price(p, cls="B").price == D("190.00")
    assert price(p, cls="C").price == D("200.00")


def test_product_rule_beats_category_rule_beats_all_products_rule():
    parent = f.category("FIRE", "消防器材")
    child = f.category("EXT", "灭火器", parent=parent)
    p = f.product(category=child)
    other = f.product(
        code="SN65", name="消火栓", model="SN65", category=f.category("HYD", "消火栓")
    )
    f.base_price(p, "100.00", date(2026, 1, 1))
    f.base_price(other, "100.00", date(2026, 1, 1))
    f.rule(CLS, "2", customer_class="A")  # all products
    assert price(p).price == D("98.00")
    f.rule(CLS, "4", customer_class="A", category=parent)
    assert price(p).price == D("96.00")
    f.rule(CLS, "3", customer_class="A", category=child)  # own category beats the parent
    assert price(p).price == D("97.00")
    f.rule(CLS, "1", customer_class="A", product=p)  # product beats category even if smaller
    assert price(p).price == D("99.00")
    # The other product only has the all-products rule
    assert price(other).price == D("98.00")


def test_equally_specific_rules_take_the_largest_percentage():
    p = f.product()
    f.base_price(p, "100.00", date(2026, 1, 1))
    f.rule(CLS, "3", customer_class="A")
    f.rule(CLS, "6", customer_class="A")
    assert price(p).price == D("94.00")


def test_inactive_and_out_of_date_rules_do_not_apply():
    p = f.product()
    f.base_price(p, "100.00", date(2026, 1, 1))
    f.rule(CLS, "10", customer_class="A", is_active=False)
    f.rule(CLS, "20", customer_class="A", valid_from=date(2026, 7, 1))
    f.rule(CLS, "30", customer_class="A", valid_to=date(2026, 6, 14))
    f.rule(CLS, "5", customer_class="A", valid_from=date(2026, 6, 15), valid_to=date(2026, 6, 15))
    assert price(p).price == D("95.00")


def test_quantity_break_takes_the_largest_break_reached():
    p = f.product()
    f.base_price(p, "100.00", date(2026, 1, 1))
    f.rule(QTY, "3", min_quantity=100)
    f.rule(QTY, "6", min_quantity=500)
    assert price(p, qty="99", cls="C").price == D("100.00")
    assert price(p, qty="100", cls="C").price == D("97.00")
    r = price(p, qty="499.999", cls="C")
    assert r.price == D("97.00") and r.steps[-1].label == "Quantity break from 100"
    assert price(p, qty="500", cls="C").price == D("94.00")


def test_quantity_break_specific_rule_wins_over_larger_general_break():
    p = f.product()
    f.base_price(p, "100.00", date(2026, 1, 1))
    f.rule(QTY, "6", min_quantity=500)
    f.rule(QTY, "2", min_quantity=50, product=p)
    assert price(p, qty="600", cls="C").price == D("98.00")


def test_class_and_quantity_discounts_stack_with_rounding_at_each_step():
    p = f.product()
    f.base_price(p, "99.99", date(2026, 1, 1))
    f.rule(CLS, "8", customer_class="A")
    f.rule(QTY, "3", min_quantity=100)
    r = price(p, qty="100")
    # 99.99 × 0.92 = 91.9908 → 91.99; × 0.97 = 89.2303 → 89.23
    assert [s.price for s in r.steps] == [D("99.99"), D("91.99"), D("89.23")]
    assert [s.percent for s in r.steps] == [None, D("8"), D("3")]
    assert r.price == D("89.23")


def test_dealer_tier_applies_only_when_a_tier_is_given():
    p = f.product()
    f.base_price(p, "100.00", date(2026, 1, 1))
    f.rule(DiscountKind.DEALER_TIER, "10", dealer_tier="gold")
    assert price(p, cls="C").price == D("100.00")
    r = price(p, cls="C", tier="gold")
    assert r.price == D("90.00") and r.steps[-1].label == "Dealer tier gold discount"
    assert price(p, cls="C", tier="silver").price == D("100.00")


def test_approved_current_promotion_replaces_a_higher_price(company):
    p = f.product()
    f.base_price(p, "100.00", date(2026, 1, 1))
    f.rule(CLS, "8", customer_class="A")
    promo = promotion(company, p, "85.00", date(2026, 6, 1), date(2026, 6, 30))
    promotion(
        company, p, "80.00", date(2026, 6, 1), date(2026, 6, 30), ApprovalDocStatus.IN_APPROVAL
    )
    promotion(company, p, "70.00", date(2026, 7, 1), date(2026, 7, 31))
    r = price(p)
    assert r.price == D("85.00")
    assert r.promotion_id == promo.pk
    assert r.steps[-1].label == f"Promotion: {promo.name}"
    assert r.base_price == D("100.00")
    # Outside its dates it does not apply; on its last day it does
    assert price(p, on=date(2026, 5, 31)).price == D("92.00")
    assert price(p, on=date(2026, 6, 30)).promotion_id == promo.pk
    assert price(p, on=date(2026, 7, 15)).price == D("70.00")


def test_promotion_not_lower_than_the_discounted_price_is_ignored(company):
    p = f.product()
    f.base_price(p, "100.00", date(2026, 1, 1))
    f.rule(CLS, "20", customer_class="A")
    promotion(company, p, "85.00", date(2026, 6, 1), date(2026, 6, 30))
    r = price(p)
    assert r.price == D("80.00") and r.promotion_id is None


def test_cancelled_promotion_does_not_apply(company):
    p = f.product()
    f.base_price(p, "100.00", date(2026, 1, 1))
    promotion(company, p, "50.00", date(2026, 6, 1), date(2026, 6, 30), ApprovalDocStatus.CANCELLED)
    assert price(p).price == D("100.00")


def test_unit_without_own_price_uses_base_unit_price_times_factor():
    p = f.product()
    box = f.unit("box", "箱")
    f.product_unit(p, box, "4")
    f.base_price(p, "25.50", date(2026, 1, 1))
    f.rule(QTY, "3", min_quantity=100)
    r = price(p, qty="25", unit=box, cls="C")  # 25 箱 = 100 具: the break is reached
    assert r.base_price == D("102.00")
    assert r.steps[0].label == "Base price (4 base units)"
    assert r.price == D("98.94")
    assert price(p, qty="24", unit=box, cls="C").price == D("102.00")


def test_own_unit_price_wins_over_the_factor():
    p = f.product()
    box = f.unit("box", "箱")
    f.product_unit(p, box, "4")
    f.base_price(p, "25.00", date(2026, 1, 1))
    f.base_price(p, "95.00", date(2026, 1, 1), u=box)
    assert price(p, unit=box, cls="C").price == D("95.00")


def test_unit_without_factor_or_price_is_missing():
    p = f.product()
    f.base_price(p, "25.00", date(2026, 1, 1))
    with pytest.raises(PriceMissing):
        price(p, unit=f.unit("m", "米"))


def test_many_lines_keep_their_order_with_a_constant_number_of_queries(
    company, django_assert_num_queries
):
    cat = f.category()
    products = [
        f.product(code=f"P{i}", name=f"产品{i}", model=f"M{i}", category=cat) for i in range(50)
    ]
    for i, p in enumerate(products):
        f.base_price(p, f"{100 + i}.00", date(2026, 1, 1))
        f.base_price(p, f"{200 + i}.00", date(2027, 1, 1))
    f.rule(CLS, "5", customer_class="B")
    f.rule(QTY, "3", min_quantity=10, category=cat)
    promotion(company, products[7], "1.00", date(2026, 1, 1), date(2026, 12, 31))
    queries = [
        PriceQuery(product_id=p.pk, unit_id=p.unit_id, quantity=D(i))
        for i, p in enumerate(products, start=1)
    ]
    with django_assert_num_queries(5):
        results = effective_prices(queries=queries, customer_class="B", on_date=DAY)
    assert [r.product_id for r in results] == [p.pk for p in products]
    assert results[0].price == D("95.00")  # qty 1: class only
    assert results[9].price == D("100.44")  # 109 × .95 = 103.55; × .97 = 100.4435
    assert results[7].price == D("1.00")


def test_no_queries_no_database():
    assert effective_prices(queries=[], customer_class="A", on_date=DAY) == []


def test_float_allowance_is_the_widest_range_over_the_roles(company):
    from xiaoguan.org.models import Role

    rep_role = Role.objects.get(code="sales_rep")
    mgr_role = Role.objects.get(code="sales_manager")
    assert float_allowance(user=company.rep_e1) == D(0)
    FloatRange.objects.create(role=rep_role, max_discount=D("5"))
    FloatRange.objects.create(role=mgr_role, max_discount=D("10"))
    assert float_allowance(user=company.rep_e1) == D("5")
    company.rep_e1.roles.add(mgr_role)
    assert float_allowance(user=company.rep_e1) == D("10")
    assert float_allowance(user=company.legal1) == D(0)


def test_confidential_right_holders(company):
    assert can_see_confidential(company.gm)
    assert can_see_confidential(company.director)
    assert can_see_confidential(company.finance1)
    assert not can_see_confidential(company.rep_e1)
    assert not can_see_confidential(company.mgr_east)
    assert not can_see_confidential(company.legal1)
    assert not can_see_confidential(None)
