"""The receivables API (receipts and instalments): the same scope, rules and messages as the
pages; ``Idempotency-Key`` on recording; the races on PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from conftest import race
from xiaoguan.core.errors import ValidationFailed
from xiaoguan.org import services as org_services
from xiaoguan.receivables.enums import InstalmentStatus
from xiaoguan.receivables.models import Instalment, Receipt
from xiaoguan.receivables.services.receipts import receipt_allocate
from xiaoguan.receivables.tests.factories import contract_with_plan, customer, pay, plan_of

BASE = "/api/v1/receivables"
TODAY = timezone.localdate


def _headers(user, key=None):
    _token, raw = org_services.api_token_create(user=user, name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return headers


class Api:
    def __init__(self, user, client=None):
        self.client = client or Client(HTTP_ACCEPT_LANGUAGE="en")
        self.headers = _headers(user)

    def get(self, url, **params):
        return self.client.get(url, params, **self.headers)

    def post(self, url, body=None, key=None):
        extra = dict(self.headers)
        if key:
            extra["HTTP_IDEMPOTENCY_KEY"] = key
        return self.client.post(
            url, json.dumps(body or {}), content_type="application/json", **extra
        )


@pytest.fixture
def east(company):
    cust = customer(company.rep_e1)
    return cust, contract_with_plan(company.rep_e1, cust=cust)


def _body(cust, **kw):
    body = {
        "customer_id": cust.pk,
        "method": "transfer",
        "amount": "1200.00",
        "received_on": TODAY().isoformat(),
        "reference": "ICBC-778",
    }
    body.update(kw)
    return body


@pytest.mark.django_db
def test_record_with_an_idempotency_key_records_once(company, east):
    cust, contract = east
    api = Api(company.finance1)
    first = api.post(f"{BASE}/receipts", _body(cust), key="rcpt-0001")
    assert first.status_code == 201, first.content
    again = api.post(f"{BASE}/receipts", _body(cust), key="rcpt-0001")
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert Receipt.objects.count() == 1
    other = api.post(f"{BASE}/receipts", _body(cust, amount="99.00"), key="rcpt-0001")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    data = first.json()
    assert (data["allocated"], data["unallocated"]) == ("1200.00", "0.00")
    assert [a["amount"] for a in data["allocations"]] == ["1200.00"]
    assert data["allocations"][0]["instalment_id"] == plan_of(contract)[0].pk


@pytest.mark.django_db
def test_refusals_are_422_with_fields_and_rights_are_403(company, east):
    cust, contract = east
    api = Api(company.finance1)
    response = api.post(f"{BASE}/receipts", _body(cust, amount="-5"))
    assert response.status_code == 422
    assert "amount" in response.json()["fields"]
    response = api.post(f"{BASE}/receipts", _body(cust, amount="5.001"))
    assert response.status_code == 422
    future = (TODAY() + timedelta(days=3)).isoformat()
    response = api.post(f"{BASE}/receipts", _body(cust, received_on=future))
    assert response.json()["fields"]["received_on"]
    early = (contract.signed_on - timedelta(days=1)).isoformat()
    response = api.post(f"{BASE}/receipts", _body(cust, contract_id=contract.pk, received_on=early))
    assert "before the contract was signed" in response.json()["fields"]["received_on"][0]
    assert Api(company.rep_e1).post(f"{BASE}/receipts", _body(cust)).status_code == 403
    assert Receipt.objects.count() == 0


@pytest.mark.django_db
def test_allocate_reverse_and_scope(company, east, django_assert_max_num_queries):
    cust, contract = east
    api = Api(company.finance1)
    created = api.post(f"{BASE}/receipts", _body(cust, allocate="none")).json()
    first, second = plan_of(contract)
    over = api.post(
        f"{BASE}/receipts/{created['id']}/allocate",
        {"allocations": [{"instalment_id": second.pk, "amount": "1200.01"}]},
    )
    assert over.status_code == 422
    done = api.post(
        f"{BASE}/receipts/{created['id']}/allocate",
        {"allocations": [{"instalment_id": second.pk, "amount": "200.00"}]},
    )
    assert done.status_code == 200 and done.json()["allocated"] == "200.00"
    auto = api.post(f"{BASE}/receipts/{created['id']}/allocate", {})
    assert auto.json()["allocated"] == "1200.00"
    first.refresh_from_db()
    assert first.collected == Decimal("1000.00")
    reversed_ = api.post(f"{BASE}/receipts/{created['id']}/reverse", {"reason": "录错客户"})
    assert reversed_.json()["status"] == "reversed"
    again = api.post(f"{BASE}/receipts/{created['id']}/allocate", {})
    assert again.status_code == 409
    # a rep of the west does not see the east's receipt or instalments
    west = Api(company.rep_w1)
    assert west.get(f"{BASE}/receipts/{created['id']}").status_code == 404
    assert west.get(f"{BASE}/receipts").json()["count"] == 0
    assert west.get(f"{BASE}/instalments").json()["count"] == 0
    rep = Api(company.rep_e1)
    for amount in ("10.00", "20.00", "30.00"):
        pay(company.finance1, cust, amount)
    with django_assert_max_num_queries(10):
        page = rep.get(f"{BASE}/receipts").json()
    assert page["count"] == 4
    with django_assert_max_num_queries(10):
        plan = rep.get(f"{BASE}/instalments", contract=contract.pk, status="open").json()
    assert plan["count"] == 2
    assert rep.get(f"{BASE}/instalments", status="nonsense").status_code == 422
    due = rep.get(
        f"{BASE}/instalments",
        due_from=(TODAY() - timedelta(days=400)).isoformat(),
        due_to=TODAY().isoformat(),
    ).json()
    assert [i["label"] for i in due["items"]] == ["预付款"]
    one = rep.get(f"{BASE}/instalments/{first.pk}").json()
    assert one["outstanding"] == "2940.00"
    assert west.get(f"{BASE}/instalments/{first.pk}").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_receipt_posted_twice_at_once_is_recorded_once(company):
    cust = customer(company.rep_e1)
    contract_with_plan(company.rep_e1, cust=cust)
    body = _body(cust)
    apis = [Api(company.finance1), Api(company.finance1)]
    results = race([lambda a=a: a.post(f"{BASE}/receipts", body, key="same-key-1") for a in apis])
    codes = sorted(r.status_code for r in results)
    assert codes in ([201, 201], [201, 409]), codes
    assert Receipt.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_receipts_racing_for_the_last_outstanding_never_over_allocate(company):
    cust = customer(company.rep_e1)
    contract = contract_with_plan(company.rep_e1, cust=cust)
    first = plan_of(contract)[0]
    a = pay(company.finance1, cust, "3000.00", allocate="none")
    b = pay(company.finance1, cust, "3000.00", allocate="none")
    results = race(
        [
            lambda r=r: receipt_allocate(
                actor=company.finance1, receipt_id=r.pk, allocations=[(first.pk, "3000.00")]
            )
            for r in (a, b)
        ]
    )
    assert sum(isinstance(r, ValidationFailed) for r in results) == 1, results
    first.refresh_from_db()
    assert (first.collected, first.status) == (Decimal("3000.00"), InstalmentStatus.PAID)
    # and recording two receipts at once, oldest first: the second one gets the next instalment
    c = pay(company.finance1, cust, "1.00", allocate="none")
    results = race([lambda: pay(company.finance1, cust, "7000.00") for _ in range(2)])
    assert all(isinstance(r, Receipt) for r in results), results
    second = Instalment.objects.get(pk=plan_of(contract)[1].pk)
    assert second.collected == Decimal("7000.00")
    assert sorted(r.allocated for r in Receipt.objects.exclude(pk__in=[a.pk, b.pk, c.pk])) == [
        Decimal("0.00"),
        Decimal("7000.00"),
    ]
