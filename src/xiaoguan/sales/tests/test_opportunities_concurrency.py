"""Two people moving or editing one opportunity at the same moment (PostgreSQL: the row is
locked, the version decides)."""

from __future__ import annotations

import pytest

from conftest import race
from xiaoguan.core.errors import StaleEdit
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.sales.models import Opportunity, StageChange
from xiaoguan.sales.services.opportunities import (
    OpportunityData,
    opportunity_move,
    opportunity_update,
)
from xiaoguan.sales.tests.factories import make_opportunity


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_moves_from_the_same_version_one_wins(company):
    customer = make_customer(company.rep_e1, "宁波港务集团")
    opp = make_opportunity(company.rep_e1, customer)
    calls = [
        lambda: opportunity_move(
            actor=company.rep_e1, opportunity=opp.pk, stage="quote", expected_version=1
        ),
        lambda: opportunity_move(
            actor=company.mgr_east,
            opportunity=opp.pk,
            stage="lost",
            lost_reason="price",
            expected_version=1,
        ),
    ]
    results = race(calls)
    assert sum(isinstance(r, StaleEdit) for r in results) == 1, results
    assert StageChange.objects.filter(opportunity_id=opp.pk).count() == 2
    assert Opportunity.objects.get(pk=opp.pk).version == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_edits_from_the_same_version_one_wins(company):
    customer = make_customer(company.rep_e1, "宁波港务集团")
    opp = make_opportunity(company.rep_e1, customer)

    def edit(actor, name):
        data = OpportunityData(
            customer_id=customer.pk,
            name=name,
            amount=opp.amount,
            expected_close=opp.expected_close,
        )
        return opportunity_update(actor=actor, opportunity=opp.pk, data=data, expected_version=1)

    results = race([lambda: edit(company.rep_e1, "甲"), lambda: edit(company.mgr_east, "乙")])
    assert sum(isinstance(r, StaleEdit) for r in results) == 1, results
    assert Opportunity.objects.get(pk=opp.pk).version == 2
