"""Quote pages as a Chinese user sees them: the edit form keeps the validity date (an
``<input type="date">`` takes only ``YYYY-MM-DD``; the Chinese format left it empty and
saving reset the validity to the policy default)."""

from datetime import date

import pytest
from django.urls import reverse

from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.sales.tests.quote_factories import line, make_quote, priced_product, quote_chain

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def quote(company):
    quote_chain()
    customer = make_customer(company.rep_e1, "上海安消消防设备有限公司")
    product = priced_product("MFZ-ABC4", "手提式干粉灭火器", price="100.00")
    return make_quote(company.rep_e1, customer, [line(product)], valid_until=date(2099, 12, 27))


def test_edit_form_shows_the_validity_date(quote, company, login):
    client = login(company.rep_e1)
    url = reverse("sales:quote_edit", args=[quote.pk])
    # when the rep opens the quote in Chinese
    body = client.get(url, **ZH).content.decode()
    # then the date input holds the validity in the format it accepts
    assert 'name="valid_until" value="2099-12-27"' in body


def test_the_customers_answer_has_its_own_label(quote, company, login):
    from xiaoguan.approvals.models import ApprovalTask
    from xiaoguan.approvals.services import approval_decide
    from xiaoguan.sales.services import quotes as services

    # given a quote with notes, accepted by the customer with a note of its own
    services.quote_submit(actor=company.rep_e1, quote=quote)
    for task in ApprovalTask.objects.filter(request__doc_type="quote", status="pending"):
        approval_decide(task_id=task.pk, actor=task.approver, decision="approve")
    quote.refresh_from_db()
    services.quote_accept(actor=company.rep_e1, quote=quote, note="客户已盖章回传")
    # when the rep opens it in Chinese
    body = login(company.rep_e1).get(reverse("sales:quote_detail", args=[quote.pk]), **ZH)
    # then the answer is labelled as the customer's answer
    html = body.content.decode()
    assert '客户答复</dt><dd class="col-sm-8">客户已盖章回传' in html
