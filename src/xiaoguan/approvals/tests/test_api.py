"""The approvals API: same rules as the pages, errors as JSON."""

from __future__ import annotations

import json

import pytest

from xiaoguan.org.tests.factories import UserFactory

MANAGER = {"name": "Manager", "rule": "owner_manager"}


def _post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_waiting_and_submitted_lists(
    company, expense_of, make_chain, submit, login, django_assert_max_num_queries
):
    make_chain(MANAGER)
    for i in range(3):
        submit(expense_of(company.rep_e1, title=f"Trip {i}"))
    client = login(company.mgr_east)
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/approvals/waiting")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3
    assert [item["request"]["title"] for item in data["items"]] == ["Trip 0", "Trip 1", "Trip 2"]
    submitted = login(company.rep_e1).get("/api/v1/approvals/submitted").json()
    assert submitted["count"] == 3


def test_decide_and_double_decision(company, expense_of, make_chain, submit, login):
    # given
    make_chain(MANAGER)
    request = submit(expense_of(company.rep_e1))
    task = request.tasks.get()
    client = login(company.mgr_east)
    url = f"/api/v1/approvals/tasks/{task.pk}/decide"
    # when
    response = _post(client, url, {"decision": "approve"})
    # then
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["tasks"][0]["decided_by_id"] == company.mgr_east.pk
    # when decided again
    again = _post(client, url, {"decision": "approve"})
    assert again.status_code == 409
    assert again.json()["code"] == "approval_already_decided"


def test_decide_honours_the_idempotency_key(company, expense_of, make_chain, submit, login):
    make_chain(MANAGER)
    task = submit(expense_of(company.rep_e1)).tasks.get()
    client = login(company.mgr_east)
    url = f"/api/v1/approvals/tasks/{task.pk}/decide"
    first = _post(client, url, {"decision": "approve"}, HTTP_IDEMPOTENCY_KEY="k-1")
    second = _post(client, url, {"decision": "approve"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"


def test_reject_without_comment_is_422(company, expense_of, make_chain, submit, login):
    make_chain(MANAGER)
    task = submit(expense_of(company.rep_e1)).tasks.get()
    response = _post(
        login(company.mgr_east), f"/api/v1/approvals/tasks/{task.pk}/decide", {"decision": "reject"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "approval_invalid"
    assert "comment" in response.json()["fields"]
    task.refresh_from_db()
    assert task.status == "pending"


def test_request_detail_scope_and_rights(company, expense_of, make_chain, submit, login):
    make_chain(MANAGER)
    request = submit(expense_of(company.rep_e1))
    url = f"/api/v1/approvals/requests/{request.pk}"
    assert login(company.mgr_east).get(url).json()["tasks"][0]["approver"] == "mgr_east"
    assert login(company.rep_w1).get(url).status_code == 404
    dealer = UserFactory(username="dealer1", department=company.depts["HQ"], roles=["dealer"])
    assert login(dealer).get(url).status_code == 403


@pytest.mark.parametrize("decision", ["maybe", ""])
def test_unknown_decision_is_a_validation_error(
    company, expense_of, make_chain, submit, login, decision
):
    make_chain(MANAGER)
    task = submit(expense_of(company.rep_e1)).tasks.get()
    response = _post(
        login(company.mgr_east), f"/api/v1/approvals/tasks/{task.pk}/decide", {"decision": decision}
    )
    assert response.status_code == 422
