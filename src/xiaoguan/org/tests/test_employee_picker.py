"""The employee picker's suggestions (org:employee_picker): active employees in the user's
scope only, searched by name or user name, at most 20, in a constant number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xiaoguan.org.selectors import employee_picker
from xiaoguan.org.tests.factories import UserFactory

URL = reverse("org:employee_picker")


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def people(company):
    """Three East reps called 王… (one left the company) and a West one."""
    c = company
    c.wang_e = UserFactory(
        username="wangwei", full_name="王伟", department=c.depts["T-E1"], roles=["sales_rep"]
    )
    c.wang_e2 = UserFactory(
        username="xiaowang", full_name="小王", department=c.depts["T-E2"], roles=["sales_rep"]
    )
    c.wang_gone = UserFactory(
        username="wangold",
        full_name="王离职",
        department=c.depts["T-E1"],
        roles=["sales_rep"],
        is_active=False,
    )
    c.wang_w = UserFactory(
        username="wangxi", full_name="王西", department=c.depts["R-W"], roles=["sales_rep"]
    )
    return c


def test_lists_only_active_employees_inside_the_scope(people, login):
    # when the East manager types 王
    response = login(people.mgr_east).get(URL, {"q": "王"})
    # then the East reps called 王, those whose name starts with it first; not the West
    # rep, not the one who left
    assert response.status_code == 200
    assert ids(response) == [people.wang_e.pk, people.wang_e2.pk]
    assert response.json()["items"][0] == {
        "id": people.wang_e.pk,
        "label": "王伟",
        "detail": "wangwei · 华东一组",
    }
    assert response.json()["more"] is False
    # and the director (whole sales centre) finds the West one too
    assert people.wang_w.pk in ids(login(people.director).get(URL, {"q": "王"}))


def test_a_rep_finds_only_themselves(people, login):
    assert ids(login(people.wang_e).get(URL, {"q": "wang"})) == [people.wang_e.pk]


def test_searches_the_user_name_too(people, login):
    assert ids(login(people.mgr_east).get(URL, {"q": "xiaow"})) == [people.wang_e2.pk]


@pytest.mark.parametrize("q", ["", " ", "w", "7"])
def test_an_empty_or_too_short_query_lists_nobody(people, login, q):
    response = login(people.director).get(URL, {"q": q})
    assert response.status_code == 200 and response.json() == {"items": [], "more": False}


def test_at_most_twenty_and_says_there_are_more(company, login):
    for i in range(25):
        UserFactory(
            username=f"zhang{i:02d}", full_name=f"张{i:02d}", department=company.depts["T-E1"]
        )
    body = login(company.mgr_east).get(URL, {"q": "张"}).json()
    assert len(body["items"]) == 20 and body["more"] is True
    assert [item["label"] for item in body["items"]][:2] == ["张00", "张01"]


def test_needs_a_sign_in(client, company):
    response = client.get(URL, {"q": "王"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_refuses_post(company, login):
    assert login(company.director).post(URL, {"q": "mgr"}).status_code == 405


def test_query_count_is_constant(company, login, django_assert_max_num_queries):
    for i in range(25):
        UserFactory(username=f"li{i:02d}", full_name=f"李{i:02d}", department=company.depts["T-E1"])
    c = login(company.director)
    c.get(URL, {"q": "李"})
    # session, user, the user's roles, the search (department name joined)
    with django_assert_max_num_queries(4):
        assert len(c.get(URL, {"q": "李"}).json()["items"]) == 20


def test_selector_returns_nothing_for_a_short_query(company):
    assert employee_picker(user=company.gm, q="m") == []
    assert [u.username for u in employee_picker(user=company.gm, q="mgr_")] == [
        "mgr_east",
        "mgr_west",
    ]
