"""Given-helpers of the shipping tests: a warehouse with stock, and confirmed orders written as
rows (as review and confirmation leave them: lines, stock reserved through the stock services
and the allocations), so these tests do not depend on how an order is drafted and reviewed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from xiaoguan.catalog.models import Product, Warehouse
from xiaoguan.catalog.services.stock import (
    WarehouseData,
    stock_receive,
    stock_reserve,
    warehouse_create,
)
from xiaoguan.catalog.tests.factories import make_product
from xiaoguan.contracts.models import Contract, ContractLine
from xiaoguan.orders.enums import OrderChannel, OrderStatus, ShippingMethod
from xiaoguan.orders.models import Order, OrderAllocation, OrderLine
from xiaoguan.orders.services import shipping

CENT = Decimal("0.01")
_numbers = iter(range(1, 100_000))


@pytest.fixture(autouse=True)
def english(client):
    """Messages are read in English (the msgids), whatever the translations say."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def D(value: Any) -> Decimal:
    return Decimal(str(value))


def warehouse(actor: Any, code: str = "SH", name: str = "上海总仓") -> Warehouse:
    found = Warehouse.objects.filter(code=code).first()
    if found is not None:
        return found
    return warehouse_create(actor=actor, data=WarehouseData(code=code, name=name))


def extinguisher() -> Product:
    return make_product("MFZ-ABC4", "手提式干粉灭火器", model="MFZ/ABC4", alt_units={"箱": 4})


def hydrant() -> Product:
    return make_product("SN65", "室内消火栓", unit="套")


def receive(actor: Any, wh: Warehouse, product: Product, quantity: Any) -> None:
    stock_receive(actor=actor, warehouse_id=wh.pk, product_id=product.pk, quantity=D(quantity))


def confirmed_order(
    owner: Any,
    customer: Any,
    lines: list[tuple[Product, Any, Any]],
    *,
    wh: Warehouse,
    reserver: Any,
    contract: Contract | None = None,
    reserve: bool = True,
    requested: date | None = None,
    unit: Any = None,
    factor: Any = 1,
) -> Order:
    """A confirmed order with its lines (base unit unless ``unit``/``factor``), each line's
    base quantity reserved in ``wh`` (stock must be there) when ``reserve``."""
    n = next(_numbers)
    total = sum((D(q) * D(p)).quantize(CENT) for _x, q, p in lines)
    order = Order.objects.create(
        number=f"SO-2026-{n:06d}",
        owner=owner,
        department=owner.department,
        customer=customer,
        contract=contract,
        channel=OrderChannel.CONTRACT if contract else OrderChannel.PHONE,
        status=OrderStatus.CONFIRMED,
        order_date=timezone.localdate() - timedelta(days=10),
        requested_date=requested or timezone.localdate() + timedelta(days=10),
        warehouse=wh,
        ship_to="上海市浦东新区世纪大道100号",
        consignee="王建国",
        total=total,
        confirmed_at=timezone.now(),
        confirmed_by=owner,
    )
    for position, (product, quantity, price) in enumerate(lines, start=1):
        q = D(quantity)
        contract_line = None
        if contract is not None:
            contract_line = ContractLine.objects.filter(contract=contract, product=product).first()
        line = OrderLine.objects.create(
            order=order,
            position=position,
            contract_line=contract_line,
            product=product,
            unit=unit or product.unit,
            quantity=q,
            base_quantity=q * D(factor),
            list_price=D(price),
            unit_price=D(price),
            amount=(q * D(price)).quantize(CENT),
        )
        if reserve:
            stock_reserve(
                actor=reserver,
                warehouse_id=wh.pk,
                product_id=product.pk,
                quantity=line.base_quantity,
                reference=order.number,
            )
            OrderAllocation.objects.create(
                line=line, warehouse=wh, quantity=line.base_quantity, created_by=reserver
            )
            OrderLine.objects.filter(pk=line.pk).update(reserved_quantity=line.base_quantity)
    return order


def line_of(order: Order, product: Product) -> OrderLine:
    return OrderLine.objects.get(order=order, product=product)


def prepare(actor: Any, order: Order, wh: Warehouse, quantities: dict, **kw: Any):
    return shipping.shipment_prepare(
        actor=actor,
        order_id=order.pk,
        warehouse_id=wh.pk,
        lines=[
            shipping.ShipmentLineData(order_line_id=line_of(order, p).pk, quantity=q)
            for p, q in quantities.items()
        ],
        method=kw.pop("method", ShippingMethod.EXPRESS),
        carrier=kw.pop("carrier", "顺丰速运"),
        **kw,
    )


def ship(actor: Any, shipment: Any, *, on: date | None = None, waybill: str = "SF1234567890"):
    return shipping.shipment_ship(
        actor=actor,
        shipment_id=shipment.pk,
        shipped_on=on or timezone.localdate(),
        waybill_no=waybill,
        carrier="顺丰速运",
    )


def deliver(actor: Any, shipment: Any, *, on: date | None = None):
    return shipping.shipment_confirm_delivery(
        actor=actor,
        shipment_id=shipment.pk,
        delivered_on=on or timezone.localdate(),
        received_by="王建国",
    )
