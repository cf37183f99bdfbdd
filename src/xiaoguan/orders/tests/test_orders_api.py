"""The orders API: the same scope, rules and messages as the pages."""

from __future__ import annotations

import json

import pytest

from xiaoguan.orders.enums import OrderStatus
from xiaoguan.orders.models import Order
from xiaoguan.orders.tests.factories import customer, direct_order, goods, line, signed
from xiaoguan.org import services as org_services

BASE = "/api/v1/orders/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def make(user):
        _token, raw = org_services.api_token_create(user=user, name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        class Api:
            def get(self, url, **params):
                return client.get(url, params, **headers)

            def post(self, url, body=None, **extra):
                return client.post(
                    url,
                    json.dumps(body or {}),
                    content_type="application/json",
                    **headers,
                    **extra,
                )

        return Api()

    return make


def test_create_a_contract_order_then_submit_it_once_with_an_idempotency_key(company, api):
    g = goods(company.gm)
    contract = signed(company.rep_e1, [(g.hydrant, "4", "800")])
    cl = contract.lines.get()
    rep = api(company.rep_e1)
    response = rep.post(
        BASE,
        {
            "channel": "contract",
            "contract_id": contract.pk,
            "warehouse_id": g.warehouse.pk,
            "lines": [{"contract_line_id": cl.pk, "quantity": "3"}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["total"], body["lines"][0]["unit_price"], body["owner"]["id"]) == (
        "2400.00",
        "800.00",
        company.rep_e1.pk,
    )
    key = {"HTTP_IDEMPOTENCY_KEY": "submit-1"}
    first = rep.post(f"{BASE}{body['id']}/submit", **key)
    again = rep.post(f"{BASE}{body['id']}/submit", **key)
    assert first.status_code == again.status_code == 200
    assert first.json()["status"] == OrderStatus.SUBMITTED
    over = rep.post(
        BASE,
        {
            "channel": "contract",
            "contract_id": contract.pk,
            "lines": [{"contract_line_id": cl.pk, "quantity": "2"}],
        },
    )
    assert over.status_code == 422
    assert over.json()["code"] == "order_over_contract"


def test_bad_input_is_a_4xx_and_nothing_is_saved(company, api):
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    rep = api(company.rep_e1)
    assert rep.post(BASE, {"channel": "telepathy", "customer_id": cust.pk}).status_code == 422
    response = rep.post(
        BASE,
        {
            "channel": "phone",
            "customer_id": cust.pk,
            "lines": [{"product_id": g.hydrant.pk, "unit_id": g.hydrant.unit_id, "quantity": "-1"}],
        },
    )
    assert response.status_code == 422
    assert "lines.1.quantity" in response.json()["fields"]
    assert api(company.rep_e1).post(f"{BASE}999999/submit").status_code == 404
    assert not Order.objects.exists()


def test_scope_and_rights(company, api):
    g = goods(company.gm)
    order = direct_order(company.rep_e1, customer(company.rep_e1), [line(g.hydrant, "1")])
    assert api(company.rep_w1).get(f"{BASE}{order.pk}").status_code == 404
    assert api(company.rep_w1).get(BASE).json()["count"] == 0
    assert api(company.mgr_east).get(BASE).json()["count"] == 1
    assert api(company.marketing1).get(BASE).status_code == 403
    assert api(company.finance1).post(f"{BASE}{order.pk}/submit").status_code == 403


def test_the_list_reads_a_fixed_number_of_queries(company, api, django_assert_max_num_queries):
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    for _i in range(6):
        direct_order(company.rep_e1, cust, [line(g.hydrant, "1")])
    client = api(company.director)
    with django_assert_max_num_queries(8):
        response = client.get(BASE, status=["draft"], sort="-total")
    assert response.json()["count"] == 6
