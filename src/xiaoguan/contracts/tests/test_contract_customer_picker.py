"""The contract form's customer is a search picker: the page does not list the customers in
scope; a preset customer (``?customer=`` from the customer's page) and the draft's own
customer are shown by name; a posted id outside the scope is refused with a message (the
form checks the scoped queryset); a contract from a quote shows its customer, not a picker;
the form page's queries are pinned."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.tests.test_contracts_support import draft, line
from xiaoguan.contracts.tests.test_contracts_web import _post, given  # noqa: F401  (fixture)
from xiaoguan.customers.tests.factories import make_customer

CREATE = reverse("contracts:contract_create")
REFUSED = "This customer is outside your scope or not available here"

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(company, given):  # noqa: F811
    cat, customer = given
    company.cat, company.east = cat, customer
    company.other = make_customer(company.rep_e1, "上海另一家物业有限公司")
    company.west = make_customer(company.rep_w1, "成都某商业广场")
    return company


def test_the_form_does_not_list_the_customers(book, login):
    html = login(book.rep_e1).get(CREATE).content.decode()
    assert 'data-testid="picker-customer"' in html
    assert reverse("customers:picker") in html
    assert "上海另一家物业有限公司" not in html and "上海某大厦物业管理有限公司" not in html


def test_a_preset_customer_is_shown_by_name(book, login):
    html = login(book.rep_e1).get(CREATE, {"customer": book.east.pk}).content.decode()
    assert f'<input type="hidden" name="customer" value="{book.east.pk}"' in html
    assert 'value="上海某大厦物业管理有限公司"' in html
    assert "上海另一家物业有限公司" not in html


def test_a_preset_customer_outside_the_scope_is_not_preset(book, login):
    html = login(book.rep_e1).get(CREATE, {"customer": book.west.pk}).content.decode()
    assert '<input type="hidden" name="customer" value=""' in html
    assert "成都某商业广场" not in html


def test_accepts_a_customer_in_scope(book, login):
    response = login(book.rep_e1).post(CREATE, _post(book.other, book.cat))
    assert response.status_code == 302
    assert Contract.objects.get().customer_id == book.other.pk


def test_refuses_a_customer_outside_the_scope(book, login):
    response = login(book.rep_e1).post(CREATE, _post(book.west, book.cat))
    html = response.content.decode()
    assert REFUSED in html
    assert "成都某商业广场" not in html
    assert not Contract.objects.exists()


def test_the_edit_page_shows_the_drafts_customer(book, login):
    contract = draft(book.rep_e1, book.east, [line(book.cat.extinguisher, "2")])
    html = login(book.rep_e1).get(reverse("contracts:contract_edit", args=[contract.pk]))
    html = html.content.decode()
    assert f'<input type="hidden" name="customer" value="{book.east.pk}"' in html
    assert 'value="上海某大厦物业管理有限公司"' in html
    assert "上海另一家物业有限公司" not in html


def test_a_contract_from_a_quote_shows_its_customer_without_a_picker(book, login):
    from xiaoguan.contracts.tests.test_contracts_quotes import accepted_quote

    quote = accepted_quote(book.rep_e1, book.east, book.cat)
    client = login(book.rep_e1)
    client.post(reverse("contracts:contract_from_quote", args=[quote.pk]))
    contract = Contract.objects.get(quote=quote)
    html = client.get(reverse("contracts:contract_edit", args=[contract.pk])).content.decode()
    assert 'data-testid="picker-customer"' not in html
    assert "上海某大厦物业管理有限公司" in html
    assert "上海另一家物业有限公司" not in html  # only its own customer


def test_form_page_query_count(book, login, django_assert_max_num_queries):
    for i in range(30):
        make_customer(book.rep_e1, f"宁波{i:02d}号消防有限公司")
    c = login(book.rep_e1)
    c.get(CREATE, {"customer": book.east.pk})
    with django_assert_max_num_queries(10):
        assert c.get(CREATE, {"customer": book.east.pk}).status_code == 200
