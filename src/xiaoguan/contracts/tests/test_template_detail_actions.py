"""The template page offers "Draft a contract" only to those who may draft contracts: legal
manages templates but does not draft (the link led them to a refusal)."""

from __future__ import annotations

from django.urls import reverse

from xiaoguan.contracts.tests.test_templates import _template


def test_draft_a_contract_is_offered_only_with_the_right_to_draft(company, login):
    template = _template(company.legal1)
    url = reverse("contracts:template_detail", args=[template.pk])
    legal = login(company.legal1).get(url).content.decode()
    assert 'data-testid="template-draft-contract"' not in legal
    assert not company.legal1.has_right("contracts.edit")
    gm = login(company.gm).get(url)
    assert gm.status_code == 200
    assert 'data-testid="template-draft-contract"' in gm.content.decode()
