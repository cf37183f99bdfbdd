"""Chain configuration services: consistency and resolvability checked on save."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xiaoguan.approvals.errors import ChainInvalid
from xiaoguan.approvals.models import ApprovalChain, ApprovalStep
from xiaoguan.approvals.services import chain_create, chain_update, step_add, step_move, step_remove


def _steps(chain):
    return list(chain.steps.order_by("position").values_list("position", "name"))


def test_a_chain_starts_inactive_and_activates_once_it_has_a_step(company):
    # given
    chain = chain_create(actor=company.gm, doc_type="expense", name="Expenses")
    assert chain.is_active is False
    # when activated without steps / then refused
    with pytest.raises(ChainInvalid) as exc:
        chain_update(actor=company.gm, chain_id=chain.pk, name="Expenses", is_active=True)
    assert "is_active" in exc.value.fields
    chain.refresh_from_db()
    assert chain.is_active is False
    # when a step is added and it is activated
    step_add(actor=company.gm, chain_id=chain.pk, name="Manager", rule="owner_manager")
    chain = chain_update(actor=company.gm, chain_id=chain.pk, name="Expenses 2026", is_active=True)
    # then
    chain.refresh_from_db()
    assert (chain.name, chain.is_active) == ("Expenses 2026", True)
    assert chain.history.count() == 2


def test_unknown_document_type_is_refused(company):
    with pytest.raises(ChainInvalid) as exc:
        chain_create(actor=company.gm, doc_type="nothing", name="X")
    assert "doc_type" in exc.value.fields
    assert ApprovalChain.objects.count() == 0


def test_only_one_active_chain_per_type(company, make_chain):
    # given an active chain
    make_chain({"name": "Manager", "rule": "owner_manager"})
    other = chain_create(actor=company.gm, doc_type="expense", name="Other")
    step_add(actor=company.gm, chain_id=other.pk, name="Manager", rule="owner_manager")
    # when / then
    with pytest.raises(ChainInvalid) as exc:
        chain_update(actor=company.gm, chain_id=other.pk, name="Other", is_active=True)
    assert "Expense approval" in str(exc.value.message)


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"rule": "department_head"}, "department"),
        ({"rule": "role"}, "role"),
        ({"rule": "employee"}, "employee"),
        ({"rule": "owner_manager", "role_key": True}, "role"),
        ({"rule": "manager_levels", "levels": 11}, "levels"),
        ({"rule": "owner_manager", "min_discount": Decimal("101")}, "min_discount"),
        ({"rule": "owner_manager", "mode": "some"}, "mode"),
    ],
)
def test_inconsistent_rule_fields_are_refused(company, fields, error_field):
    # given
    chain = chain_create(actor=company.gm, doc_type="expense", name="Expenses")
    fields = dict(fields)
    if fields.pop("role_key", False):
        fields["role"] = company.gm.roles.get()
    # when / then
    with pytest.raises(ChainInvalid) as exc:
        step_add(actor=company.gm, chain_id=chain.pk, name="Step", **fields)
    assert error_field in exc.value.fields
    assert ApprovalStep.objects.count() == 0


def test_a_step_that_finds_nobody_today_is_refused_with_the_reason(company):
    # given a team without head, and an employee who left
    chain = chain_create(actor=company.gm, doc_type="expense", name="Expenses")
    company.rep_e2.is_active = False
    company.rep_e2.save()
    # when / then
    with pytest.raises(ChainInvalid) as exc:
        step_add(
            actor=company.gm,
            chain_id=chain.pk,
            name="Team head",
            rule="department_head",
            department=company.depts["T-E1"],
        )
    assert exc.value.fields == {"department": "步骤“Team head”目前找不到任何审批人。"}
    with pytest.raises(ChainInvalid) as exc:
        step_add(
            actor=company.gm,
            chain_id=chain.pk,
            name="Gone",
            rule="employee",
            employee=company.rep_e2,
        )
    assert "employee" in exc.value.fields
    assert ApprovalStep.objects.count() == 0


def test_activation_rechecks_every_step(company, make_chain):
    # given an inactive chain whose named approver has left since
    chain = make_chain(
        {"name": "Legal", "rule": "employee", "employee": company.legal1}, active=False
    )
    company.legal1.is_active = False
    company.legal1.save()
    # when / then
    with pytest.raises(ChainInvalid) as exc:
        chain_update(actor=company.gm, chain_id=chain.pk, name=chain.name, is_active=True)
    assert "Legal" in str(exc.value.message)


def test_steps_move_and_are_removed_with_positions_kept_dense(company, make_chain):
    # given
    chain = make_chain(
        {"name": "A", "rule": "owner_manager"},
        {"name": "B", "rule": "employee", "employee": company.gm},
        {"name": "C", "rule": "employee", "employee": company.finance1},
    )
    c_step = chain.steps.get(name="C")
    # when C moves up, then A is removed
    step_move(actor=company.gm, step_id=c_step.pk, direction="up")
    assert _steps(chain) == [(1, "A"), (2, "C"), (3, "B")]
    step_move(
        actor=company.gm, step_id=chain.steps.get(name="A").pk, direction="up"
    )  # already first
    step_remove(actor=company.gm, step_id=chain.steps.get(name="A").pk)
    # then
    assert _steps(chain) == [(1, "C"), (2, "B")]


def test_the_last_step_of_an_active_chain_stays(company, make_chain):
    chain = make_chain({"name": "A", "rule": "owner_manager"})
    with pytest.raises(ChainInvalid):
        step_remove(actor=company.gm, step_id=chain.steps.get().pk)
    assert _steps(chain) == [(1, "A")]
