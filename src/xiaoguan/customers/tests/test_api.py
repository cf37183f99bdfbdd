import json

import pytest

from xiaoguan.customers.models import Customer
from xiaoguan.customers.services import ContactData, contact_create
from xiaoguan.customers.tests.factories import credit_code, make_customer
from xiaoguan.org import services as org_services


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

            def put(self, url, body):
                return client.put(url, json.dumps(body), content_type="application/json", **headers)

        return Api()

    return make


def test_list_is_scoped_and_filtered(company, api):
    # given
    make_customer(company.rep_e1, "甲消防有限公司", source="referral")
    make_customer(company.rep_e2, "乙消防有限公司", source="dealer")
    make_customer(company.rep_w1, "丙消防有限公司")
    # when
    rep = api(company.rep_e1).get("/api/v1/customers/").json()
    mgr = api(company.mgr_east).get("/api/v1/customers/", source="dealer").json()
    # then
    assert [c["name"] for c in rep["items"]] == ["甲消防有限公司"]
    assert rep["items"][0]["owner"] == {"id": company.rep_e1.pk, "name": "rep_e1"}
    assert (mgr["count"], [c["name"] for c in mgr["items"]]) == (1, ["乙消防有限公司"])


def test_list_filters_by_region_and_last_contact_like_the_page(company, api):
    # given
    from datetime import timedelta

    from django.utils import timezone

    seen = make_customer(company.rep_e1, "甲消防有限公司")
    make_customer(company.rep_e2, "乙消防有限公司")
    Customer.objects.filter(pk=seen.pk).update(last_contact_at=timezone.now() - timedelta(days=3))
    client = api(company.mgr_east)
    team = company.rep_e1.department_id
    # when
    by_region = client.get("/api/v1/customers/", region=team).json()
    never = client.get("/api/v1/customers/", never_contacted="true").json()
    recent = client.get(
        "/api/v1/customers/", contact_after=(timezone.localdate() - timedelta(days=7)).isoformat()
    ).json()
    west = client.get("/api/v1/customers/", region=company.rep_w1.department_id).json()
    bad = client.get("/api/v1/customers/", contact_after="yesterday")
    # then
    assert [c["name"] for c in by_region["items"]] == ["甲消防有限公司"]
    assert [c["name"] for c in never["items"]] == ["乙消防有限公司"]
    assert [c["name"] for c in recent["items"]] == ["甲消防有限公司"]
    assert west["count"] == 0  # a region out of scope filters everything out, never leaks
    assert bad.status_code == 422


def test_detail_and_contacts_out_of_scope_are_404(company, api):
    # given
    customer = make_customer(company.rep_w1, "丙消防有限公司")
    contact_create(customer=customer, actor=company.rep_w1, data=ContactData(name="王芳"))
    # when / then
    east = api(company.mgr_east)
    assert east.get(f"/api/v1/customers/{customer.pk}").status_code == 404
    assert east.get(f"/api/v1/customers/{customer.pk}/contacts").status_code == 404
    west = api(company.mgr_west)
    assert west.get(f"/api/v1/customers/{customer.pk}").json()["name"] == "丙消防有限公司"
    contacts = west.get(f"/api/v1/customers/{customer.pk}/contacts").json()
    assert [c["name"] for c in contacts] == ["王芳"]


def test_create_owns_the_customer_and_refuses_owner_in_input(company, api):
    # given
    client = api(company.rep_e1)
    # when
    response = client.post(
        "/api/v1/customers/",
        {"name": "甲消防有限公司", "credit_code": credit_code(5), "tags": ["重点工程"]},
    )
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["owner"]["id"] == company.rep_e1.pk
    assert body["tags"] == ["重点工程"]
    # when an owner is smuggled in
    response = client.post("/api/v1/customers/", {"name": "乙公司", "owner_id": company.gm.pk})
    # then
    assert response.status_code == 422
    assert Customer.objects.count() == 1


def test_duplicate_is_409_without_leaking_other_teams(company, api):
    # given
    make_customer(company.rep_w1, "成都丙消防工程有限公司")
    # when
    response = api(company.rep_e1).post("/api/v1/customers/", {"name": "成都丙消防工程公司"})
    # then
    body = response.json()
    assert response.status_code == 409
    assert body["code"] == "customer_duplicate"
    assert body["matches"] == []
    assert body["hidden_count"] == 1
    assert "rep_w1" not in response.content.decode()
    assert Customer.objects.count() == 1


def test_bad_input_is_422_and_finance_cannot_create(company, api):
    # given / when
    bad = api(company.rep_e1).post("/api/v1/customers/", {"name": "甲公司", "phone": "123"})
    denied = api(company.finance1).post("/api/v1/customers/", {"name": "甲公司"})
    # then
    assert bad.status_code == 422
    assert bad.json()["code"] == "customer_invalid"
    assert list(bad.json()["fields"]) == ["phone"]
    assert denied.status_code == 403
    assert api(company.finance1).get("/api/v1/customers/").status_code == 200
    assert api(company.logistics1).get("/api/v1/customers/").status_code == 403
    assert Customer.objects.count() == 0


def test_update_checks_duplicates_and_scope(company, api):
    # given
    mine = make_customer(company.rep_e1, "甲消防有限公司")
    make_customer(company.rep_e1, "乙消防有限公司", phone="13800000009")
    theirs = make_customer(company.rep_w1, "丙消防有限公司")
    client = api(company.rep_e1)
    # when
    not_writable = client.put(f"/api/v1/customers/{mine.pk}", {"name": "甲消防", "grade": "A"})
    dup = client.put(
        f"/api/v1/customers/{mine.pk}", {"name": "甲消防有限公司", "phone": "138 0000 0009"}
    )
    hidden = client.put(f"/api/v1/customers/{theirs.pk}", {"name": "丙消防有限公司"})
    # then
    assert not_writable.status_code == 422  # the grade comes from classification
    assert dup.status_code == 409
    assert dup.json()["matches"][0]["reasons"] == ["phone"]
    assert hidden.status_code == 404
    mine.refresh_from_db()
    assert (mine.name, mine.grade, mine.phone) == ("甲消防有限公司", "", "")
    # when a valid change is sent
    ok = client.put(f"/api/v1/customers/{mine.pk}", {"name": "甲消防设备公司"})
    # then
    assert ok.status_code == 200
    assert ok.json()["name"] == "甲消防设备公司"


def test_contacts_are_added_through_the_api(company, api):
    # given
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    # when
    created = api(company.rep_e1).post(
        f"/api/v1/customers/{customer.pk}/contacts",
        {"name": "张伟", "phone": "13800000002", "birthday": "1980-05-01", "is_primary": True},
    )
    bad = api(company.rep_e1).post(
        f"/api/v1/customers/{customer.pk}/contacts", {"name": "李娜", "phone": "x"}
    )
    stranger = api(company.rep_e1b).post(
        f"/api/v1/customers/{customer.pk}/contacts", {"name": "王芳"}
    )
    # then
    assert created.status_code == 201
    assert created.json()["birthday"] == "1980-05-01"
    assert bad.status_code == 422
    assert bad.json()["code"] == "contact_invalid"
    assert stranger.status_code == 404
    assert [c.name for c in customer.contacts.all()] == ["张伟"]
