from decimal import Decimal

import pytest

from xiaoguan.catalog.errors import CategoryInvalid, CodeTaken, ProductInvalid, UnitInvalid
from xiaoguan.catalog.models import Product, ProductCategory, ProductUnit, Unit
from xiaoguan.catalog.selectors.products import (
    category_list,
    product_choices,
    product_list,
    product_unit_options,
)
from xiaoguan.catalog.services.products import (
    CategoryData,
    ProductData,
    ProductUnitData,
    UnitData,
    _save_unique,
    category_create,
    category_update,
    product_activate,
    product_create,
    product_deactivate,
    product_update,
    unit_create,
    unit_update,
)
from xiaoguan.catalog.tests.factories import make_category, make_product, make_unit


def _data(product: Product, **changes) -> ProductData:
    data = ProductData(
        code=product.code,
        name=product.name,
        category_id=product.category_id,
        unit_id=product.unit_id,
        model=product.model,
        spec=product.spec,
        description=product.description,
        needs_installation=product.needs_installation,
        warranty_months=product.warranty_months,
        inspection_cycle_months=product.inspection_cycle_months,
        service_life_years=product.service_life_years,
    )
    for k, v in changes.items():
        setattr(data, k, v)
    return data


def test_creates_a_product_with_other_units_and_history(company):
    # given
    category = make_category("灭火器", "EXT")
    ju, xiang = make_unit("具"), make_unit("箱")
    # when
    product = product_create(
        actor=company.director,
        data=ProductData(
            code=" MFZ-ABC4 ",
            name="手提式  干粉灭火器",
            category_id=category.pk,
            unit_id=ju.pk,
            model="MFZ/ABC4",
            spec="4kg ABC 干粉",
            warranty_months=12,
            inspection_cycle_months=12,
            service_life_years=10,
        ),
        units=[ProductUnitData(unit_id=xiang.pk, factor="4")],
    )
    # then
    product.refresh_from_db()
    assert (product.code, product.name, product.is_active) == (
        "MFZ-ABC4",
        "手提式 干粉灭火器",
        True,
    )
    assert list(product.units.values_list("unit__name", "factor")) == [("箱", Decimal("4.000"))]
    record = product.history.get()
    assert record.history_user == company.director
    assert record.history_change_reason == "other units: 1箱=4具"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": ""}, "code"),
        ({"code": "MFZ ABC"}, "code"),
        ({"code": "X" * 41}, "code"),
        ({"name": "  "}, "name"),
        ({"warranty_months": -1}, "warranty_months"),
        ({"warranty_months": "abc"}, "warranty_months"),
        ({"inspection_cycle_months": 0}, "inspection_cycle_months"),
        ({"service_life_years": 101}, "service_life_years"),
        ({"category_id": 999999}, "category_id"),
        ({"unit_id": 999999}, "unit_id"),
    ],
)
def test_refuses_bad_product_input_and_saves_nothing(company, changes, field):
    # given
    data = ProductData(
        code="SN65",
        name="室内消火栓",
        category_id=make_category().pk,
        unit_id=make_unit("套").pk,
    )
    for k, v in changes.items():
        setattr(data, k, v)
    # when
    with pytest.raises(ProductInvalid) as exc:
        product_create(actor=company.director, data=data)
    # then
    assert field in exc.value.fields
    assert Product.objects.count() == 0


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ([("箱", "0")], "How many base units one 箱 holds"),
        ([("箱", "-4")], "How many base units one 箱 holds"),
        ([("箱", "1.0005")], "How many base units one 箱 holds"),
        ([("箱", "abc")], "How many base units one 箱 holds"),
        ([("箱", "4"), ("箱", "6")], "Unit 箱 is listed twice."),
        ([("具", "1")], "The base unit is not also an other unit."),
    ],
)
def test_refuses_bad_other_units(company, units, message):
    # given
    ju = make_unit("具")
    wanted = [ProductUnitData(unit_id=make_unit(u).pk, factor=f) for u, f in units]
    # when
    with pytest.raises(ProductInvalid) as exc:
        product_create(
            actor=company.director,
            data=ProductData(code="A", name="B", category_id=make_category().pk, unit_id=ju.pk),
            units=wanted,
        )
    # then
    assert str(exc.value.fields["units"]).startswith(message)
    assert Product.objects.count() == 0 and ProductUnit.objects.count() == 0


