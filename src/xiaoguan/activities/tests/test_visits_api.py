"""Visit and follow-up API: same scope, rules and 4xx JSON as the pages."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from xiaoguan.activities.models import FollowUp, Visit
from xiaoguan.customers.services import ContactData, contact_create
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org import services as org_services

BASE = "/api/v1/activities/visits"


@pytest.fixture
def api(client):
    def make(user):
        _token, raw = org_services.api_token_create(user=user, name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        class Api:
            def get(self, url, **params):
                return client.get(url, params, **headers)

            def post(self, url, body=None):
                return client.post(
                    url, json.dumps(body or {}), content_type="application/json", **headers
                )

        return Api()

    return make


def _iso(dt):
    return dt.isoformat()


def test_record_plan_list_get(company, api):
    customer = make_customer(company.rep_e1, "合肥徽商大厦物业")
    contact = contact_create(customer=customer, actor=company.rep_e1, data=ContactData(name="孙"))
    rep = api(company.rep_e1)
    r = rep.post(
        f"{BASE}/",
        {
            "customer_id": customer.pk,
            "kind": "onsite",
            "visited_at": _iso(timezone.now() - timedelta(hours=1)),
            "result": "progress",
            "contact_ids": [contact.pk],
            "feedback": "需要更换200具灭火器",
            "latitude": "31.820586",
            "longitude": "117.227239",
            "followup_title": "报价",
            "followup_due": (timezone.localdate() + timedelta(days=2)).isoformat(),
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "done" and body["contacts"][0]["id"] == contact.pk
    assert len(body["follow_ups"]) == 1
    r = rep.post(
        f"{BASE}/plan",
        {"customer_id": customer.pk, "planned_for": timezone.localdate().isoformat()},
    )
    assert r.status_code == 201
    plan_id = r.json()["id"]
    r = rep.post(
        f"{BASE}/{plan_id}/record",
        {"kind": "phone", "visited_at": _iso(timezone.now()), "result": "no_progress"},
    )
    assert r.status_code == 200 and r.json()["status"] == "done"
    listing = rep.get(f"{BASE}/", result="no_progress").json()
    assert listing["count"] == 1
    assert rep.get(f"{BASE}/{plan_id}").status_code == 200
    # Out of scope: 404.
    assert api(company.rep_w1).get(f"{BASE}/{plan_id}").status_code == 404
    assert api(company.rep_w1).get(f"{BASE}/").json()["count"] == 0


def test_bad_input_is_4xx_json_and_nothing_saved(company, api):
    customer = make_customer(company.rep_e1, "芜湖港务")
    rep = api(company.rep_e1)
    r = rep.post(
        f"{BASE}/",
        {
            "customer_id": customer.pk,
            "kind": "onsite",
            "visited_at": _iso(timezone.now() + timedelta(days=1)),
            "result": "progress",
        },
    )
    assert r.status_code == 422
    assert r.json()["code"] == "visit_invalid" and "visited_at" in r.json()["fields"]
    r = rep.post(f"{BASE}/", {"customer_id": customer.pk, "kind": "onsite", "owner": 1})
    assert r.status_code == 422
    west = make_customer(company.rep_w1, "西部")
    r = rep.post(
        f"{BASE}/",
        {
            "customer_id": west.pk,
            "kind": "onsite",
            "visited_at": _iso(timezone.now()),
            "result": "progress",
        },
    )
    assert r.status_code == 404
    assert not Visit.objects.exists()
    assert api(company.legal1).get(f"{BASE}/").status_code == 403


def test_followups_list_and_complete(company, api):
    customer = make_customer(company.rep_e1, "马鞍山钢铁配套")
    rep = api(company.rep_e1)
    r = rep.post(
        f"{BASE}/followups",
        {
            "customer_id": customer.pk,
            "title": "回访",
            "due_date": timezone.localdate().isoformat(),
        },
    )
    assert r.status_code == 201
    fid = r.json()["id"]
    assert rep.get(f"{BASE}/followups").json()["count"] == 1
    r = rep.post(f"{BASE}/followups/{fid}/complete", {"outcome": ""})
    assert r.status_code == 422
    r = rep.post(f"{BASE}/followups/{fid}/complete", {"outcome": "完成"})
    assert r.status_code == 200 and r.json()["done_at"]
    r = rep.post(f"{BASE}/followups/{fid}/complete", {"outcome": "再次"})
    assert r.status_code == 409
    assert FollowUp.objects.get().done_note == "完成"
    assert (
        api(company.rep_e1b).post(f"{BASE}/followups/{fid}/complete", {"outcome": "x"}).status_code
        == 404
    )
