"""The stock services: every operation writes a ledger line and every refusal leaves the
stock as it was."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xiaoguan.catalog.errors import StockInvalid, StockShortage
from xiaoguan.catalog.models import MovementKind, StockLevel, StockMovement
from xiaoguan.catalog.selectors.stock import available_by_warehouse
from xiaoguan.catalog.services.stock import (
    WarehouseData,
    stock_adjust,
    stock_issue,
    stock_receive,
    stock_release,
    stock_reorder_point_set,
    stock_reserve,
    stock_transfer,
    to_base_quantity,
    warehouse_activate,
    warehouse_create,
    warehouse_deactivate,
    warehouse_update,
)
from xiaoguan.catalog.tests.factories import make_product, make_unit
from xiaoguan.catalog.tests.test_stock_support import D, extinguisher, make_warehouse
from xiaoguan.core.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(company):
    actor = company.logistics1
    return actor, make_warehouse(actor), extinguisher()


def level_of(warehouse, product):
    return StockLevel.objects.get(warehouse=warehouse, product=product)


def unchanged(warehouse, product, on_hand, reserved, movements):
    level = level_of(warehouse, product)
    assert (level.on_hand, level.reserved) == (D(on_hand), D(reserved))
    assert StockMovement.objects.filter(product=product).count() == movements


# --- units ----------------------------------------------------------------------------------


def test_to_base_quantity_uses_the_unit_factor(setup):
    _, _, product = setup
    xiang = make_unit("箱")
    assert to_base_quantity(product_id=product.pk, unit_id=product.unit_id, quantity=D(3)) == 3
    assert to_base_quantity(product_id=product.pk, unit_id=xiang.pk, quantity=D("2.5")) == 10


def test_to_base_quantity_refuses_a_unit_not_of_the_product(setup):
    _, _, product = setup
    with pytest.raises(ValidationFailed) as info:
        to_base_quantity(product_id=product.pk, unit_id=make_unit("米").pk, quantity=D(1))
    assert "unit_id" in info.value.fields


# --- receive, reserve, release, issue -------------------------------------------------------


def test_receive_creates_the_level_and_writes_the_ledger(setup):
    actor, sh, product = setup
    level = stock_receive(
        actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(100), reference="RK1"
    )
    assert (level.on_hand, level.reserved, level.available) == (100, 0, 100)
    stock_receive(actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D("20.5"))
    move = StockMovement.objects.filter(product=product).first()  # newest first
    assert move.kind == MovementKind.RECEIPT
    assert (move.on_hand_change, move.on_hand_after, move.reserved_after) == (
        D("20.5"),
        D("120.5"),
        0,
    )
    assert StockLevel.objects.filter(product=product).count() == 1


def test_reserve_release_issue_keep_the_figures(setup):
    actor, sh, product = setup
    stock_receive(actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(50))
    stock_reserve(
        actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(30), reference="SO1"
    )
    stock_release(
        actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(10), reference="SO1"
    )
    level = stock_issue(
        actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(20), reference="FH1"
    )
    assert (level.on_hand, level.reserved, level.available) == (30, 0, 30)
    level = stock_issue(
        actor=actor,
        warehouse_id=sh.pk,
        product_id=product.pk,
        quantity=D(5),
        reference="FH2",
        from_reserved=False,
    )
    assert (level.on_hand, level.reserved) == (25, 0)
    kinds = list(
        StockMovement.objects.filter(product=product).order_by("pk").values_list("kind", flat=True)
    )
    assert kinds == ["receipt", "reserve", "release", "issue", "issue"]
    assert available_by_warehouse(product_ids=[product.pk]) == {product.pk: {sh.pk: D(25)}}


def test_reserving_more_than_available_names_the_figures(setup):
    actor, sh, product = setup
    stock_receive(actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(10))
    stock_reserve(
        actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(7), reference="SO1"
    )
    with pytest.raises(StockShortage) as info:
        stock_reserve(
            actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(4), reference="SO2"
        )
    err = info.value
    assert (err.wanted, err.available) == (4, 3)
    assert (
        "3" in str(err.message)
        and "4" in str(err.message)
        and "手提式干粉灭火器" in str(err.message)
    )
    assert err.as_dict()["available"] == "3.000"
    assert isinstance(err, ValidationFailed)
    unchanged(sh, product, 10, 7, 2)


@pytest.mark.parametrize(
    "quantity", [0, -1, "-0.5", "abc", "1.0001", "NaN", "Infinity", None, 10**12]
)
def test_bad_quantities_are_refused(setup, quantity):
    actor, sh, product = setup
    stock_receive(actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(10))
    for call in (
        lambda: stock_receive(
            actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=quantity
        ),
        lambda: stock_reserve(
            actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=quantity, reference="x"
        ),
        lambda: stock_release(
            actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=quantity, reference="x"
        ),
        lambda: stock_issue(
            actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=quantity, reference="x"
        ),
    ):
        with pytest.raises(StockInvalid) as info:
            call()
        assert "quantity" in info.value.fields
    unchanged(sh, product, 10, 0, 1)


def test_release_or_issue_more_than_reserved_is_refused(setup):
    actor, sh, product = setup
    stock_receive(actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(10))
    stock_reserve(
        actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(4), reference="SO1"
    )
    with pytest.raises(StockInvalid, match="Only 4"):
        stock_release(
            actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(5), reference="SO1"
        )
    with pytest.raises(StockInvalid, match="Only 4"):
        stock_issue(
            actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(5), reference="FH1"
        )
    unchanged(sh, product, 10, 4, 2)


def test_issuing_more_than_on_hand_is_refused(setup):
    actor, sh, product = setup
    stock_receive(actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(10))
    with pytest.raises(StockShortage) as info:
        stock_issue(
            actor=actor,
            warehouse_id=sh.pk,
            product_id=product.pk,
            quantity=D(11),
            reference="FH1",
            from_reserved=False,
        )
    assert info.value.available == 10
    # Unreserved issues never take what is reserved for other orders.
    stock_reserve(
        actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(8), reference="SO1"
    )
    with pytest.raises(StockShortage):
        stock_issue(
            actor=actor,
            warehouse_id=sh.pk,
            product_id=product.pk,
            quantity=D(3),
            reference="FH1",
            from_reserved=False,
        )
    unchanged(sh, product, 10, 8, 2)


def test_an_inactive_or_unknown_warehouse_takes_no_stock(setup):
    actor, sh, product = setup
    cd = make_warehouse(actor, "CD", "成都分仓")
    warehouse_deactivate(actor=actor, warehouse_id=cd.pk)
    for warehouse_id in (cd.pk, 999999, "x"):
        with pytest.raises(StockInvalid) as info:
            stock_receive(
                actor=actor, warehouse_id=warehouse_id, product_id=product.pk, quantity=D(1)
            )
        assert "warehouse_id" in info.value.fields
        with pytest.raises(StockInvalid):
            stock_reserve(
                actor=actor,
                warehouse_id=warehouse_id,
                product_id=product.pk,
                quantity=D(1),
                reference="x",
            )
    with pytest.raises(StockInvalid) as info:
        stock_receive(actor=actor, warehouse_id=sh.pk, product_id=999999, quantity=D(1))
    assert "product_id" in info.value.fields
    assert not StockMovement.objects.exists()


def test_too_long_reference_is_refused(setup):
    actor, sh, product = setup
    with pytest.raises(StockInvalid) as info:
        stock_receive(
            actor=actor,
            warehouse_id=sh.pk,
            product_id=product.pk,
            quantity=D(1),
            reference="R" * 41,
        )
    assert "reference" in info.value.fields


# --- counts, transfers, reorder points ------------------------------------------------------


def test_stock_count_sets_on_hand_with_the_reason(setup, company):
    actor, sh, product = setup
    stock_receive(actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(10))
    stock_reserve(
        actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(4), reference="SO1"
    )
    level = stock_adjust(
        actor=actor, warehouse_id=sh.pk, product_id=product.pk, counted="8", reason="月末盘点"
    )
    assert (level.on_hand, level.reserved) == (8, 4)
    move = StockMovement.objects.filter(product=product).first()
    assert (move.kind, move.on_hand_change, move.note) == ("adjust", -2, "月末盘点")
    with pytest.raises(StockInvalid, match="reserved for orders"):
        stock_adjust(
            actor=actor, warehouse_id=sh.pk, product_id=product.pk, counted="3", reason="x"
        )
    with pytest.raises(StockInvalid, match="nothing to adjust"):
        stock_adjust(
            actor=actor, warehouse_id=sh.pk, product_id=product.pk, counted="8", reason="x"
        )
    with pytest.raises(StockInvalid) as info:
        stock_adjust(
            actor=actor, warehouse_id=sh.pk, product_id=product.pk, counted="9", reason=" "
        )
    assert "reason" in info.value.fields
    with pytest.raises(StockInvalid) as info:
        stock_adjust(
            actor=actor, warehouse_id=sh.pk, product_id=product.pk, counted="-1", reason="x"
        )
    assert "counted" in info.value.fields
    with pytest.raises(PermissionDenied):
        stock_adjust(
            actor=company.rep_e1, warehouse_id=sh.pk, product_id=product.pk, counted="9", reason="x"
        )
    unchanged(sh, product, 8, 4, 3)


def test_transfer_moves_available_stock(setup, company):
    actor, sh, product = setup
    cd = make_warehouse(actor, "CD", "成都分仓")
    stock_receive(actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(10))
    stock_reserve(
        actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(6), reference="SO1"
    )
    out_level, in_level = stock_transfer(
        actor=actor,
        from_warehouse_id=sh.pk,
        to_warehouse_id=cd.pk,
        product_id=product.pk,
        quantity="3",
    )
    assert (out_level.on_hand, out_level.reserved, in_level.on_hand) == (7, 6, 3)
    with pytest.raises(StockShortage) as info:
        stock_transfer(
            actor=actor,
            from_warehouse_id=sh.pk,
            to_warehouse_id=cd.pk,
            product_id=product.pk,
            quantity="2",
        )
    assert info.value.available == 1
    with pytest.raises(StockInvalid, match="two different"):
        stock_transfer(
            actor=actor,
            from_warehouse_id=sh.pk,
            to_warehouse_id=sh.pk,
            product_id=product.pk,
            quantity="1",
        )
    with pytest.raises(PermissionDenied):
        stock_transfer(
            actor=company.rep_e1,
            from_warehouse_id=sh.pk,
            to_warehouse_id=cd.pk,
            product_id=product.pk,
            quantity="1",
        )
    assert available_by_warehouse(product_ids=[product.pk]) == {product.pk: {sh.pk: 1, cd.pk: 3}}
    kinds = set(StockMovement.objects.filter(product=product).values_list("kind", flat=True))
    assert {"transfer_out", "transfer_in"} <= kinds


def test_reorder_point_by_hand(setup, company):
    actor, sh, product = setup
    level = stock_reorder_point_set(
        actor=actor, warehouse_id=sh.pk, product_id=product.pk, reorder_point="40"
    )
    assert level.reorder_point == 40
    level = stock_reorder_point_set(
        actor=actor, warehouse_id=sh.pk, product_id=product.pk, reorder_point=""
    )
    assert level.reorder_point is None
    with pytest.raises(StockInvalid):
        stock_reorder_point_set(
            actor=actor, warehouse_id=sh.pk, product_id=product.pk, reorder_point="-3"
        )
    with pytest.raises(PermissionDenied):
        stock_reorder_point_set(
            actor=company.rep_e1, warehouse_id=sh.pk, product_id=product.pk, reorder_point="3"
        )


# --- warehouses -----------------------------------------------------------------------------


def test_warehouse_create_edit_and_refusals(company):
    actor = company.logistics1
    sh = warehouse_create(
        actor=actor,
        data=WarehouseData(code="SH", name="上海总仓", address="上海市嘉定区", keeper_id=actor.pk),
    )
    assert sh.keeper_id == actor.pk
    with pytest.raises(StockInvalid) as info:
        warehouse_create(actor=actor, data=WarehouseData(code="sh", name="上海总仓"))
    assert set(info.value.fields) == {"code", "name"}
    with pytest.raises(StockInvalid) as info:
        warehouse_create(actor=actor, data=WarehouseData(code="A B", name=""))
    assert set(info.value.fields) == {"code", "name"}
    with pytest.raises(PermissionDenied):
        warehouse_create(actor=company.rep_e1, data=WarehouseData(code="CD", name="成都分仓"))
    sh = warehouse_update(
        actor=actor, warehouse_id=sh.pk, data=WarehouseData(code="SH", name="上海一号仓")
    )
    assert (sh.name, sh.keeper_id) == ("上海一号仓", None)


def test_a_warehouse_holding_stock_stays_open(setup):
    actor, sh, product = setup
    stock_receive(actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(2))
    with pytest.raises(StockInvalid, match="still holds stock"):
        warehouse_deactivate(actor=actor, warehouse_id=sh.pk)
    stock_adjust(actor=actor, warehouse_id=sh.pk, product_id=product.pk, counted=0, reason="报废")
    sh = warehouse_deactivate(actor=actor, warehouse_id=sh.pk)
    assert not sh.is_active
    assert available_by_warehouse(product_ids=[product.pk]) == {}
    assert warehouse_activate(actor=actor, warehouse_id=sh.pk).is_active


def test_available_by_warehouse_of_no_products(db):
    assert available_by_warehouse(product_ids=[]) == {}
    other = make_product("MT-3", "二氧化碳灭火器")
    assert available_by_warehouse(product_ids=[other.pk]) == {}


def test_quantity_decimals(setup):
    actor, sh, product = setup
    level = stock_receive(actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity="1.125")
    assert level.on_hand == Decimal("1.125")
