"""The shipping API: the same scope, rules and messages as the pages."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xiaoguan.customers.models import Customer
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.orders import registries
from xiaoguan.orders.models import Shipment
from xiaoguan.orders.services import shipping
from xiaoguan.orders.tests.test_shipping_support import (  # noqa: F401 - fixture
    confirmed_order,
    english,
    extinguisher,
    line_of,
    receive,
    warehouse,
)
from xiaoguan.org import services as org_services

pytestmark = pytest.mark.django_db
BASE = "/api/v1/orders/shipments/"


@pytest.fixture
def api(client):
    def make(user):
        _token, raw = org_services.api_token_create(user=user, name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        class Api:
            def get(self, url, **params):
                return client.get(url, params, **headers)

            def post(self, url, body=None, key=None):
                extra = dict(headers)
                if key:
                    extra["HTTP_IDEMPOTENCY_KEY"] = key
                return client.post(
                    url, json.dumps(body or {}), content_type="application/json", **extra
                )

        return Api()

    return make


@pytest.fixture
def given(company):
    ext = extinguisher()
    wh = warehouse(company.logistics1)
    receive(company.logistics1, wh, ext, 200)
    customer = make_customer(company.rep_e1, "宁波港务集团")
    order = confirmed_order(
        company.rep_e1, customer, [(ext, 100, "120.00")], wh=wh, reserver=company.logistics1
    )
    return type("Given", (), {"ext": ext, "wh": wh, "customer": customer, "order": order})


def _body(given, quantity="30"):
    return {
        "order_id": given.order.pk,
        "warehouse_id": given.wh.pk,
        "method": "express",
        "carrier": "顺丰速运",
        "lines": [{"order_line_id": line_of(given.order, given.ext).pk, "quantity": quantity}],
    }


def test_prepare_ship_deliver_through_the_api(company, api, given):
    logistics = api(company.logistics1)
    r = logistics.post(BASE, _body(given), key="prep-1")
    assert r.status_code == 201, r.content
    again = logistics.post(BASE, _body(given), key="prep-1")
    assert again.status_code == 201
    assert Shipment.objects.count() == 1
    sid = r.json()["id"]
    assert r.json()["status"] == "prepared"
    assert r.json()["lines"][0]["quantity"] == "30.000"
    r = logistics.post(
        f"{BASE}{sid}/ship",
        {"shipped_on": (timezone.localdate() - timedelta(days=1)).isoformat(), "waybill_no": ""},
    )
    assert r.status_code == 422
    assert "waybill_no" in r.json()["fields"]
    r = logistics.post(
        f"{BASE}{sid}/ship",
        {
            "shipped_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "waybill_no": "SF88",
        },
    )
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["waybill_no"]) == ("shipped", "SF88")
    rep = api(company.rep_e1)
    assert rep.post(f"{BASE}{sid}/ship", {"shipped_on": "2026-01-01"}).status_code == 403
    r = rep.post(
        f"{BASE}{sid}/deliver",
        {"delivered_on": timezone.localdate().isoformat(), "received_by": "王建国"},
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "delivered"
    listed = rep.get(BASE, status="delivered").json()
    assert [x["id"] for x in listed["items"]] == [sid]


def test_refusals_are_4xx_json(company, api, given):
    logistics = api(company.logistics1)
    r = logistics.post(BASE, _body(given, "101"))
    assert r.status_code == 422
    assert r.json()["code"] == "shipment_over_ordered"
    assert "手提式干粉灭火器" in r.json()["message"]
    r = logistics.post(BASE, _body(given, "-1"))
    assert r.status_code == 422
    r = logistics.post(BASE, {**_body(given), "owner_id": 1})
    assert r.status_code == 422
    # out of scope: the order and its shipments do not exist
    s = shipping.shipment_prepare(
        actor=company.logistics1,
        order_id=given.order.pk,
        warehouse_id=given.wh.pk,
        lines=[shipping.ShipmentLineData(line_of(given.order, given.ext).pk, "1")],
        method="own_fleet",
    )
    west = api(company.rep_w1)
    assert west.get(f"{BASE}{s.pk}").status_code == 404
    assert west.get(BASE).json()["count"] == 0
    assert Shipment.objects.count() == 1


def test_a_credit_hold_answers_409_and_keeps_it_prepared(company, api, given):
    Customer.objects.filter(pk=given.customer.pk).update(credit_limit=Decimal("100.00"))

    def provider(ids):
        return {cid: registries.Exposure(outstanding=Decimal("900.00")) for cid in ids}

    registries.register_credit_exposure(provider)
    try:
        logistics = api(company.logistics1)
        sid = logistics.post(BASE, _body(given)).json()["id"]
        r = logistics.post(
            f"{BASE}{sid}/ship",
            {"shipped_on": timezone.localdate().isoformat(), "waybill_no": "SF1"},
        )
    finally:
        registries._exposure_providers.remove(provider)
    assert r.status_code == 409
    assert r.json()["code"] == "credit_hold"
    assert r.json()["hold"]["status"] == "open"
    assert Shipment.objects.get(pk=sid).status == "prepared"


def test_plans_and_list_query_counts(company, api, given, django_assert_max_num_queries):
    for day in range(3):
        shipping.shipping_plan_create(
            actor=company.logistics1,
            order_id=given.order.pk,
            planned_date=timezone.localdate() + timedelta(days=day),
            method="freight",
        )
        shipping.shipment_prepare(
            actor=company.logistics1,
            order_id=given.order.pk,
            warehouse_id=given.wh.pk,
            lines=[shipping.ShipmentLineData(line_of(given.order, given.ext).pk, "1")],
            method="own_fleet",
        )
    client = api(company.logistics1)
    with django_assert_max_num_queries(8):
        r = client.get("/api/v1/orders/shipping-plans/")
    assert r.json()["count"] == 3
    with django_assert_max_num_queries(9):
        r = client.get(BASE)
    assert r.json()["count"] == 3
