"""Canary of the leads part: a West lead of the canary employee (a referral, overdue, so it
would show on breaches pages and panels if the scope leaked)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any


def provide(*, company, emp, values: dict[str, Any]) -> dict[str, Any]:
    from django.utils import timezone

    from xiaoguan.customers.models import Lead
    from xiaoguan.customers.services.leads import LeadData, lead_create

    lead = lead_create(
        actor=emp,
        data=LeadData(
            name="CANARY-LEAD",
            source="referral",
            contact_name="CANARY-LEAD-CONTACT",
            referrer="CANARY-REFERRER",
            phone="028-66660001",
        ),
    )
    Lead.objects.filter(pk=lead.pk).update(created_at=timezone.now() - timedelta(days=3))
    return {"lead_id": lead.pk}
