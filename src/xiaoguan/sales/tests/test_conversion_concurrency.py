"""A double submit of the conversion arriving at the same moment converts the lead once
(PostgreSQL: the lead row is locked with SELECT ... FOR UPDATE)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from conftest import race
from xiaoguan.customers.enums import LeadStatus
from xiaoguan.customers.models import Customer, Lead
from xiaoguan.customers.services.leads import LeadData, lead_create
from xiaoguan.sales.models import Opportunity
from xiaoguan.sales.services.conversion import (
    ConversionData,
    LeadAlreadyConverted,
    customer_data_from_lead,
    lead_convert,
)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_conversions_at_once_convert_the_lead_once(company):
    lead = lead_create(
        actor=company.rep_e1, data=LeadData(name="台州某汽配有限公司", source="referral")
    )

    def convert():
        return lead_convert(
            actor=company.rep_e1,
            lead=lead.pk,
            data=ConversionData(
                opportunity_name="车间消防",
                amount="50000",
                expected_close=date.today() + timedelta(days=30),
                customer=customer_data_from_lead(lead),
            ),
        )

    results = race([convert, convert])
    refused = [r for r in results if isinstance(r, LeadAlreadyConverted)]
    assert len(refused) == 1, results
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.CONVERTED
    assert (Customer.objects.count(), Opportunity.objects.count()) == (1, 1)
