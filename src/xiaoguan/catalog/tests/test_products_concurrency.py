"""Two managers saving the catalog at the same moment (PostgreSQL: the row lock and the
unique index decide; never a server error)."""

from __future__ import annotations

import pytest

from conftest import race
from xiaoguan.catalog.errors import CodeTaken, ProductInvalid
from xiaoguan.catalog.models import Product, ProductUnit
from xiaoguan.catalog.services.products import (
    ProductData,
    ProductUnitData,
    product_create,
    product_update,
)
from xiaoguan.catalog.tests.factories import make_category, make_product, make_unit


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_new_products_with_the_same_code_one_is_refused(company):
    category, ju = make_category(), make_unit("具")

    def create(actor, name):
        return product_create(
            actor=actor,
            data=ProductData(code="MFZ-ABC4", name=name, category_id=category.pk, unit_id=ju.pk),
        )

    results = race([lambda: create(company.gm, "甲"), lambda: create(company.director, "乙")])
    refused = [r for r in results if isinstance(r, CodeTaken | ProductInvalid)]
    assert len(refused) == 1, results
    assert Product.objects.filter(code="MFZ-ABC4").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_edits_at_once_are_applied_one_after_the_other(company):
    product = make_product("MT-3", "二氧化碳灭火器", alt_units={"箱": 4})
    xiang, tai = make_unit("箱"), make_unit("台")

    def edit(actor, name, unit, factor):
        data = ProductData(
            code="MT-3", name=name, category_id=product.category_id, unit_id=product.unit_id
        )
        return product_update(
            actor=actor,
            product_id=product.pk,
            data=data,
            units=[ProductUnitData(unit_id=unit.pk, factor=factor)],
        )

    results = race(
        [
            lambda: edit(company.gm, "甲", xiang, "6"),
            lambda: edit(company.director, "乙", tai, "2"),
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    product.refresh_from_db()
    units = list(ProductUnit.objects.filter(product=product).values_list("unit__name", "factor"))
    # the last one saved wins, whole: its name goes with its units
    assert (product.name, units) in [("甲", [("箱", 6)]), ("乙", [("台", 2)])]
    assert product.history.count() == 3
