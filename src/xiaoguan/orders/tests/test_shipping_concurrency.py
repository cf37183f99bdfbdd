"""Two people shipping the same order at the same moment (PostgreSQL: rows are locked)."""

from __future__ import annotations

import pytest

from conftest import race
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.orders.models import Shipment, ShipmentLine
from xiaoguan.orders.services import shipping
from xiaoguan.orders.tests.test_shipping_support import (  # noqa: F401 - fixture
    D,
    confirmed_order,
    english,
    extinguisher,
    prepare,
    receive,
    ship,
    warehouse,
)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_shipments_racing_for_the_remaining_quantity_one_wins(company):
    ext = extinguisher()
    wh = warehouse(company.logistics1)
    receive(company.logistics1, wh, ext, 100)
    customer = make_customer(company.rep_e1, "宁波港务集团")
    order = confirmed_order(
        company.rep_e1, customer, [(ext, 100, "120.00")], wh=wh, reserver=company.logistics1
    )
    first = prepare(company.logistics1, order, wh, {ext: "40"})
    ship(company.logistics1, first)
    # 60 remain: two logistics clerks each prepare 60 at once
    results = race(
        [
            lambda: prepare(company.logistics1, order, wh, {ext: "60"}),
            lambda: prepare(company.gm, order, wh, {ext: "60"}),
        ]
    )
    refused = [r for r in results if isinstance(r, shipping.ShipmentOverOrdered)]
    made = [r for r in results if isinstance(r, Shipment)]
    assert (len(refused), len(made)) == (1, 1), results
    taken = sum(
        ShipmentLine.objects.filter(shipment__order=order)
        .exclude(shipment__status="cancelled")
        .values_list("quantity", flat=True)
    )
    assert taken == D(100)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_shipping_the_same_shipment_twice_at_once_issues_stock_once(company):
    ext = extinguisher()
    wh = warehouse(company.logistics1)
    receive(company.logistics1, wh, ext, 100)
    customer = make_customer(company.rep_e1, "宁波港务集团")
    order = confirmed_order(
        company.rep_e1, customer, [(ext, 50, "120.00")], wh=wh, reserver=company.logistics1
    )
    s = prepare(company.logistics1, order, wh, {ext: "50"})
    results = race([lambda: ship(company.logistics1, s), lambda: ship(company.gm, s)])
    assert sum(isinstance(r, shipping.ShipResult) for r in results) == 1, results
    from xiaoguan.catalog.models import StockLevel

    level = StockLevel.objects.get(warehouse=wh, product=ext)
    assert (level.on_hand, level.reserved) == (D(50), D(0))
