"""The customer of a new quote (its first step) and of a new inquiry is a search picker: the
pages do not list the customers in scope; a preset customer is shown by name (or given, from
the customer's page); a posted id outside the scope is refused with the translated message
(the forms check the scoped queryset, not the suggestions); the pages' queries are pinned."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.sales.models import Inquiry
from xiaoguan.sales.tests.inquiry_factories import add_factory_departments
from xiaoguan.sales.tests.quote_factories import float_ranges, priced_product, quote_chain

QUOTE = reverse("sales:quote_create")
INQUIRY = reverse("sales:inquiry_create")
REFUSED = (
    "This customer is outside your scope or not available here: choose one from the suggestions."
)


def refused(html: str) -> bool:
    with translation.override("zh-hans"):
        return gettext(REFUSED) in html


@pytest.fixture
def book(company):
    c = company
    add_factory_departments(c)
    quote_chain()
    float_ranges(sales_rep="5", sales_manager="10")
    priced_product("MFZ-ABC4", "手提式干粉灭火器", price="100.00")
    c.east = make_customer(c.rep_e1, "上海某大厦物业管理有限公司")
    c.other = make_customer(c.rep_e1, "上海另一家物业有限公司")
    c.west = make_customer(c.rep_w1, "成都某商业广场")
    return c


# --- the quote's first step ---------------------------------------------------------------


def test_the_quote_step_does_not_list_the_customers(book, login):
    html = login(book.rep_e1).get(QUOTE).content.decode()
    assert 'data-testid="picker-customer"' in html
    assert reverse("customers:picker") in html
    assert "上海另一家物业有限公司" not in html and "上海某大厦物业管理有限公司" not in html


def test_the_quote_step_accepts_a_customer_in_scope(book, login):
    html = login(book.rep_e1).get(QUOTE, {"customer": book.east.pk}).content.decode()
    assert 'data-testid="quote-form"' in html and 'data-testid="picker-customer"' not in html
    assert f'<input type="hidden" name="customer" value="{book.east.pk}">' in html
    assert "上海某大厦物业管理有限公司" in html  # named in the title


def test_the_quote_step_refuses_a_customer_outside_the_scope(book, login):
    response = login(book.rep_e1).get(QUOTE, {"customer": book.west.pk})
    html = response.content.decode()
    assert response.status_code == 404
    assert refused(html)
    assert 'data-testid="picker-customer"' in html  # offered again
    assert "成都某商业广场" not in html
    # posting the form for it is refused the same way, nothing saved
    post = login(book.rep_e1).post(QUOTE, {"customer": book.west.pk, "title": "越权"})
    assert post.status_code == 404 and refused(post.content.decode())


def test_the_quote_step_query_count(book, login, django_assert_max_num_queries):
    for i in range(30):
        make_customer(book.rep_e1, f"宁波{i:02d}号消防有限公司")
    c = login(book.rep_e1)
    c.get(QUOTE)
    with django_assert_max_num_queries(6):
        assert c.get(QUOTE).status_code == 200
    with django_assert_max_num_queries(8):
        assert c.get(QUOTE, {"customer": book.west.pk}).status_code == 404


# --- the inquiry form -----------------------------------------------------------------------


def inquiry_post(customer_id) -> dict:
    deadline = (timezone.localtime() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    return {
        "customer": customer_id,
        "kind": "inquiry",
        "source": "phone",
        "title": "消防改造询价",
        "deadline": deadline,
    }


def test_the_inquiry_form_does_not_list_the_customers(book, login):
    html = login(book.rep_e1).get(INQUIRY).content.decode()
    assert 'data-testid="picker-customer"' in html
    assert "上海另一家物业有限公司" not in html and "上海某大厦物业管理有限公司" not in html


def test_the_inquiry_form_accepts_a_customer_in_scope(book, login):
    response = login(book.rep_e1).post(INQUIRY, inquiry_post(book.east.pk))
    assert response.status_code == 302
    assert Inquiry.objects.get().customer_id == book.east.pk


def test_the_inquiry_form_refuses_a_customer_outside_the_scope(book, login):
    response = login(book.rep_e1).post(INQUIRY, inquiry_post(book.west.pk))
    html = response.content.decode()
    assert response.status_code == 422
    assert refused(html)
    assert "成都某商业广场" not in html
    assert not Inquiry.objects.exists()


def test_a_redisplayed_inquiry_form_shows_the_chosen_customer(book, login):
    response = login(book.rep_e1).post(INQUIRY, {**inquiry_post(book.east.pk), "title": ""})
    html = response.content.decode()
    assert response.status_code == 422
    assert f'<input type="hidden" name="customer" value="{book.east.pk}"' in html
    assert 'value="上海某大厦物业管理有限公司"' in html


def test_from_the_customer_page_the_inquiry_customer_is_given(book, login):
    c = login(book.rep_e1)
    html = c.get(INQUIRY, {"customer": book.east.pk}).content.decode()
    assert 'data-testid="picker-customer"' not in html
    assert f'type="hidden" name="customer" value="{book.east.pk}"' in html
    url = f"{INQUIRY}?customer={book.east.pk}"
    assert c.post(url, inquiry_post(book.east.pk)).status_code == 302


def test_the_inquiry_form_query_count(book, login, django_assert_max_num_queries):
    for i in range(30):
        make_customer(book.rep_e1, f"宁波{i:02d}号消防有限公司")
    c = login(book.rep_e1)
    c.get(INQUIRY)
    with django_assert_max_num_queries(7):
        assert c.get(INQUIRY).status_code == 200
