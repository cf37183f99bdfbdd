"""Two people editing or submitting one price change at the same moment (PostgreSQL: the row
is locked, the version decides; one approval request at most)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import race
from xiaoguan.approvals.models import ApprovalRequest
from xiaoguan.approvals.services.chains import default_chains_ensure
from xiaoguan.core.errors import ApplicationError, StaleEdit
from xiaoguan.pricing.enums import ApprovalDocStatus
from xiaoguan.pricing.models import PriceChange
from xiaoguan.pricing.services.prices import (
    PriceChangeData,
    PriceChangeLineData,
    price_change_create,
    price_change_submit,
    price_change_update,
)
from xiaoguan.pricing.tests import factories as f


def _change(company):
    p = f.product()
    f.base_price(p, "100.00", date(2020, 1, 1))
    change = price_change_create(
        actor=company.mgr_east,
        data=PriceChangeData("原材料涨价", timezone.localdate()),
        lines=[PriceChangeLineData(p.pk, p.unit_id, "110")],
    )
    return change, p


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_edits_from_the_same_version_one_wins(company):
    change, p = _change(company)

    def edit(price):
        return lambda: price_change_update(
            actor=company.mgr_east,
            change=change,
            expected_version=change.version,
            data=PriceChangeData("改", change.effective_from),
            lines=[PriceChangeLineData(p.pk, p.unit_id, price)],
        )

    results = race([edit("120"), edit("130")])
    assert sum(isinstance(r, StaleEdit) for r in results) == 1, results
    saved = PriceChange.objects.get(pk=change.pk)
    assert saved.version == change.version + 1
    assert saved.lines.count() == 1
    assert saved.lines.get().new_price in (Decimal("120.00"), Decimal("130.00"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submits_make_one_approval_request(company):
    default_chains_ensure()
    change, _p = _change(company)
    results = race(
        [
            lambda: price_change_submit(actor=company.mgr_east, change=change),
            lambda: price_change_submit(actor=company.mgr_east, change=change),
        ]
    )
    assert sum(isinstance(r, ApplicationError) for r in results) == 1, results
    assert ApprovalRequest.objects.filter(doc_type="price_change", object_id=change.pk).count() == 1
    assert PriceChange.objects.get(pk=change.pk).status == ApprovalDocStatus.IN_APPROVAL
