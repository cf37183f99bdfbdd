"""The execution context of the contract page (R-CON-4): one timeline over all versions,
newest first; versions; the amendment on the way; problems; the buttons by right."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from xiaoguan.contracts.enums import ContractStatus, EventKind
from xiaoguan.contracts.models import Contract, ContractEvent
from xiaoguan.contracts.selectors.execution import contract_execution_context
from xiaoguan.contracts.services.amendments import amendment_take_effect, contract_amend_start
from xiaoguan.contracts.services.problems import contract_problem_log
from xiaoguan.contracts.services.timeline import contract_event_add
from xiaoguan.contracts.tests.test_amendments_support import lines_of, product, signed_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(company):
    return signed_contract(
        company.rep_e1, lines_of((product("MFZ-ABC4", "手提式干粉灭火器"), "100", "85.00"))
    )


def test_the_timeline_covers_every_version_newest_first(company, contract):
    v2 = contract_amend_start(actor=company.rep_e1, contract=contract, reason="追加")
    later = timezone.now() + timedelta(minutes=5)
    contract_event_add(contract=v2, kind=EventKind.NOTE, summary="客户来电确认", at=later)
    # when
    context = contract_execution_context(contract=contract, user=company.rep_e1)
    # then
    events = context["timeline"]
    assert [e.kind for e in events] == [
        EventKind.NOTE,
        EventKind.AMENDMENT,
        EventKind.SIGNED,
        EventKind.CREATED,
    ]
    assert {e.contract_id for e in events} == {contract.pk, v2.pk}
    assert events[0].icon == "chat-left-text"
    assert events[1].icon == "file-earmark-diff"
    assert [v.version_no for v in context["versions"]] == [1, 2]
    assert context["open_amendment"].pk == v2.pk
    # the same timeline from the amendment's page
    from_v2 = contract_execution_context(contract=v2, user=company.rep_e1)
    assert [e.pk for e in from_v2["timeline"]] == [e.pk for e in events]


def test_buttons_follow_rights_and_state(company, contract):
    rep = contract_execution_context(contract=contract, user=company.rep_e1)
    assert (rep["can_amend"], rep["can_terminate"], rep["can_log_problem"]) == (True, False, True)
    legal = contract_execution_context(contract=contract, user=company.legal1)
    assert (legal["can_amend"], legal["can_terminate"], legal["can_log_problem"]) == (
        False,
        True,
        True,
    )
    assert [d.pk for d in legal["problem_departments"]][:1] == [company.depts["HQ"].pk]
    # with an amendment on the way: no second amendment; terminating still possible
    v2 = contract_amend_start(actor=company.rep_e1, contract=contract, reason="追加")
    rep = contract_execution_context(contract=contract, user=company.rep_e1)
    assert rep["can_amend"] is False
    assert contract_execution_context(contract=v2, user=company.rep_e1)["can_discard_amendment"]
    # in approval: terminating waits
    Contract.objects.filter(pk=v2.pk).update(status=ContractStatus.IN_APPROVAL)
    assert contract_execution_context(contract=contract, user=company.gm)["can_terminate"] is False
    # a superseded version offers nothing
    Contract.objects.filter(pk=v2.pk).update(status=ContractStatus.SIGNED)
    with transaction.atomic():
        amendment_take_effect(old=contract, new=Contract.objects.get(pk=v2.pk), actor=company.gm)
    contract.refresh_from_db()
    old = contract_execution_context(contract=contract, user=company.gm)
    assert (old["can_amend"], old["can_terminate"], old["can_log_problem"]) == (
        False,
        False,
        False,
    )


def test_problems_and_who_may_solve_them(company, contract):
    problem = contract_problem_log(
        actor=company.rep_e1,
        contract=contract,
        title="到货破损",
        department_id=company.depts["LOG"].pk,
    )
    rep = contract_execution_context(contract=contract, user=company.rep_e1)
    assert [p.pk for p in rep["problems"]] == [problem.pk]
    assert rep["open_problem_count"] == 1
    assert rep["problems"][0].can_solve is True
    logistics = contract_execution_context(contract=contract, user=company.logistics1)
    assert logistics["problems"][0].can_solve is True
    finance = contract_execution_context(contract=contract, user=company.finance1)
    assert finance["problems"][0].can_solve is False
    event = ContractEvent.objects.get(root=contract, kind=EventKind.PROBLEM)
    assert event.department == company.depts["LOG"]
