"""The scoring rule (R-CUS-3): table-driven score, proposal on create/update, override and
clear, and the set-based recompute after a policy change."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from xiaoguan.core import policy
from xiaoguan.core.errors import PermissionDenied, ValidationFailed
from xiaoguan.customers.models import Customer
from xiaoguan.customers.services import CustomerData, customer_update
from xiaoguan.customers.services import classification as svc
from xiaoguan.customers.tests.factories import make_customer


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    """policy_set caches values that the test's rollback leaves behind: start and end clean."""
    cache.clear()
    yield
    cache.clear()


# Defaults: weights scale 30, potential 30, intent 25, history 15 (total 100); points
# employees 20/40/70/100, revenue 10/30/50/80/100, potential & intent 20/60/100,
# history 0/60/100; A ≥ 70, B ≥ 40.
CASES = [
    # (employee_band, revenue_band, potential, intent, history, score, class)
    ("", "", "", "", "", 0, "C"),
    ("1000_plus", "1b_plus", "high", "high", "repeat", 100, "A"),
    ("lt50", "lt10m", "low", "low", "none", 16, "C"),  # scale (20+10)//2=15
    ("200_999", "", "medium", "medium", "once", 63, "B"),  # 70*.3+60*.3+60*.25+60*.15=63
    ("", "50m_200m", "high", "medium", "none", 60, "B"),  # 15+30+15+0
    ("1000_plus", "200m_1b", "high", "high", "none", 82, "A"),  # scale 90: 27+30+25
    ("50_199", "10m_50m", "low", "medium", "none", 32, "C"),  # 35*.3=10.5+6+15 = 31.5 → 32
]


@pytest.mark.parametrize(("emp", "rev", "pot", "intent", "hist", "score", "klass"), CASES)
def test_score_table(db, emp, rev, pot, intent, hist, score, klass):
    result = svc.score_customer(
        employee_band=emp,
        revenue_band=rev,
        purchase_potential=pot,
        purchase_intent=intent,
        purchase_history=hist,
    )
    assert (result.score, result.proposed) == (score, klass)
    assert [f.key for f in result.factors] == ["scale", "potential", "intent", "history"]
    assert sum(f.contribution for f in result.factors) == pytest.approx(result.score, abs=1)
    stored = result.breakdown()
    assert stored["total_weight"] == 100
    assert stored["thresholds"] == {"A": 70, "B": 40}


def test_zero_weights_score_zero(db):
    rule = svc.Rule(
        weights=dict.fromkeys(svc.FACTORS, 0),
        points=svc.scoring_rule().points,
        threshold_a=70,
        threshold_b=40,
    )
    assert svc.score_customer(purchase_potential="high", rule=rule).score == 0


def test_create_and_update_propose_the_class(company):
    c = make_customer(
        company.rep_e1,
        "杭州安防科技有限公司",
        employee_band="1000_plus",
        revenue_band="1b_plus",
        purchase_potential="high",
        purchase_intent="high",
        purchase_history="repeat",
    )
    c.refresh_from_db()
    assert (c.class_score, c.class_proposed, c.customer_class) == (100, "A", "A")
    assert len(c.class_breakdown["factors"]) == 4
    customer_update(
        customer=c, actor=company.rep_e1, data=CustomerData(name=c.name, purchase_intent="low")
    )
    c.refresh_from_db()
    assert c.customer_class == "C" and c.class_proposed == "C"


def test_bad_scoring_input_is_refused(company):
    from xiaoguan.customers.errors import CustomerInvalid

    with pytest.raises(CustomerInvalid) as exc:
        make_customer(company.rep_e1, "坏数据公司", purchase_potential="huge")
    assert "purchase_potential" in exc.value.fields
    assert not Customer.objects.filter(name="坏数据公司").exists()


def test_override_keeps_through_updates_and_clear_returns_to_proposal(company):
    c = make_customer(company.rep_e1, "宁波消防器材公司", purchase_potential="low")
    assert c.customer_class == "C"
    with pytest.raises(ValidationFailed):
        svc.class_override(customer=c, actor=company.mgr_east, customer_class="A", reason=" ")
    with pytest.raises(PermissionDenied):
        svc.class_override(customer=c, actor=company.rep_e1, customer_class="A", reason="x")
    svc.class_override(
        customer=c, actor=company.mgr_east, customer_class="A", reason="集团战略客户"
    )
    c.refresh_from_db()
    assert (c.customer_class, c.class_proposed) == ("A", "C")
    assert c.class_overridden_by == company.mgr_east
    assert c.history.filter(history_change_reason__contains="集团战略客户").exists()
    customer_update(
        customer=c, actor=company.rep_e1, data=CustomerData(name=c.name, purchase_intent="medium")
    )
    c.refresh_from_db()
    assert c.customer_class == "A"  # the override stands
    svc.class_override_clear(customer=c, actor=company.mgr_east)
    c.refresh_from_db()
    assert c.customer_class == c.class_proposed == "C"
    assert c.class_overridden_by is None and c.class_override_reason == ""


