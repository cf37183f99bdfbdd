"""The contracts API: the same scope, rules and messages as the pages."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xiaoguan.contracts.enums import ContractStatus
from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.tests.test_contracts_support import (
    PRICE_DAY,
    approval_chain,
    catalog,
    departments,
    draft,
    float_range,
    line,
    scan,
)
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org import services as org_services

BASE = "/api/v1/contracts/contracts/"


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

            def put(self, url, body):
                return client.put(url, json.dumps(body), content_type="application/json", **headers)

            def multipart(self, url, data):
                return client.post(url, data, **headers)

        return Api()

    return make


@pytest.fixture
def given(company):
    cat = catalog()
    float_range("sales_rep", "10")
    departments(company)
    approval_chain()
    customer = make_customer(company.rep_e1, "上海某大厦物业管理有限公司")
    return cat, customer


def _body(customer, cat, **extra):
    body = {
        "customer_id": customer.pk,
        "title": "消防器材采购合同",
        "price_date": PRICE_DAY.isoformat(),
        "delivery_date": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "delivery_place": "上海市浦东新区世纪大道100号",
        "warranty_months": 12,
        "inspection_cycle_months": 0,
        "lines": [
            {
                "product_id": cat.extinguisher.pk,
                "unit_id": cat.extinguisher.unit_id,
                "quantity": "100",
                "unit_price": "115.00",
            }
        ],
        "terms": [
            {"label": "预付款", "trigger": "signing", "days_after": 7, "percent": "30"},
            {"label": "尾款", "trigger": "acceptance", "percent": "70"},
        ],
    }
    body.update(extra)
    return body


def test_draft_read_update_submit_and_sign(company, api, given):
    cat, customer = given
    rep = api(company.rep_e1)
    response = rep.post(BASE, _body(customer, cat))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["total"] == "11500.00"
    assert data["lines"][0]["list_price"] == "120.00"
    assert [t["amount"] for t in data["terms"]] == ["3450.00", "8050.00"]
    assert data["missing_terms"] == []
    cid = data["id"]
    stale = rep.put(f"{BASE}{cid}", {**_body(customer, cat), "version": 0})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_edit"
    updated = rep.put(f"{BASE}{cid}", {**_body(customer, cat, title="改"), "version": 1})
    assert updated.status_code == 200
    assert updated.json()["version"] == 2
    submitted = rep.post(f"{BASE}{cid}/submit")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == ContractStatus.IN_APPROVAL
    Contract.objects.filter(pk=cid).update(status=ContractStatus.APPROVED)
    no_scan = rep.multipart(
        f"{BASE}{cid}/sign",
        {
            "signed_on": timezone.localdate().isoformat(),
            "customer_signatory": "王经理",
            "company_signatory": "刘洋",
        },
    )
    assert no_scan.status_code == 422
    signed = rep.multipart(
        f"{BASE}{cid}/sign",
        {
            "signed_on": timezone.localdate().isoformat(),
            "customer_signatory": "王经理",
            "company_signatory": "刘洋",
            "scan": scan(),
        },
    )
    assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == ContractStatus.SIGNED


def test_refusals_have_stable_codes_and_change_nothing(company, api, given):
    cat, customer = given
    rep = api(company.rep_e1)
    bad_qty = _body(customer, cat)
    bad_qty["lines"][0]["quantity"] = "0"
    response = rep.post(BASE, bad_qty)
    assert response.status_code == 422
    assert response.json()["code"] == "contract_invalid"
    assert "lines.1.quantity" in response.json()["fields"]
    short = _body(customer, cat)
    short["terms"][1]["percent"] = "60"
    response = rep.post(BASE, short)
    assert response.status_code == 422
    assert response.json()["code"] == "schedule_invalid"
    assert response.json()["message"] == "The percentages add up to 90 %, 10 % short of 100 %."
    not_allowed = _body(customer, cat)
    not_allowed["lines"][0]["list_price"] = "1.00"
    assert rep.post(BASE, not_allowed).status_code == 422
    owner = _body(customer, cat, owner_id=company.rep_e2.pk)
    assert rep.post(BASE, owner).status_code == 422
    assert Contract.objects.count() == 0
    incomplete = rep.post(BASE, _body(customer, cat, delivery_place="", terms=[]))
    cid = incomplete.json()["id"]
    response = rep.post(f"{BASE}{cid}/submit")
    assert response.status_code == 422
    assert response.json()["code"] == "contract_terms_missing"
    assert response.json()["missing"] == ["the place of delivery", "the payment schedule"]
    below = rep.post(BASE, _body(customer, cat, lines=[line_json(cat, "100.00")]))
    response = rep.post(f"{BASE}{below.json()['id']}/submit")
    assert response.status_code == 422
    assert response.json()["code"] == "price_below_range"
    assert set(Contract.objects.values_list("status", flat=True)) == {ContractStatus.DRAFT}


def line_json(cat, price):
    return {
        "product_id": cat.extinguisher.pk,
        "unit_id": cat.extinguisher.unit_id,
        "quantity": "100",
        "unit_price": price,
    }


def test_scope_rights_and_hidden_prices(company, api, given):
    cat, customer = given
    contract = draft(company.rep_e1, customer, [line(cat.extinguisher, "10", "115")])
    assert api(company.rep_w1).get(f"{BASE}{contract.pk}").status_code == 404
    assert api(company.marketing1).get(f"{BASE}{contract.pk}").status_code == 403
    assert api(company.finance1).post(BASE, _body(customer, cat)).status_code == 403
    logistics = api(company.logistics1).get(f"{BASE}{contract.pk}").json()
    assert logistics["lines"][0]["list_price"] is None
    assert logistics["lines"][0]["discount"] is None
    assert logistics["list_total"] is None
    assert logistics["lines"][0]["unit_price"] == "115.00"
    assert Decimal(logistics["total"]) == Decimal("1150.00")


def test_templates_api(company, api):
    from xiaoguan.contracts.services.templates import ClauseData, TemplateData, template_create

    template = template_create(
        actor=company.legal1,
        data=TemplateData(code="SALE", name="设备买卖合同"),
        clauses=[ClauseData("合同标的", "甲方{{customer.name}}")],
    )
    listed = api(company.rep_e1).get("/api/v1/contracts/templates/")
    assert [t["code"] for t in listed.json()] == ["SALE"]
    one = api(company.legal1).get(f"/api/v1/contracts/templates/{template.pk}").json()
    assert one["clauses"] == [{"position": 1, "title": "合同标的", "body": "甲方{{customer.name}}"}]
    assert api(company.finance1).get("/api/v1/contracts/templates/").status_code == 403
