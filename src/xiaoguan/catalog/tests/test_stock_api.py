"""The stock API: levels, alerts, warehouses, movements and goods receipts, with the pages'
rules and 4xx JSON refusals."""

from __future__ import annotations

import json

import pytest

from xiaoguan.catalog.models import StockLevel, StockMovement
from xiaoguan.catalog.services.stock import stock_receive, stock_reserve
from xiaoguan.catalog.tests.factories import make_product, make_unit
from xiaoguan.catalog.tests.test_stock_support import D, extinguisher, make_warehouse
from xiaoguan.org import services as org_services

BASE = "/api/v1/catalog/stock"
pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def make(user):
        _token, raw = org_services.api_token_create(user=user, name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        class Api:
            def get(self, url, **params):
                return client.get(url, params, **headers)

            def post(self, url, body, **extra):
                return client.post(
                    url, json.dumps(body), content_type="application/json", **headers, **extra
                )

        return Api()

    return make


@pytest.fixture
def stock(company):
    actor = company.logistics1
    sh, cd = make_warehouse(actor), make_warehouse(actor, "CD", "成都分仓")
    product = extinguisher()
    stock_receive(actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(100))
    stock_receive(actor=actor, warehouse_id=cd.pk, product_id=product.pk, quantity=D(5))
    stock_reserve(
        actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(30), reference="SO1"
    )
    return sh, cd, product


def test_levels_with_filters(company, api, stock, django_assert_max_num_queries):
    sh, cd, _product = stock
    for i in range(10):
        p = make_product(f"P-{i}", f"产品{i}")
        stock_receive(actor=company.logistics1, warehouse_id=sh.pk, product_id=p.pk, quantity=D(1))
    client = api(company.rep_e1)
    with django_assert_max_num_queries(8):
        body = client.get(f"{BASE}/levels", page_size=50).json()
    assert body["count"] == 12
    body = client.get(f"{BASE}/levels", q="MFZ", sort="-available").json()
    first = body["items"][0]
    assert (
        first["warehouse"]["code"],
        first["on_hand"],
        first["reserved"],
        first["available"],
    ) == ("SH", "100.000", "30.000", "70.000") or (
        first["warehouse"]["code"],
        float(first["available"]),
    ) == ("SH", 70.0)
    assert client.get(f"{BASE}/levels", warehouse=cd.pk).json()["count"] == 1
    assert client.get(f"{BASE}/levels", page_size=500).status_code == 422
    assert client.get(f"{BASE}/warehouses").json()[0]["code"] in ("SH", "CD")
    assert client.get(f"{BASE}/alerts").status_code == 200
    assert api(company.marketing1).get(f"{BASE}/levels").status_code == 403


def test_movements_of_a_product(company, api, stock):
    sh, _cd, product = stock
    client = api(company.finance1)
    body = client.get(f"{BASE}/products/{product.pk}/movements").json()
    assert body["count"] == 3 and body["items"][0]["kind"] == "reserve"
    body = client.get(f"{BASE}/products/{product.pk}/movements", warehouse=sh.pk).json()
    assert body["count"] == 2
    assert client.get(f"{BASE}/products/999999/movements").status_code == 404


def test_goods_receipt(company, api, stock):
    _sh, cd, product = stock
    client = api(company.logistics1)
    xiang = make_unit("箱")
    response = client.post(
        f"{BASE}/receipts",
        {
            "warehouse_id": cd.pk,
            "product_id": product.pk,
            "quantity": "2",
            "unit_id": xiang.pk,
            "reference": "RK-1",
        },
        HTTP_IDEMPOTENCY_KEY="rk-1-abcdef",
    )
    assert response.status_code == 201, response.content
    assert float(response.json()["on_hand"]) == 13
    again = client.post(
        f"{BASE}/receipts",
        {
            "warehouse_id": cd.pk,
            "product_id": product.pk,
            "quantity": "2",
            "unit_id": xiang.pk,
            "reference": "RK-1",
        },
        HTTP_IDEMPOTENCY_KEY="rk-1-abcdef",
    )
    assert again.status_code == 201
    assert StockLevel.objects.get(warehouse=cd, product=product).on_hand == 13
    moves = StockMovement.objects.count()
    for body, code in (
        ({"quantity": "-1"}, "stock_invalid"),
        ({"quantity": "0"}, "stock_invalid"),
        ({"unit_id": make_unit("米").pk}, "stock_invalid"),
        ({"warehouse_id": 999999}, "stock_invalid"),
        ({"product_id": 999999}, "stock_invalid"),
    ):
        payload = {"warehouse_id": cd.pk, "product_id": product.pk, "quantity": "1", **body}
        response = client.post(f"{BASE}/receipts", payload)
        assert response.status_code == 422 and response.json()["code"] == code, (
            body,
            response.content,
        )
    assert client.post(f"{BASE}/receipts", {"warehouse_id": cd.pk}).status_code == 422
    refused = api(company.rep_e1).post(
        f"{BASE}/receipts", {"warehouse_id": cd.pk, "product_id": product.pk, "quantity": "1"}
    )
    assert refused.status_code == 403
    assert StockMovement.objects.count() == moves
