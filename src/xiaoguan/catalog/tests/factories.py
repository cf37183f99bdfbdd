"""Test helpers: units, categories and products are made through the services, as users make
them. Other apps' tests may use them (``from xiaoguan.catalog.tests.factories import
make_product``).

    product = make_product("MFZ-ABC4", "干粉灭火器", model="MFZ/ABC4", alt_units={"箱": 4})
    product.unit            # 具 (made on first use)
    product.units.get()     # 箱, factor 4
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from xiaoguan.catalog.models import Product, ProductCategory, Unit
from xiaoguan.catalog.services.products import (
    CategoryData,
    ProductData,
    ProductUnitData,
    UnitData,
    category_create,
    product_create,
)

_UNIT_CODES = {"具": "JU", "个": "GE", "套": "TAO", "米": "M", "箱": "XIANG", "台": "TAI"}


def make_unit(name: str = "具", code: str | None = None, actor: Any = None) -> Unit:
    """The unit of this name, created on first use."""
    found = Unit.objects.filter(name=name).first()
    if found is not None:
        return found
    code = code or _UNIT_CODES.get(name) or f"U{Unit.objects.count() + 1}"
    from xiaoguan.catalog.services.products import unit_create

    return unit_create(actor=actor, data=UnitData(code=code, name=name))


def make_category(
    name: str = "灭火器", code: str | None = None, parent: ProductCategory | None = None
) -> ProductCategory:
    """The category of this code (or, without a code, of this name), created on first use."""
    found = (
        ProductCategory.objects.filter(code=code).first()
        if code
        else ProductCategory.objects.filter(name=name).first()
    )
    if found is not None:
        return found
    code = code or f"CAT{ProductCategory.objects.count() + 1}"
    return category_create(
        actor=None,  # type: ignore[arg-type]
        data=CategoryData(code=code, name=name, parent_id=parent.pk if parent else None),
    )


def make_product(
    code: str = "MFZ-ABC4",
    name: str = "手提式干粉灭火器",
    *,
    actor: Any = None,
    category: ProductCategory | None = None,
    unit: str = "具",
    alt_units: dict[str, Decimal | int | str] | None = None,
    **fields: Any,
) -> Product:
    data = {
        "code": code,
        "name": name,
        "category_id": (category or make_category()).pk,
        "unit_id": make_unit(unit).pk,
    }
    data.update(fields)
    units = [
        ProductUnitData(unit_id=make_unit(u).pk, factor=f) for u, f in (alt_units or {}).items()
    ]
    return product_create(actor=actor, data=ProductData(**data), units=units)
