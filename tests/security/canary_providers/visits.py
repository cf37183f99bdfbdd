"""Canaries of visits, follow-ups and business trips (R-CUS-6, R-CUS-7): West records of the
canary employee carrying the marker."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

MARKER = "CANARY"


def provide(*, company, emp, values: dict[str, Any]) -> dict[str, Any]:
    from django.utils import timezone

    from xiaoguan.activities.services import trips, visits
    from xiaoguan.customers import services as customers

    customer = customers.customer_create(
        actor=emp, data=customers.CustomerData(name=f"{MARKER}-VISITED-CUSTOMER")
    )
    visit = visits.visit_record(
        actor=emp,
        customer=customer,
        data=visits.VisitData(
            kind="onsite",
            visited_at=timezone.now() - timedelta(hours=1),
            result="no_progress",
            purpose=f"{MARKER}-VISIT",
            feedback=f"{MARKER}-FEEDBACK",
            followup_title=f"{MARKER}-FOLLOWUP",
            followup_due=timezone.localdate(),
        ),
    )
    visits.visit_plan(
        actor=emp, customer=customer, planned_for=timezone.localdate(), purpose=f"{MARKER}-PLAN"
    )
    followup = visit.follow_ups.get()
    trip = trips.trip_create(
        actor=emp,
        data=trips.TripData(
            destination=f"{MARKER}-CITY",
            purpose=f"{MARKER}-TRIP",
            start_date=timezone.localdate(),
            end_date=timezone.localdate() + timedelta(days=1),
            budget="100",
            customer_ids=[customer.pk],
        ),
    )
    return {"visit_id": visit.pk, "followup_id": followup.pk, "trip_id": trip.pk}
