"""The reports API (``/api/v1/receivables/``): aging, drill-down, statement, collection rate;
scope, rights and bad parameters."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from xiaoguan.org import services as org_services
from xiaoguan.receivables.enums import InstalmentStatus
from xiaoguan.receivables.tests.test_aging_support import (
    contract_for,
    instalment,
    make_customer,
    receipt,
)

BASE = "/api/v1/receivables"
AS_OF = date(2026, 6, 30)


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
    jia = make_customer(company.rep_e1, "杭州甲消防工程有限公司")
    bing = make_customer(company.rep_w1, "成都丙置业有限公司")
    instalment(company.rep_e1, jia, "1200.00", AS_OF - timedelta(days=20))
    instalment(company.rep_e1, jia, "300.00", None)
    instalment(company.rep_w1, bing, "3000.00", AS_OF - timedelta(days=400))
    return company, jia, bing


def test_aging_is_scoped_with_buckets_totals_and_risk(book, api, django_assert_max_num_queries):
    company, jia, _bing = book
    # auth and token (3), rights and scope (2), policy (1), rows, count, totals
    with django_assert_max_num_queries(13):
        response = api(company.mgr_east).get(f"{BASE}/aging/", {"as_of": AS_OF})
    assert response.status_code == 200
    data = response.json()
    assert [b["key"] for b in data["buckets"]][:2] == ["not_due", "0-30"]
    assert [(r["key"], r["total"], r["amounts"]["0-30"]) for r in data["rows"]] == [
        (jia.pk, "1500.00", "1200.00")
    ]
    assert data["rows"][0]["waiting"] == "300.00" and data["count"] == 1
    everyone = api(company.gm).get(f"{BASE}/aging/", {"as_of": AS_OF, "dimension": "region"})
    rows = {r["label"]: r for r in everyone.json()["rows"]}
    assert rows["西部区"]["risk"] and not rows["华东区"]["risk"]
    assert everyone.json()["totals"]["total"] == "4500.00"


def test_drill_down_and_refusals(book, api):
    company, jia, bing = book
    client = api(company.rep_e1)
    ok = client.get(
        f"{BASE}/aging/instalments/",
        {"dimension": "customer", "key": jia.pk, "bucket": "0-30", "as_of": AS_OF},
    )
    assert ok.status_code == 200
    [item] = ok.json()["items"]
    assert (item["outstanding"], item["days_past_due"]) == ("1200.00", 20)
    hidden = client.get(
        f"{BASE}/aging/instalments/", {"dimension": "customer", "key": bing.pk, "bucket": "total"}
    )
    assert hidden.json()["count"] == 0
    assert (
        client.get(
            f"{BASE}/aging/instalments/", {"dimension": "customer", "key": jia.pk, "bucket": "x"}
        ).status_code
        == 422
    )
    assert client.get(f"{BASE}/aging/", {"dimension": "planet"}).status_code == 422
    assert client.get(f"{BASE}/aging/", {"as_of": "yesterday"}).status_code == 422
    assert api(company.logistics1).get(f"{BASE}/aging/").status_code == 403


def test_statement_json_and_scope(book, api):
    company, jia, _bing = book
    contract_for(company.rep_e1, jia, total="5000.00", signed_on=date(2026, 5, 1))
    receipt(company.rep_e1, jia, "1000.00", date(2026, 6, 1), number="HK-API-1")
    period = {"start": "2026-05-01", "end": "2026-06-30"}
    response = api(company.rep_e1).get(f"{BASE}/statements/{jia.pk}/", period)
    assert response.status_code == 200
    data = response.json()
    assert (data["opening"], data["closing"], data["unallocated"]) == (
        "0.00",
        "4000.00",
        "1000.00",
    )
    assert [(line["kind"], line["balance"]) for line in data["lines"]] == [
        ("contract", "5000.00"),
        ("receipt", "4000.00"),
    ]
    assert api(company.rep_w1).get(f"{BASE}/statements/{jia.pk}/", period).status_code == 404
    backwards = {"start": "2026-06-30", "end": "2026-05-01"}
    assert api(company.rep_e1).get(f"{BASE}/statements/{jia.pk}/", backwards).status_code == 422
    assert api(company.rep_e1).get(f"{BASE}/statements/{jia.pk}/").status_code == 422


def test_collection_rate(book, api):
    company, jia, _bing = book
    instalment(
        company.rep_e1, jia, "1000.00", date(2026, 6, 10), collected="1000.00",
        status=InstalmentStatus.PAID, paid_on=date(2026, 6, 10),
    )  # fmt: skip
    response = api(company.rep_e1).get(
        f"{BASE}/collection-rate/", {"start": "2026-06-01", "end": "2026-06-30"}
    )
    assert response.status_code == 200
    [row] = response.json()["rows"]
    assert (row["due"], row["collected"], row["rate"]) == ("2200.00", "1000.00", "45.5")
    assert (
        api(company.rep_e1)
        .get(f"{BASE}/collection-rate/", {"start": "2026-06-30", "end": "2026-06-01"})
        .status_code
        == 422
    )
