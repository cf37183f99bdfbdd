"""Property: whatever the base price, discounts, quantity and promotion, the effective price is
in cents, above zero and never above the base price; with no discount and no promotion it is
the base price."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xiaoguan.pricing.enums import ApprovalDocStatus, DiscountKind
from xiaoguan.pricing.models import Promotion
from xiaoguan.pricing.selectors.prices import effective_price
from xiaoguan.pricing.tests import factories as f

DAY = date(2026, 6, 15)
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999.99"), places=2)
percent = st.decimals(min_value=Decimal("0"), max_value=Decimal("99.99"), places=2)
quantity = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("100000"), places=3)


class _Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    base=money,
    class_pct=st.one_of(st.none(), percent),
    qty_pct=st.one_of(st.none(), percent),
    qty=quantity,
    promo=st.one_of(st.none(), money),
)
def test_effective_price_is_positive_in_cents_and_at_most_the_base(
    company, base, class_pct, qty_pct, qty, promo
):
    result = {}
    try:
        with transaction.atomic():
            p = f.product()
            f.base_price(p, str(base), date(2026, 1, 1))
            if class_pct is not None:
                f.rule(DiscountKind.CUSTOMER_CLASS, str(class_pct), customer_class="A")
            if qty_pct is not None:
                f.rule(DiscountKind.QUANTITY, str(qty_pct), min_quantity="0.001")
            if promo is not None:
                Promotion.objects.create(
                    number="PR-H1",
                    name="h",
                    product=p,
                    unit=p.unit,
                    price=promo,
                    starts_on=DAY,
                    ends_on=DAY,
                    status=ApprovalDocStatus.APPROVED,
                    owner=company.gm,
                    department=company.depts["HQ"],
                )
            result["r"] = effective_price(
                product_id=p.pk, unit_id=p.unit_id, quantity=qty, customer_class="A", on_date=DAY
            )
            raise _Rollback
    except _Rollback:
        pass
    r = result["r"]
    assert r.base_price == base
    assert Decimal(0) < r.price <= base
    assert r.price == r.price.quantize(Decimal("0.01"))
    assert all(s.price == s.price.quantize(Decimal("0.01")) for s in r.steps)
    discounted = bool(class_pct) or bool(qty_pct) or (promo is not None and promo < base)
    if not discounted:
        assert r.price == base
    if promo is not None:
        assert r.price <= max(promo, Decimal("0.01")) or r.promotion_id is None
        assert r.price <= base
