"""Pages of amendments, the version diff, termination and problems: the happy path, the
refusals on the form, the right each page needs and the data scope (out of scope is 404)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from xiaoguan.contracts.enums import ContractStatus, ProblemStatus
from xiaoguan.contracts.models import Contract, ContractLine, ContractProblem
from xiaoguan.contracts.services.amendments import amendment_take_effect, contract_amend_start
from xiaoguan.contracts.services.problems import contract_problem_log
from xiaoguan.contracts.tests.test_amendments_support import (
    lines_of,
    product,
    signed_contract,
    snapshot,
)
from xiaoguan.org.enums import TaskStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(company):
    return signed_contract(
        company.rep_e1,
        lines_of(
            (product("MFZ-ABC4", "手提式干粉灭火器"), "100", "85.00"),
            (product("SN65", "室内消火栓", "套", "TAO"), "20", "460.00"),
        ),
    )


@pytest.fixture
def west(company):
    return signed_contract(
        company.rep_w1, lines_of((product("MFZ-ABC4", "手提式干粉灭火器"), "10", "85.00"))
    )


def _url(name, contract, **kw):
    return reverse(f"contracts:{name}", kwargs={"contract_id": contract.pk, **kw})


# --- amend -------------------------------------------------------------------------------


def test_amend_page_drafts_the_new_version_and_opens_its_editor(company, login, contract):
    c = login(company.rep_e1)
    assert c.get(_url("amend_start", contract)).status_code == 200
    response = c.post(_url("amend_start", contract), {"reason": "客户追加20具"})
    v2 = Contract.objects.get(root=contract)
    assert response.status_code == 302
    assert response["Location"] == reverse("contracts:contract_edit", args=[v2.pk])
    assert (v2.version_no, v2.amendment_reason) == (2, "客户追加20具")


def test_amend_page_shows_the_refusal_on_the_form(company, login, contract):
    contract_amend_start(actor=company.rep_e1, contract=contract, reason="第一次")
    before = snapshot(contract)
    response = login(company.rep_e1).post(_url("amend_start", contract), {"reason": "第二次"})
    assert response.status_code == 200
    assert "already has an amendment on the way" in response.content.decode()
    assert snapshot(contract) == before


def test_amend_page_needs_the_edit_right_and_the_scope(company, login, contract, west):
    assert login(company.legal1).get(_url("amend_start", contract)).status_code == 403
    response = login(company.rep_e1).post(_url("amend_start", west), {"reason": "越权"})
    assert response.status_code == 404
    assert not Contract.objects.filter(root=west).exists()


def test_discard_returns_to_the_version_in_force(company, login, contract):
    v2 = contract_amend_start(actor=company.rep_e1, contract=contract, reason="变更")
    response = login(company.rep_e1).post(_url("amend_discard", v2), {"reason": "不需要了"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("contracts:contract_detail", args=[contract.pk]))
    v2.refresh_from_db()
    assert v2.status == ContractStatus.CANCELLED


def test_discard_is_post_only(company, login, contract):
    v2 = contract_amend_start(actor=company.rep_e1, contract=contract, reason="变更")
    assert login(company.rep_e1).get(_url("amend_discard", v2)).status_code == 405


# --- diff --------------------------------------------------------------------------------


def _amended(company, contract):
    v2 = contract_amend_start(actor=company.rep_e1, contract=contract, reason="追加数量")
    line = ContractLine.objects.get(contract=v2, position=1)
    line.quantity, line.amount = Decimal("120"), Decimal("10200.00")
    line.save()
    ContractLine.objects.filter(contract=v2, position=2).delete()
    Contract.objects.filter(pk=v2.pk).update(
        total=Decimal("10200.00"), delivery_place="成都市武侯区人民南路1号"
    )
    v2.refresh_from_db()
    return v2


def test_diff_page_shows_the_changes_line_by_line(company, login, contract):
    v2 = _amended(company, contract)
    response = login(company.rep_e1).get(_url("contract_diff", v2))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-kind="changed"' in html and 'data-kind="removed"' in html
    assert "text-decoration-line-through" in html
    assert "¥17,700.00" in html and "¥10,200.00" in html
    assert "成都市武侯区人民南路1号" in html
    assert 'data-field="delivery_place"' in html
    assert response.context["diff"].total_delta == Decimal("-7500.00")


def test_diff_page_takes_two_versions_of_the_same_contract_only(company, login, contract, west):
    v2 = _amended(company, contract)
    c = login(company.rep_e1)
    ok = c.get(_url("contract_diff", contract), {"old": contract.pk, "new": v2.pk})
    assert ok.status_code == 200
    assert c.get(_url("contract_diff", v2), {"old": west.pk}).status_code == 404
    assert c.get(_url("contract_diff", v2), {"old": "x"}).status_code == 404
    assert c.get(_url("contract_diff", contract)).status_code == 404  # v1 amends nothing
    assert c.get(_url("contract_diff", west)).status_code == 404


def test_diff_page_denied_without_the_view_right(company, login, contract):
    v2 = _amended(company, contract)
    assert login(company.marketing1).get(_url("contract_diff", v2)).status_code == 403


def test_diff_page_query_count_does_not_grow_with_lines(
    company, login, contract, django_assert_max_num_queries
):
    v2 = _amended(company, contract)
    extra = product("JTY-GD", "点型光电感烟火灾探测器")
    for position in range(3, 23):
        ContractLine.objects.create(
            contract=v2,
            position=position,
            product=extra,
            unit=extra.unit,
            spec=f"区域{position}",
            quantity=Decimal(1),
            list_price=Decimal("260.00"),
            unit_price=Decimal("260.00"),
            discount=Decimal(0),
            amount=Decimal("260.00"),
        )
    c = login(company.rep_e1)
    with django_assert_max_num_queries(20):
        assert c.get(_url("contract_diff", v2)).status_code == 200


# --- terminate ---------------------------------------------------------------------------


def _termination(**overrides):
    data = {
        "kind": "customer_breach",
        "reason": "客户逾期未付预付款",
        "terminated_on": timezone.localdate().isoformat(),
        "settlement_amount": "0",
        "settlement_note": "",
    }
    data.update(overrides)
    return data


def test_terminate_page_terminates(company, login, contract):
    c = login(company.legal1)
    assert c.get(_url("contract_terminate", contract)).status_code == 200
    response = c.post(_url("contract_terminate", contract), _termination())
    assert response.status_code == 302
    contract.refresh_from_db()
    assert (contract.status, contract.termination_kind) == (
        ContractStatus.TERMINATED,
        "customer_breach",
    )


def test_terminate_page_shows_refusals_on_the_form(company, login, contract):
    before = snapshot(contract)
    c = login(company.gm)
    response = c.post(
        _url("contract_terminate", contract),
        _termination(terminated_on=(contract.signed_on.replace(year=2000)).isoformat()),
    )
    assert response.status_code == 200
    assert "before the signing date" in response.content.decode()
    response = c.post(_url("contract_terminate", contract), _termination(settlement_amount="-5"))
    assert response.status_code == 200
    assert "cannot be negative" in response.content.decode()
    response = c.post(_url("contract_terminate", contract), _termination(reason=""))
    assert response.status_code == 200
    assert snapshot(contract) == before


def test_terminate_page_needs_the_right_and_the_scope(company, login, contract, west):
    before = snapshot(contract)
    response = login(company.rep_e1).post(_url("contract_terminate", contract), _termination())
    assert response.status_code == 403
    assert snapshot(contract) == before
    # the East manager's sales head may not see the West contract; the director may
    director = company.director
    assert login(director).get(_url("contract_terminate", west)).status_code == 200


# --- problems ----------------------------------------------------------------------------


def test_problem_is_logged_from_the_contract_and_solved_by_whoever_logged_it(
    company, login, contract
):
    c = login(company.rep_e1)
    response = c.post(
        _url("problem_log", contract),
        {
            "title": "到货破损",
            "description": "3具外壳破损",
            "department_id": company.depts["LOG"].pk,
        },
    )
    assert response.status_code == 302
    problem = ContractProblem.objects.get()
    assert problem.task.status == TaskStatus.OPEN
    response = c.post(
        _url("problem_solve", contract, problem_id=problem.pk), {"resolution": "已补发"}
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SOLVED


def test_problem_form_errors(company, login, contract):
    response = login(company.rep_e1).post(
        _url("problem_log", contract), {"title": "", "department_id": ""}
    )
    assert response.status_code == 200
    assert not ContractProblem.objects.exists()


def test_problem_solve_refused_for_someone_else_shows_the_message(company, login, contract):
    problem = contract_problem_log(
        actor=company.rep_e1,
        contract=contract,
        title="到货破损",
        department_id=company.depts["LOG"].pk,
    )
    response = login(company.finance1).post(
        _url("problem_solve", contract, problem_id=problem.pk), {"resolution": "无"}
    )
    assert response.status_code == 200
    assert "Only the department the problem was routed to" in response.content.decode()
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN


def test_problem_pages_scope_and_rights(company, login, contract, west):
    problem = contract_problem_log(
        actor=company.rep_w1, contract=west, title="CANARY-P", department_id=company.depts["LOG"].pk
    )
    c = login(company.rep_e1)
    assert c.get(_url("problem_solve", west, problem_id=problem.pk)).status_code == 404
    # a problem of another contract through this contract's URL: not found either
    assert c.get(_url("problem_solve", contract, problem_id=problem.pk)).status_code == 404
    assert c.post(_url("problem_log", west), {"title": "x"}).status_code == 404
    assert login(company.marketing1).get(_url("problem_log", contract)).status_code == 403


# --- the detail page's partials ----------------------------------------------------------


def test_detail_page_shows_versions_timeline_problems_and_buttons(company, login, contract):
    v2 = contract_amend_start(actor=company.rep_e1, contract=contract, reason="追加数量")
    contract_problem_log(
        actor=company.rep_e1,
        contract=contract,
        title="到货破损",
        department_id=company.depts["LOG"].pk,
    )
    html = login(company.rep_e1).get(_url("contract_detail", contract)).content.decode()
    assert 'data-testid="contract-version"' in html
    assert 'data-testid="contract-open-amendment"' in html
    assert 'data-testid="contract-amend"' not in html  # one amendment at a time
    assert 'data-testid="contract-terminate"' not in html  # the rep has no right
    assert 'data-testid="timeline-event" data-kind="problem"' in html
    assert 'data-testid="contract-problem"' in html
    assert 'data-testid="problem-log-form"' in html
    html = login(company.rep_e1).get(_url("contract_detail", v2)).content.decode()
    assert 'data-testid="amend-discard"' in html
    assert 'data-testid="contract-diff-link"' in html
    html = login(company.legal1).get(_url("contract_detail", contract)).content.decode()
    assert 'data-testid="contract-terminate"' in html


def test_detail_page_query_count_does_not_grow_with_the_timeline(company, login, contract):
    """The timeline, versions and problems cost a fixed number of queries (pinned)."""
    c = login(company.rep_e1)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert c.get(_url("contract_detail", current())).status_code == 200
        return len(ctx.captured_queries)

    def current():
        return Contract.objects.get(number=contract.number, is_current=True)

    # given one of each
    contract_problem_log(
        actor=company.rep_e1,
        contract=contract,
        title="问题0",
        department_id=company.depts["LOG"].pk,
    )
    v2 = contract_amend_start(actor=company.rep_e1, contract=contract, reason="第一次")
    Contract.objects.filter(pk=v2.pk).update(status=ContractStatus.SIGNED)
    from django.db import transaction

    with transaction.atomic():
        amendment_take_effect(old=contract, new=Contract.objects.get(pk=v2.pk), actor=company.gm)
    count()  # the first request of a session warms its caches
    small = count()
    # when the contract gathers more versions, problems and timeline entries
    for i in range(1, 6):
        contract_problem_log(
            actor=company.rep_e1,
            contract=current(),
            title=f"问题{i}",
            department_id=company.depts["FIN"].pk,
        )
    v3 = contract_amend_start(actor=company.rep_e1, contract=current(), reason="第二次")
    Contract.objects.filter(pk=v3.pk).update(status=ContractStatus.SIGNED)
    with transaction.atomic():
        amendment_take_effect(old=v2, new=Contract.objects.get(pk=v3.pk), actor=company.gm)
    # then
    assert count() == small
