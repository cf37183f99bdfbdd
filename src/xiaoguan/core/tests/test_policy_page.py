from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from xiaoguan.core import policy
from xiaoguan.core.models import AuditEvent, AuditKind, PolicyValue


@pytest.fixture
def rule():
    """A test-only rule with a range and a unit, removed again afterwards."""
    r = policy.PolicyRule(
        key="test.float_range",
        section="Test section",
        label="Float range",
        kind="percent",
        default=Decimal("5"),
        spec="R-PRC-9",
        min_value=0,
        max_value=30,
    )
    policy.register(r)
    yield r
    policy._registry.pop(r.key, None)


def test_lists_every_registered_rule_with_value_default_and_spec(
    company, login, rule, django_assert_max_num_queries
):
    # given
    client = login(company.gm)
    # when
    with django_assert_max_num_queries(12):
        response = client.get(reverse("policy"))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-testid="policy-rule"') == len(policy.rules())
    for r in policy.rules():
        assert f'data-key="{r.key}"' in body
    assert "R-PRC-9" in body and "5 %" in body
    assert "data-xg-print" in body
    assert 'data-testid="policy-edit"' in body


def test_a_rep_reads_the_policy_but_cannot_change_it(company, login, rule):
    # given
    client = login(company.rep_e1)
    # when
    page = client.get(reverse("policy"))
    edit = client.post(reverse("policy_rule_edit", args=[rule.key]), {"value": "7", "reason": "x"})
    # then
    assert page.status_code == 200
    assert 'data-testid="policy-edit"' not in page.content.decode()
    assert edit.status_code == 403
    assert not PolicyValue.objects.exists()


def test_management_changes_a_rule_and_the_change_is_in_history_and_audit(company, login, rule):
    # given
    client = login(company.gm)
    # when
    response = client.post(
        reverse("policy_rule_edit", args=[rule.key]), {"value": "7.5", "reason": "board decision"}
    )
    # then
    assert response.status_code == 302
    assert policy.value(rule.key) == Decimal("7.5")
    detail = client.get(reverse("policy_rule", args=[rule.key])).content.decode()
    assert "board decision" in detail and "7.5 %" in detail
    event = AuditEvent.objects.get(kind=AuditKind.POLICY_CHANGED)
    assert (event.actor_id, event.detail) == (
        company.gm.pk,
        {"rule": rule.key, "before": "5", "after": "7.5"},
    )
    page = client.get(reverse("policy")).content.decode()
    assert "gm" in page


def test_an_out_of_range_value_is_refused_inline_and_nothing_changes(company, login, rule):
    # given
    client = login(company.gm)
    # when
    response = client.post(
        reverse("policy_rule_edit", args=[rule.key]), {"value": "31", "reason": "too much"}
    )
    # then
    assert response.status_code == 200
    body = response.content.decode()
    with translation.override("zh-hans"):
        assert str(translation.gettext("Too large.")) in body
    assert "is-invalid" in body
    assert not PolicyValue.objects.exists()
    assert policy.value(rule.key) == Decimal("5")


def test_a_value_that_is_not_a_number_is_refused_inline(company, login, rule):
    client = login(company.gm)
    response = client.post(
        reverse("policy_rule_edit", args=[rule.key]), {"value": "abc", "reason": "x"}
    )
    assert response.status_code == 200
    with translation.override("zh-hans"):
        assert str(translation.gettext("Not a valid value.")) in response.content.decode()
    assert not PolicyValue.objects.exists()


def test_an_unknown_rule_is_not_found(company, login):
    client = login(company.gm)
    assert client.get(reverse("policy_rule", args=["no.such.rule"])).status_code == 404


def test_the_sidebar_shows_policy_to_everyone_and_audit_to_management(company, login):
    rep_page = login(company.rep_e1).get(reverse("home")).content.decode()
    assert 'data-nav="core.policy"' in rep_page
    assert 'data-nav="core.audit"' not in rep_page
    gm_page = login(company.gm).get(reverse("home")).content.decode()
    assert 'data-nav="core.audit"' in gm_page
