"""The credit file (R-CUS-9): finance sets rating and limit, reps cannot; negative limits are
refused; notes; poor credit flagged; the API and the pages keep the same rules."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from xiaoguan.core.errors import PermissionDenied, ValidationFailed
from xiaoguan.customers.models import CreditNote, Customer
from xiaoguan.customers.selectors import classification as sel
from xiaoguan.customers.services import credit as svc
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org import services as org_services


@pytest.fixture
def api(client):
    def make(user):
        _token, raw = org_services.api_token_create(user=user, name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        class Api:
            def get(self, url):
                return client.get(url, **headers)

            def send(self, method, url, body=None):
                return getattr(client, method)(
                    url, json.dumps(body or {}), content_type="application/json", **headers
                )

        return Api()

    return make


def test_finance_sets_rating_and_limit_with_history(company):
    c = make_customer(company.rep_e1, "绍兴消防设备公司")
    svc.credit_set(customer=c, actor=company.finance1, rating="B", limit="500000", reason="初评")
    c.refresh_from_db()
    assert (c.credit_rating, c.credit_limit) == ("B", Decimal("500000.00"))
    assert c.credit_set_by == company.finance1 and c.credit_set_at is not None
    assert c.history.filter(history_change_reason="初评", credit_limit=500000).exists()
    assert sel.is_poor_credit(c)
    assert list(sel.poor_credit_customers(user=company.mgr_east)) == [c]
    assert list(sel.poor_credit_customers(user=company.rep_w1)) == []


def test_rep_cannot_set_credit_and_negative_limit_is_refused(company):
    c = make_customer(company.rep_e1, "台州消防公司")
    with pytest.raises(PermissionDenied):
        svc.credit_set(customer=c, actor=company.rep_e1, rating="A", limit="1")
    with pytest.raises(ValidationFailed) as exc:
        svc.credit_set(customer=c, actor=company.finance1, rating="A", limit="-1")
    assert "credit_limit" in exc.value.fields
    with pytest.raises(ValidationFailed):
        svc.credit_set(customer=c, actor=company.finance1, rating="Q", limit="1")
    with pytest.raises(ValidationFailed):
        svc.credit_set(customer=c, actor=company.finance1, rating="A", limit="1.001")
    c.refresh_from_db()
    assert c.credit_rating == "" and c.credit_limit is None


def test_notes_need_edit_or_credit_right_and_content(company):
    c = make_customer(company.rep_e1, "湖州消防公司")
    with pytest.raises(ValidationFailed):
        svc.credit_note_add(customer=c, actor=company.rep_e1, content="  ")
    svc.credit_note_add(customer=c, actor=company.rep_e1, content="工商信息正常", rating="A")
    svc.credit_note_add(customer=c, actor=company.finance1, content="有两笔逾期")
    with pytest.raises(PermissionDenied):
        svc.credit_note_add(customer=c, actor=company.users["legal1"], content="x")
    assert CreditNote.objects.filter(customer=c).count() == 2


def test_credit_pages_rights_and_bad_input(company, login):
    c = make_customer(company.rep_e1, "金华消防公司")
    url = reverse("customers:credit_edit", args=[c.pk])
    assert login(company.rep_e1).get(url).status_code == 403
    fin = login(company.finance1)
    assert fin.get(url).status_code == 200
    r = fin.post(url, {"credit_rating": "C", "credit_limit": "-5"})
    assert r.status_code == 422
    c.refresh_from_db()
    assert c.credit_rating == ""
    r = fin.post(url, {"credit_rating": "C", "credit_limit": "120000.50", "reason": "逾期"})
    assert r.status_code == 302
    c.refresh_from_db()
    assert (c.credit_rating, c.credit_limit) == ("C", Decimal("120000.50"))
    page = login(company.rep_e1).get(reverse("customers:detail", args=[c.pk]))
    assert b'data-testid="poor-credit"' in page.content
    assert b'data-testid="credit-edit"' not in page.content
    note_url = reverse("customers:credit_note_add", args=[c.pk])
    rep = login(company.rep_e1)
    assert rep.post(note_url, {"investigated_on": "2999-01-01", "content": "x"}).status_code == 422
    assert (
        rep.post(note_url, {"investigated_on": "2026-01-05", "content": "走访核实"}).status_code
        == 302
    )
    assert c.credit_notes.count() == 1
    # out of scope: 404
    assert (
        login(company.rep_w1).get(reverse("customers:credit_notes", args=[c.pk])).status_code == 404
    )
    assert login(company.users["legal1"]).get(note_url).status_code == 403


def test_credit_api(company, api):
    c = make_customer(company.rep_e1, "丽水消防公司")
    base = f"/api/v1/customers/credit/{c.pk}"
    rep = api(company.rep_e1)
    assert rep.get(base).status_code == 200
    r = rep.send("put", base, {"credit_rating": "A", "credit_limit": "100"})
    assert r.status_code == 403
    assert api(company.rep_w1).get(base).status_code == 404
    fin = api(company.finance1)
    r = fin.send("put", base, {"credit_rating": "A", "credit_limit": "-100"})
    assert r.status_code == 422 and r.json()["code"] == "validation_failed"
    r = fin.send("put", base, {"credit_rating": "AA", "credit_limit": "300000", "owner": 1})
    assert r.status_code == 422  # extra fields refused
    r = fin.send("put", base, {"credit_rating": "AA", "credit_limit": "300000"})
    assert r.status_code == 200 and r.json()["credit_rating"] == "AA"
    assert Customer.objects.get(pk=c.pk).credit_limit == Decimal("300000")
    r = rep.send("post", f"{base}/notes", {"content": "营业执照齐全"})
    assert r.status_code == 201
    assert rep.get(base).json()["notes"][0]["content"] == "营业执照齐全"
    # classification through the API
    r = rep.send("post", f"{base}/class", {"customer_class": "A", "reason": "x"})
    assert r.status_code == 403
    mgr = api(company.mgr_east)
    r = mgr.send("post", f"{base}/class", {"customer_class": "A", "reason": ""})
    assert r.status_code == 422
    r = mgr.send("post", f"{base}/class", {"customer_class": "A", "reason": "集团客户"})
    assert r.status_code == 200 and r.json()["customer_class"] == "A"
    assert r.json()["class_overridden"] is True
    r = mgr.send("post", f"{base}/class/clear")
    assert r.status_code == 200 and r.json()["class_overridden"] is False
    r = mgr.send("post", f"{base}/grade", {"grade": "B"})
    assert r.status_code == 200 and r.json()["grade"] == "B"
    assert api(company.mgr_west).send("post", f"{base}/grade", {"grade": "A"}).status_code == 404
