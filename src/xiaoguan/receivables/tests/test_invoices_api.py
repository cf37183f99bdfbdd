"""API of the collection part (``/api/v1/receivables/``): overdue list, dunning, write-offs and
invoices with the same rules as the pages; refusals are 4xx JSON."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from xiaoguan.approvals.services.chains import default_chains_ensure
from xiaoguan.org import services as org_services
from xiaoguan.receivables.tests.test_overdue_support import contract, instalment

BASE = "/api/v1/receivables"


@pytest.fixture
def api(client):
    def make(user):
        _token, raw = org_services.api_token_create(user=user, name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        class Api:
            def get(self, url, params=None):
                return client.get(url, params or {}, **headers)

            def post(self, url, body=None, **extra):
                return client.post(
                    url, json.dumps(body or {}), content_type="application/json", **headers, **extra
                )

        return Api()

    return make


def test_overdue_and_dunning(company, api, django_assert_max_num_queries):
    c = contract(company.rep_e1)
    inst = instalment(c, "3000.00", days_overdue=45)
    instalment(contract(company.rep_w1), "100.00")
    rep = api(company.rep_e1)
    rep.get(f"{BASE}/overdue/")
    with django_assert_max_num_queries(8):
        r = rep.get(f"{BASE}/overdue/")
    body = r.json()
    assert r.status_code == 200 and body["count"] == 1
    assert body["items"][0]["days_overdue"] == 45 and body["items"][0]["outstanding"] == "3000.00"
    today = timezone.localdate().isoformat()
    bad = rep.post(
        f"{BASE}/dunning/",
        {"customer_id": c.customer_id, "kind": "phone", "done_on": today, "outcome": " "},
    )
    assert bad.status_code == 422 and "outcome" in bad.json()["fields"]
    extra = rep.post(
        f"{BASE}/dunning/",
        {
            "customer_id": c.customer_id,
            "kind": "phone",
            "done_on": today,
            "outcome": "x",
            "owner_id": 1,
        },
    )
    assert extra.status_code == 422
    ok = rep.post(
        f"{BASE}/dunning/",
        {
            "customer_id": c.customer_id,
            "instalment_id": inst.pk,
            "kind": "visit",
            "done_on": today,
            "outcome": "上门，答应月底付",
        },
    )
    assert ok.status_code == 201 and ok.json()["contract_id"] == c.pk
    listed = rep.get(f"{BASE}/dunning/").json()
    assert listed["count"] == 1
    r = rep.get(f"{BASE}/overdue/")
    assert r.json()["items"][0]["last_action"] == "visit"
    esc = rep.post(f"{BASE}/dunning/customers/{c.customer_id}/escalate", {"reason": "恶意拖欠"})
    assert esc.status_code == 201
    again = rep.post(f"{BASE}/dunning/customers/{c.customer_id}/escalate", {"reason": "再次"})
    assert again.status_code == 422 and again.json()["code"] == "legal_escalation_open"
    assert api(company.logistics1).get(f"{BASE}/overdue/").status_code == 403


def test_write_offs(company, api):
    default_chains_ensure()
    inst = instalment(contract(company.rep_e1), "3000.00", days_overdue=400)
    fin = api(company.finance1)
    r = fin.post(
        f"{BASE}/write-offs/", {"instalment_id": inst.pk, "amount": "3000.01", "reason": "破产"}
    )
    assert r.status_code == 422
    r = fin.post(
        f"{BASE}/write-offs/", {"instalment_id": inst.pk, "amount": "3000.00", "reason": "破产"}
    )
    assert r.status_code == 201 and r.json()["status"] == "draft"
    wid = r.json()["id"]
    r = fin.post(f"{BASE}/write-offs/", {"instalment_id": inst.pk, "amount": "1.00", "reason": "x"})
    assert r.status_code == 422
    r = fin.post(f"{BASE}/write-offs/{wid}/submit")
    assert r.status_code == 200 and r.json()["status"] == "in_approval"
    r = fin.post(f"{BASE}/write-offs/{wid}/submit")
    assert r.status_code == 409
    assert (
        api(company.rep_e1)
        .post(f"{BASE}/write-offs/", {"instalment_id": inst.pk, "amount": "1", "reason": "x"})
        .status_code
        == 403
    )
    assert api(company.rep_w1).get(f"{BASE}/write-offs/{wid}").status_code == 404
    assert fin.get(f"{BASE}/write-offs/").json()["count"] == 1


def test_invoices(company, api, django_assert_max_num_queries):
    c = contract(company.rep_e1, total="1000.00")
    rep = api(company.rep_e1)
    r = rep.post(
        f"{BASE}/invoices/", {"contract_id": c.pk, "kind": "vat_special", "amount": "1000.01"}
    )
    assert r.status_code == 422
    r = rep.post(f"{BASE}/invoices/", {"contract_id": c.pk, "kind": "vat_special", "amount": "600"})
    assert r.status_code == 201
    iid = r.json()["id"]
    assert (
        rep.post(
            f"{BASE}/invoices/{iid}/issue", {"invoice_no": "1", "issued_on": "2026-01-01"}
        ).status_code
        == 403
    )
    fin = api(company.finance1)
    today = timezone.localdate().isoformat()
    r = fin.post(f"{BASE}/invoices/{iid}/issue", {"invoice_no": "04400009", "issued_on": today})
    assert r.status_code == 200 and r.json()["status"] == "issued"
    r2 = rep.post(f"{BASE}/invoices/", {"contract_id": c.pk, "kind": "vat_normal", "amount": "400"})
    r = fin.post(
        f"{BASE}/invoices/{r2.json()['id']}/issue", {"invoice_no": "04400009", "issued_on": today}
    )
    assert r.status_code == 409 and r.json()["code"] == "invoice_number_taken"
    rep.get(f"{BASE}/invoices/")
    with django_assert_max_num_queries(8):
        listed = rep.get(f"{BASE}/invoices/", {"contract": c.pk})
    assert listed.json()["count"] == 2
    assert api(company.rep_w1).get(f"{BASE}/invoices/{iid}").status_code == 404
    assert fin.post(f"{BASE}/invoices/{iid}/void", {"reason": ""}).status_code == 422
    assert fin.post(f"{BASE}/invoices/{iid}/void", {"reason": "红冲"}).json()["status"] == "voided"
