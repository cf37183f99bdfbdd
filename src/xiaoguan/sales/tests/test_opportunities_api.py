import json
from decimal import Decimal

import pytest

from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org import services as org_services
from xiaoguan.sales.models import Opportunity
from xiaoguan.sales.tests.factories import make_opportunity

BASE = "/api/v1/sales/opportunities/"


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


def test_list_and_get_are_scoped(company, api):
    e1 = make_customer(company.rep_e1, "上海某大厦")
    w = make_customer(company.rep_w1, "成都某广场")
    mine = make_opportunity(company.rep_e1, e1, "某某大厦消防改造")
    west = make_opportunity(company.rep_w1, w, "自动喷淋系统")
    body = api(company.rep_e1).get(BASE).json()
    assert body["count"] == 1 and body["items"][0]["number"] == mine.number
    assert body["items"][0]["weighted_amount"] == "20000.00"
    assert api(company.rep_e1).get(f"{BASE}{west.pk}").status_code == 404
    assert api(company.director).get(BASE, stage="needs").json()["count"] == 2
    assert api(company.finance1).get(BASE).status_code == 403


def test_create_update_move(company, api):
    e1 = make_customer(company.rep_e1, "上海某大厦")
    client = api(company.rep_e1)
    created = client.post(
        BASE,
        {
            "customer_id": e1.pk,
            "name": "厂区灭火器年度采购",
            "amount": "120000.00",
            "expected_close": "2026-12-31",
            "stage": "solution",
        },
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["probability"] == 40 and data["owner"]["id"] == company.rep_e1.pk
    url = f"{BASE}{data['id']}"
    upd = {"version": 1, "name": "新名", "amount": "1.00", "expected_close": "2026-12-31"}
    assert client.put(url, upd).status_code == 200
    stale = client.put(url, upd)
    assert stale.status_code == 409 and stale.json()["code"] == "stale_edit"
    lost = client.post(f"{url}/move", {"stage": "lost"})
    assert lost.status_code == 409 and "lost_reason" in lost.json()["fields"]
    moved = client.post(f"{url}/move", {"stage": "lost", "lost_reason": "competitor"})
    assert moved.status_code == 200 and moved.json()["stage"] == "lost"
    assert client.put(url, {**upd, "version": 3}).json()["code"] == "opportunity_closed"


def test_create_refusals(company, api):
    e1 = make_customer(company.rep_e1, "上海某大厦")
    w = make_customer(company.rep_w1, "成都某广场")
    client = api(company.rep_e1)
    base = {"customer_id": e1.pk, "name": "x", "amount": "1", "expected_close": "2026-12-31"}
    neg = client.post(BASE, {**base, "amount": "-1"})
    assert neg.status_code == 422 and "amount" in neg.json()["fields"]
    assert client.post(BASE, {**base, "customer_id": w.pk}).status_code == 404
    assert client.post(BASE, {**base, "owner_id": company.rep_w1.pk}).status_code == 422
    assert client.post(BASE, {**base, "stage": "won"}).status_code == 422
    assert not Opportunity.objects.exists()


def test_pipeline_summary(company, api):
    e1 = make_customer(company.rep_e1, "上海某大厦")
    make_opportunity(company.rep_e1, e1, amount=Decimal("100000"))
    make_opportunity(company.rep_e1, e1, amount=Decimal("50000"), stage="negotiation")
    body = api(company.mgr_east).get(f"{BASE}pipeline").json()
    assert body["open_count"] == 2
    assert Decimal(body["open_amount"]) == Decimal("150000")
    assert Decimal(body["open_weighted_amount"]) == Decimal("60000")
    stages = {s["stage"]: s for s in body["stages"]}
    assert stages["negotiation"]["count"] == 1
    assert api(company.rep_w1).get(f"{BASE}pipeline").json()["open_count"] == 0
