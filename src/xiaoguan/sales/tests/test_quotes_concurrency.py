"""Two people changing one quote at the same moment (PostgreSQL: the row is locked, the
version and the status decide)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import race
from xiaoguan.core.errors import ApplicationError, StaleEdit
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.sales.models import Quote, QuoteLine
from xiaoguan.sales.services.quotes import QuoteData, quote_submit, quote_update
from xiaoguan.sales.tests.quote_factories import (
    float_ranges,
    line,
    make_quote,
    priced_product,
    quote_chain,
)


@pytest.fixture
def setup(company):
    quote_chain()
    float_ranges(sales_rep="5", sales_manager="10")
    customer = make_customer(company.rep_e1, "宁波港务集团")
    ext = priced_product("MFZ-ABC4", "手提式干粉灭火器", price="100.00")
    return company, customer, ext


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_edits_from_the_same_version_one_wins(setup):
    company, customer, ext = setup
    quote = make_quote(company.rep_e1, customer, [line(ext, "1")])

    def edit(actor, quantity):
        return lambda: quote_update(
            actor=actor,
            quote=quote.pk,
            expected_version=1,
            data=QuoteData(customer_id=customer.pk, title="同时修改"),
            lines=[line(ext, quantity)],
        )

    results = race([edit(company.rep_e1, "2"), edit(company.mgr_east, "3")])
    assert sum(isinstance(r, StaleEdit) for r in results) == 1, results
    saved = Quote.objects.get(pk=quote.pk)
    assert saved.version == 2
    assert QuoteLine.objects.filter(quote=saved).count() == 1
    assert saved.total in (Decimal("200.00"), Decimal("300.00"))
    assert saved.total == QuoteLine.objects.get(quote=saved).amount


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_submit_and_edit_at_once_never_submit_other_lines(setup):
    company, customer, ext = setup
    quote = make_quote(company.rep_e1, customer, [line(ext, "1")])
    results = race(
        [
            lambda: quote_submit(actor=company.rep_e1, quote=quote.pk),
            lambda: quote_update(
                actor=company.rep_e1,
                quote=quote.pk,
                expected_version=1,
                data=QuoteData(customer_id=customer.pk, title="改"),
                lines=[line(ext, "5")],
            ),
        ]
    )
    # then: the two serialise on the quote's row; the submission always goes through, with
    # the lines as they are when it gets the lock (an edit after it is refused)
    assert isinstance(results[0], Quote), results
    saved = Quote.objects.get(pk=quote.pk)
    assert saved.status == "in_approval"
    if isinstance(results[1], ApplicationError):
        assert results[1].code == "document_immutable"
        assert saved.total == Decimal("100.00")
    else:
        assert saved.total == Decimal("500.00")
