"""Canaries of the contracts part: a draft contract of the West canary employee whose title,
notes and clauses carry the marker, with one line and one instalment (rows written directly:
test set-up), an accepted quote of the same employee (for drafting from a quote; the quotes
provider's wins when it has one), and a contract template (company documents have no owner; the template is
neutral and only its id is needed for the template pages)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

MARKER = "CANARY"


def provide(*, company: Any, emp: Any, values: dict[str, Any]) -> dict[str, Any]:
    from django.utils import timezone

    from xiaoguan.catalog.models import Product, ProductCategory, Unit
    from xiaoguan.contracts.models import (
        Contract,
        ContractLine,
        ContractTemplate,
        PaymentTerm,
        TemplateClause,
    )
    from xiaoguan.customers.models import Customer

    customer = Customer.objects.filter(pk=values.get("customer_id")).first()
    unit = Unit.objects.get_or_create(name="套", defaults={"code": "CON-U"})[0]
    category = ProductCategory.objects.get_or_create(code="CON-C", defaults={"name": "消防设备"})[0]
    product = Product.objects.get_or_create(
        code="CON-P1", defaults={"name": "消防水泵", "category": category, "unit": unit}
    )[0]
    contract = Contract.objects.create(
        number="HT-2099-999999",
        owner=emp,
        department=emp.department,
        customer=customer,
        title=f"{MARKER}-CONTRACT",
        notes=f"{MARKER}-CONTRACT-NOTES",
        clauses=[{"title": "标的", "body": f"{MARKER}-CLAUSE"}],
        price_date=timezone.localdate(),
        list_total=Decimal("10000.00"),
        total=Decimal("9000.00"),
        delivery_place=f"{MARKER}-PLACE",
    )
    ContractLine.objects.create(
        contract=contract,
        position=1,
        product=product,
        unit=unit,
        quantity=Decimal("1"),
        list_price=Decimal("10000.00"),
        unit_price=Decimal("9000.00"),
        discount=Decimal("10.00"),
        amount=Decimal("9000.00"),
    )
    PaymentTerm.objects.create(
        contract=contract,
        position=1,
        label=f"{MARKER}-TERM",
        trigger="signing",
        amount=Decimal("9000.00"),
    )
    template = ContractTemplate.objects.create(
        code="TPL-WEST", name="设备买卖合同", updated_by=company.legal1
    )
    TemplateClause.objects.create(template=template, position=1, title="标的", body="甲方")
    out: dict[str, Any] = {"template_id": template.pk}
    if "quote_id" not in values:
        from datetime import timedelta

        from xiaoguan.sales.models import Quote

        quote = Quote.objects.create(
            number="BJ-2099-999999",
            owner=emp,
            department=emp.department,
            customer=customer,
            title=f"{MARKER}-CONTRACT-QUOTE",
            price_date=timezone.localdate(),
            valid_until=timezone.localdate() + timedelta(days=30),
            status="accepted",
        )
        out["quote_id"] = quote.pk
    out.setdefault("contract_id", contract.pk)
    if "contract_id" in values:
        out.pop("contract_id")
    return out
