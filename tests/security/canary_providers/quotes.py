"""Canaries of the quotes part (R-QUO-2, R-QUO-3): an accepted quote of the West canary
employee (accepted, so the contract drafting route finds it too) whose title, notes, technical
parameters and line spec carry the marker, with one line. Rows are written directly (test
set-up); the product is neutral: the catalog is visible to everyone."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

MARKER = "CANARY"


def provide(*, company: Any, emp: Any, values: dict[str, Any]) -> dict[str, Any]:
    from django.utils import timezone

    from xiaoguan.catalog.models import Product, ProductCategory, Unit
    from xiaoguan.customers.models import Customer
    from xiaoguan.sales.models import Quote, QuoteLine

    customer = Customer.objects.filter(pk=values.get("customer_id"), owner=emp).first()
    if customer is None:
        from xiaoguan.customers import services as customers

        customer = customers.customer_create(
            actor=emp, data=customers.CustomerData(name=f"{MARKER}-QUOTE-CUSTOMER")
        )
    unit = Unit.objects.get_or_create(name="具", defaults={"code": "QUO-U"})[0]
    category = ProductCategory.objects.get_or_create(code="QUO-C", defaults={"name": "灭火器"})[0]
    product = Product.objects.get_or_create(
        code="QUO-P1", defaults={"name": "手提式干粉灭火器", "category": category, "unit": unit}
    )[0]
    today = timezone.localdate()
    quote = Quote.objects.create(
        number="BJ-2099-888888",
        owner=emp,
        department=emp.department,
        customer=customer,
        title=f"{MARKER}-QUOTE",
        notes=f"{MARKER}-QUOTE-NOTES",
        technical_notes=f"{MARKER}-QUOTE-TECHNICAL",
        payment_terms=f"{MARKER}-QUOTE-TERMS",
        cost_estimate=Decimal("4321.00"),
        price_date=today,
        valid_until=today + timedelta(days=30),
        list_total=Decimal("1000.00"),
        discount_total=Decimal("100.00"),
        total=Decimal("900.00"),
        status="accepted",
        submitted_at=timezone.now(),
        decided_at=timezone.now(),
        accepted_at=timezone.now(),
    )
    QuoteLine.objects.create(
        quote=quote,
        position=1,
        product=product,
        unit=unit,
        spec=f"{MARKER}-QUOTE-SPEC",
        quantity=Decimal("10"),
        list_price=Decimal("100.00"),
        unit_price=Decimal("90.00"),
        discount=Decimal("10.00"),
        amount=Decimal("900.00"),
    )
    return {"quote_id": quote.pk}
