"""The new-inquiry form's opportunity: only the chosen customer's open opportunities in scope
are offered (a director's whole pipeline is never listed); before a customer is chosen the
field only says to choose the customer first, and choosing the customer reloads the form for
it; a posted opportunity of another customer or outside the scope is refused with the
translated message; the page's queries are pinned."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.sales.enums import Stage
from xiaoguan.sales.models import Inquiry, Opportunity
from xiaoguan.sales.tests.factories import make_opportunity

INQUIRY = reverse("sales:inquiry_create")
REFUSED = (
    "This opportunity is not one of the chosen customer's open opportunities in your scope: "
    "choose one from the list."
)
CHOOSE_FIRST = "Choose the customer first: its open opportunities appear here."


def zh(msgid: str) -> str:
    """The message as the (Chinese) page shows it, escaped."""
    with translation.override("zh-hans"):
        return escape(gettext(msgid))


@pytest.fixture
def book(company):
    c = company
    c.east = make_customer(c.rep_e1, "上海某大厦物业管理有限公司")
    c.other = make_customer(c.rep_e1, "上海另一家物业有限公司")
    c.west = make_customer(c.rep_w1, "成都某商业广场")
    c.east_open = make_opportunity(c.rep_e1, c.east, "大厦消防改造")
    c.east_closed = make_opportunity(c.rep_e1, c.east, "大厦旧项目")
    Opportunity.objects.filter(pk=c.east_closed.pk).update(stage=Stage.LOST)
    c.other_open = make_opportunity(c.rep_e1, c.other, "另一家年度采购")
    c.west_open = make_opportunity(c.rep_w1, c.west, "广场喷淋系统")
    return c


def opportunity_select(html: str) -> str:
    start = html.index('name="opportunity"')
    return html[start : html.index("</select>", start)]


def inquiry_post(customer_id, opportunity_id=None) -> dict:
    deadline = (timezone.localtime() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "customer": customer_id,
        "kind": "inquiry",
        "source": "phone",
        "title": "消防改造询价",
        "deadline": deadline,
    }
    if opportunity_id:
        data["opportunity"] = opportunity_id
    return data


def test_without_a_customer_no_opportunity_is_listed(book, login):
    html = login(book.director).get(INQUIRY).content.decode()
    select = opportunity_select(html)
    assert "<option" in select and select.count("<option") == 1  # only the empty choice
    assert " disabled" in select
    for name in ("大厦消防改造", "另一家年度采购", "广场喷淋系统"):
        assert name not in html
    assert zh(CHOOSE_FIRST) in html
    # choosing the customer opens the form again for it
    picker = html[html.index('data-testid="picker-customer"') - 300 :][:600]
    assert "data-xg-picker-reload" in picker


def test_with_the_customer_only_its_open_opportunities_are_listed(book, login):
    html = login(book.rep_e1).get(INQUIRY, {"customer": book.east.pk}).content.decode()
    select = opportunity_select(html)
    assert f'value="{book.east_open.pk}"' in select and "大厦消防改造" in select
    assert " disabled" not in select
    assert "大厦旧项目" not in html  # closed
    assert "另一家年度采购" not in html  # another customer
    assert zh(CHOOSE_FIRST) not in html
    assert 'data-testid="inquiry-change-customer"' in html


def test_a_posted_customer_offers_its_opportunities_again(book, login):
    response = login(book.rep_e1).post(INQUIRY, {**inquiry_post(book.east.pk), "title": ""})
    assert response.status_code == 422
    select = opportunity_select(response.content.decode())
    assert f'value="{book.east_open.pk}"' in select and "另一家年度采购" not in select


def test_an_opportunity_of_the_customer_is_linked(book, login):
    response = login(book.rep_e1).post(INQUIRY, inquiry_post(book.east.pk, book.east_open.pk))
    assert response.status_code == 302
    assert Inquiry.objects.get().opportunity_id == book.east_open.pk


@pytest.mark.parametrize("which", ["other_open", "east_closed", "west_open"])
def test_an_opportunity_of_another_customer_closed_or_outside_is_refused(book, login, which):
    opportunity = getattr(book, which)
    for url in (INQUIRY, f"{INQUIRY}?customer={book.east.pk}"):
        response = login(book.rep_e1).post(url, inquiry_post(book.east.pk, opportunity.pk))
        assert response.status_code == 422
        assert zh(REFUSED) in response.content.decode()
    assert not Inquiry.objects.exists()


def test_the_inquiry_form_query_count(book, login, django_assert_max_num_queries):
    for i in range(30):
        make_opportunity(book.rep_e1, book.other, f"另一家项目{i:02d}")
        make_opportunity(book.rep_e1, book.east, f"大厦项目{i:02d}")
    c = login(book.director)
    c.get(INQUIRY)
    with django_assert_max_num_queries(5):
        html = c.get(INQUIRY).content.decode()
    assert "另一家项目" not in html and "大厦项目" not in html
    c.get(INQUIRY, {"customer": book.east.pk})
    with django_assert_max_num_queries(7):
        html = c.get(INQUIRY, {"customer": book.east.pk}).content.decode()
    assert opportunity_select(html).count("大厦项目") == 30 and "另一家项目" not in html
