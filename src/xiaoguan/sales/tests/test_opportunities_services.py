from datetime import date
from decimal import Decimal

import pytest

from xiaoguan.core.errors import NotFound, StaleEdit
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.sales.enums import Stage
from xiaoguan.sales.errors import OpportunityClosed, OpportunityInvalid, StageMoveInvalid
from xiaoguan.sales.models import Opportunity, StageChange
from xiaoguan.sales.services.opportunities import (
    OpportunityData,
    opportunity_move,
    opportunity_update,
)
from xiaoguan.sales.tests.factories import make_opportunity


def _data(opp, **changes):
    base = {
        "customer_id": opp.customer_id,
        "name": opp.name,
        "amount": opp.amount,
        "expected_close": opp.expected_close,
        "description": opp.description,
    }
    base.update(changes)
    return OpportunityData(**base)


def test_create_numbers_owns_and_records_first_stage(company):
    # given
    customer = make_customer(company.rep_e1, "上海安消消防设备有限公司")
    # when
    opp = make_opportunity(company.rep_e1, customer, amount="50000")
    # then
    opp.refresh_from_db()
    assert opp.number.startswith("OPP-")
    assert opp.owner == company.rep_e1
    assert opp.department == company.depts["T-E1"]
    assert opp.stage == Stage.NEEDS
    assert opp.probability == 20
    assert opp.amount == Decimal("50000.00")
    assert list(opp.stage_changes.values_list("from_stage", "to_stage")) == [("", "needs")]


def test_manager_creating_for_team_customer_gives_it_to_the_customer_owner(company):
    customer = make_customer(company.rep_e2, "杭州某大厦物业")
    opp = make_opportunity(company.mgr_east, customer)
    assert opp.owner == company.rep_e2
    assert opp.department == company.depts["T-E2"]


def test_numbers_are_unique(company):
    customer = make_customer(company.rep_e1, "苏州工业园区某厂")
    a = make_opportunity(company.rep_e1, customer)
    b = make_opportunity(company.rep_e1, customer)
    assert a.number != b.number


def test_negative_amount_refused(company):
    customer = make_customer(company.rep_e1, "南京某商场")
    with pytest.raises(OpportunityInvalid) as err:
        make_opportunity(company.rep_e1, customer, amount=Decimal("-1"))
    assert "amount" in err.value.fields
    assert not Opportunity.objects.exists()


def test_bad_probability_and_empty_name_refused(company):
    customer = make_customer(company.rep_e1, "南京某商场")
    with pytest.raises(OpportunityInvalid) as err:
        make_opportunity(company.rep_e1, customer, name=" ", probability=120)
    assert set(err.value.fields) >= {"name", "probability"}


def test_out_of_scope_customer_refused(company):
    west = make_customer(company.rep_w1, "成都某消防工程公司")
    with pytest.raises(NotFound):
        make_opportunity(company.rep_e1, west)
    assert not Opportunity.objects.exists()


def test_moves_record_history_and_probability_follows_default(company):
    customer = make_customer(company.rep_e1, "宁波港务集团")
    opp = make_opportunity(company.rep_e1, customer)
    opp = opportunity_move(actor=company.rep_e1, opportunity=opp, stage=Stage.QUOTE, note="报价")
    assert opp.probability == 60
    assert opp.version == 2
    # a probability the rep set is kept over a move
    opp = opportunity_update(
        actor=company.rep_e1, opportunity=opp, data=_data(opp, probability=70), expected_version=2
    )
    opp = opportunity_move(actor=company.rep_e1, opportunity=opp, stage=Stage.NEGOTIATION)
    assert opp.probability == 70
    changes = list(
        StageChange.objects.filter(opportunity=opp).values_list("from_stage", "to_stage")
    )
    assert changes == [("", "needs"), ("needs", "quote"), ("quote", "negotiation")]


def test_won_sets_closed_and_100(company):
    customer = make_customer(company.rep_e1, "宁波港务集团")
    opp = make_opportunity(company.rep_e1, customer)
    opp = opportunity_move(actor=company.rep_e1, opportunity=opp, stage=Stage.WON)
    opp.refresh_from_db()
    assert opp.stage == Stage.WON and opp.probability == 100 and opp.closed_at is not None


def test_lost_needs_reason(company):
    customer = make_customer(company.rep_e1, "宁波港务集团")
    opp = make_opportunity(company.rep_e1, customer)
    with pytest.raises(StageMoveInvalid) as err:
        opportunity_move(actor=company.rep_e1, opportunity=opp, stage=Stage.LOST)
    assert "lost_reason" in err.value.fields
    opp.refresh_from_db()
    assert opp.stage == Stage.NEEDS
    opp = opportunity_move(
        actor=company.rep_e1, opportunity=opp, stage=Stage.LOST, lost_reason="price"
    )
    assert opp.stage == Stage.LOST and opp.probability == 0 and opp.lost_reason == "price"


def test_closed_is_read_only_and_reopens_with_note(company):
    customer = make_customer(company.rep_e1, "宁波港务集团")
    opp = make_opportunity(company.rep_e1, customer)
    opp = opportunity_move(
        actor=company.rep_e1, opportunity=opp, stage=Stage.LOST, lost_reason="competitor"
    )
    with pytest.raises(OpportunityClosed):
        opportunity_update(
            actor=company.rep_e1,
            opportunity=opp,
            data=_data(opp, name="x"),
            expected_version=opp.version,
        )
    with pytest.raises(OpportunityClosed):
        opportunity_move(actor=company.rep_e1, opportunity=opp, stage=Stage.WON)
    with pytest.raises(StageMoveInvalid):
        opportunity_move(actor=company.rep_e1, opportunity=opp, stage=Stage.SOLUTION)
    opp = opportunity_move(
        actor=company.rep_e1, opportunity=opp, stage=Stage.SOLUTION, note="客户重新招标"
    )
    assert opp.stage == Stage.SOLUTION
    assert opp.closed_at is None and opp.lost_reason == "" and opp.probability == 40


def test_stale_edit_refused(company):
    customer = make_customer(company.rep_e1, "宁波港务集团")
    opp = make_opportunity(company.rep_e1, customer)
    opportunity_update(
        actor=company.rep_e1, opportunity=opp, data=_data(opp, name="新名称"), expected_version=1
    )
    with pytest.raises(StaleEdit):
        opportunity_update(
            actor=company.mgr_east, opportunity=opp, data=_data(opp, name="旧"), expected_version=1
        )
    opp.refresh_from_db()
    assert opp.name == "新名称" and opp.version == 2


def test_update_out_of_scope_is_not_found(company):
    customer = make_customer(company.rep_e1, "宁波港务集团")
    opp = make_opportunity(company.rep_e1, customer)
    with pytest.raises(NotFound):
        opportunity_move(actor=company.rep_w1, opportunity=opp, stage=Stage.QUOTE)
    with pytest.raises(NotFound):
        opportunity_update(
            actor=company.rep_e1b, opportunity=opp, data=_data(opp), expected_version=1
        )


def test_history_rows_written(company):
    customer = make_customer(company.rep_e1, "宁波港务集团")
    opp = make_opportunity(company.rep_e1, customer, expected_close=date(2027, 1, 31))
    opportunity_move(actor=company.rep_e1, opportunity=opp, stage=Stage.QUOTE)
    assert opp.history.count() == 2
    assert opp.history.first().history_user == company.rep_e1
