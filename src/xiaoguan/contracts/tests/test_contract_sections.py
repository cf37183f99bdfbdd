"""The registry of the contract page's sections (``contracts.web.contract_sections``): the
sections higher parts register appear on the page in registration order, a section with
nothing to show ("") leaves no trace, and each gets the request and the contract shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xiaoguan.contracts.tests.test_amendments_support import lines_of, product, signed_contract
from xiaoguan.contracts.web import contract_sections

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test (the real sections come back afterwards)."""
    monkeypatch.setattr(contract_sections._page, "_sections", [])
    return contract_sections


def test_registered_sections_render_in_order_and_empty_ones_are_skipped(company, login, registry):
    contract = signed_contract(
        company.rep_e1, lines_of((product("SN65", "室内消火栓"), "2", "850"))
    )
    seen = []

    def first(request, shown):
        seen.append((request.user.pk, shown.pk))
        return '<div data-testid="s-first">first</div>'

    def nothing(request, shown):
        return ""

    def second(request, shown):
        return f'<div data-testid="s-second">{shown.number}</div>'

    for section in (first, nothing, second, first):  # registering twice keeps one
        registry.register(section)
    html = (
        login(company.rep_e1)
        .get(reverse("contracts:contract_detail", args=[contract.pk]))
        .content.decode()
    )
    assert seen == [(company.rep_e1.pk, contract.pk)]
    assert html.count('data-testid="s-first"') == 1
    assert html.index('data-testid="s-first"') < html.index('data-testid="s-second"')
    assert f'data-testid="s-second">{contract.number}<' in html
    # The sections come after the payment schedule, before the after-sales terms.
    assert (
        html.index('data-testid="contract-schedule"')
        < html.index('data-testid="s-first"')
        < html.index('data-testid="contract-after-sales"')
    )
