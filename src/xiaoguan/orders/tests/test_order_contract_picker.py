""" "Order from a contract" chooses the contract with a search picker: the page does not list
the signed contracts in scope; ``?contract=`` outside the scope is refused with a message;
the suggestions (orders:contract_picker) are the signed current versions in the user's scope
with something left to order, by number, subject or customer name, 20 at most, one query."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from xiaoguan.contracts.enums import ContractStatus
from xiaoguan.contracts.models import Contract, ContractLine
from xiaoguan.contracts.tests.test_amendments_support import lines_of, signed_contract
from xiaoguan.orders.services.orders import order_cancel
from xiaoguan.orders.tests.factories import contract_order, customer, goods, signed

pytestmark = pytest.mark.django_db
PAGE = reverse("orders:order_create_contract")
PICKER = reverse("orders:contract_picker")


def found(client, q: str) -> list[str]:
    response = client.get(PICKER, {"q": q})
    assert response.status_code == 200
    return [item["label"] for item in response.json()["items"]]


@pytest.fixture
def book(company):
    c = company
    c.g = goods(c.gm)
    c.east = signed(
        c.rep_e1, [(c.g.hydrant, "4", "800")], customer(c.rep_e1, "杭州安盛消防工程有限公司")
    )
    c.west = signed(
        c.rep_w1, [(c.g.hydrant, "4", "800")], customer(c.rep_w1, "成都西蜀置业有限公司")
    )
    return c


def test_the_page_does_not_list_the_contracts_in_scope(book, login):
    html = login(book.rep_e1).get(PAGE).content.decode()
    assert 'data-testid="picker-contract"' in html
    assert PICKER in html
    assert book.east.number not in html
    assert "杭州安盛消防工程有限公司" not in html


def test_a_contract_in_scope_opens_its_lines(book, login):
    html = login(book.rep_e1).get(PAGE, {"contract": book.east.pk}).content.decode()
    assert 'data-testid="order-form"' in html
    assert 'data-testid="order-remaining">4<' in html


def test_a_contract_outside_the_scope_is_refused_with_a_message(book, login):
    response = login(book.rep_e1).get(PAGE, {"contract": book.west.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="order-form"' not in html
    assert "This contract is outside your scope or cannot take orders" in html
    assert book.west.number not in html and "成都西蜀置业有限公司" not in html


def test_the_pick_page_query_count(book, login, django_assert_max_num_queries):
    for i in range(25):
        signed(book.rep_e1, [(book.g.hydrant, "1", "800")], customer(book.rep_e1, f"宁波{i:02d}号"))
    c = login(book.rep_e1)
    c.get(PAGE)
    with django_assert_max_num_queries(7):
        assert c.get(PAGE).status_code == 200
    with django_assert_max_num_queries(8):
        assert c.get(PAGE, {"contract": book.west.pk}).status_code == 200


def test_suggestions_by_number_subject_and_customer_in_scope(book, login):
    c = login(book.rep_e1)
    assert found(c, book.east.number) == [f"{book.east.number} · 消防器材采购合同"]
    assert found(c, book.west.number) == []  # outside the scope
    assert found(c, "杭州安盛") == [f"{book.east.number} · 消防器材采购合同"]
    assert found(c, "成都西蜀") == []
    assert len(found(c, "消防器材采购")) == 1
    item = c.get(PICKER, {"q": "杭州"}).json()["items"][0]
    assert item["id"] == book.east.pk and "杭州安盛消防工程有限公司" in item["detail"]
    assert found(login(book.director), "消防器材采购") != []
    assert len(found(login(book.director), "消防器材采购")) == 2


def test_only_signed_current_versions_with_something_left(book, login):
    g = book.g
    cust = customer(book.rep_e1, "宁波左岸物业")
    draft = signed_contract(book.rep_e1, lines_of((g.hydrant, "1", "800")), cust=cust, title="草稿")
    Contract.objects.filter(pk=draft.pk).update(status=ContractStatus.DRAFT)
    done = signed(book.rep_e1, [(g.hydrant, "3", "800")], cust)
    contract_order(book.rep_e1, done, {1: "3"})
    dropped = signed(book.rep_e1, [(g.hydrant, "2", "800")], cust)
    order_cancel(actor=book.rep_e1, order=contract_order(book.rep_e1, dropped), reason="改期")
    partly = signed(book.rep_e1, [(g.hydrant, "5", "800"), (g.extinguisher, "2", "100")], cust)
    contract_order(book.rep_e1, partly, {1: "5"})
    numbers = [label.split(" ")[0] for label in found(login(book.rep_e1), "宁波左岸")]
    # a cancelled order gives its quantities back; one line left is something left
    assert sorted(numbers) == sorted([dropped.number, partly.number])


def test_an_amended_contract_counts_the_orders_on_earlier_versions(book, login):
    g = book.g
    v1 = signed(book.rep_e1, [(g.hydrant, "10", "800")], customer(book.rep_e1, "宁波右岸物业"))
    contract_order(book.rep_e1, v1, {1: "10"})
    c = login(book.rep_e1)
    assert found(c, "宁波右岸") == []  # all ordered
    v2 = Contract.objects.get(pk=v1.pk)
    v2.pk, v2.version_no, v2.root_id, v2.amends_id, v2.is_current = None, 2, v1.pk, v1.pk, True
    Contract.objects.filter(pk=v1.pk).update(is_current=False, status=ContractStatus.SUPERSEDED)
    v2._state.adding = True
    v2.save()
    line1 = v1.lines.get()
    ContractLine.objects.create(
        contract=v2,
        position=1,
        product=line1.product,
        unit=line1.unit,
        quantity=Decimal(12),
        list_price=line1.list_price,
        unit_price=line1.unit_price,
        discount=line1.discount,
        amount=Decimal("9600.00"),
    )
    assert found(c, "宁波右岸") == [f"{v1.number} v2 · 消防器材采购合同"]
    ContractLine.objects.filter(contract=v2).update(quantity=Decimal(10))
    assert found(c, "宁波右岸") == []  # the 10 ordered on v1 count against v2


def test_at_most_twenty_in_one_query(book, login, django_assert_num_queries):
    cust = customer(book.rep_e1, "宁波多单物业")
    for _i in range(23):
        signed(book.rep_e1, [(book.g.hydrant, "1", "800")], cust)
    c = login(book.rep_e1)
    c.get(PICKER, {"q": "x"})  # the session and the user read once
    with django_assert_num_queries(4):  # session, user, roles, the search
        data = c.get(PICKER, {"q": "宁波多单"}).json()
    assert len(data["items"]) == 20 and data["more"] is True


def test_a_short_query_finds_nothing(book, login):
    assert found(login(book.rep_e1), "H") == []


def test_needs_the_right_to_take_orders(book, login):
    assert login(book.finance1).get(PICKER, {"q": "杭州"}).status_code == 403
    assert login(book.rep_e1).post(PICKER, {"q": "杭州"}).status_code == 405
