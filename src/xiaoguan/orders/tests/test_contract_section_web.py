"""The contract page's "Orders and shipments" section: the orders of the contract the user may
see (with what is shipped and a link to each), the button that takes an order from the
contract, nothing for a user without ``orders.view``, nothing out of the user's scope."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from xiaoguan.contracts.enums import ContractStatus
from xiaoguan.contracts.models import Contract
from xiaoguan.orders.enums import OrderStatus
from xiaoguan.orders.models import Order
from xiaoguan.orders.selectors.orders import contract_orders
from xiaoguan.orders.tests.factories import contract_order, goods, signed
from xiaoguan.org.models import Role

pytestmark = pytest.mark.django_db


def _page(client, contract: Contract) -> str:
    response = client.get(reverse("contracts:contract_detail", args=[contract.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str) -> str:
    """The section's markup (empty when the page has none)."""
    match = re.search(r'data-testid="contract-orders".*?(?=<div class="card mb-3"|$)', html, re.S)
    return match.group(0) if match else ""


def _without(role_code: str, right: str) -> None:
    role = Role.objects.get(code=role_code)
    role.rights = [r for r in role.rights if r != right]
    role.save()


def test_the_section_lists_the_orders_with_what_is_shipped(client, company):
    g = goods(company.gm)
    contract = signed(company.rep_e1, [(g.hydrant, "10", "800"), (g.extinguisher, "20", "100")])
    first = contract_order(company.rep_e1, contract, {1: "4", 2: "0"})
    second = contract_order(company.rep_e1, contract, {1: "2", 2: "5"})
    Order.objects.filter(pk=first.pk).update(
        status=OrderStatus.PARTLY_SHIPPED, shipped_amount=Decimal("1600.00")
    )
    dropped = contract_order(company.rep_e1, contract, {1: "1", 2: "0"})
    Order.objects.filter(pk=dropped.pk).update(status=OrderStatus.CANCELLED)
    client.force_login(company.rep_e1)
    section = _section(_page(client, contract))
    assert section.count('data-testid="contract-order"') == 3
    for order in (first, second, dropped):
        assert reverse("orders:order_detail", args=[order.pk]) in section
        assert order.number in section
    assert 'value="50" max="100"' in section  # 1,600 of 3,200 shipped
    # The total leaves the cancelled order out: 3,200 + 2,100.
    assert "5,300.00" in section and "1,600.00" in section
    # Something remains to be ordered: the rep may take an order from the contract.
    new = reverse("orders:order_create_contract") + f"?contract={contract.pk}"
    assert f'href="{new}"' in section


def test_no_section_without_the_right_and_no_button_without_the_edit_right(client, company):
    g = goods(company.gm)
    contract = signed(company.rep_e1, [(g.hydrant, "10", "800")])
    contract_order(company.rep_e1, contract, {1: "3"})
    client.force_login(company.legal1)  # sees orders, does not take them
    section = _section(_page(client, contract))
    assert section.count('data-testid="contract-order"') == 1
    assert 'data-testid="contract-order-new"' not in section
    _without("legal", "orders.view")
    client.force_login(company.legal1)
    html = _page(client, contract)
    assert 'data-testid="contract-orders"' not in html


def test_no_button_when_everything_is_ordered_or_the_contract_is_not_signed(client, company):
    g = goods(company.gm)
    contract = signed(company.rep_e1, [(g.hydrant, "10", "800")])
    client.force_login(company.rep_e1)
    # No order yet: the section offers the first one.
    assert 'data-testid="contract-order-new"' in _section(_page(client, contract))
    contract_order(company.rep_e1, contract, {1: "10"})
    section = _section(_page(client, contract))
    assert section.count('data-testid="contract-order"') == 1
    assert 'data-testid="contract-order-new"' not in section
    draft = signed(company.rep_e1, [(g.hydrant, "1", "800")])
    Contract.objects.filter(pk=draft.pk).update(status=ContractStatus.APPROVED)
    # Nothing ordered and nothing to order: no section at all.
    assert 'data-testid="contract-orders"' not in _page(client, draft)


def test_orders_out_of_the_users_scope_are_not_shown(client, company):
    g = goods(company.gm)
    contract = signed(company.rep_e1, [(g.hydrant, "10", "800")])
    mine = contract_order(company.rep_e1, contract, {1: "2"})
    theirs = contract_order(company.rep_e1, contract, {1: "3"})
    Order.objects.filter(pk=theirs.pk).update(
        owner=company.rep_w1, department=company.rep_w1.department
    )
    client.force_login(company.rep_e1)
    section = _section(_page(client, contract))
    assert mine.number in section
    assert theirs.number not in section
    assert section.count('data-testid="contract-order"') == 1
    client.force_login(company.director)
    assert theirs.number in _section(_page(client, contract))


def test_many_orders_show_the_newest_and_a_link_to_all(company):
    g = goods(company.gm)
    contract = signed(company.rep_e1, [(g.hydrant, "10", "800")])
    orders = [contract_order(company.rep_e1, contract, {1: "1"}) for _ in range(3)]
    Order.objects.filter(pk=orders[0].pk).update(status=OrderStatus.CANCELLED)
    data = contract_orders(user=company.rep_e1, contract=contract, shown=2)
    assert [o.pk for o in data.orders] == [orders[2].pk, orders[1].pk]
    assert data.truncated and data.count == 3
    assert data.total == Decimal("1600.00")  # the cancelled one is not counted
    whole = contract_orders(user=company.rep_e1, contract=contract)
    assert not whole.truncated and whole.total == data.total
