"""Two orders racing for the last units of a contract (PostgreSQL: the contract row is
locked, so the second sees what the first took)."""

from __future__ import annotations

import pytest

from conftest import race
from xiaoguan.orders.errors import OrderOverContract
from xiaoguan.orders.models import Order
from xiaoguan.orders.selectors.orders import contract_remaining
from xiaoguan.orders.tests.factories import contract_order, goods, signed


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_orders_for_the_last_units_of_a_contract_one_is_told(company):
    g = goods(company.gm)
    contract = signed(company.rep_e1, [(g.hydrant, "10", "800")])
    results = race(
        [
            lambda: contract_order(company.rep_e1, contract, {1: "6"}),
            lambda: contract_order(company.mgr_east, contract, {1: "6"}),
        ]
    )
    assert sum(isinstance(r, OrderOverContract) for r in results) == 1, results
    assert sum(isinstance(r, Order) for r in results) == 1, results
    assert contract_remaining(contract=contract)[(g.hydrant.pk, g.hydrant.unit_id)] == 4
