"""Quotes API: the same scope and rules as the pages; prices computed by the service; the cost
estimate only for holders of pricing.confidential; refusals as JSON with a code."""

import json
from decimal import Decimal

import pytest

from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org import services as org_services
from xiaoguan.sales.models import Quote
from xiaoguan.sales.tests.quote_factories import (
    float_ranges,
    line,
    make_quote,
    priced_product,
    quote_chain,
)

BASE = "/api/v1/sales/quotes/"


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


@pytest.fixture
def setup(company):
    quote_chain()
    float_ranges(sales_rep="5", sales_manager="10")
    e1 = make_customer(company.rep_e1, "上海安消消防设备有限公司")
    w = make_customer(company.rep_w1, "成都某商业广场")
    ext = priced_product("MFZ-ABC4", "手提式干粉灭火器", price="100.00")
    return company, e1, w, ext


def test_list_and_detail_are_scoped(setup, api):
    company, e1, w, ext = setup
    mine = make_quote(company.rep_e1, e1, [line(ext, "2")])
    theirs = make_quote(company.rep_w1, w, [line(ext)])
    rep = api(company.rep_e1)
    body = rep.get(BASE).json()
    assert body["count"] == 1
    assert body["items"][0]["number"] == mine.number
    assert "cost_estimate" not in body["items"][0]
    detail = rep.get(f"{BASE}{mine.pk}").json()
    assert detail["lines"][0]["amount"] == "200.00"
    assert detail["total"] == "200.00"
    assert rep.get(f"{BASE}{theirs.pk}").status_code == 404
    assert api(company.finance1).get(BASE).status_code == 403


def test_cost_estimate_only_for_the_confidential_right(setup, api):
    company, e1, _w, ext = setup
    quote = make_quote(company.director, e1, [line(ext)], cost_estimate="55.5")
    assert api(company.director).get(f"{BASE}{quote.pk}").json()["cost_estimate"] == "55.50"
    assert "cost_estimate" not in api(company.rep_e1).get(f"{BASE}{quote.pk}").json()


def test_create_computes_prices_and_ignores_none_from_the_client(setup, api):
    company, e1, _w, ext = setup
    response = api(company.rep_e1).post(
        BASE,
        {
            "customer_id": e1.pk,
            "title": "消防器材报价",
            "cost_estimate": "10",
            "lines": [{"product_id": ext.pk, "quantity": "3", "discount": "4"}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["lines"][0]["list_price"] == "100.00"
    assert body["lines"][0]["unit_price"] == "96.00"
    assert body["total"] == "288.00"
    assert Quote.objects.get().cost_estimate is None  # a rep cannot set it


def test_create_refuses_a_client_list_price_and_bad_lines(setup, api):
    company, e1, _w, ext = setup
    rep = api(company.rep_e1)
    forged = rep.post(
        BASE,
        {
            "customer_id": e1.pk,
            "title": "x",
            "lines": [{"product_id": ext.pk, "quantity": "1", "list_price": "1"}],
        },
    )
    assert forged.status_code == 422
    zero = rep.post(
        BASE,
        {"customer_id": e1.pk, "title": "x", "lines": [{"product_id": ext.pk, "quantity": "0"}]},
    )
    assert zero.status_code == 422
    assert zero.json()["code"] == "quote_invalid"
    assert "lines.1.quantity" in zero.json()["fields"]
    assert not Quote.objects.exists()


def test_update_with_version_and_stale_edit(setup, api):
    company, e1, _w, ext = setup
    quote = make_quote(company.rep_e1, e1, [line(ext)])
    rep = api(company.rep_e1)
    body = {"version": 1, "title": "改", "lines": [{"product_id": ext.pk, "quantity": "5"}]}
    ok = rep.put(f"{BASE}{quote.pk}", body)
    assert ok.status_code == 200
    assert ok.json()["total"] == "500.00"
    stale = rep.put(f"{BASE}{quote.pk}", {**body, "title": "再改"})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_edit"
    assert Quote.objects.get().title == "改"


def test_submit_below_range_refused_with_the_code(setup, api):
    company, e1, _w, ext = setup
    quote = make_quote(company.rep_e1, e1, [line(ext, "1", unit_price="80")])
    response = api(company.rep_e1).post(f"{BASE}{quote.pk}/submit", {})
    assert response.status_code == 422
    assert response.json()["code"] == "price_below_range"
    assert Quote.objects.get().status == "draft"


def test_submit_approve_accept(setup, api):
    from xiaoguan.approvals.models import ApprovalTask
    from xiaoguan.approvals.services import approval_decide

    company, e1, _w, ext = setup
    quote = make_quote(company.rep_e1, e1, [line(ext)])
    rep = api(company.rep_e1)
    assert rep.post(f"{BASE}{quote.pk}/submit", {}).json()["status"] == "in_approval"
    early = rep.post(f"{BASE}{quote.pk}/accept", {"note": ""})
    assert early.status_code == 409
    assert early.json()["code"] == "invalid_transition"
    task = ApprovalTask.objects.get(request__doc_type="quote", status="pending")
    approval_decide(task_id=task.pk, actor=task.approver, decision="approve")
    lost = rep.post(f"{BASE}{quote.pk}/lose", {"lost_reason": "nonsense"})
    assert lost.status_code == 422
    accepted = rep.post(f"{BASE}{quote.pk}/accept", {"note": "签回"})
    assert accepted.json()["status"] == "accepted"


def test_lose(setup, api):
    from xiaoguan.approvals.models import ApprovalTask
    from xiaoguan.approvals.services import approval_decide

    company, e1, _w, ext = setup
    quote = make_quote(company.rep_e1, e1, [line(ext)])
    rep = api(company.rep_e1)
    rep.post(f"{BASE}{quote.pk}/submit", {})
    task = ApprovalTask.objects.get(request__doc_type="quote", status="pending")
    approval_decide(task_id=task.pk, actor=task.approver, decision="approve")
    body = rep.post(f"{BASE}{quote.pk}/lose", {"lost_reason": "price", "note": "贵"}).json()
    assert (body["status"], body["lost_reason"]) == ("lost", "price")
    assert Quote.objects.get().total == Decimal("1000.00")
