"""The contract ledger's owner filter is a search picker: the page no longer lists every
employee in scope, shows the chosen owner's name, refuses an owner outside the scope and
keeps its query count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xiaoguan.contracts.tests.test_ledger import ledger_contract, numbers
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org.tests.factories import UserFactory

URL = reverse("contracts:ledger")


@pytest.fixture
def book(company):
    c = company
    # an East rep without a contract: before the picker the owner <select> named him anyway
    c.idle = UserFactory(
        username="zhaoliu", full_name="赵六", department=c.depts["T-E2"], roles=["sales_rep"]
    )
    c.acme = make_customer(c.rep_e1, "杭州安盛消防工程有限公司")
    c.west = make_customer(c.rep_w1, "成都西蜀置业有限公司")
    c.k1 = ledger_contract(c.rep_e1, c.acme, "HT-2026-000001")
    c.k2 = ledger_contract(c.rep_w1, c.west, "HT-2026-000002")
    return c


def test_the_page_does_not_list_the_employees_in_scope(book, login):
    html = login(book.mgr_east).get(URL).content.decode()
    # then: no employee's name appears unless a contract row names them
    assert "赵六" not in html
    assert 'data-testid="picker-owner"' in html
    assert '<input type="hidden" name="owner" value=""' in html
    assert reverse("org:employee_picker") in html


def test_a_chosen_owner_is_shown_by_name_and_filters(book, login):
    response = login(book.director).get(URL, {"owner": book.rep_e1.pk})
    html = response.content.decode()
    assert numbers(response) == ["HT-2026-000001"]
    assert f'<input type="hidden" name="owner" value="{book.rep_e1.pk}"' in html
    assert 'value="rep_e1"' in html  # the picker's text box shows the owner's name
    assert "赵六" not in html


def test_an_owner_outside_the_scope_is_refused_with_a_message(book, login):
    # given: the East manager puts a West rep in the address bar
    response = login(book.mgr_east).get(URL, {"owner": book.rep_w1.pk})
    html = response.content.decode()
    # then: the filter is shown as refused and ignored, the West contract stays hidden, and
    # the West rep's name is not revealed in the picker
    assert 'data-testid="ledger-filter-errors"' in html
    assert "This employee is not in your scope" in html
    assert numbers(response) == ["HT-2026-000001"]
    assert 'value="rep_w1"' not in html


@pytest.mark.parametrize("who", ["mgr_east", "director"])
def test_query_count_with_a_chosen_owner(book, login, django_assert_max_num_queries, who):
    for i in range(30):
        UserFactory(username=f"extra{i}", department=book.depts["T-E1"], roles=["sales_rep"])
    c = login(book.users[who])
    c.get(URL, {"owner": book.rep_e1.pk})
    # session, user, roles, department choices, the owner's check (form) and label (picker),
    # the ledger's own owner check, the page, the totals, the unread count
    with django_assert_max_num_queries(10):
        assert c.get(URL, {"owner": book.rep_e1.pk}).status_code == 200
