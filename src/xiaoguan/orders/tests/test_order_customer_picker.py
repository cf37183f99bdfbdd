"""The direct-order form's customer is a search picker: the page does not list the
customers in scope, a redisplayed form shows the chosen customer's name, and a posted
customer outside the scope is refused with a message (the form checks the scoped
customers, not the suggestions)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xiaoguan.orders.models import Order
from xiaoguan.orders.tests.factories import customer, goods

pytestmark = pytest.mark.django_db
URL = reverse("orders:order_create_direct")


def post_data(customer_id, g) -> dict:
    return {
        "channel": "phone",
        "customer": customer_id,
        "ship_to": "上海市徐汇区漕溪北路1号",
        "payment_terms": "货到30天",
        "payment_days": "30",
        "line_product": [g.hydrant.pk],
        "line_unit": [g.hydrant.unit_id],
        "line_quantity": ["2"],
        "line_unit_price": [""],
        "line_discount": [""],
    }


def test_the_form_does_not_list_the_customers_in_scope(company, login):
    customer(company.rep_e1, "杭州安盛消防工程有限公司")
    html = login(company.rep_e1).get(URL).content.decode()
    assert "杭州安盛消防工程有限公司" not in html
    assert 'data-testid="picker-customer"' in html
    assert reverse("customers:picker") in html


def test_a_preset_customer_is_shown_by_name(company, login):
    east = customer(company.rep_e1, "杭州安盛消防工程有限公司")
    html = login(company.rep_e1).get(URL, {"customer": east.pk}).content.decode()
    assert f'<input type="hidden" name="customer" value="{east.pk}"' in html
    assert 'value="杭州安盛消防工程有限公司"' in html


def test_accepts_a_customer_in_scope(company, login):
    g = goods(company.gm)
    east = customer(company.rep_e1, "杭州安盛消防工程有限公司")
    response = login(company.rep_e1).post(URL, post_data(east.pk, g))
    assert response.status_code == 302
    assert Order.objects.get().customer_id == east.pk


def test_refuses_a_customer_outside_the_scope(company, login):
    g = goods(company.gm)
    west = customer(company.rep_w1, "成都西蜀置业有限公司")
    # when an East rep posts the West customer's id
    response = login(company.rep_e1).post(URL, post_data(west.pk, g))
    html = response.content.decode()
    # then the form is shown again with the reason, without the customer's name
    assert response.status_code in (200, 422)
    assert "This customer is outside your scope" in html
    assert "成都西蜀置业有限公司" not in html
    assert not Order.objects.exists()


def test_form_page_query_count(company, login, django_assert_max_num_queries):
    east = customer(company.rep_e1, "杭州安盛消防工程有限公司")
    for i in range(30):
        customer(company.rep_e1, f"宁波{i:02d}号消防有限公司")
    c = login(company.rep_e1)
    c.get(URL, {"customer": east.pk})
    # the customers in scope are not read: only the preset's check and its label
    with django_assert_max_num_queries(12):
        assert c.get(URL, {"customer": east.pk}).status_code == 200
