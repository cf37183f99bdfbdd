"""The ledger's execution figures are set through one service, on the current version."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.services.figures import contract_figures_set
from xiaoguan.contracts.tests.test_amendments_support import lines_of, product, signed_contract

pytestmark = pytest.mark.django_db


def test_figures_are_written_on_the_signed_contract_without_touching_the_others(company):
    contract = signed_contract(company.rep_e1, lines_of((product("P1", "灭火器"), "10", "100")))

    contract_figures_set(contract=contract, shipped=Decimal("400.00"))
    contract_figures_set(contract=contract, collected=Decimal("300.00"))

    contract.refresh_from_db()
    assert contract.shipped_amount == Decimal("400.00")
    assert contract.collected_amount == Decimal("300.00")
    assert contract.invoiced_amount == Decimal("0")


def test_figures_go_to_the_current_version_when_given_an_older_one(company):
    v1 = signed_contract(company.rep_e1, lines_of((product("P1", "灭火器"), "10", "100")))
    # an amendment in force: v1 superseded, v2 current (rows as the amendment service leaves them)
    Contract.objects.filter(pk=v1.pk).update(is_current=False, status="superseded")
    v2 = Contract.objects.get(pk=v1.pk)
    v2.pk = None
    v2._state.adding = True
    v2.root_id = v1.pk
    v2.amends_id = v1.pk
    v2.version_no = 2
    v2.is_current = True
    v2.status = "signed"
    v2.save()

    contract_figures_set(contract=v1, invoiced=Decimal("500.00"))

    assert Contract.objects.get(pk=v2.pk).invoiced_amount == Decimal("500.00")
    assert Contract.objects.get(pk=v1.pk).invoiced_amount == Decimal("0")
