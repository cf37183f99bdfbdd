"""Given-helpers of the amendment, termination, problem and timeline tests: a signed contract
written as rows (as the signing leaves it), so these tests do not depend on how a draft is
priced and approved; the full flow through the contract services is in
``test_amendments_flow.py``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from xiaoguan.catalog.models import Product, ProductCategory, Unit
from xiaoguan.contracts import registries
from xiaoguan.contracts.enums import ContractStatus, EventKind, PaymentTrigger
from xiaoguan.contracts.models import Contract, ContractEvent, ContractLine, PaymentTerm
from xiaoguan.customers.models import Customer

CENT = Decimal("0.01")
_numbers = iter(range(1, 10_000))


def unit(name: str = "具", code: str = "JU") -> Unit:
    return Unit.objects.get_or_create(code=code, defaults={"name": name})[0]


def product(
    code: str,
    name: str,
    unit_name: str = "具",
    unit_code: str = "JU",
    category: tuple[str, str] = ("EXT", "灭火器"),
) -> Product:
    category_code, category_name = category
    group = ProductCategory.objects.get_or_create(
        code=category_code, defaults={"name": category_name}
    )[0]
    return Product.objects.get_or_create(
        code=code, defaults={"name": name, "category": group, "unit": unit(unit_name, unit_code)}
    )[0]


_CUSTOMERS = ("成都天府消防工程有限公司", "绵阳安泰物业管理有限公司", "德阳华兴置业有限公司")
_customer_numbers = iter(range(10_000))


def customer(owner: Any, name: str | None = None) -> Customer:
    from xiaoguan.customers import services as customers

    if name is None:
        n = next(_customer_numbers)
        name = f"{_CUSTOMERS[n % len(_CUSTOMERS)]}{'' if n < len(_CUSTOMERS) else n}"
    return customers.customer_create(actor=owner, data=customers.CustomerData(name=name))


@dataclass(frozen=True)
class LineSpec:
    product: Product
    quantity: Decimal
    unit_price: Decimal
    spec: str = ""


def lines_of(*specs: tuple[Product, str, str]) -> list[LineSpec]:
    return [LineSpec(p, Decimal(q), Decimal(price)) for p, q, price in specs]


def signed_contract(
    owner: Any,
    lines: list[LineSpec],
    *,
    cust: Customer | None = None,
    signed_on: date | None = None,
    collected: Decimal = Decimal(0),
    title: str = "消防器材采购合同",
) -> Contract:
    """Version 1 of a contract, signed and in force, with its lines, a 30/70 schedule and the
    timeline entries of its drafting and signing."""
    cust = cust or customer(owner)
    signed_on = signed_on or timezone.localdate() - timedelta(days=30)
    total = sum(((s.quantity * s.unit_price).quantize(CENT) for s in lines), Decimal(0))
    contract = Contract.objects.create(
        number=f"HT-2026-{next(_numbers):06d}",
        owner=owner,
        department=owner.department,
        customer=cust,
        title=title,
        status=ContractStatus.SIGNED,
        list_total=total,
        total=total,
        price_date=signed_on,
        delivery_date=signed_on + timedelta(days=60),
        delivery_place="成都市高新区天府大道100号",
        installation_required=True,
        warranty_months=12,
        inspection_cycle_months=6,
        after_sales_terms="免费安装调试，质保一年",
        signed_on=signed_on,
        signed_at=timezone.now(),
        customer_signatory="王建国",
        company_signatory="李明",
        collected_amount=collected,
    )
    for position, s in enumerate(lines, start=1):
        ContractLine.objects.create(
            contract=contract,
            position=position,
            product=s.product,
            unit=s.product.unit,
            spec=s.spec,
            quantity=s.quantity,
            list_price=s.unit_price,
            unit_price=s.unit_price,
            discount=Decimal(0),
            amount=(s.quantity * s.unit_price).quantize(CENT),
        )
    advance = (total * Decimal("0.3")).quantize(CENT)
    PaymentTerm.objects.create(
        contract=contract,
        position=1,
        label="预付款",
        trigger=PaymentTrigger.SIGNING,
        percent=Decimal(30),
        amount=advance,
    )
    PaymentTerm.objects.create(
        contract=contract,
        position=2,
        label="到货款",
        trigger=PaymentTrigger.DELIVERY,
        percent=Decimal(70),
        amount=total - advance,
    )
    for kind, summary in ((EventKind.CREATED, "起草"), (EventKind.SIGNED, "签订")):
        ContractEvent.objects.create(
            root=contract,
            contract=contract,
            kind=kind,
            at=timezone.now(),
            summary=summary,
            actor=owner,
        )
    return contract


def snapshot(contract: Contract) -> dict[str, Any]:
    """What a refusal must leave untouched: the rows of every version of the contract."""
    root_id = contract.root_id or contract.pk
    family = Contract.objects.filter(pk=root_id) | Contract.objects.filter(root_id=root_id)
    return {
        "versions": list(
            family.order_by("pk").values_list(
                "pk", "status", "is_current", "total", "version", "termination_kind"
            )
        ),
        "lines": list(
            ContractLine.objects.filter(contract__in=family)
            .order_by("pk")
            .values_list("contract_id", "product_id", "quantity", "amount")
        ),
        "events": ContractEvent.objects.filter(root_id=root_id).count(),
    }


class ShippedProvider:
    """A shipped-quantities provider for one test: connect it, disconnect it after."""

    def __init__(self, shipped: dict[tuple[int, int], Decimal]) -> None:
        self.shipped = shipped
        self.calls: list[int] = []

    def __call__(self, *, contract: Contract) -> dict[tuple[int, int], Decimal]:
        self.calls.append(contract.pk)
        return dict(self.shipped)

    def __enter__(self) -> ShippedProvider:
        registries.register_shipped_quantities(self)
        return self

    def __exit__(self, *exc: object) -> None:
        registries.shipped_quantity_providers.remove(self)
