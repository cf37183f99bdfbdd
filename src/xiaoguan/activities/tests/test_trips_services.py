"""Business trips (R-CUS-7): the request, the three-visit rule with the manager's override,
and the approval flow end to end through the engine."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xiaoguan.activities.enums import TripStatus, VisitResult
from xiaoguan.activities.errors import TripBlocked, TripInvalid
from xiaoguan.activities.models import Trip, TripCustomer
from xiaoguan.activities.services import trips as services
from xiaoguan.activities.services import visits as visit_services
from xiaoguan.approvals.models import ApprovalTask
from xiaoguan.approvals.services import approval_decide
from xiaoguan.core import policy
from xiaoguan.core.errors import Conflict, InvalidTransition, PermissionDenied
from xiaoguan.customers.tests.factories import make_customer


def _days(n):
    return timezone.localdate() + timedelta(days=n)


def _data(customers, **kw):
    base = {
        "destination": "苏州",
        "purpose": "拜访工业园区客户，洽谈喷淋系统改造",
        "start_date": _days(3),
        "end_date": _days(5),
        "budget": "3500.00",
        "customer_ids": [c.pk for c in customers],
    }
    base.update(kw)
    return services.TripData(**base)


def _no_progress_visits(rep, customer, n=3):
    for i in range(n):
        visit_services.visit_record(
            actor=rep,
            customer=customer,
            data=visit_services.VisitData(
                kind="onsite",
                visited_at=timezone.now() - timedelta(days=10 * (i + 1)),
                result=VisitResult.NO_PROGRESS,
            ),
        )


@pytest.fixture
def chain(company):
    return services.trip_default_chain_ensure(actor=company.gm)


@pytest.fixture
def customers(company):
    return [
        make_customer(company.rep_e1, "苏州工业园区物业有限公司"),
        make_customer(company.rep_e1, "昆山精密机械有限公司"),
    ]


def test_create_checks_the_request(company, customers):
    with pytest.raises(TripInvalid) as exc:
        services.trip_create(
            actor=company.rep_e1,
            data=_data(
                customers,
                start_date=_days(-1),
                end_date=_days(-3),
                budget="-1",
                destination=" ",
            ),
        )
    assert {"start_date", "end_date", "budget", "destination"} <= set(exc.value.fields)
    with pytest.raises(TripInvalid) as exc:
        services.trip_create(actor=company.rep_e1, data=_data([]))
    assert "customers" in exc.value.fields
    west = make_customer(company.rep_w1, "成都化工有限公司")
    with pytest.raises(TripInvalid) as exc:
        services.trip_create(actor=company.rep_e1, data=_data([*customers, west]))
    assert "customers" in exc.value.fields
    assert not Trip.objects.exists()
    trip = services.trip_create(actor=company.rep_e1, data=_data(customers))
    assert trip.status == TripStatus.DRAFT
    assert trip.budget == Decimal("3500.00")
    assert trip.number.startswith("CC-")
    assert trip.owner == company.rep_e1
    assert set(trip.customers.all()) == set(customers)


def test_approval_flow_end_to_end(company, customers, chain):
    trip = services.trip_create(actor=company.rep_e1, data=_data(customers))
    trip = services.trip_submit(actor=company.rep_e1, trip=trip)
    assert trip.status == TripStatus.IN_APPROVAL
    task = ApprovalTask.objects.get(status="pending")
    # The head of the rep's department (T-E1 has none) → the rep's manager.
    assert task.approver == company.mgr_east
    approval_decide(task_id=task.pk, actor=company.mgr_east, decision="return", comment="预算偏高")
    trip.refresh_from_db()
    assert trip.status == TripStatus.RETURNED
    services.trip_update(actor=company.rep_e1, trip=trip, data=_data(customers, budget="2800"))
    services.trip_submit(actor=company.rep_e1, trip=Trip.objects.get(pk=trip.pk))
    task = ApprovalTask.objects.get(status="pending")
    approval_decide(task_id=task.pk, actor=company.mgr_east, decision="approve")
    trip.refresh_from_db()
    assert trip.status == TripStatus.APPROVED and trip.decided_at is not None
    assert trip.budget == Decimal("2800.00")
    # The report waits for the last day of the trip.
    with pytest.raises(Conflict):
        services.trip_report(actor=company.rep_e1, trip=trip, report="x", actual_cost="100")
    with pytest.raises(TripInvalid):
        services.trip_report(
            actor=company.rep_e1,
            trip=trip,
            report="",
            actual_cost="-5",
            now=timezone.now() + timedelta(days=5),
        )
    services.trip_report(
        actor=company.rep_e1,
        trip=trip,
        report="与两家客户确认了喷淋系统改造方案",
        actual_cost="2650.50",
        now=timezone.now() + timedelta(days=5),
    )
    trip.refresh_from_db()
    assert trip.status == TripStatus.REPORTED
    assert trip.actual_cost == Decimal("2650.50")


def test_reject_and_withdraw(company, customers, chain):
    trip = services.trip_create(actor=company.rep_e1, data=_data(customers))
    services.trip_submit(actor=company.rep_e1, trip=trip)
    trip = services.trip_withdraw(actor=company.rep_e1, trip=trip)
    assert trip.status == TripStatus.DRAFT
    services.trip_submit(actor=company.rep_e1, trip=trip)
    task = ApprovalTask.objects.get(status="pending")
    approval_decide(task_id=task.pk, actor=company.mgr_east, decision="reject", comment="不必要")
    trip.refresh_from_db()
    assert trip.status == TripStatus.REJECTED
    with pytest.raises(InvalidTransition):
        services.trip_submit(actor=company.rep_e1, trip=trip)


def test_only_the_owner_submits(company, customers, chain):
    trip = services.trip_create(actor=company.rep_e1, data=_data(customers))
    with pytest.raises(PermissionDenied):
        services.trip_submit(actor=company.rep_e1b, trip=trip)


def test_three_visit_rule_blocks_until_the_manager_overrides(company, customers, chain):
    blocked, fine = customers
    _no_progress_visits(company.rep_e1, blocked)
    trip = services.trip_create(actor=company.rep_e1, data=_data(customers))
    stop = TripCustomer.objects.get(trip=trip, customer=blocked)
    assert stop.blocked_reason
    with pytest.raises(TripBlocked) as exc:
        services.trip_submit(actor=company.rep_e1, trip=trip)
    assert [b["customer_id"] for b in exc.value.extra["blocked"]] == [blocked.pk]
    assert Trip.objects.get(pk=trip.pk).status == TripStatus.DRAFT
    # The rep cannot override; a manager needs a reason; not for a customer that is not blocked.
    with pytest.raises(PermissionDenied):
        services.trip_override(
            actor=company.rep_e1, trip=trip, customer_id=blocked.pk, reason="自己放行"
        )
    with pytest.raises(TripInvalid):
        services.trip_override(actor=company.mgr_east, trip=trip, customer_id=blocked.pk, reason="")
    with pytest.raises(Conflict):
        services.trip_override(
            actor=company.mgr_east, trip=trip, customer_id=fine.pk, reason="无需"
        )
    services.trip_override(
        actor=company.mgr_east,
        trip=trip,
        customer_id=blocked.pk,
        reason="客户新任采购经理，值得再跑一次",
    )
    stop.refresh_from_db()
    assert stop.override_by == company.mgr_east and stop.override_reason
    trip = services.trip_submit(actor=company.rep_e1, trip=trip)
    assert trip.status == TripStatus.IN_APPROVAL


def test_open_followup_or_progress_lifts_the_rule(company, customers, chain):
    blocked, _fine = customers
    _no_progress_visits(company.rep_e1, blocked)
    visit_services.followup_create(
        actor=company.rep_e1, customer=blocked, title="新方案：分期更换灭火器", due_date=_days(7)
    )
    trip = services.trip_create(actor=company.rep_e1, data=_data(customers))
    assert services.trip_submit(actor=company.rep_e1, trip=trip).status == TripStatus.IN_APPROVAL


def test_two_visits_do_not_block_and_the_rule_can_be_switched_off(company, customers, chain):
    blocked, _fine = customers
    _no_progress_visits(company.rep_e1, blocked, n=2)
    trip = services.trip_create(actor=company.rep_e1, data=_data(customers))
    assert not services.trip_refresh_blocks(trip=trip)
    _no_progress_visits(company.rep_e1, blocked, n=1)
    assert services.trip_refresh_blocks(trip=trip)
    policy.policy_set(key="trips.no_progress_rule", raw=False, actor=company.gm, reason="test")
    try:
        assert not services.trip_refresh_blocks(trip=trip)
        assert services.trip_submit(actor=company.rep_e1, trip=trip).status == "in_approval"
    finally:
        # The values in force are cached beyond the test's transaction: put it back.
        policy.policy_set(key="trips.no_progress_rule", raw=True, actor=company.gm, reason="t")


def test_without_a_chain_the_submission_is_refused_and_nothing_changes(company, customers):
    trip = services.trip_create(actor=company.rep_e1, data=_data(customers))
    with pytest.raises(Exception) as exc:
        services.trip_submit(actor=company.rep_e1, trip=trip)
    assert getattr(exc.value, "status", 500) == 422
    assert Trip.objects.get(pk=trip.pk).status == TripStatus.DRAFT
