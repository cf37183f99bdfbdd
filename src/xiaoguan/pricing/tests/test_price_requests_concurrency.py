"""Two price approval requests for one document filed at the same moment (PostgreSQL: the
owner's row serialises them, so exactly one is filed and the other sees it pending)."""

from __future__ import annotations

import pytest

from conftest import race
from xiaoguan.pricing.errors import PriceRequestPending
from xiaoguan.pricing.models import PriceRequest
from xiaoguan.pricing.services.price_requests import price_request_create
from xiaoguan.pricing.tests.test_price_requests_support import (  # noqa: F401  (fixtures)
    line,
    pricing_setup_fixture,
)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_for_one_document_at_once_one_is_filed(company, pricing_setup):
    rep = company.rep_e1

    def file(actor, price):
        return price_request_create(
            actor=actor,
            subject_kind="quote",
            subject_id=7,
            subject_label="Q-7",
            customer_id=1,
            customer_name="华东建设",
            owner=rep,
            department=rep.department,
            lines=[line(pricing_setup, "2", "100", price)],
            reason="竞品",
        )

    results = race([lambda: file(rep, "90"), lambda: file(company.mgr_east, "88")])
    assert sum(isinstance(r, PriceRequestPending) for r in results) == 1, results
    assert sum(isinstance(r, PriceRequest) for r in results) == 1, results
    assert PriceRequest.objects.filter(subject_kind="quote", subject_id=7).count() == 1
