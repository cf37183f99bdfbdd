"""The customer picker's suggestions (customers:picker): customers in the user's scope only,
searched like the customer list (name, pinyin initials, phone), at most 20, needing the
customers.view right, in a constant number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xiaoguan.customers.models import Customer
from xiaoguan.customers.selectors import customer_picker
from xiaoguan.customers.services import customer_deactivate
from xiaoguan.customers.tests.factories import make_customer

URL = reverse("customers:picker")


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def book(company):
    c = company
    c.hz = make_customer(
        c.rep_e1, "杭州消防工程有限公司", province="330000", city="330100", phone="0571-88886666"
    )
    c.hz2 = make_customer(c.rep_e2, "新杭州物业管理有限公司")
    c.gone = make_customer(c.rep_e1, "杭州停业贸易有限公司")
    customer_deactivate(customer=c.gone, actor=c.rep_e1)
    c.west = make_customer(c.rep_w1, "杭州西部分公司")
    return c


def test_lists_only_customers_inside_the_scope(book, login):
    # when the East manager types 杭州
    response = login(book.mgr_east).get(URL, {"q": "杭州"})
    # then the East customers, the name starting with it first; not the West one, not the
    # deactivated one
    assert response.status_code == 200
    assert ids(response) == [book.hz.pk, book.hz2.pk]
    assert response.json()["items"][0] == {
        "id": book.hz.pk,
        "label": "杭州消防工程有限公司",
        "detail": "杭州市 · rep_e1",
    }
    # and a rep sees only their own
    assert ids(login(book.rep_e2).get(URL, {"q": "杭州"})) == [book.hz2.pk]


def test_deactivated_customers_only_when_asked(book, login):
    got = ids(login(book.mgr_east).get(URL, {"q": "杭州", "inactive": "1"}))
    assert sorted(got) == sorted([book.hz.pk, book.hz2.pk, book.gone.pk])


def test_finds_by_pinyin_initials_and_phone(book, login):
    c = login(book.mgr_east)
    assert ids(c.get(URL, {"q": "hzxf"})) == [book.hz.pk]
    assert ids(c.get(URL, {"q": "88886666"})) == [book.hz.pk]


def test_merged_customers_are_not_suggested(book, login):
    Customer.objects.filter(pk=book.hz2.pk).update(merged_into=book.hz)
    assert ids(login(book.mgr_east).get(URL, {"q": "杭州"})) == [book.hz.pk]


@pytest.mark.parametrize("q", ["", "  ", "h", "1"])
def test_an_empty_or_too_short_query_lists_nothing(book, login, q):
    response = login(book.director).get(URL, {"q": q})
    assert response.json() == {"items": [], "more": False}


def test_one_chinese_character_is_enough(book, login):
    assert ids(login(book.rep_e1).get(URL, {"q": "杭"})) == [book.hz.pk]


def test_needs_a_sign_in_and_the_right(book, client, login):
    response = client.get(URL, {"q": "杭州"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    # logistics has no customers.view
    assert login(book.logistics1).get(URL, {"q": "杭州"}).status_code == 403


def test_at_most_twenty_and_query_count_is_constant(company, login, django_assert_max_num_queries):
    for i in range(25):
        make_customer(company.rep_e1, f"温州{i:02d}号消防器材有限公司")
    c = login(company.director)
    c.get(URL, {"q": "温州"})
    # session, user, roles, the search (owner joined)
    with django_assert_max_num_queries(4):
        body = c.get(URL, {"q": "温州"}).json()
    assert len(body["items"]) == 20 and body["more"] is True


def test_selector_returns_nothing_for_a_short_query(book):
    assert customer_picker(user=book.gm, q="h") == []
    assert [c.pk for c in customer_picker(user=book.gm, q="新杭")] == [book.hz2.pk]