def test_code_is_unique_without_regard_to_case(company):
    make_product("MFZ-ABC4")
    with pytest.raises(ProductInvalid) as exc:
        make_product("mfz-abc4")
    assert exc.value.fields == {"code": "This code is already used."}
    assert Product.objects.count() == 1


def test_a_code_saved_meanwhile_is_a_conflict_not_a_server_error(company):
    # given: the check passed, then someone else saved the code (the database refuses)
    first = make_product("MFZ-ABC4")
    clash = Product(code="MFZ-ABC4", name="x", category_id=first.category_id, unit_id=first.unit_id)
    # when / then
    with pytest.raises(CodeTaken) as exc:
        _save_unique(clash, actor=company.director)
    assert exc.value.status == 409 and exc.value.code == "code_taken"
    assert Product.objects.count() == 1


def test_update_replaces_other_units_and_records_why(company):
    # given
    product = make_product("MT-3", "二氧化碳灭火器", alt_units={"箱": 4})
    tai = make_unit("台")
    # when
    product_update(
        actor=company.gm,
        product_id=product.pk,
        data=_data(product, name="手提式二氧化碳灭火器", warranty_months=24),
        units=[ProductUnitData(unit_id=tai.pk, factor="2.5")],
    )
    # then
    product.refresh_from_db()
    assert product.name == "手提式二氧化碳灭火器" and product.warranty_months == 24
    assert list(product.units.values_list("unit__name", "factor")) == [("台", Decimal("2.500"))]
    latest = product.history.order_by("-history_id").first()
    assert latest.history_user == company.gm
    assert latest.history_change_reason == "other units: 1台=2.5具"


def test_update_without_units_keeps_them_but_not_the_new_base_unit(company):
    product = make_product("MT-3", alt_units={"箱": 4, "套": 2})
    product_update(
        actor=company.gm,
        product_id=product.pk,
        data=_data(product, unit_id=make_unit("箱").pk),
    )
    assert list(product.units.values_list("unit__name", flat=True)) == ["套"]


def test_refused_update_changes_nothing(company):
    product = make_product("MT-3", "二氧化碳灭火器", alt_units={"箱": 4})
    with pytest.raises(ProductInvalid):
        product_update(
            actor=company.gm,
            product_id=product.pk,
            data=_data(product, name="新名称", warranty_months=999),
            units=[],
        )
    product.refresh_from_db()
    assert product.name == "二氧化碳灭火器" and product.warranty_months == 12
    assert product.units.count() == 1
    assert product.history.count() == 1


def test_deactivated_product_leaves_pickers_and_can_come_back(company):
    # given
    product = make_product("SS100", "室外消火栓", unit="套")
    # when
    product_deactivate(actor=company.gm, product_id=product.pk, reason="停产")
    # then
    assert product_choices(q="SS100") == []
    assert product_unit_options(product_ids=[product.pk])[product.pk][0].name == "套"
    product_activate(actor=company.gm, product_id=product.pk)
    assert [c.code for c in product_choices(q="室外")] == ["SS100"]


def test_product_cannot_come_back_into_an_inactive_category(company):
    category = make_category("防火门", "DOOR")
    product = make_product("FM-A", "钢质防火门", category=category, unit="套")
    product_deactivate(actor=company.gm, product_id=product.pk)
    category_update(
        actor=company.gm,
        category_id=category.pk,
        data=CategoryData(code="DOOR", name="防火门", is_active=False),
    )
    with pytest.raises(ProductInvalid):
        product_activate(actor=company.gm, product_id=product.pk)
    product.refresh_from_db()
    assert product.is_active is False


