"""The reason of a change-history row reads in the reader's language on the record's page:
a reason the code wrote ("approval: approved") is translated word by word, a reason a user
typed is shown as typed."""

from datetime import date

import pytest
from django.urls import reverse

from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.sales.tests.quote_factories import line, make_quote, priced_product, quote_chain

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _history(html: str) -> str:
    start = html.index('data-testid="change-history"')
    return html[start : html.index("\n</div>", start)]


@pytest.fixture
def approved_quote(company):
    from xiaoguan.approvals.models import ApprovalTask
    from xiaoguan.approvals.services import approval_decide
    from xiaoguan.sales.services import quotes as services

    quote_chain()
    customer = make_customer(company.rep_e1, "上海安消消防设备有限公司")
    product = priced_product("MFZ-ABC4", "手提式干粉灭火器", price="100.00")
    quote = make_quote(company.rep_e1, customer, [line(product)], valid_until=date(2099, 12, 27))
    services.quote_submit(actor=company.rep_e1, quote=quote)
    for task in ApprovalTask.objects.filter(request__doc_type="quote", status="pending"):
        approval_decide(task_id=task.pk, actor=task.approver, decision="approve")
    quote.refresh_from_db()
    # the approval wrote its reason in English, as the code does
    assert quote.history.first().history_change_reason == "approval: approved"
    return quote


def test_an_approval_reason_reads_in_chinese_on_a_chinese_page(approved_quote, company, login):
    url = reverse("sales:quote_detail", args=[approved_quote.pk])
    # when the rep opens the quote in Chinese
    history = _history(login(company.rep_e1).get(url, **ZH).content.decode())
    # then the reason's words and its status are Chinese
    assert "已修改（审批：已批准）" in history
    assert "已修改（已提交）" in history
    assert "approval" not in history


def test_an_approval_reason_reads_in_english_on_an_english_page(approved_quote, company, login):
    url = reverse("sales:quote_detail", args=[approved_quote.pk])
    # when the rep opens the quote in English
    history = _history(login(company.rep_e1).get(url, **EN).content.decode())
    # then the reason is in English
    assert "(approval: approved)" in history
    assert "(submitted)" in history
    assert "审批" not in history


def test_a_typed_reason_is_shown_as_typed(company, login):
    from xiaoguan.customers.services import customer_deactivate

    # given a customer deactivated with a reason the manager typed, in English words that
    # are also a reason the code writes elsewhere ("cancelled" is not: it is longer)
    customer = make_customer(company.rep_e1, "苏州消防器材有限公司")
    customer_deactivate(customer=customer, actor=company.gm, reason="moved to Suzhou: cancelled")
    url = reverse("customers:detail", args=[customer.pk])
    # when management opens the customer in Chinese and in English
    client = login(company.gm)
    zh = _history(client.get(url, **ZH).content.decode())
    en = _history(client.get(url, **EN).content.decode())
    # then the reason is exactly what was typed, in the brackets of each language
    assert "（moved to Suzhou: cancelled）" in zh
    assert "(moved to Suzhou: cancelled)" in en


def test_the_status_words_cover_the_approval_callbacks():
    from django.utils import translation

    from xiaoguan.core import history_reasons
    from xiaoguan.sales.enums import InquiryStatus, QuoteStatus

    with translation.override("en"):  # the msgids, English
        known = {str(r) for r in (*history_reasons.REASONS, *history_reasons.STATUS_WORDS)}
    # the statuses that follow "approval: " (quotes) and "bid decision: " (inquiries)
    for status in (QuoteStatus.APPROVED, QuoteStatus.REJECTED, QuoteStatus.RETURNED):
        assert status.value.replace("_", " ") in known
    for status in (InquiryStatus.BIDDING, InquiryStatus.NO_BID, InquiryStatus.NEW):
        assert status.value.replace("_", " ") in known
    assert QuoteStatus.DRAFT.value in known  # a withdrawn approval puts the quote back
