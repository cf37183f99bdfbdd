import json
from datetime import date, timedelta

import pytest
from django.apps import apps

from xiaoguan.customers.enums import LeadStatus
from xiaoguan.customers.models import Customer, Lead
from xiaoguan.customers.services.leads import LeadData, lead_create
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org import services as org_services

BASE = "/api/v1/customers/leads/"


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

            def put(self, url, body):
                return client.put(url, json.dumps(body), content_type="application/json", **headers)

        return Api()

    return make


def make_lead(actor, name="湖州某印染公司", **fields):
    fields.setdefault("source", "web_search")
    return lead_create(actor=actor, data=LeadData(name=name, **fields))


def test_list_and_get_are_scoped(company, api, django_assert_max_num_queries):
    for i in range(12):
        make_lead(company.rep_e1, f"接口线索{i}公司")
    west = make_lead(company.rep_w1, "西部接口公司")
    client = api(company.mgr_east)
    with django_assert_max_num_queries(10):
        body = client.get(BASE, page_size=50).json()
    assert body["count"] == 12
    assert client.get(BASE, q="接口线索1").json()["count"] == 3  # 1, 10, 11
    assert client.get(f"{BASE}{west.pk}").status_code == 404
    one = client.get(f"{BASE}{body['items'][0]['id']}").json()
    assert one["status"] == "new" and one["duplicates"] == []


def test_create_update_validation_and_allow_list(company, api):
    make_customer(company.rep_e1, "湖州某印染有限公司")
    client = api(company.rep_e1)
    response = client.post(BASE, {"name": "", "source": "x"})
    assert response.status_code == 422 and set(response.json()["fields"]) >= {"name", "source"}
    response = client.post(BASE, {"name": "湖州某印染公司", "source": "web_search", "owner": 1})
    assert response.status_code == 422 and Lead.objects.count() == 0
    response = client.post(BASE, {"name": "湖州某印染公司", "source": "web_search"})
    assert response.status_code == 201
    body = response.json()
    assert body["owner"]["id"] == company.rep_e1.pk
    assert [d["kind"] for d in body["duplicates"]] == ["customer"]
    response = client.put(
        f"{BASE}{body['id']}", {"name": "湖州某印染公司", "source": "phone", "phone": "bad"}
    )
    assert response.status_code == 422 and "phone" in response.json()["fields"]


def test_steps_assign_and_disqualify(company, api):
    lead = make_lead(company.rep_e1)
    rep = api(company.rep_e1)
    assert rep.post(f"{BASE}{lead.pk}/contacted").json()["status"] == "contacted"
    assert rep.post(f"{BASE}{lead.pk}/contacted").status_code == 409
    response = rep.post(f"{BASE}{lead.pk}/disqualify", {"reason": ""})
    assert response.status_code == 422
    response = rep.post(f"{BASE}{lead.pk}/disqualify", {"reason": "no_need", "note": "不需要"})
    assert response.json()["status"] == "disqualified"
    assert rep.post(f"{BASE}{lead.pk}/reopen").json()["status"] == "new"
    assert rep.post(f"{BASE}{lead.pk}/qualify").json()["status"] == "qualified"
    assert (
        rep.post(
            f"{BASE}assign", {"lead_ids": [lead.pk], "owner_id": company.rep_e2.pk}
        ).status_code
        == 403
    )
    mgr = api(company.mgr_east)
    response = mgr.post(f"{BASE}{lead.pk}/assign", {"owner_id": company.rep_w1.pk})
    assert response.status_code == 422
    response = mgr.post(f"{BASE}assign", {"lead_ids": [lead.pk], "owner_id": company.rep_e2.pk})
    assert response.json() == {"assigned": 1}
    assert Lead.objects.get(pk=lead.pk).owner == company.rep_e2
    west = make_lead(company.rep_w1, "西部公司")
    response = mgr.post(f"{BASE}assign", {"lead_ids": [west.pk], "owner_id": company.rep_e2.pk})
    assert response.status_code == 404


def test_conversion_endpoint(company, api):
    lead = make_lead(company.rep_e1, contact_name="钱工", phone="13600002222")
    client = api(company.rep_e1)
    url = f"/api/v1/sales/conversion/{lead.pk}"
    payload = {
        "opportunity_name": "仓库消防",
        "amount": "88000.50",
        "expected_close": (date.today() + timedelta(days=30)).isoformat(),
    }
    response = client.post(url, payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["customer_created"] and body["opportunity_number"].startswith("OPP-")
    assert Customer.objects.get(pk=body["customer_id"]).name == "湖州某印染公司"
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.CONVERTED
    second = client.post(url, payload)
    assert second.status_code == 409 and second.json()["code"] == "lead_converted"
    # The conversion lives in sales, a higher layer: its model is reached by name.
    assert apps.get_model("sales", "Opportunity").objects.count() == 1
    # duplicate: 409 with the matches, then attach
    other = make_lead(company.rep_e1, "湖州某印染有限公司")
    response = client.post(f"/api/v1/sales/conversion/{other.pk}", payload)
    assert response.status_code == 409 and response.json()["code"] == "customer_duplicate"
    assert response.json()["matches"][0]["id"] == body["customer_id"]
    response = client.post(
        f"/api/v1/sales/conversion/{other.pk}",
        {**payload, "attach_customer_id": body["customer_id"]},
    )
    assert response.status_code == 201 and not response.json()["customer_created"]
    assert api(company.rep_w1).post(url, payload).status_code in (404, 409)
    assert api(company.marketing1).post(url, payload).status_code == 403
