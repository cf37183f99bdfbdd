"""Problems of a contract (R-CON-4): routed to a department as a task in its inbox; the
department's answer solves the problem; it can also be marked solved from the contract."""

from __future__ import annotations

import pytest

from xiaoguan.contracts.enums import ContractStatus, EventKind, ProblemStatus
from xiaoguan.contracts.errors import ProblemAlreadySolved, ProblemInvalid, ProblemNotAllowed
from xiaoguan.contracts.models import Contract, ContractEvent, ContractProblem
from xiaoguan.contracts.services.problems import (
    PROBLEM_TASK_KIND,
    contract_problem_log,
    contract_problem_solve,
)
from xiaoguan.contracts.tests.test_amendments_support import lines_of, product, signed_contract
from xiaoguan.core.errors import PermissionDenied
from xiaoguan.org.department_tasks import department_task_complete, department_task_inbox
from xiaoguan.org.enums import TaskStatus
from xiaoguan.org.models import Department, DepartmentTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(company):
    return signed_contract(
        company.rep_e1, lines_of((product("MFZ-ABC4", "手提式干粉灭火器"), "100", "85.00"))
    )


def _log(company, contract, **overrides):
    values = {
        "title": "到货破损",
        "description": "3具外壳破损，需补发",
        "department_id": company.depts["LOG"].pk,
    }
    values.update(overrides)
    return contract_problem_log(actor=company.rep_e1, contract=contract, **values)


def test_a_problem_goes_to_the_inbox_of_the_department_it_is_routed_to(company, contract):
    # when
    problem = _log(company, contract)
    # then
    problem.refresh_from_db()
    assert (problem.status, problem.department, problem.raised_by) == (
        ProblemStatus.OPEN,
        company.depts["LOG"],
        company.rep_e1,
    )
    task = problem.task
    assert (task.kind, task.department, task.status) == (
        PROBLEM_TASK_KIND,
        company.depts["LOG"],
        TaskStatus.OPEN,
    )
    assert (task.subject_type, task.subject_id) == ("contracts.contract", contract.pk)
    assert task.title == f"Contract {contract.number}: 到货破损"
    assert list(department_task_inbox(user=company.logistics1, status=TaskStatus.OPEN)) == [task]
    assert not department_task_inbox(user=company.marketing1).filter(pk=task.pk).exists()
    event = ContractEvent.objects.get(root=contract, kind=EventKind.PROBLEM)
    assert (event.department, event.actor, event.detail["problem"]) == (
        company.depts["LOG"],
        company.rep_e1,
        problem.pk,
    )


def test_completing_the_task_solves_the_problem(company, contract):
    problem = _log(company, contract)
    # when
    department_task_complete(
        actor=company.logistics1,
        task_id=problem.task_id,
        response="",
        data={"resolution": "已补发3具，客户签收"},
    )
    # then
    problem.refresh_from_db()
    assert (problem.status, problem.resolution, problem.resolved_by) == (
        ProblemStatus.SOLVED,
        "已补发3具，客户签收",
        company.logistics1,
    )
    assert problem.resolved_at is not None
    event = ContractEvent.objects.get(root=contract, kind=EventKind.PROBLEM_SOLVED)
    assert event.department == company.depts["LOG"]
    assert "已补发3具" in event.summary


def test_the_task_needs_the_resolution(company, contract):
    from xiaoguan.org.department_tasks import TaskInvalid

    problem = _log(company, contract)
    with pytest.raises(TaskInvalid) as exc:
        department_task_complete(
            actor=company.logistics1, task_id=problem.task_id, response="好了", data={}
        )
    assert "resolution" in exc.value.fields
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN


def test_the_department_marks_it_solved_from_the_contract_page(company, contract):
    problem = _log(company, contract)
    contract_problem_solve(actor=company.logistics1, problem=problem, resolution="已补发")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SOLVED
    task = DepartmentTask.objects.get(pk=problem.task_id)
    assert (task.status, task.response_data) == (TaskStatus.DONE, {"resolution": "已补发"})
    assert ContractEvent.objects.filter(root=contract, kind=EventKind.PROBLEM_SOLVED).count() == 1


def test_whoever_logged_it_marks_it_solved_and_the_task_is_withdrawn(company, contract):
    problem = _log(company, contract)
    contract_problem_solve(actor=company.rep_e1, problem=problem, resolution="客户自行解决")
    problem.refresh_from_db()
    assert (problem.status, problem.resolved_by) == (ProblemStatus.SOLVED, company.rep_e1)
    task = DepartmentTask.objects.get(pk=problem.task_id)
    assert task.status == TaskStatus.CANCELLED
    assert "客户自行解决" in task.response


def test_someone_else_cannot_mark_it_solved(company, contract):
    problem = _log(company, contract)
    with pytest.raises(PermissionDenied):
        contract_problem_solve(actor=company.finance1, problem=problem, resolution="无")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN
    assert DepartmentTask.objects.get(pk=problem.task_id).status == TaskStatus.OPEN
    assert not ContractEvent.objects.filter(root=contract, kind=EventKind.PROBLEM_SOLVED).exists()


def test_refuses_to_solve_twice(company, contract):
    problem = _log(company, contract)
    contract_problem_solve(actor=company.rep_e1, problem=problem, resolution="已解决")
    with pytest.raises(ProblemAlreadySolved):
        contract_problem_solve(actor=company.rep_e1, problem=problem, resolution="再次")


def test_a_solution_needs_words(company, contract):
    problem = _log(company, contract)
    with pytest.raises(ProblemInvalid) as exc:
        contract_problem_solve(actor=company.rep_e1, problem=problem, resolution="  ")
    assert "resolution" in exc.value.fields


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"department_id": None}, "department_id"),
        ({"department_id": "abc"}, "department_id"),
        ({"department_id": 999999}, "department_id"),
    ],
)
def test_refuses_bad_input_and_logs_nothing(company, contract, overrides, field):
    with pytest.raises(ProblemInvalid) as exc:
        _log(company, contract, **overrides)
    assert field in exc.value.fields
    assert not ContractProblem.objects.exists()
    assert not DepartmentTask.objects.exists()


def test_refuses_an_inactive_department(company, contract):
    Department.objects.filter(pk=company.depts["MKT"].pk).update(is_active=False)
    with pytest.raises(ProblemInvalid):
        _log(company, contract, department_id=company.depts["MKT"].pk)
    assert not ContractProblem.objects.exists()


@pytest.mark.parametrize(
    "status", [ContractStatus.DRAFT, ContractStatus.TERMINATED, ContractStatus.SUPERSEDED]
)
def test_refuses_a_contract_not_in_force(company, contract, status):
    Contract.objects.filter(pk=contract.pk).update(status=status)
    contract.refresh_from_db()
    with pytest.raises(ProblemNotAllowed):
        _log(company, contract)
    assert not ContractProblem.objects.exists()
    assert not DepartmentTask.objects.exists()


def test_a_problem_whose_task_was_cancelled_can_still_be_solved(company, contract):
    from xiaoguan.contracts.services.termination import contract_terminate

    problem = _log(company, contract)
    from django.utils import timezone

    contract_terminate(
        actor=company.gm,
        contract=contract,
        kind="mutual",
        reason="协商解除",
        settlement_amount=0,
        terminated_on=timezone.localdate(),
    )
    contract_problem_solve(actor=company.logistics1, problem=problem, resolution="随合同终止")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SOLVED
