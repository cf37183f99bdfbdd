"""Shipping in a real browser, at phone width: a logistics clerk opens a confirmed order,
prepares a partial shipment from the warehouse, ships it with the waybill number, and the
stock, the order line and the order's status follow (read after the page has reloaded: the
server thread has finished its transaction by then)."""

from decimal import Decimal

import pytest

from conftest import PASSWORD
from e2e.conftest import sign_in


@pytest.fixture
def order_to_ship(transactional_db):
    from conftest import build_company
    from xiaoguan.customers.tests.factories import make_customer
    from xiaoguan.orders.tests.test_shipping_support import (
        confirmed_order,
        extinguisher,
        receive,
        warehouse,
    )

    people = build_company()
    product = extinguisher()
    wh = warehouse(people.logistics1)
    receive(people.logistics1, wh, product, 200)
    customer = make_customer(people.rep_e1, "上海恒达物业管理有限公司")
    order = confirmed_order(
        people.rep_e1, customer, [(product, 100, "120.00")], wh=wh, reserver=people.logistics1
    )
    return people, product, wh, order


def test_logistics_ships_part_of_an_order_on_the_phone(live_server, order_to_ship, new_page):
    from xiaoguan.catalog.models import StockLevel
    from xiaoguan.orders.models import Order, OrderLine, Shipment

    _people, product, wh, order = order_to_ship
    # given the logistics clerk on the order page, at phone width
    page = new_page(locale="zh-CN", width=390)
    sign_in(page, live_server.url, "logistics1", PASSWORD)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    # when they prepare a shipment of 30 of the 100 ordered
    page.click("[data-testid=prepare-shipment]")
    page.wait_for_selector("[data-testid=prepare-form]")
    page.select_option("select[name=warehouse_id]", str(wh.pk))
    page.select_option("select[name=method]", "express")
    page.fill("input[name=carrier]", "顺丰速运")
    page.fill("[data-testid=qty-1]", "30")
    page.click("[data-testid=prepare-submit]")
    page.wait_for_selector("[data-testid=shipment-ship]")
    # and ship it with the waybill
    page.click("[data-testid=shipment-ship]")
    page.wait_for_selector("[data-testid=ship-form]")
    page.fill("input[name=waybill_no]", "SF1234567890")
    page.click("[data-testid=ship-submit]")
    # then the shipment page shows the waybill (the server has committed by then)
    page.wait_for_selector("[data-testid=shipment-waybill] >> text=SF1234567890")
    shipment = Shipment.objects.get(order=order)
    assert shipment.status == "shipped"
    assert shipment.waybill_no == "SF1234567890"
    assert shipment.amount == Decimal("3600.00")
    line = OrderLine.objects.get(order=order)
    assert line.shipped_quantity == Decimal("30")
    level = StockLevel.objects.get(warehouse=wh, product=product)
    assert (level.on_hand, level.reserved) == (Decimal("170"), Decimal("70"))
    assert Order.objects.get(pk=order.pk).status == "partly_shipped"
