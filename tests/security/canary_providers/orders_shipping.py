"""Canaries of the shipping part: a confirmed order of the West canary employee with a
shipping plan, a shipped shipment and an open exception, each carrying the marker in a text
field the shipping pages show (plan note, waybill and delivery note, what happened); rows
written directly: test set-up."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

MARKER = "CANARY"


def provide(*, company: Any, emp: Any, values: dict[str, Any]) -> dict[str, Any]:
    from django.utils import timezone

    from xiaoguan.catalog.models import Product, ProductCategory, Unit, Warehouse
    from xiaoguan.customers.models import Customer
    from xiaoguan.orders.models import (
        Order,
        OrderException,
        OrderLine,
        Shipment,
        ShipmentLine,
        ShippingPlan,
    )

    customer = Customer.objects.get(pk=values["customer_id"])
    unit = Unit.objects.get_or_create(name="台", defaults={"code": "ORD-U"})[0]
    category = ProductCategory.objects.get_or_create(code="ORD-C", defaults={"name": "消防设备"})[0]
    product = Product.objects.get_or_create(
        code="ORD-P1", defaults={"name": "消防泵", "category": category, "unit": unit}
    )[0]
    warehouse = Warehouse.objects.get_or_create(code="SHIP-W", defaults={"name": "成都仓"})[0]
    today = timezone.localdate()
    order = Order.objects.create(
        number="SO-2099-999998",
        owner=emp,
        department=emp.department,
        customer=customer,
        channel="phone",
        status="partly_shipped",
        order_date=today - timezone.timedelta(days=30),
        requested_date=today - timezone.timedelta(days=10),
        warehouse=warehouse,
        ship_to=f"{MARKER}-SHIP-TO",
        notes=f"{MARKER}-ORDER-SHIPPING",
        total=Decimal("10000.00"),
        shipped_amount=Decimal("5000.00"),
    )
    line = OrderLine.objects.create(
        order=order,
        position=1,
        product=product,
        unit=unit,
        quantity=Decimal("2"),
        base_quantity=Decimal("2"),
        list_price=Decimal("5000.00"),
        unit_price=Decimal("5000.00"),
        amount=Decimal("10000.00"),
        shipped_quantity=Decimal("1"),
    )
    plan = ShippingPlan.objects.create(
        order=order,
        owner=emp,
        department=emp.department,
        planned_date=today,
        method="freight",
        carrier=f"{MARKER}-CARRIER",
        note=f"{MARKER}-PLAN",
        created_by=emp,
    )
    shipment = Shipment.objects.create(
        number="FH-2099-999999",
        order=order,
        plan=plan,
        owner=emp,
        department=emp.department,
        warehouse=warehouse,
        status="shipped",
        method="freight",
        carrier=f"{MARKER}-CARRIER",
        waybill_no=f"{MARKER}-WAYBILL",
        delivery_note=f"{MARKER}-DELIVERY",
        amount=Decimal("5000.00"),
        shipped_on=today - timezone.timedelta(days=20),
        created_by=emp,
    )
    ShipmentLine.objects.create(
        shipment=shipment,
        order_line=line,
        quantity=Decimal("1"),
        base_quantity=Decimal("1"),
        amount=Decimal("5000.00"),
    )
    exception = OrderException.objects.create(
        order=order,
        shipment=shipment,
        kind="damaged",
        description=f"{MARKER}-EXCEPTION",
        raised_by=emp,
    )
    return {"plan_id": plan.pk, "shipment_id": shipment.pk, "exception_id": exception.pk}
