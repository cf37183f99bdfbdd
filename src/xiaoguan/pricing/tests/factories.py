"""Test helpers for pricing: a tiny catalog and base prices written as rows (the engine tests
need exact data; the services have their own tests)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from xiaoguan.catalog.models import Product, ProductCategory, ProductUnit, Unit
from xiaoguan.pricing.models import BasePrice, DiscountRule


def unit(code: str = "pc", name: str = "具") -> Unit:
    return Unit.objects.get_or_create(code=code, defaults={"name": name})[0]


def category(code: str = "EXT", name: str = "灭火器", parent: ProductCategory | None = None):
    return ProductCategory.objects.get_or_create(
        code=code, defaults={"name": name, "parent": parent}
    )[0]


def product(
    code: str = "MFZ-4", name: str = "干粉灭火器", model: str = "MFZ/ABC4", **kw
) -> Product:
    kw.setdefault("category", category())
    kw.setdefault("unit", unit())
    return Product.objects.create(code=code, name=name, model=model, **kw)


def product_unit(prod: Product, u: Unit, factor: str) -> ProductUnit:
    return ProductUnit.objects.create(product=prod, unit=u, factor=Decimal(factor))


def base_price(prod: Product, price: str, valid_from: date, u: Unit | None = None, cost=None):
    return BasePrice.objects.create(
        product=prod,
        unit=u or prod.unit,
        price=Decimal(price),
        cost_price=Decimal(cost) if cost is not None else None,
        valid_from=valid_from,
    )


def rule(kind: str, percent: str, **kw) -> DiscountRule:
    if "min_quantity" in kw and kw["min_quantity"] is not None:
        kw["min_quantity"] = Decimal(str(kw["min_quantity"]))
    return DiscountRule.objects.create(kind=kind, percent=Decimal(percent), **kw)
