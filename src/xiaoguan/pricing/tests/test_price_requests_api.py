"""API of price approval requests: scoped list and detail, floor prices only for
``pricing.confidential``, filing from a document with an Idempotency-Key, and the refusals."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from xiaoguan.org import services as org_services
from xiaoguan.pricing.enums import ApprovalDocStatus
from xiaoguan.pricing.models import PriceRequest
from xiaoguan.pricing.tests.test_price_requests_support import (  # noqa: F401  (fixtures)
    line,
    pricing_setup_fixture,
    subjects_fixture,
)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/pricing/price-requests/"
D = Decimal


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


def _doc(company, subjects, p, owner=None):
    return subjects.add(
        owner=owner or company.rep_e1,
        lines=[line(p, "5", "100", "96"), line(p, "2", "100", "90")],
    )


def test_filing_reads_the_lines_from_the_document(company, api, subjects, pricing_setup):
    doc = _doc(company, subjects, pricing_setup)
    response = api(company.rep_e1).post(
        BASE, {"subject_kind": "quote", "subject_id": doc.pk, "reason": "竞品报价低"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "in_approval"
    assert body["max_discount"] == "10.00"
    assert body["amount"] == "180.00"
    assert len(body["lines"]) == 1
    assert body["lines"][0]["requested_price"] == "90.00"
    assert body["lines"][0]["below_range_by"] == "5.00"
    assert body["lines"][0]["floor_price"] is None


def test_client_figures_are_not_accepted(company, api, subjects, pricing_setup):
    doc = _doc(company, subjects, pricing_setup)
    response = api(company.rep_e1).post(
        BASE,
        {
            "subject_kind": "quote",
            "subject_id": doc.pk,
            "reason": "x",
            "lines": [{"unit_price": "1"}],
            "status": "approved",
        },
    )
    assert response.status_code == 422
    assert not PriceRequest.objects.exists()


def test_the_same_idempotency_key_gives_the_first_answer(company, api, subjects, pricing_setup):
    doc = _doc(company, subjects, pricing_setup)
    client = api(company.rep_e1)
    body = {"subject_kind": "quote", "subject_id": doc.pk, "reason": "竞品报价低"}
    first = client.post(BASE, body, HTTP_IDEMPOTENCY_KEY="pr-1")
    again = client.post(BASE, body, HTTP_IDEMPOTENCY_KEY="pr-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert PriceRequest.objects.count() == 1
    other = client.post(BASE, {**body, "reason": "另一个"}, HTTP_IDEMPOTENCY_KEY="pr-1")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


def test_filing_refusals(company, api, subjects, pricing_setup):
    p = pricing_setup
    west = _doc(company, subjects, p, owner=company.rep_w1)
    within = subjects.add(owner=company.rep_e1, lines=[line(p, "2", "100", "95")])
    client = api(company.rep_e1)
    # another region's document: not found
    response = client.post(BASE, {"subject_kind": "quote", "subject_id": west.pk, "reason": "x"})
    assert response.status_code == 404
    # nothing below the range
    response = client.post(BASE, {"subject_kind": "quote", "subject_id": within.pk, "reason": "x"})
    assert (response.status_code, response.json()["code"]) == (422, "price_request_not_needed")
    # no reason
    mine = _doc(company, subjects, p)
    response = client.post(BASE, {"subject_kind": "quote", "subject_id": mine.pk, "reason": " "})
    assert (response.status_code, response.json()["code"]) == (422, "price_request_invalid")
    assert not PriceRequest.objects.exists()
    # a second request while one is pending
    body = {"subject_kind": "quote", "subject_id": mine.pk, "reason": "竞品"}
    assert client.post(BASE, body).status_code == 201
    response = client.post(BASE, body)
    assert (response.status_code, response.json()["code"]) == (409, "price_request_pending")
    assert PriceRequest.objects.count() == 1
    # a role without the right
    response = api(company.finance1).post(BASE, body)
    assert response.status_code == 403
    assert PriceRequest.objects.count() == 1


def test_list_and_detail_are_scoped_and_floor_prices_confidential(
    company, api, subjects, pricing_setup, django_assert_max_num_queries
):
    mine = _doc(company, subjects, pricing_setup)
    west = _doc(company, subjects, pricing_setup, owner=company.rep_w1)
    east_id = (
        api(company.rep_e1)
        .post(BASE, {"subject_kind": "quote", "subject_id": mine.pk, "reason": "a"})
        .json()["id"]
    )
    west_id = (
        api(company.rep_w1)
        .post(BASE, {"subject_kind": "quote", "subject_id": west.pk, "reason": "b"})
        .json()["id"]
    )
    rep = api(company.rep_e1)
    with django_assert_max_num_queries(12):
        body = rep.get(BASE).json()
    assert [i["id"] for i in body["items"]] == [east_id]
    assert rep.get(f"{BASE}{west_id}").status_code == 404
    assert rep.get(f"{BASE}{east_id}").json()["lines"][0]["floor_price"] is None
    director = api(company.director)
    assert director.get(BASE).json()["count"] == 2
    assert director.get(BASE, status="open", subject_kind="quote").json()["count"] == 2
    assert director.get(f"{BASE}{east_id}").json()["lines"][0]["floor_price"] == "95.00"
    assert api(company.hr1).get(BASE).status_code == 403


def test_cancel_through_the_api(company, api, subjects, pricing_setup):
    doc = _doc(company, subjects, pricing_setup)
    created = (
        api(company.rep_e1)
        .post(BASE, {"subject_kind": "quote", "subject_id": doc.pk, "reason": "a"})
        .json()
    )
    assert api(company.rep_e1b).post(f"{BASE}{created['id']}/cancel", {}).status_code == 404
    response = api(company.mgr_east).post(f"{BASE}{created['id']}/cancel", {})
    assert response.status_code == 403
    assert PriceRequest.objects.get().status == ApprovalDocStatus.IN_APPROVAL
    response = api(company.rep_e1).post(f"{BASE}{created['id']}/cancel", {})
    assert response.status_code == 200
    assert response.json()["status"] == ApprovalDocStatus.CANCELLED
