"""Two orders racing for the last units (PostgreSQL: the stock row is locked; the check
constraints back it)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from conftest import race
from xiaoguan.catalog.errors import StockShortage
from xiaoguan.catalog.models import StockLevel, StockMovement
from xiaoguan.catalog.services.stock import stock_receive, stock_reserve, stock_transfer
from xiaoguan.catalog.tests.test_stock_support import D, extinguisher, make_warehouse


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reservations_for_the_last_units_one_gets_them(company):
    actor = company.logistics1
    sh, product = make_warehouse(actor), extinguisher()
    stock_receive(actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(10))
    stock_reserve(
        actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(4), reference="SO0"
    )

    def reserve(reference):
        return stock_reserve(
            actor=actor,
            warehouse_id=sh.pk,
            product_id=product.pk,
            quantity=D(5),
            reference=reference,
        )

    results = race([lambda: reserve("SO1"), lambda: reserve("SO2")])
    shortages = [r for r in results if isinstance(r, StockShortage)]
    won = [r for r in results if isinstance(r, StockLevel)]
    assert len(shortages) == 1 and len(won) == 1, results
    assert (shortages[0].wanted, shortages[0].available) == (5, 1)
    level = StockLevel.objects.get(warehouse=sh, product=product)
    assert (level.on_hand, level.reserved) == (10, 9)
    last = StockMovement.objects.filter(product=product).first()
    assert (last.on_hand_after, last.reserved_after) == (10, 9)
    assert StockMovement.objects.filter(product=product, kind="reserve").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_first_receipts_at_once_make_one_level(company):
    actor = company.logistics1
    sh, product = make_warehouse(actor), extinguisher()

    def receive():
        return stock_receive(actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(3))

    results = race([receive, receive, receive])
    assert all(isinstance(r, StockLevel) for r in results), results
    assert StockLevel.objects.get(warehouse=sh, product=product).on_hand == 9


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_transfers_in_opposite_directions_do_not_deadlock(company):
    actor = company.logistics1
    sh, cd, product = make_warehouse(actor), make_warehouse(actor, "CD", "成都分仓"), extinguisher()
    for w in (sh, cd):
        stock_receive(actor=actor, warehouse_id=w.pk, product_id=product.pk, quantity=D(10))

    def move(a, b):
        return stock_transfer(
            actor=actor,
            from_warehouse_id=a.pk,
            to_warehouse_id=b.pk,
            product_id=product.pk,
            quantity="4",
        )

    results = race([lambda: move(sh, cd), lambda: move(cd, sh)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(StockLevel.objects.filter(product=product).values_list("on_hand", flat=True)) == [
        10,
        10,
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_reserved_beyond_on_hand(company):
    actor = company.logistics1
    sh, product = make_warehouse(actor), extinguisher()
    stock_receive(actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(2))
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(warehouse=sh, product=product).update(reserved=3)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_closing_a_warehouse_while_goods_arrive(company):
    """Either the warehouse closes empty and the receipt is refused, or the receipt lands and
    the closing is refused: never stock in a closed warehouse."""
    from xiaoguan.catalog.errors import StockInvalid
    from xiaoguan.catalog.models import Warehouse
    from xiaoguan.catalog.services.stock import warehouse_deactivate

    actor = company.logistics1
    cd, product = make_warehouse(actor, "CD", "成都分仓"), extinguisher()
    results = race(
        [
            lambda: stock_receive(
                actor=actor, warehouse_id=cd.pk, product_id=product.pk, quantity=D(3)
            ),
            lambda: warehouse_deactivate(actor=actor, warehouse_id=cd.pk),
        ]
    )
    assert sum(isinstance(r, StockInvalid) for r in results) == 1, results
    cd = Warehouse.objects.get(pk=cd.pk)
    on_hand = sum(StockLevel.objects.filter(warehouse=cd).values_list("on_hand", flat=True))
    assert (cd.is_active, on_hand) in ((True, 3), (False, 0))