def test_grade_set_by_a_manager_only(company):
    c = make_customer(company.rep_e1, "温州消防工程公司")
    with pytest.raises(PermissionDenied):
        svc.grade_set(customer=c, actor=company.rep_e1, grade="A")
    with pytest.raises(ValidationFailed):
        svc.grade_set(customer=c, actor=company.mgr_east, grade="Z")
    svc.grade_set(customer=c, actor=company.mgr_east, grade="A")
    c.refresh_from_db()
    assert c.grade == "A"


def test_recompute_all_follows_a_policy_change(company):
    a = make_customer(company.rep_e1, "甲公司", purchase_potential="high", purchase_intent="high")
    b = make_customer(
        company.rep_e1,
        "乙公司",
        employee_band="200_999",
        revenue_band="50m_200m",
        purchase_history="once",
    )
    o = make_customer(company.rep_e1, "丙公司", purchase_potential="high")
    svc.class_override(customer=o, actor=company.gm, customer_class="B", reason="老客户")
    assert Customer.objects.get(pk=a.pk).customer_class == "B"  # 30+25 = 55
    policy.policy_set(key="customers.class_threshold_a", raw=50, actor=company.gm)
    policy.policy_set(key="customers.class_weight_history", raw=45, actor=company.gm)
    with pytest.raises(PermissionDenied):
        svc.recompute_all(actor=company.mgr_east)
    assert svc.recompute_all(actor=company.gm, batch_size=2) == 3
    assert svc.recompute_all(actor=company.gm) == 0  # up to date: nothing rewritten
    rule = svc.scoring_rule()
    for c in Customer.objects.filter(pk__in=[a.pk, b.pk, o.pk]):
        expected = svc.score_customer(
            employee_band=c.employee_band,
            revenue_band=c.revenue_band,
            purchase_potential=c.purchase_potential,
            purchase_intent=c.purchase_intent,
            purchase_history=c.purchase_history,
            rule=rule,
        )
        assert c.class_score == expected.score
        assert c.class_proposed == expected.proposed
        assert c.class_breakdown == expected.breakdown()
    a.refresh_from_db()
    o.refresh_from_db()
    assert a.customer_class == a.class_proposed
    assert o.customer_class == "B"  # the override stands


def test_points_rule_checks_the_count(db):
    with pytest.raises(ValidationFailed):
        policy.rule("customers.class_points_potential").parse("10,20")
    with pytest.raises(ValidationFailed):
        policy.rule("customers.credit_poor_ratings").parse("B,Z")
    assert policy.rule("customers.credit_poor_ratings").parse("C， B") == "C,B"


def test_scoring_inputs_set_rescores(company):
    c = make_customer(company.rep_e1, "舟山港消防公司")
    with pytest.raises(ValidationFailed):
        svc.scoring_inputs_set(customer=c, actor=company.rep_e1, purchase_intent="max")
    with pytest.raises(PermissionDenied):
        svc.scoring_inputs_set(customer=c, actor=company.finance1, purchase_intent="high")
    svc.scoring_inputs_set(
        customer=c,
        actor=company.rep_e1,
        purchase_potential="high",
        purchase_intent="high",
        purchase_history="repeat",
    )
    c.refresh_from_db()
    assert (c.class_score, c.customer_class) == (70, "A")  # 0 + 30 + 25 + 15


def test_policy_page_edits_the_points_and_ratings_rules(company, login):
    from django.urls import reverse

    client = login(company.gm)
    url = reverse("policy_rule_edit", args=["customers.class_points_potential"])
    assert client.get(url).status_code == 200
    r = client.post(url, {"value": "10, 50", "reason": "试行"})
    assert r.status_code != 302
    assert policy.value("customers.class_points_potential") == [20, 60, 100]
    r = client.post(url, {"value": "10, 50, 90", "reason": "试行"})
    assert r.status_code == 302
    assert policy.value("customers.class_points_potential") == [10, 50, 90]
    url = reverse("policy_rule_edit", args=["customers.credit_poor_ratings"])
    assert client.post(url, {"value": "C, X", "reason": "x"}).status_code != 302
    assert client.post(url, {"value": "C", "reason": "x"}).status_code == 302
    assert policy.value("customers.credit_poor_ratings") == "C"


def test_merge_rescores_the_survivor(company):
    from xiaoguan.customers.services.merge import customer_merge

    a = make_customer(company.rep_e1, "杭州合并甲消防公司")
    b = make_customer(
        company.rep_e1,
        "杭州合并乙消防公司",
        purchase_potential="high",
        purchase_intent="high",
        purchase_history="repeat",
    )
    assert a.customer_class == "C"
    customer_merge(survivor=a, duplicate=b, actor=company.mgr_east)
    a.refresh_from_db()
    assert a.purchase_potential == "high"
    assert (a.class_score, a.class_proposed, a.customer_class) == (70, "A", "A")
