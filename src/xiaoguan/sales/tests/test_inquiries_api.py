"""The inquiries API: list / detail scoped, create, decide, request figures; the cost only
for holders of pricing.confidential; refusals with stable codes and nothing changed."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org import department_tasks
from xiaoguan.org import services as org_services
from xiaoguan.org.models import DepartmentTask
from xiaoguan.sales.enums import InquiryStatus
from xiaoguan.sales.models import Inquiry
from xiaoguan.sales.services import inquiries as services
from xiaoguan.sales.tests.inquiry_factories import add_factory_departments, make_inquiry

BASE = "/api/v1/sales/inquiries/"


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
def customer(company):
    add_factory_departments(company)
    return make_customer(company.rep_e1, "上海申能消防工程有限公司")


def _body(customer, **kw):
    body = {
        "customer_id": customer.pk,
        "kind": "tender",
        "source": "tender_platform",
        "title": "医院消防系统招标",
        "deadline": (timezone.now() + timedelta(days=7)).isoformat(),
        "estimated_amount": "300000.00",
    }
    body.update(kw)
    return body


def test_list_and_detail_are_scoped(company, customer, api):
    mine = make_inquiry(company.rep_e1, customer)
    west = make_inquiry(company.rep_w1, make_customer(company.rep_w1, "成都天府消防"))
    body = api(company.rep_e1).get(BASE).json()
    assert body["count"] == 1 and body["items"][0]["number"] == mine.number
    assert api(company.rep_e1).get(f"{BASE}{west.pk}").status_code == 404
    assert api(company.director).get(BASE, status="open").json()["count"] == 2
    assert api(company.finance1).get(BASE).status_code == 403


def test_create_then_decide(company, customer, api):
    created = api(company.rep_e1).post(BASE, _body(customer))
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["status"], data["owner"]["id"], data["estimated_amount"]) == (
        "new",
        company.rep_e1.pk,
        "300000.00",
    )
    decided = api(company.mgr_east).post(
        f"{BASE}{data['id']}/decide", {"bid": True, "reason": "优质客户"}
    )
    assert decided.status_code == 200
    assert decided.json()["status"] == "bidding"


def test_create_refusals_have_codes_and_save_nothing(company, customer, api):
    client = api(company.rep_e1)
    past = client.post(
        BASE, _body(customer, deadline=(timezone.now() - timedelta(hours=1)).isoformat())
    )
    assert past.status_code == 422
    assert past.json()["code"] == "inquiry_invalid"
    assert "deadline" in past.json()["fields"]
    negative = client.post(BASE, _body(customer, estimated_amount="-1"))
    assert negative.status_code == 422 and "estimated_amount" in negative.json()["fields"]
    owner = client.post(BASE, _body(customer, owner_id=company.rep_e2.pk))
    assert owner.status_code == 422  # not an allowed field
    west = make_customer(company.rep_w1, "成都天府消防")
    assert client.post(BASE, _body(west)).status_code == 404
    assert Inquiry.objects.count() == 0


def test_decide_refusals(company, customer, api):
    inquiry = make_inquiry(company.rep_e1, customer)
    assert (
        api(company.rep_e1)
        .post(f"{BASE}{inquiry.pk}/decide", {"bid": True, "reason": "x"})
        .status_code
        == 403
    )
    assert (
        api(company.mgr_west)
        .post(f"{BASE}{inquiry.pk}/decide", {"bid": True, "reason": "x"})
        .status_code
        == 404
    )
    empty = api(company.mgr_east).post(f"{BASE}{inquiry.pk}/decide", {"bid": False, "reason": ""})
    assert empty.status_code == 422 and empty.json()["code"] == "inquiry_invalid"
    assert Inquiry.objects.get(pk=inquiry.pk).status == InquiryStatus.NEW


def test_detail_hides_the_cost_without_the_right(company, customer, api):
    inquiry = make_inquiry(company.rep_e1, customer)
    services.inquiry_decide(actor=company.mgr_east, inquiry=inquiry, bid=True, reason="投")
    requested = api(company.rep_e1).post(f"{BASE}{inquiry.pk}/request-figures", {})
    assert requested.status_code == 200
    assert len(requested.json()["tasks"]) == 2
    cost = DepartmentTask.objects.get(kind=services.TASK_COST)
    department_tasks.department_task_complete(
        actor=company.planner,
        task_id=cost.pk,
        response="",
        data={"material_cost": "5000", "lead_time_days": "9"},
    )
    rep = api(company.rep_e1).get(f"{BASE}{inquiry.pk}").json()
    assert "cost_estimate" not in rep
    assert rep["lead_time_days"] == 9
    cost_task = next(t for t in rep["tasks"] if t["kind"] == services.TASK_COST)
    assert cost_task["figures"] == {"lead_time_days": 9}
    assert "5000" not in json.dumps(rep)
    gm = api(company.gm).get(f"{BASE}{inquiry.pk}").json()
    assert gm["cost_estimate"] == "5000.00"
