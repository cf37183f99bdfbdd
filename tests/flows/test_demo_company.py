"""``./xg demo`` loads every part of the customer development (issue 3), not just some."""

import pytest
from django.db.models import Count

from xiaoguan import demo
from xiaoguan.activities.models import FollowUp, MeetingMinutes, Trip, Visit, WeeklyReport, WorkLog
from xiaoguan.customers.models import CreditNote, Customer, Lead, OwnerChange
from xiaoguan.sales.models import Opportunity


def _statuses(model, field: str) -> set[str]:
    return {row[field] for row in model.objects.values(field).annotate(n=Count("pk"))}


@pytest.mark.django_db
def test_the_demo_company_has_every_part_of_customer_development():
    # when
    demo.load_demo_company()
    # then
    assert Customer.objects.filter(is_active=True).count() >= 250
    assert Customer.objects.filter(owner__isnull=True, pool__isnull=False).count() >= 10
    assert Customer.objects.exclude(customer_class="").count() >= 250
    assert OwnerChange.objects.filter(kind="returned").exists()
    assert CreditNote.objects.count() >= 20
    assert _statuses(Lead, "status") >= {
        "new",
        "contacted",
        "qualified",
        "disqualified",
        "converted",
    }
    assert _statuses(Opportunity, "stage") >= {
        "needs",
        "solution",
        "quote",
        "negotiation",
        "won",
        "lost",
    }
    assert Opportunity.objects.filter(lead__isnull=True).count() >= 150
    assert Visit.objects.filter(status="done").count() >= 1000
    assert FollowUp.objects.filter(done_at__isnull=True).exists()
    assert len(_statuses(Trip, "status")) >= 4
    assert WorkLog.objects.count() >= 100
    assert WeeklyReport.objects.filter(submitted_at__isnull=False).exists()
    assert MeetingMinutes.objects.exists()
