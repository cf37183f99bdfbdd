"""Reorder points derived from recent issues (computed in the database) and the alerts job."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from xiaoguan.catalog.models import StockMovement
from xiaoguan.catalog.selectors.stock import reorder_alerts, stock_levels
from xiaoguan.catalog.services.stock import (
    reorder_alerts_notify,
    stock_issue,
    stock_receive,
    stock_reorder_point_set,
)
from xiaoguan.catalog.tests.factories import make_product
from xiaoguan.catalog.tests.test_stock_support import D, extinguisher, make_warehouse
from xiaoguan.core import policy
from xiaoguan.core.models import Notification

pytestmark = pytest.mark.django_db


def issue(actor, warehouse, product, quantity, days_ago=0):
    stock_issue(
        actor=actor,
        warehouse_id=warehouse.pk,
        product_id=product.pk,
        quantity=D(quantity),
        reference="FH",
        from_reserved=False,
    )
    if days_ago:
        move = StockMovement.objects.filter(product=product, kind="issue").first()
        StockMovement.objects.filter(pk=move.pk).update(
            at=timezone.now() - datetime.timedelta(days=days_ago)
        )


def test_reorder_point_from_issues_of_the_history_window(company):
    actor = company.logistics1
    sh = make_warehouse(actor, keeper_id=company.gm.pk)
    product = extinguisher()
    stock_receive(actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(1000))
    issue(actor, sh, product, 90, days_ago=10)  # 90 in 90 days: 1 a day
    issue(actor, sh, product, 500, days_ago=200)  # outside the window
    # 1 a day × (15 + 7) days = 22; available 410 is not below.
    level = stock_levels().get(product=product)
    assert (level.issued, level.derived_point, level.effective_point) == (90, 22, 22)
    assert not level.below
    stock_reorder_point_set(
        actor=actor, warehouse_id=sh.pk, product_id=product.pk, reorder_point="500"
    )
    level = stock_levels().get(product=product)
    assert (level.effective_point, level.below, level.available_qty) == (500, True, 410)
    assert [x.pk for x in reorder_alerts()] == [level.pk]
    # once per level per day, to the keeper and the logistics staff
    assert reorder_alerts_notify() == 2
    assert reorder_alerts_notify() == 0
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "gm",
        "logistics1",
    }


def test_policy_changes_the_derived_point(company):
    actor = company.logistics1
    sh = make_warehouse(actor)
    product = make_product("MT-3", "二氧化碳灭火器")
    stock_receive(actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(40))
    issue(actor, sh, product, 30, days_ago=5)
    policy.policy_set(actor=company.gm, key="catalog.reorder_history_days", raw=30)
    level = stock_levels().get(product=product)
    # 1 a day × 22 = 22; available 10 is below.
    assert (level.effective_point, level.below) == (22, True)
    assert stock_levels(below_only=True).count() == 1
