"""The ledger API (``/api/v1/contracts/ledger/``): scope, filters, totals, flags, refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from xiaoguan.contracts.tests.test_ledger import ledger_contract
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org import services as org_services

BASE = "/api/v1/contracts/ledger/"


@pytest.fixture
def api(client):
    def make(user):
        _token, raw = org_services.api_token_create(user=user, name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        class Api:
            def get(self, url, params=None):
                return client.get(url, params or {}, **headers)

        return Api()

    return make


@pytest.fixture
def book(company):
    today = timezone.localdate()
    acme = make_customer(company.rep_e1, "杭州安盛消防工程有限公司")
    west = make_customer(company.rep_w1, "成都西蜀置业有限公司")
    ledger_contract(
        company.rep_e1,
        acme,
        "HT-2026-000001",
        total="10000.00",
        collected="2500.00",
        shipped="4000.00",
        delivery_date=today - timedelta(days=2),
        end_on=today + timedelta(days=7),
    )
    ledger_contract(company.rep_e1, acme, "HT-2026-000002", status="draft", total="300.10")
    ledger_contract(company.rep_w1, west, "HT-2026-000003", total="7000.00")
    return company


def test_list_is_scoped_with_amounts_flags_and_totals(book, api):
    # when
    response = api(book.rep_e1).get(BASE, {"sort": "number"})
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [i["number"] for i in body["items"]] == ["HT-2026-000001", "HT-2026-000002"]
    first = body["items"][0]
    assert first["total"] == "10000.00" and first["outstanding"] == "7500.00"
    assert first["expiring"] is True and first["overdue"] is True
    assert first["customer"]["name"] == "杭州安盛消防工程有限公司"
    assert body["totals"]["total"] == "10300.10" and body["totals"]["collected"] == "2500.00"
    assert "list_total" not in first and "list_price" not in str(body)


def test_filters_and_pagination(book, api):
    c = api(book.director)
    assert api(book.director).get(BASE).json()["count"] == 3
    got = c.get(BASE, {"status": ["draft", "signed"], "page_size": 1, "page": 2, "sort": "number"})
    body = got.json()
    assert body["count"] == 3 and [i["number"] for i in body["items"]] == ["HT-2026-000002"]
    assert [i["number"] for i in c.get(BASE, {"flag": "overdue"}).json()["items"]] == [
        "HT-2026-000001"
    ]
    assert c.get(BASE, {"q": "西蜀"}).json()["count"] == 1
    assert c.get(BASE, {"amount_min": "5000"}).json()["totals"]["total"] == "17000.00"


def test_owner_outside_the_scope_gives_nothing(book, api):
    body = api(book.rep_e1).get(BASE, {"owner": book.rep_w1.pk}).json()
    assert body["count"] == 0 and body["items"] == []


def test_unknown_status_or_flag_is_refused(book, api):
    response = api(book.director).get(BASE, {"status": "nonsense"})
    assert response.status_code == 422 and response.json()["code"] == "validation_failed"
    assert api(book.director).get(BASE, {"flag": "late"}).status_code == 422
    assert api(book.director).get(BASE, {"amount_min": "-1"}).status_code == 422


def test_without_the_right_is_refused(book, api):
    response = api(book.hr1).get(BASE)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
