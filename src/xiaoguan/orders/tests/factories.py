"""Given-helpers of the orders tests (shared by the orders and shipping parts; append only):
a priced catalog with stock in a warehouse, signed contracts written as rows (as the signing
leaves them), direct-order input, customers' credit limits and an exposure provider that
stands in for receivables."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from xiaoguan.catalog.models import Product, Warehouse
from xiaoguan.contracts.models import Contract
from xiaoguan.customers.models import Customer
from xiaoguan.orders import registries
from xiaoguan.orders.enums import OrderChannel
from xiaoguan.orders.models import Order
from xiaoguan.orders.services.orders import OrderData, OrderLineData, order_create

PRICE_DAY = date(2026, 1, 1)


def D(value: Any) -> Decimal:
    return Decimal(str(value))


@dataclass
class Goods:
    extinguisher: Product  # ¥120.00 per 具; 1 箱 = 4 具
    hydrant: Product  # ¥850.00 per 套
    warehouse: Warehouse


def goods(actor: Any, *, stock: int = 100) -> Goods:
    """Two priced products and a warehouse holding ``stock`` of each (base unit)."""
    from xiaoguan.catalog.services.stock import WarehouseData, stock_receive, warehouse_create
    from xiaoguan.catalog.tests.factories import make_product
    from xiaoguan.pricing.tests.factories import base_price

    ext = Product.objects.filter(code="MFZ-ABC4").first() or make_product(
        "MFZ-ABC4", "手提式干粉灭火器", model="MFZ/ABC4", alt_units={"箱": 4}
    )
    hyd = Product.objects.filter(code="SN65").first() or make_product(
        "SN65", "室内消火栓", unit="套"
    )
    if not ext.base_prices.exists():
        base_price(ext, "120.00", PRICE_DAY)
        base_price(hyd, "850.00", PRICE_DAY)
    wh = Warehouse.objects.filter(code="SH").first() or warehouse_create(
        actor=actor, data=WarehouseData(code="SH", name="上海总仓")
    )
    for product in (ext, hyd):
        if stock:
            stock_receive(actor=actor, warehouse_id=wh.pk, product_id=product.pk, quantity=D(stock))
    return Goods(ext, hyd, wh)


def float_range(role: str = "sales_rep", percent: str = "10") -> None:
    from xiaoguan.org.models import Role
    from xiaoguan.pricing.models import FloatRange

    FloatRange.objects.update_or_create(
        role=Role.objects.get(code=role), defaults={"max_discount": Decimal(percent)}
    )


def signed(owner: Any, specs: Iterable[tuple[Product, str, str]], cust: Customer | None = None):
    """A signed contract in force (rows), lines (product, quantity, unit price)."""
    from xiaoguan.contracts.tests.test_amendments_support import lines_of, signed_contract

    return signed_contract(owner, lines_of(*specs), cust=cust)


def customer(owner: Any, name: str = "上海浦江消防工程有限公司") -> Customer:
    from xiaoguan.customers.tests.factories import make_customer

    return make_customer(owner, name)


def contract_order(
    actor: Any, contract: Contract, quantities: dict[int, str] | None = None, **header: Any
) -> Order:
    """A draft order from ``contract``: {contract line position: quantity} (default: all)."""
    lines = contract.lines.order_by("position")
    wanted = quantities or {cl.position: str(cl.quantity) for cl in lines}
    data = OrderData(channel=OrderChannel.CONTRACT, contract_id=contract.pk, **header)
    return order_create(
        actor=actor,
        data=data,
        lines=[
            OrderLineData(contract_line_id=cl.pk, quantity=wanted.get(cl.position, ""))
            for cl in lines
        ],
    )


def direct_data(cust: Customer, **header: Any) -> OrderData:
    values: dict[str, Any] = {
        "channel": OrderChannel.PHONE,
        "customer_id": cust.pk,
        "ship_to": "上海市浦东新区张江路88号",
        "consignee": "张工",
        "consignee_phone": "13800001111",
        "payment_days": 30,
        "payment_terms": "货到30天付款",
    }
    values.update(header)
    return OrderData(**values)


def line(p: Product, quantity: str, unit_price: str | None = None, **kw: Any) -> OrderLineData:
    return OrderLineData(
        product_id=p.pk,
        unit_id=kw.pop("unit_id", p.unit_id),
        quantity=quantity,
        unit_price=unit_price,
        **kw,
    )


def direct_order(actor: Any, cust: Customer, lines: list[OrderLineData], **header: Any) -> Order:
    return order_create(actor=actor, data=direct_data(cust, **header), lines=lines)


def set_limit(cust: Customer, limit: Any) -> None:
    Customer.objects.filter(pk=cust.pk).update(
        credit_limit=None if limit is None else Decimal(str(limit))
    )
    cust.refresh_from_db()


class Owes:
    """An exposure provider for one test: ``with Owes({customer_id: Exposure(...)})``."""

    def __init__(self, exposures: dict[int, registries.Exposure]) -> None:
        self.exposures = exposures

    def __call__(self, customer_ids: Iterable[int]) -> dict[int, registries.Exposure]:
        ids = set(customer_ids)
        return {k: v for k, v in self.exposures.items() if k in ids}

    def __enter__(self) -> Owes:
        registries.register_credit_exposure(self)
        return self

    def __exit__(self, *exc: object) -> None:
        registries._exposure_providers.remove(self)


def credit_chain() -> None:
    from xiaoguan.approvals.services.chains import default_chains_ensure

    default_chains_ensure()
