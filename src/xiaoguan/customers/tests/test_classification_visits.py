"""Visit frequency by grade (R-CUS-3): the overdue selector at fixed dates, the page (scope,
sort, constant queries), its export, the dashboard panel and the customer-page section."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from xiaoguan.core import policy
from xiaoguan.customers.models import Customer
from xiaoguan.customers.selectors import classification as sel
from xiaoguan.customers.tests.factories import make_customer


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    """policy_set caches values that the test's rollback leaves behind: start and end clean."""
    cache.clear()
    yield
    cache.clear()


NOW = datetime(2026, 6, 30, 9, 0, tzinfo=UTC)


def _customer(owner, name, *, grade, created_days_ago, contact_days_ago=None):
    c = make_customer(owner, name)
    Customer.objects.filter(pk=c.pk).update(
        grade=grade,
        created_at=NOW - timedelta(days=created_days_ago),
        last_contact_at=None
        if contact_days_ago is None
        else NOW - timedelta(days=contact_days_ago),
    )
    return c


@pytest.fixture
def book(company):
    e1 = company.rep_e1
    return {
        "a_due": _customer(e1, "A逾期", grade="A", created_days_ago=400, contact_days_ago=31),
        "a_ok": _customer(e1, "A正常", grade="A", created_days_ago=400, contact_days_ago=29),
        "b_never": _customer(e1, "B未联系", grade="B", created_days_ago=100),
        "b_new": _customer(e1, "B新客户", grade="B", created_days_ago=10),
        "c_due": _customer(e1, "C逾期", grade="C", created_days_ago=900, contact_days_ago=200),
        "ungraded": _customer(e1, "未分级", grade="", created_days_ago=900),
        "e2_due": _customer(
            company.rep_e2, "二组A逾期", grade="A", created_days_ago=90, contact_days_ago=60
        ),
        "w_due": _customer(company.rep_w1, "西部A逾期", grade="A", created_days_ago=90),
    }


def _names(qs):
    return [c.name for c in qs]


def test_overdue_selector_by_grade_and_scope(company, book):
    rep = sel.visits_due(user=company.rep_e1, now=NOW)
    assert _names(rep) == ["C逾期", "B未联系", "A逾期"]  # the most overdue first
    days = {c.name: sel.days_overdue(c, NOW) for c in rep}
    assert days == {"C逾期": 20, "B未联系": 10, "A逾期": 1}
    assert set(_names(sel.visits_due(user=company.mgr_east, now=NOW))) == {
        "C逾期",
        "B未联系",
        "A逾期",
        "二组A逾期",
    }
    assert _names(sel.visits_due(user=company.mgr_east, owner=company.rep_e2, now=NOW)) == [
        "二组A逾期"
    ]
    assert _names(sel.visits_due(user=company.rep_e1, grade="A", now=NOW)) == ["A逾期"]
    assert _names(sel.visits_due(user=company.rep_e1, sort="name", now=NOW))[0] == "A逾期"
    # the policy decides the frequency
    policy.policy_set(key="customers.visit_days_a", raw=60, actor=company.gm)
    assert "A逾期" not in _names(sel.visits_due(user=company.rep_e1, now=NOW))
    assert "二组A逾期" not in _names(sel.visits_due(user=company.mgr_east, now=NOW))


def test_inactive_and_pool_customers_are_not_listed(company, book):
    Customer.objects.filter(pk=book["a_due"].pk).update(is_active=False)
    assert "A逾期" not in _names(sel.visits_due(user=company.rep_e1, now=NOW))


def test_visits_due_page_is_scoped_sorted_and_constant_in_queries(
    company, book, login, django_assert_max_num_queries
):
    client = login(company.mgr_east)
    url = reverse("customers:visits_due")
    with django_assert_max_num_queries(12):
        r = client.get(url, {"sort": "name"})
    assert r.status_code == 200
    first = r.content.count(b'data-testid="visits-due-row"')
    for i in range(15):
        _customer(company.rep_e2, f"批量{i:02d}", grade="C", created_days_ago=500)
    with django_assert_max_num_queries(12):
        r = client.get(url, {"sort": "-due", "grade": "C"})
    assert r.content.count(b'data-testid="visits-due-row"') > first
    assert "西部A逾期".encode() not in r.content
    r = login(company.rep_w1).get(url, {"sort": "bogus", "owner": "abc"})
    assert r.status_code == 200


def test_visits_due_export_respects_scope(company, book, login):
    from io import BytesIO

    from openpyxl import load_workbook

    r = login(company.rep_e1).get(reverse("customers:visits_due_export"))
    assert r.status_code == 200
    wb = load_workbook(BytesIO(b"".join(r.streaming_content)))
    names = [row[0].value for row in wb.active.iter_rows(min_row=2)]
    assert "二组A逾期" not in names and "西部A逾期" not in names
    assert "B未联系" in names


def test_dashboard_panel_counts(company, book, login):
    counts = sel.visits_due_counts(user=company.mgr_east)
    assert counts["mine"] == 0 and counts["team"] >= 1
    assert sel.visits_due_counts(user=company.rep_e1)["team"] is None
    r = login(company.rep_e1).get("/")
    assert b'data-testid="visits-due-panel"' in r.content


def test_customer_page_section_and_override_flow(company, login, django_assert_max_num_queries):
    c = make_customer(company.rep_e1, "义乌消防器材公司", purchase_potential="high")
    detail = reverse("customers:detail", args=[c.pk])
    rep = login(company.rep_e1)
    r = rep.get(detail)
    assert b'data-testid="classification-section"' in r.content
    assert b'data-testid="class-breakdown"' in r.content
    assert b'data-testid="class-override-form"' not in r.content
    assert rep.post(reverse("customers:class_override", args=[c.pk]), {}).status_code == 403
    mgr = login(company.mgr_east)
    r = mgr.post(
        reverse("customers:class_override", args=[c.pk]), {"customer_class": "A", "reason": ""}
    )
    assert r.status_code == 422
    r = mgr.post(
        reverse("customers:class_override", args=[c.pk]),
        {"customer_class": "A", "reason": "行业标杆"},
    )
    assert r.status_code == 302
    r = mgr.get(detail)
    assert b'data-testid="class-overridden"' in r.content
    assert "行业标杆".encode() in r.content
    assert mgr.post(reverse("customers:grade_set", args=[c.pk]), {"grade": "A"}).status_code == 302
    assert mgr.post(reverse("customers:class_override_clear", args=[c.pk])).status_code == 302
    c.refresh_from_db()
    assert c.grade == "A" and c.customer_class == c.class_proposed
    assert (
        login(company.mgr_west)
        .post(reverse("customers:grade_set", args=[c.pk]), {"grade": "C"})
        .status_code
        == 404
    )


def test_classification_rule_page_and_recompute(company, login):
    make_customer(company.rep_e1, "衢州消防公司", purchase_potential="high")
    url = reverse("customers:classification_rule")
    assert login(company.rep_e1).get(url).status_code == 200
    recompute = reverse("customers:classification_recompute")
    assert login(company.mgr_east).post(recompute).status_code == 403
    policy.policy_set(key="customers.class_threshold_b", raw=20, actor=company.gm)
    assert login(company.gm).post(recompute).status_code == 302
    assert Customer.objects.get(name="衢州消防公司").customer_class == "B"
