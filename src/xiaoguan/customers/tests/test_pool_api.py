"""The public pool API: the same members, scope and rules as the pages; 4xx JSON refusals."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from xiaoguan.core import policy
from xiaoguan.customers.models import Customer
from xiaoguan.customers.services import pool as svc
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org import services as org_services

BASE = "/api/v1/customers/pool"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def pools(company):
    return {
        "east": svc.pool_create(department=company.depts["R-E"], actor=company.director),
        "west": svc.pool_create(department=company.depts["R-W"], actor=company.director),
    }


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


def in_pool(owner, name):
    customer = make_customer(owner, name)
    return svc.customer_release(customer_id=customer.pk, actor=owner, reason="无需求")


def test_list_shows_the_members_pools_in_a_limited_view(company, pools, api):
    in_pool(company.rep_e1, "甲消防有限公司")
    in_pool(company.rep_w1, "丙消防有限公司")
    body = api(company.rep_e2).get(f"{BASE}/").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["name"], item["pool_id"], item["previous_owner"]) == (
        "甲消防有限公司",
        pools["east"].pk,
        "rep_e1",
    )
    assert "phone" not in item
    assert api(company.director).get(f"{BASE}/").json()["count"] == 2


def test_claim_and_the_refusals(company, pools, api):
    # given
    customer = in_pool(company.rep_e1, "甲消防有限公司")
    # a non-member does not find it; the rep who lost it is banned
    assert api(company.rep_w1).post(f"{BASE}/{customer.pk}/claim").status_code == 404
    banned = api(company.rep_e1).post(f"{BASE}/{customer.pk}/claim")
    assert (banned.status_code, banned.json()["code"]) == (409, "pool_reclaim_ban")
    # when
    ok = api(company.rep_e2).post(f"{BASE}/{customer.pk}/claim")
    # then
    assert ok.status_code == 200 and ok.json()["owner_id"] == company.rep_e2.pk
    again = api(company.rep_e1b).post(f"{BASE}/{customer.pk}/claim")
    assert again.status_code == 404  # no longer in the pool


def test_daily_limit_refusal_is_409(company, pools, api):
    policy.policy_set(key="customers.pool_daily_claims", raw=0, actor=company.gm)
    customer = in_pool(company.rep_e1, "甲消防有限公司")
    response = api(company.rep_e2).post(f"{BASE}/{customer.pk}/claim")
    assert (response.status_code, response.json()["code"]) == (409, "pool_daily_limit")
    customer.refresh_from_db()
    assert customer.owner is None


def test_release_needs_a_reason(company, pools, api):
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    assert (
        api(company.rep_e1).post(f"{BASE}/{customer.pk}/release", {"reason": ""}).status_code == 422
    )
    assert api(company.rep_e1).post(f"{BASE}/{customer.pk}/release", {}).status_code == 422
    response = api(company.rep_e1).post(f"{BASE}/{customer.pk}/release", {"reason": "无需求"})
    assert response.status_code == 200 and response.json()["in_pool"] is True


def test_assign_is_for_managers_in_scope(company, pools, api):
    a = in_pool(company.rep_e1, "甲消防有限公司")
    w = make_customer(company.rep_w1, "丙消防有限公司")
    body = {"customer_ids": [a.pk], "owner_id": company.rep_e2.pk}
    assert api(company.rep_e2).post(f"{BASE}/assign", body).status_code == 403
    out_of_scope = {"customer_ids": [a.pk, w.pk], "owner_id": company.rep_e2.pk}
    assert api(company.mgr_east).post(f"{BASE}/assign", out_of_scope).status_code == 404
    wrong_rep = {"customer_ids": [a.pk], "owner_id": company.rep_w1.pk}
    assert api(company.mgr_east).post(f"{BASE}/assign", wrong_rep).status_code == 422
    response = api(company.mgr_east).post(f"{BASE}/assign", body)
    assert response.status_code == 200 and response.json() == {"assigned": [a.pk]}
    assert Customer.objects.get(pk=a.pk).owner == company.rep_e2


def test_lock_and_warnings(company, pools, api):
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    response = api(company.mgr_east).post(f"{BASE}/{customer.pk}/lock", {"reason": "重点工程"})
    assert response.status_code == 200 and response.json()["locked"] is True
    assert (
        api(company.rep_e1).post(f"{BASE}/{customer.pk}/lock", {"reason": "x"}).status_code == 403
    )
    assert api(company.rep_e1).get(f"{BASE}/warnings").json() == []
