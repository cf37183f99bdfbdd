"""The demo catalog (issue 4): about 60 fire-equipment products in 8 categories, with the
after-sales attributes and other units the later demos and after-sales rely on, and the
product codes its module documents (the pricing, quote and contract demos refer to them)."""

import re

import pytest

from xiaoguan.catalog.models import Product, ProductCategory
from xiaoguan.demo import catalog as demo_catalog
from xiaoguan.demo import org as demo_org


@pytest.mark.django_db
def test_the_demo_catalog_is_complete_and_its_documented_codes_exist():
    # given
    users = demo_org.build().users
    doc = demo_catalog.__doc__ or ""
    # when
    demo_catalog.load(users=users)
    # then
    assert Product.objects.count() >= 60
    assert ProductCategory.objects.filter(parent__isnull=True).count() >= 8
    codes = set(demo_catalog.product_ids())
    assert codes == {p[0] for p in demo_catalog.PRODUCTS}
    undocumented = [c for c in codes if not re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", doc)]
    assert undocumented == []
    abc4 = Product.objects.get(code="MFZ-ABC4")
    assert (abc4.inspection_cycle_months, abc4.service_life_years) == (12, 10)
    assert abc4.units.get().unit.name == "箱" and abc4.units.get().factor == 4
    assert Product.objects.get(code="JTY-GD-G3").needs_installation is True
    assert Product.objects.get(code="ZSFZ100").needs_installation is True
    assert Product.objects.filter(is_active=False).count() == 2
    # loading again changes nothing
    demo_catalog.load(users=users)
    assert Product.objects.count() == len(demo_catalog.PRODUCTS)
