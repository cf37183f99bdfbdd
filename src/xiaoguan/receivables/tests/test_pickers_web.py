"""Search pickers on the receivables pages: the receipt form's and the statement page's
customer, the aging report's and the overdue list's owner. The pages do not list what is in
scope; a chosen record is shown by name; a posted id outside the scope is refused with a
message (the forms check the scoped querysets, not the suggestions)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from xiaoguan.org.enums import DataScope
from xiaoguan.org.models import Role
from xiaoguan.org.tests.factories import UserFactory
from xiaoguan.receivables.models import Receipt
from xiaoguan.receivables.tests.factories import contract_with_plan, customer

pytestmark = pytest.mark.django_db

RECEIPT = reverse("receivables:receipt_create")
STATEMENT = reverse("receivables:statement_search")
AGING = reverse("receivables:aging")
OVERDUE = reverse("receivables:overdue_list")
OUT_OF_SCOPE = "This customer is outside your scope"


@pytest.fixture
def book(company):
    """An East cashier (receivables rights, East region only), an East and a West customer
    with a signed contract each, and an East rep who owns nothing."""
    c = company
    role = Role.objects.create(
        code="east_cashier",
        name="East cashier",
        scope=DataScope.SUBTREE,
        rights=[
            "receivables.view",
            "receivables.manage",
            "receivables.reports",
            "customers.view",
        ],
    )
    c.cashier = UserFactory(username="cashier_e", department=c.depts["R-E"], roles=[role])
    c.idle = UserFactory(
        username="zhaoliu", full_name="赵六", department=c.depts["T-E2"], roles=["sales_rep"]
    )
    c.east = customer(c.rep_e1, "杭州安盛消防工程有限公司")
    c.east_contract = contract_with_plan(c.rep_e1, cust=c.east)
    c.west = customer(c.rep_w1, "成都西蜀置业有限公司")
    c.west_contract = contract_with_plan(c.rep_w1, cust=c.west)
    return c


def receipt_post(customer_id) -> dict:
    return {
        "customer": customer_id,
        "method": "transfer",
        "amount": "100.00",
        "received_on": timezone.localdate().isoformat(),
        "payer": "x",
        "reference": "CMB-1",
        "allocate": "none",
    }


def test_receipt_form_does_not_list_the_customers(book, login):
    html = login(book.finance1).get(RECEIPT).content.decode()
    assert "杭州安盛消防工程有限公司" not in html.split('data-testid="picker-customer"')[1][:3000]
    assert 'data-testid="picker-customer"' in html
    assert f"{reverse('customers:picker')}?inactive=1" in html


def test_receipt_form_shows_a_preset_customer_by_name(book, login):
    html = login(book.cashier).get(RECEIPT, {"customer": book.east.pk}).content.decode()
    assert f'<input type="hidden" name="customer" value="{book.east.pk}"' in html
    assert 'value="杭州安盛消防工程有限公司"' in html


def test_receipt_form_accepts_a_customer_in_scope(book, login):
    response = login(book.cashier).post(RECEIPT, receipt_post(book.east.pk))
    assert response.status_code == 302
    assert Receipt.objects.get().customer_id == book.east.pk


def test_receipt_form_refuses_a_customer_outside_the_scope(book, login):
    response = login(book.cashier).post(RECEIPT, receipt_post(book.west.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert OUT_OF_SCOPE in html
    assert "成都西蜀置业有限公司" not in html
    assert not Receipt.objects.exists()


def test_statement_picker_opens_the_statement_of_a_customer_in_scope(book, login):
    response = login(book.cashier).get(STATEMENT, {"customer": book.east.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("receivables:statement_detail", args=[book.east.pk])


def test_statement_picker_refuses_a_customer_outside_the_scope(book, login):
    response = login(book.cashier).get(STATEMENT, {"customer": book.west.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="statement-customer-error"' in html and OUT_OF_SCOPE in html
    assert "成都西蜀置业有限公司" not in html


def test_statement_page_lists_no_customer_before_a_search(book, login):
    html = login(book.cashier).get(STATEMENT).content.decode()
    assert "杭州安盛消防工程有限公司" not in html
    assert 'data-testid="picker-customer"' in html


@pytest.mark.parametrize("url", [AGING, OVERDUE])
def test_owner_filters_do_not_list_the_employees(book, login, url):
    html = login(book.cashier).get(url).content.decode()
    assert "赵六" not in html
    assert '<input type="hidden" name="owner" value=""' in html


@pytest.mark.parametrize("url", [AGING, OVERDUE])
def test_owner_filters_show_the_chosen_owner_and_refuse_one_outside(book, login, url):
    c = login(book.cashier)
    chosen = c.get(url, {"owner": book.rep_e1.pk}).content.decode()
    assert f'<input type="hidden" name="owner" value="{book.rep_e1.pk}"' in chosen
    assert 'value="rep_e1"' in chosen
    refused = c.get(url, {"owner": book.rep_w1.pk}).content.decode()
    assert "This employee is not in your scope" in refused
    assert 'value="rep_w1"' not in refused


@pytest.mark.parametrize("url", [AGING, OVERDUE])
def test_owner_filter_query_count(book, login, django_assert_max_num_queries, url):
    for i in range(30):
        UserFactory(username=f"extra{i}", department=book.depts["T-E1"], roles=["sales_rep"])
    c = login(book.cashier)
    c.get(url, {"owner": book.rep_e1.pk})
    with django_assert_max_num_queries(14):
        assert c.get(url, {"owner": book.rep_e1.pk}).status_code == 200


def test_receipt_form_query_count(book, login, django_assert_max_num_queries):
    for i in range(30):
        customer(book.rep_e1, f"宁波{i:02d}号消防有限公司")
    c = login(book.cashier)
    c.get(RECEIPT, {"customer": book.east.pk})
    with django_assert_max_num_queries(10):
        assert c.get(RECEIPT, {"customer": book.east.pk}).status_code == 200
