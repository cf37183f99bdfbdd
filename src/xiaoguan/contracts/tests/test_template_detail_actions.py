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


def test_an_unknown_placeholder_is_reported_once_on_the_form(company, login):
    from xiaoguan.contracts.models import ContractTemplate

    response = login(company.legal1).post(
        reverse("contracts:template_create"),
        {
            "code": "HT-09",
            "name": "测试范本",
            "is_active": "on",
            "clause_title": ["条款一"],
            "clause_body": ["甲方{{customer.nme}}，金额{{contract.total}}"],
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert body.count("{{customer.nme}}") == 2  # the message once, and the clause as typed
    assert not ContractTemplate.objects.filter(code="HT-09").exists()
