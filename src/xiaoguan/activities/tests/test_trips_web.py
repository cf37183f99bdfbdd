"""Trip pages and API: the rep sees the block, the manager overrides, the rep submits."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from xiaoguan.activities.enums import TripStatus, VisitResult
from xiaoguan.activities.models import Trip, TripCustomer
from xiaoguan.activities.services import trips as services
from xiaoguan.activities.services import visits as visit_services
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org import services as org_services


def _days(n):
    return (timezone.localdate() + timedelta(days=n)).isoformat()


@pytest.fixture
def setup(company):
    services.trip_default_chain_ensure(actor=company.gm)
    stuck = make_customer(company.rep_e1, "常州停滞客户有限公司")
    good = make_customer(company.rep_e1, "常州进展客户有限公司")
    for i in range(3):
        visit_services.visit_record(
            actor=company.rep_e1,
            customer=stuck,
            data=visit_services.VisitData(
                kind="onsite",
                visited_at=timezone.now() - timedelta(days=5 * (i + 1)),
                result=VisitResult.NO_PROGRESS,
            ),
        )
    return stuck, good


def test_rep_sees_block_manager_overrides_rep_submits(company, login, setup):
    stuck, good = setup
    rep = login(company.rep_e1)
    form = rep.get(reverse("activities:trip_create"))
    assert form.content.count(b'data-testid="trip-customer-blocked"') == 1
    r = rep.post(
        reverse("activities:trip_create"),
        {
            "customers": [stuck.pk, good.pk],
            "destination": "常州",
            "purpose": "两家客户的消防设施年检",
            "start_date": _days(2),
            "end_date": _days(3),
            "budget": "1200",
        },
    )
    trip = Trip.objects.get()
    assert r.status_code == 302
    page = rep.get(reverse("activities:trip_detail", args=[trip.pk]))
    assert b'data-testid="trip-blocked"' in page.content
    r = rep.post(reverse("activities:trip_submit", args=[trip.pk]))
    assert r.status_code == 302 and Trip.objects.get().status == TripStatus.DRAFT
    # The rep may not override.
    assert (
        rep.post(
            reverse("activities:trip_override", args=[trip.pk]),
            {"customer": stuck.pk, "reason": "x"},
        ).status_code
        == 403
    )
    rep.post(reverse("activities:trip_ask_override", args=[trip.pk]))
    assert company.mgr_east.notifications.filter(kind="activities.trip").exists()
    mgr = login(company.mgr_east, c=None)
    page = mgr.get(reverse("activities:trip_detail", args=[trip.pk]))
    assert b'data-testid="trip-override-form"' in page.content
    mgr.post(
        reverse("activities:trip_override", args=[trip.pk]),
        {"customer": stuck.pk, "reason": "客户换了新的设备主管"},
    )
    assert TripCustomer.objects.get(customer=stuck).override_by == company.mgr_east
    rep = login(company.rep_e1)
    rep.post(reverse("activities:trip_submit", args=[trip.pk]))
    assert Trip.objects.get().status == TripStatus.IN_APPROVAL
    page = rep.get(reverse("activities:trip_detail", args=[trip.pk]))
    assert b'data-testid="approval-history-request"' in page.content


def test_list_scope_and_query_count(company, login, setup, django_assert_max_num_queries):
    stuck, good = setup
    for i in range(4):
        services.trip_create(
            actor=company.rep_e1,
            data=services.TripData(
                destination=f"城市{i}",
                purpose="拜访",
                start_date=timezone.localdate(),
                end_date=timezone.localdate(),
                budget="100",
                customer_ids=[good.pk, stuck.pk],
            ),
        )
    west = make_customer(company.rep_w1, "西部客户")
    services.trip_create(
        actor=company.rep_w1,
        data=services.TripData(
            destination="成都",
            purpose="拜访",
            start_date=timezone.localdate(),
            end_date=timezone.localdate(),
            budget="100",
            customer_ids=[west.pk],
        ),
    )
    c = login(company.mgr_east)
    with django_assert_max_num_queries(12):
        r = c.get(reverse("activities:trip_list"))
    assert r.content.count(b'data-testid="trip-row"') == 4
    west_trip = Trip.objects.get(owner=company.rep_w1)
    assert c.get(reverse("activities:trip_detail", args=[west_trip.pk])).status_code == 404


def test_report_page(company, login, setup):
    _stuck, good = setup
    trip = services.trip_create(
        actor=company.rep_e1,
        data=services.TripData(
            destination="扬州",
            purpose="拜访",
            start_date=timezone.localdate(),
            end_date=timezone.localdate(),
            budget="500",
            customer_ids=[good.pk],
        ),
    )
    services.trip_submit(actor=company.rep_e1, trip=trip)
    from xiaoguan.approvals.models import ApprovalTask
    from xiaoguan.approvals.services import approval_decide

    approval_decide(
        task_id=ApprovalTask.objects.get(status="pending").pk,
        actor=company.mgr_east,
        decision="approve",
    )
    c = login(company.rep_e1)
    page = c.get(reverse("activities:trip_detail", args=[trip.pk]))
    assert b'data-testid="trip-report"' in page.content
    r = c.post(
        reverse("activities:trip_report", args=[trip.pk]), {"report": "", "actual_cost": "-1"}
    )
    assert r.status_code == 200
    r = c.post(
        reverse("activities:trip_report", args=[trip.pk]),
        {"report": "签订了年检合同", "actual_cost": "480.00"},
    )
    assert r.status_code == 302 and Trip.objects.get().status == TripStatus.REPORTED


def test_trip_api(company, client, setup):
    stuck, good = setup

    def api(user):
        _t, raw = org_services.api_token_create(user=user, name="t")
        h = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        return lambda url, body=None: (
            client.post(url, json.dumps(body or {}), content_type="application/json", **h)
            if body is not None or url.endswith(("submit", "override"))
            else client.get(url, **h)
        )

    rep, mgr = api(company.rep_e1), api(company.mgr_east)
    base = "/api/v1/activities/trips"
    r = rep(
        f"{base}/",
        {
            "customer_ids": [stuck.pk, good.pk],
            "destination": "常州",
            "purpose": "年检",
            "start_date": _days(1),
            "end_date": _days(0),
            "budget": "100",
        },
    )
    assert r.status_code == 422 and "end_date" in r.json()["fields"]
    r = rep(
        f"{base}/",
        {
            "customer_ids": [stuck.pk, good.pk],
            "destination": "常州",
            "purpose": "年检",
            "start_date": _days(1),
            "end_date": _days(2),
            "budget": "100",
            "status": "approved",
        },
    )
    assert r.status_code == 422  # no status from clients
    r = rep(
        f"{base}/",
        {
            "customer_ids": [stuck.pk, good.pk],
            "destination": "常州",
            "purpose": "年检",
            "start_date": _days(1),
            "end_date": _days(2),
            "budget": "100",
        },
    )
    assert r.status_code == 201
    tid = r.json()["id"]
    r = rep(f"{base}/{tid}/submit")
    assert r.status_code == 409 and r.json()["code"] == "trip_blocked"
    assert [b["customer_id"] for b in r.json()["blocked"]] == [stuck.pk]
    assert (
        rep(f"{base}/{tid}/override", {"customer_id": stuck.pk, "reason": "x"}).status_code == 403
    )
    r = mgr(f"{base}/{tid}/override", {"customer_id": stuck.pk, "reason": "新的采购计划"})
    assert r.status_code == 200
    r = rep(f"{base}/{tid}/submit")
    assert r.status_code == 200 and r.json()["status"] == "in_approval"
    assert rep(f"{base}/").json()["count"] == 1
    assert api(company.rep_w1)(f"{base}/{tid}").status_code == 404
