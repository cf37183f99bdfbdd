"""The payment-behaviour panel on the customer page (R-CUS-9): figures, the poor-payer flag,
hidden without ``receivables.view``, and a constant number of queries."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from xiaoguan.receivables.tests.test_aging_support import instalment, make_customer, receipt


def test_panel_shows_figures_and_flags_a_poor_payer(company, login):
    today = timezone.localdate()
    cust = make_customer(company.rep_e1, "杭州拖欠工程有限公司")
    instalment(company.rep_e1, cust, "5000.00", today - timedelta(days=90))
    receipt(company.rep_e1, cust, "1234.00", today - timedelta(days=3))
    body = login(company.rep_e1).get(reverse("customers:detail", args=[cust.pk])).content.decode()
    assert 'data-testid="payment-behaviour"' in body
    assert 'data-testid="poor-payer"' in body
    assert "¥1,234.00" in body and "¥5,000.00" in body


def test_panel_queries_do_not_grow_with_history(company, login, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    cust = make_customer(company.rep_e1, "杭州守信消防有限公司")
    client = login(company.rep_e1)
    url = reverse("customers:detail", args=[cust.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(8):
        instalment(company.rep_e1, cust, "100.00", today - timedelta(days=n + 1))
        receipt(company.rep_e1, cust, "50.00", today - timedelta(days=n + 1))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_hidden_without_the_right(company, login):
    cust = make_customer(company.rep_e1, "杭州守信消防有限公司")
    body = login(company.marketing1).get(reverse("customers:detail", args=[cust.pk]))
    assert 'data-testid="payment-behaviour"' not in body.content.decode()
