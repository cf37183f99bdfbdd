"""The demo price system (issue 4): a price for every demo product, the discount policy and
float ranges of the brief, three promotions (approved current, approved future, in approval)
and two price changes (approved, pending), all through the services and the approval engine."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xiaoguan.approvals.services.chains import default_chains_ensure
from xiaoguan.catalog.models import Product
from xiaoguan.demo import catalog as demo_catalog
from xiaoguan.demo import org as demo_org
from xiaoguan.demo import pricing as demo_pricing
from xiaoguan.pricing.enums import ApprovalDocStatus
from xiaoguan.pricing.models import BasePrice, DiscountRule, FloatRange, PriceChange, Promotion
from xiaoguan.pricing.selectors.prices import effective_price


@pytest.mark.django_db
def test_the_demo_prices_are_complete_and_consistent():
    # given
    users = demo_org.build().users
    default_chains_ensure()
    demo_catalog.load(users=users)
    # when
    loaded = demo_pricing.load(users=users)
    # then
    assert loaded == Product.objects.count()
    today = timezone.localdate()
    assert not Product.objects.exclude(base_prices__valid_from__lte=today).exists()
    assert BasePrice.objects.filter(cost_price__isnull=True).count() == 0
    assert sorted(DiscountRule.objects.values_list("kind", "percent")) == sorted(
        [
            ("customer_class", Decimal("8")),
            ("customer_class", Decimal("5")),
            ("customer_class", Decimal("0")),
            ("quantity", Decimal("3")),
            ("quantity", Decimal("6")),
        ]
    )
    assert dict(FloatRange.objects.values_list("role__code", "max_discount")) == {
        "sales_rep": Decimal("5"),
        "sales_manager": Decimal("10"),
        "sales_director": Decimal("15"),
        "management": Decimal("20"),
    }
    statuses = sorted(Promotion.objects.values_list("status", flat=True))
    assert statuses == ["approved", "approved", "in_approval"]
    current = Promotion.objects.get(
        status=ApprovalDocStatus.APPROVED, starts_on__lte=today, ends_on__gte=today
    )
    r = effective_price(
        product_id=current.product_id,
        unit_id=current.unit_id,
        quantity=Decimal(1),
        customer_class="C",
        on_date=today,
    )
    assert r.promotion_id == current.pk and r.price == current.price
    assert sorted(PriceChange.objects.values_list("status", flat=True)) == [
        "approved",
        "in_approval",
    ]
    approved = PriceChange.objects.get(status=ApprovalDocStatus.APPROVED)
    assert BasePrice.objects.filter(change=approved, valid_from=today).count() == 3
    assert PriceChange.objects.get(status="in_approval").effective_from == today + timedelta(14)
    # loading again changes nothing
    assert demo_pricing.load(users=users) == 0
