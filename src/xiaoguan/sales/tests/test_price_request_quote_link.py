"""The price approval request page links to its quote only for those who may open quotes:
finance sees the request (it may approve prices) but not quotes, so it gets the quote's
number without a link to a refused page."""

from __future__ import annotations

from django.urls import reverse

from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.pricing.services.price_requests import price_request_create_for_subject
from xiaoguan.sales.tests.quote_factories import (
    float_ranges,
    line,
    make_quote,
    priced_product,
    quote_chain,
)


def test_quote_link_only_for_those_who_may_open_quotes(company, login):
    # given a quote below the rep's range and its price approval request
    quote_chain()
    float_ranges(sales_rep="5")
    customer = make_customer(company.rep_e1, "上海安消消防设备有限公司")
    product = priced_product("MFZ-ABC4", "手提式干粉灭火器", price="100.00")
    quote = make_quote(company.rep_e1, customer, [line(product, unit_price="80.00")])
    request = price_request_create_for_subject(
        actor=company.rep_e1, subject_kind="quote", subject_id=quote.pk, reason="竞争对手报价"
    )
    url = reverse("pricing:price_request_detail", args=[request.pk])
    quote_url = reverse("sales:quote_detail", args=[quote.pk])
    # then the rep gets the link, finance only the number
    assert f'href="{quote_url}"' in login(company.rep_e1).get(url).content.decode()
    finance = login(company.finance1).get(url)
    assert finance.status_code == 200
    body = finance.content.decode()
    assert quote.number in body
    assert f'href="{quote_url}"' not in body
