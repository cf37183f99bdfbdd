"""API of amendments, versions, the diff, termination, the timeline and problems: the same
rules as the pages, scoped (404), rights (403) and refusals with stable codes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from xiaoguan.contracts.enums import ContractStatus, ProblemStatus
from xiaoguan.contracts.models import Contract, ContractLine, ContractProblem
from xiaoguan.contracts.services.amendments import contract_amend_start
from xiaoguan.contracts.services.problems import contract_problem_log
from xiaoguan.contracts.tests.test_amendments_support import (
    lines_of,
    product,
    signed_contract,
    snapshot,
)
from xiaoguan.org import services as org_services

BASE = "/api/v1/contracts/amendments"
pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def make(user):
        _token, raw = org_services.api_token_create(user=user, name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        class Api:
            def get(self, url, **params):
                return client.get(url, params, **headers)

            def post(self, url, body):
                return client.post(
                    url, json.dumps(body), content_type="application/json", **headers
                )

        return Api()

    return make


@pytest.fixture
def contract(company):
    return signed_contract(
        company.rep_e1, lines_of((product("MFZ-ABC4", "手提式干粉灭火器"), "100", "85.00"))
    )


@pytest.fixture
def west(company):
    return signed_contract(
        company.rep_w1, lines_of((product("MFZ-ABC4", "手提式干粉灭火器"), "10", "85.00"))
    )


def test_amend_versions_and_diff(company, api, contract):
    client = api(company.rep_e1)
    response = client.post(f"{BASE}/{contract.pk}/amend", {"reason": "追加数量"})
    assert response.status_code == 201
    body = response.json()
    assert (body["version_no"], body["status"], body["is_current"], body["amends_id"]) == (
        2,
        "draft",
        False,
        contract.pk,
    )
    v2 = Contract.objects.get(pk=body["id"])
    ContractLine.objects.filter(contract=v2).update(quantity=Decimal(120), amount=Decimal("10200"))
    Contract.objects.filter(pk=v2.pk).update(total=Decimal("10200"))
    versions = client.get(f"{BASE}/{contract.pk}/versions").json()
    assert [(v["version_no"], v["status"]) for v in versions] == [(1, "signed"), (2, "draft")]
    diff = client.get(f"{BASE}/{v2.pk}/diff").json()
    assert diff["total_delta"] == "1700.00"
    assert diff["lines"][0]["kind"] == "changed"
    assert diff["lines"][0]["changed"] == ["amount", "quantity"]
    assert (diff["lines"][0]["old"]["quantity"], diff["lines"][0]["new"]["quantity"]) == (
        "100.000",
        "120.000",
    )
    assert [h["field"] for h in diff["header"]] == ["total"]


def test_amend_refusals_have_codes(company, api, contract):
    client = api(company.rep_e1)
    assert client.post(f"{BASE}/{contract.pk}/amend", {"reason": " "}).json()["code"] == (
        "amendment_invalid"
    )
    assert client.post(f"{BASE}/{contract.pk}/amend", {"reason": "一"}).status_code == 201
    second = client.post(f"{BASE}/{contract.pk}/amend", {"reason": "二"})
    assert (second.status_code, second.json()["code"]) == (409, "amendment_open")


def test_scope_and_rights(company, api, contract, west):
    before = snapshot(west)
    assert api(company.rep_e1).post(f"{BASE}/{west.pk}/amend", {"reason": "x"}).status_code == 404
    assert api(company.rep_e1).get(f"{BASE}/{west.pk}/versions").status_code == 404
    assert api(company.rep_e1).get(f"{BASE}/{west.pk}/timeline").status_code == 404
    assert api(company.rep_e1).get(f"{BASE}/{west.pk}/problems").status_code == 404
    assert (
        api(company.legal1).post(f"{BASE}/{contract.pk}/amend", {"reason": "x"}).status_code == 403
    )
    assert api(company.marketing1).get(f"{BASE}/{contract.pk}/timeline").status_code == 403
    assert snapshot(west) == before


def _termination(**overrides):
    body = {
        "kind": "force_majeure",
        "reason": "台风导致项目停工",
        "settlement_amount": "0.00",
        "settlement_note": "",
        "terminated_on": timezone.localdate().isoformat(),
    }
    body.update(overrides)
    return body


def test_terminate(company, api, contract):
    response = api(company.legal1).post(f"{BASE}/{contract.pk}/terminate", _termination())
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["termination_kind"]) == (
        "terminated",
        "force_majeure",
    )
    again = api(company.legal1).post(f"{BASE}/{contract.pk}/terminate", _termination())
    assert (again.status_code, again.json()["code"]) == (409, "termination_not_allowed")


def test_terminate_refusals(company, api, contract):
    before = snapshot(contract)
    client = api(company.gm)
    bad = client.post(f"{BASE}/{contract.pk}/terminate", _termination(settlement_amount="-1"))
    assert (bad.status_code, bad.json()["code"]) == (422, "termination_invalid")
    assert "settlement_amount" in bad.json()["fields"]
    bad = client.post(f"{BASE}/{contract.pk}/terminate", _termination(reason=""))
    assert bad.status_code == 422
    bad = client.post(f"{BASE}/{contract.pk}/terminate", _termination(terminated_on="2030-01-01"))
    assert "terminated_on" in bad.json()["fields"]
    denied = api(company.rep_e1).post(f"{BASE}/{contract.pk}/terminate", _termination())
    assert denied.status_code == 403
    assert snapshot(contract) == before
    assert contract.status == ContractStatus.SIGNED


def test_problems_log_list_solve_and_timeline(company, api, contract):
    client = api(company.rep_e1)
    logged = client.post(
        f"{BASE}/{contract.pk}/problems",
        {"title": "到货破损", "description": "3具", "department_id": company.depts["LOG"].pk},
    )
    assert logged.status_code == 201
    problem_id = logged.json()["id"]
    assert logged.json()["department"]["id"] == company.depts["LOG"].pk
    assert logged.json()["task_id"] is not None
    listed = client.get(f"{BASE}/{contract.pk}/problems").json()
    assert [p["id"] for p in listed] == [problem_id]
    solved = client.post(
        f"{BASE}/{contract.pk}/problems/{problem_id}/solve", {"resolution": "已补发"}
    )
    assert (solved.status_code, solved.json()["status"]) == (200, ProblemStatus.SOLVED)
    again = client.post(f"{BASE}/{contract.pk}/problems/{problem_id}/solve", {"resolution": "再"})
    assert (again.status_code, again.json()["code"]) == (409, "contract_problem_solved")
    timeline = client.get(f"{BASE}/{contract.pk}/timeline").json()
    assert [e["kind"] for e in timeline][:2] == ["problem_solved", "problem"]


def test_problem_refusals(company, api, contract, west):
    client = api(company.rep_e1)
    bad = client.post(f"{BASE}/{contract.pk}/problems", {"title": "x", "department_id": 999999})
    assert (bad.status_code, bad.json()["code"]) == (422, "contract_problem_invalid")
    west_problem = contract_problem_log(
        actor=company.rep_w1, contract=west, title="西区问题", department_id=company.depts["LOG"].pk
    )
    missing = client.post(
        f"{BASE}/{contract.pk}/problems/{west_problem.pk}/solve", {"resolution": "x"}
    )
    assert missing.status_code == 404
    other = contract_problem_log(
        actor=company.rep_e1, contract=contract, title="缺件", department_id=company.depts["LOG"].pk
    )
    denied = api(company.finance1).post(
        f"{BASE}/{contract.pk}/problems/{other.pk}/solve", {"resolution": "x"}
    )
    assert (denied.status_code, denied.json().get("code")) == (403, "permission_denied"), (
        denied.json()
    )
    assert ContractProblem.objects.get(pk=other.pk).status == ProblemStatus.OPEN


def test_a_draft_amendment_cannot_be_terminated(company, api, contract):
    v2 = contract_amend_start(actor=company.rep_e1, contract=contract, reason="变更")
    response = api(company.gm).post(f"{BASE}/{v2.pk}/terminate", _termination())
    assert response.status_code == 409