def test_category_with_active_products_stays_active(company):
    category = make_category("灭火器", "EXT")
    make_product("MFZ-ABC4", category=category)
    with pytest.raises(CategoryInvalid) as exc:
        category_update(
            actor=company.gm,
            category_id=category.pk,
            data=CategoryData(code="EXT", name="灭火器", is_active=False),
        )
    assert "is_active" in exc.value.fields
    category.refresh_from_db()
    assert category.is_active is True


def test_categories_are_one_level_deep(company):
    top = make_category("灭火器", "EXT")
    sub = make_category("干粉灭火器", "EXT-P", parent=top)
    with pytest.raises(CategoryInvalid) as exc:
        category_create(actor=company.gm, data=CategoryData(code="X", name="X", parent_id=sub.pk))
    assert "parent_id" in exc.value.fields
    with pytest.raises(CategoryInvalid):
        category_update(
            actor=company.gm,
            category_id=top.pk,
            data=CategoryData(code="EXT", name="灭火器", parent_id=make_category("其他", "OTH").pk),
        )
    assert ProductCategory.objects.get(pk=top.pk).parent_id is None
    rows = category_list()
    assert [(c.code, c.depth) for c in rows] == [("EXT", 0), ("EXT-P", 1), ("OTH", 0)]


def test_units_unique_and_base_unit_of_active_products_stays_active(company):
    ju = make_unit("具")
    with pytest.raises(UnitInvalid) as exc:
        unit_create(actor=company.gm, data=UnitData(code="ju", name="件"))
    assert "code" in exc.value.fields
    with pytest.raises(UnitInvalid):
        unit_create(actor=company.gm, data=UnitData(code="JIAN", name="具"))
    make_product("MFZ-ABC4", unit="具")
    with pytest.raises(UnitInvalid) as exc:
        unit_update(
            actor=company.gm, unit_id=ju.pk, data=UnitData(code="JU", name="具", is_active=False)
        )
    assert "is_active" in exc.value.fields
    assert Unit.objects.get(pk=ju.pk).is_active is True
    renamed = unit_update(actor=company.gm, unit_id=ju.pk, data=UnitData(code="JU", name="只"))
    assert renamed.name == "只" and renamed.history.count() == 2


def test_list_filters_and_search(company):
    ext = make_category("灭火器", "EXT")
    powder = make_category("干粉灭火器", "EXT-P", parent=ext)
    alarm = make_category("火灾报警", "ALM")
    make_product("MFZ-ABC4", "手提式干粉灭火器", category=powder, model="MFZ/ABC4", spec="4kg")
    make_product("MT-3", "二氧化碳灭火器", category=ext, model="MT/3")
    smoke = make_product(
        "JTY-GD-G3", "点型光电感烟火灾探测器", category=alarm, unit="个", needs_installation=True
    )
    product_deactivate(actor=company.gm, product_id=smoke.pk)

    def codes(**filters):
        return [p.code for p in product_list(user=company.rep_e1, filters=filters, sort="code")]

    assert codes() == ["JTY-GD-G3", "MFZ-ABC4", "MT-3"]
    assert codes(category=ext.pk) == ["MFZ-ABC4", "MT-3"]
    assert codes(category=powder.pk) == ["MFZ-ABC4"]
    assert codes(active="1") == ["MFZ-ABC4", "MT-3"]
    assert codes(active="0") == ["JTY-GD-G3"]
    assert codes(q="abc4") == ["MFZ-ABC4"]
    assert codes(q="4kg 干粉") == ["MFZ-ABC4"]
    assert codes(q="MT/3") == ["MT-3"]
    assert codes(needs_installation="1") == ["JTY-GD-G3"]
    assert codes(category="x") == []


def test_choices_list_units_base_first_in_constant_queries(company, django_assert_num_queries):
    for i in range(10):
        make_product(f"P{i}", f"产品{i}", alt_units={"箱": 4, "套": 2})
    with django_assert_num_queries(2):
        choices = product_choices()
    assert len(choices) == 10
    first = choices[0].as_dict()
    assert [(u["name"], u["factor"], u["is_base"]) for u in first["units"]] == [
        ("具", "1", True),
        ("套", "2", False),
        ("箱", "4", False),
    ]
    assert first["label"] == "P0 产品0"
