"""Canaries of the orders part: a direct order of the West canary employee whose notes,
delivery address and consignee carry the marker, with one line and a credit hold (rows
written directly: test set-up), for the order pages, the credit-hold pages and the API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

MARKER = "CANARY"


def provide(*, company: Any, emp: Any, values: dict[str, Any]) -> dict[str, Any]:
    from django.utils import timezone

    from xiaoguan.catalog.models import Product, ProductCategory, Unit
    from xiaoguan.customers.models import Customer
    from xiaoguan.orders.models import CreditHold, Order, OrderLine

    customer = Customer.objects.get(pk=values["customer_id"])
    unit = Unit.objects.get_or_create(name="台", defaults={"code": "ORD-U"})[0]
    category = ProductCategory.objects.get_or_create(code="ORD-C", defaults={"name": "消防设备"})[0]
    product = Product.objects.get_or_create(
        code="ORD-P1", defaults={"name": "消防泵", "category": category, "unit": unit}
    )[0]
    order = Order.objects.create(
        number="SO-2099-999999",
        owner=emp,
        department=emp.department,
        customer=customer,
        channel="phone",
        status="credit_hold",
        order_date=timezone.localdate(),
        ship_to=f"{MARKER}-SHIP-TO",
        consignee=f"{MARKER}-CONSIGNEE",
        payment_terms=f"{MARKER}-TERMS",
        notes=f"{MARKER}-ORDER",
        total=Decimal("5000.00"),
    )
    OrderLine.objects.create(
        order=order,
        position=1,
        product=product,
        unit=unit,
        quantity=Decimal("1"),
        base_quantity=Decimal("1"),
        list_price=Decimal("5000.00"),
        unit_price=Decimal("5000.00"),
        amount=Decimal("5000.00"),
    )
    hold = CreditHold.objects.create(
        order=order,
        stage="order",
        status="open",
        amount=Decimal("5000.00"),
        figures={
            "limit": "100.00",
            "exposure": "0",
            "added": "5000.00",
            "projected": "5000.00",
            "amount": "5000.00",
            "overdue": "0",
            "overdue_days": 0,
            "overdue_days_threshold": 60,
            "overdue_amount_threshold": "0",
            "reasons": ["over_limit"],
        },
        release_reason=f"{MARKER}-HOLD",
    )
    out: dict[str, Any] = {"hold_id": hold.pk}
    if "order_id" not in values:
        out["order_id"] = order.pk
    return out
