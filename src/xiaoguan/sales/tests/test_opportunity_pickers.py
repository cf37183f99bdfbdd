"""Search pickers on the opportunity pages: the form's customer and the list's owner filter.
The pages do not list what is in scope; a chosen record is shown by name; a posted id
outside the scope is refused with a message (the form checks the scoped queryset)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org.tests.factories import UserFactory
from xiaoguan.sales.models import Opportunity
from xiaoguan.sales.tests.factories import make_opportunity

CREATE = reverse("sales:opportunity_create")
LIST = reverse("sales:opportunity_list")


@pytest.fixture
def book(company):
    c = company
    c.idle = UserFactory(
        username="zhaoliu", full_name="赵六", department=c.depts["T-E2"], roles=["sales_rep"]
    )
    c.east = make_customer(c.rep_e1, "上海某大厦物业管理有限公司")
    c.other = make_customer(c.rep_e1, "上海另一家物业有限公司")
    c.west = make_customer(c.rep_w1, "成都某商业广场")
    return c


def post(customer_id) -> dict:
    return {
        "customer": customer_id,
        "name": "消防改造",
        "amount": "50000",
        "expected_close": "2026-12-20",
    }


def test_the_form_does_not_list_the_customers(book, login):
    html = login(book.rep_e1).get(CREATE).content.decode()
    assert "上海另一家物业有限公司" not in html
    assert 'data-testid="picker-customer"' in html


def test_the_form_accepts_a_customer_in_scope(book, login):
    response = login(book.rep_e1).post(CREATE, post(book.east.pk))
    assert response.status_code == 302
    assert Opportunity.objects.get().customer_id == book.east.pk


def test_the_form_refuses_a_customer_outside_the_scope(book, login):
    response = login(book.rep_e1).post(CREATE, post(book.west.pk))
    html = response.content.decode()
    assert response.status_code == 200
    with translation.override("zh-hans"):
        message = gettext(
            "This customer is outside your scope or not available here: "
            "choose one from the suggestions."
        )
    assert message in html
    assert "成都某商业广场" not in html
    assert not Opportunity.objects.exists()


def test_a_redisplayed_form_shows_the_chosen_customer(book, login):
    response = login(book.rep_e1).post(CREATE, {**post(book.east.pk), "amount": "-1"})
    html = response.content.decode()
    assert f'<input type="hidden" name="customer" value="{book.east.pk}"' in html
    assert 'value="上海某大厦物业管理有限公司"' in html


def test_from_the_customer_page_the_customer_is_given(book, login):
    html = login(book.rep_e1).get(CREATE, {"customer": book.east.pk}).content.decode()
    assert 'data-testid="picker-customer"' not in html
    assert f'type="hidden" name="customer" value="{book.east.pk}"' in html


def test_the_list_owner_filter_is_a_picker(book, login, django_assert_max_num_queries):
    make_opportunity(book.rep_e1, book.east)
    make_opportunity(book.rep_w1, book.west)
    c = login(book.mgr_east)
    html = c.get(LIST).content.decode()
    assert "赵六" not in html
    chosen = c.get(LIST, {"owner": book.rep_e1.pk}).content.decode()
    assert 'value="rep_e1"' in chosen and chosen.count('data-testid="opportunity-row"') == 1
    refused = c.get(LIST, {"owner": book.rep_w1.pk}).content.decode()
    with translation.override("zh-hans"):
        assert gettext("This employee is not in your scope: choose another.") in refused
    assert "成都某商业广场" not in refused
    with django_assert_max_num_queries(12):
        assert c.get(LIST, {"owner": book.rep_e1.pk}).status_code == 200
