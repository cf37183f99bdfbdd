"""Catalog pages take ``product_id``, ``category_id`` and ``unit_id``. Products, categories
and units are master data every employee sees (no data scope), so they carry no marker: a
neutral product with another unit, in a sub-category, made through the catalog services."""

from __future__ import annotations

from typing import Any


def provide(*, company: Any, emp: Any, values: dict[str, Any]) -> dict[str, Any]:
    from xiaoguan.catalog.services.products import (
        CategoryData,
        ProductData,
        ProductUnitData,
        UnitData,
        category_create,
        product_create,
        unit_create,
    )

    actor = company.director
    ju = unit_create(actor=actor, data=UnitData(code="ACC-JU", name="具"))
    box = unit_create(actor=actor, data=UnitData(code="ACC-BOX", name="箱"))
    top = category_create(actor=actor, data=CategoryData(code="ACC-EXT", name="灭火器"))
    sub = category_create(
        actor=actor, data=CategoryData(code="ACC-EXT-DP", name="干粉灭火器", parent_id=top.pk)
    )
    product = product_create(
        actor=actor,
        data=ProductData(
            code="ACC-MFZ-ABC4",
            name="手提式干粉灭火器",
            model="MFZ/ABC4",
            category_id=sub.pk,
            unit_id=ju.pk,
            inspection_cycle_months=12,
            service_life_years=10,
        ),
        units=[ProductUnitData(unit_id=box.pk, factor="4")],
    )
    return {"product_id": product.pk, "category_id": sub.pk, "unit_id": ju.pk}
