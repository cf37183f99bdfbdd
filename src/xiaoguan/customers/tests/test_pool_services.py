"""The public pool's rules (R-CUS-5): claims within the limits, releases, a manager's bulk
assignment, locks, and the job that warns and then returns customers not followed up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from xiaoguan.core import policy
from xiaoguan.core.errors import NotFound, ValidationFailed
from xiaoguan.core.models import Notification
from xiaoguan.customers.enums import OwnerChangeKind
from xiaoguan.customers.models import Customer, OwnerChange, Pool
from xiaoguan.customers.selectors import pool as pool_selectors
from xiaoguan.customers.services import pool as svc
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org import services as org_services


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def pools(company):
    east = svc.pool_create(department=company.depts["R-E"], actor=company.director)
    west = svc.pool_create(department=company.depts["R-W"], actor=company.director)
    return {"east": east, "west": west}


def set_policy(company, **values):
    for key, raw in values.items():
        policy.policy_set(key=f"customers.{key}", raw=raw, actor=company.gm)


def in_pool(company, name, *, owner=None):
    """A customer of ``owner`` (rep_e1 by default) released to its region's pool."""
    owner = owner or company.rep_e1
    customer = make_customer(owner, name)
    return svc.customer_release(customer_id=customer.pk, actor=owner, reason="无需求")


def kinds(customer):
    return list(
        OwnerChange.objects.filter(customer=customer)
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    )


# --- pools ----------------------------------------------------------------------------


def test_a_new_pool_takes_everyone_of_the_region_subtree_as_members(company, pools):
    members = {u.username for u in pools["east"].members.all()}
    assert members == {"mgr_east", "rep_e1", "rep_e1b", "rep_e2"}
    assert "华东区" in pools["east"].name


def test_a_department_has_one_pool(company, pools):
    with pytest.raises(ValidationFailed):
        svc.pool_create(department=company.depts["R-E"], actor=company.director)
    assert Pool.objects.count() == 2


def test_customers_go_to_the_pool_of_the_nearest_department_above(company, pools):
    assert pool_selectors.pool_covering(department_id=company.depts["T-E1"].pk) == pools["east"]
    assert pool_selectors.pool_covering(department_id=company.depts["R-W"].pk) == pools["west"]
    assert pool_selectors.pool_covering(department_id=company.depts["FIN"].pk) is None


# --- creation and release -------------------------------------------------------------


def test_creating_a_customer_logs_its_first_owner(company):
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    change = OwnerChange.objects.get(customer=customer)
    assert (change.kind, change.to_owner, change.by) == (
        OwnerChangeKind.CREATED,
        company.rep_e1,
        company.rep_e1,
    )


def test_the_owner_releases_a_customer_to_the_region_pool_with_a_reason(company, pools):
    # given
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    # when
    svc.customer_release(customer_id=customer.pk, actor=company.rep_e1, reason="客户无需求")
    # then
    customer.refresh_from_db()
    assert customer.owner is None
    assert customer.pool == pools["east"]
    assert customer.department == company.depts["R-E"]
    assert customer.pool_entered_at is not None
    change = OwnerChange.objects.filter(customer=customer).first()
    assert (change.kind, change.from_owner, change.reason) == (
        OwnerChangeKind.RELEASED,
        company.rep_e1,
        "客户无需求",
    )
    assert customer.history.first().history_change_reason == "客户无需求"


def test_release_needs_a_reason_and_the_owner(company, pools):
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    with pytest.raises(ValidationFailed):
        svc.customer_release(customer_id=customer.pk, actor=company.rep_e1, reason="  ")
    with pytest.raises(svc.PoolRefused) as refused:
        svc.customer_release(customer_id=customer.pk, actor=company.rep_e1b, reason="x")
    assert refused.value.code == "pool_not_owner"
    customer.refresh_from_db()
    assert customer.owner == company.rep_e1
    assert kinds(customer) == [OwnerChangeKind.CREATED]


def test_release_is_refused_when_no_pool_covers_the_region(company):
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    with pytest.raises(svc.PoolRefused) as refused:
        svc.customer_release(customer_id=customer.pk, actor=company.rep_e1, reason="x")
    assert refused.value.code == "pool_none"


# --- claims ---------------------------------------------------------------------------


def test_a_member_claims_a_customer_from_the_pool(company, pools):
    # given
    customer = in_pool(company, "甲消防有限公司")
    # when
    svc.customer_claim(customer_id=customer.pk, actor=company.rep_e2)
    # then
    customer.refresh_from_db()
    assert (customer.owner, customer.department, customer.pool) == (
        company.rep_e2,
        company.depts["T-E2"],
        None,
    )
    assert customer.assigned_at is not None
    assert kinds(customer) == [
        OwnerChangeKind.CREATED,
        OwnerChangeKind.RELEASED,
        OwnerChangeKind.CLAIMED,
    ]


def test_a_non_member_cannot_claim(company, pools):
    customer = in_pool(company, "甲消防有限公司")
    with pytest.raises(svc.PoolRefused) as refused:
        svc.customer_claim(customer_id=customer.pk, actor=company.rep_w1)
    assert refused.value.code == "pool_not_member"
    customer.refresh_from_db()
    assert customer.owner is None


def test_a_claimed_customer_cannot_be_claimed_again(company, pools):
    customer = in_pool(company, "甲消防有限公司")
    svc.customer_claim(customer_id=customer.pk, actor=company.rep_e2)
    with pytest.raises(svc.PoolRefused) as refused:
        svc.customer_claim(customer_id=customer.pk, actor=company.rep_e1b)
    assert refused.value.code == "pool_taken"
    customer.refresh_from_db()
    assert customer.owner == company.rep_e2


def test_the_daily_claim_limit(company, pools):
    # given
    set_policy(company, pool_daily_claims=2)
    customers = [in_pool(company, f"消防{i}有限公司") for i in range(3)]
    svc.customer_claim(customer_id=customers[0].pk, actor=company.rep_e2)
    svc.customer_claim(customer_id=customers[1].pk, actor=company.rep_e2)
    # when / then
    with pytest.raises(svc.PoolRefused) as refused:
        svc.customer_claim(customer_id=customers[2].pk, actor=company.rep_e2)
    assert refused.value.code == "pool_daily_limit"
    customers[2].refresh_from_db()
    assert customers[2].owner is None
    # the next day the limit starts again
    tomorrow = timezone.now() + timedelta(days=1)
    svc.customer_claim(customer_id=customers[2].pk, actor=company.rep_e2, now=tomorrow)
    customers[2].refresh_from_db()
    assert customers[2].owner == company.rep_e2


def test_the_cap_on_customers_held(company, pools):
    # given: rep_e2 holds one customer, the cap is one
    set_policy(company, pool_held_cap=1)
    make_customer(company.rep_e2, "乙消防有限公司")
    customer = in_pool(company, "甲消防有限公司")
    # when / then
    with pytest.raises(svc.PoolRefused) as refused:
        svc.customer_claim(customer_id=customer.pk, actor=company.rep_e2)
    assert refused.value.code == "pool_held_cap"
    customer.refresh_from_db()
    assert customer.owner is None


def test_a_rep_cannot_reclaim_a_customer_lost_within_the_ban_days(company, pools):
    # given: rep_e1 released the customer today; the ban is 30 days
    customer = in_pool(company, "甲消防有限公司")
    # when / then
    with pytest.raises(svc.PoolRefused) as refused:
        svc.customer_claim(customer_id=customer.pk, actor=company.rep_e1)
    assert refused.value.code == "pool_reclaim_ban"
    later = timezone.now() + timedelta(days=31)
    svc.customer_claim(customer_id=customer.pk, actor=company.rep_e1, now=later)
    customer.refresh_from_db()
    assert customer.owner == company.rep_e1


# --- manager's assignment and lock ----------------------------------------------------


def test_a_manager_assigns_in_bulk_from_the_pool_and_from_other_reps(company, pools):
    # given: the claim limits would refuse a claim, they do not bind a manager
    set_policy(company, pool_daily_claims=0, pool_held_cap=0)
    pooled = in_pool(company, "甲消防有限公司")
    owned = make_customer(company.rep_e1b, "乙消防有限公司")
    # when
    changed = svc.customers_assign(
        customer_ids=[pooled.pk, owned.pk],
        to_owner=company.rep_e2,
        actor=company.mgr_east,
        reason="调整片区",
    )
    # then
    assert {c.pk for c in changed} == {pooled.pk, owned.pk}
    for customer in (pooled, owned):
        customer.refresh_from_db()
        assert (customer.owner, customer.department, customer.pool) == (
            company.rep_e2,
            company.depts["T-E2"],
            None,
        )
        change = OwnerChange.objects.filter(customer=customer).first()
        assert (change.kind, change.to_owner, change.by, change.reason) == (
            OwnerChangeKind.ASSIGNED,
            company.rep_e2,
            company.mgr_east,
            "调整片区",
        )
    assert OwnerChange.objects.get(customer=owned, kind="assigned").from_owner == company.rep_e1b
    assert Notification.objects.filter(
        recipient=company.rep_e2, kind="customers.pool_assigned"
    ).exists()


def test_assignment_out_of_scope_changes_nothing(company, pools):
    east = make_customer(company.rep_e1, "甲消防有限公司")
    west = make_customer(company.rep_w1, "丙消防有限公司")
    with pytest.raises(NotFound):
        svc.customers_assign(
            customer_ids=[east.pk, west.pk], to_owner=company.rep_e2, actor=company.mgr_east
        )
    with pytest.raises(ValidationFailed):
        svc.customers_assign(
            customer_ids=[east.pk], to_owner=company.rep_w1, actor=company.mgr_east
        )
    east.refresh_from_db()
    west.refresh_from_db()
    assert (east.owner, west.owner) == (company.rep_e1, company.rep_w1)
    assert not OwnerChange.objects.filter(kind=OwnerChangeKind.ASSIGNED).exists()


def test_lock_needs_a_reason_and_an_owner(company, pools):
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    with pytest.raises(ValidationFailed):
        svc.customer_lock(customer_id=customer.pk, actor=company.mgr_east, reason="")
    pooled = in_pool(company, "乙消防有限公司")
    with pytest.raises(svc.PoolRefused):
        svc.customer_lock(customer_id=pooled.pk, actor=company.mgr_east, reason="重点")
    svc.customer_lock(customer_id=customer.pk, actor=company.mgr_east, reason="重点工程")
    customer.refresh_from_db()
    assert (customer.locked_by, customer.locked_reason) == (company.mgr_east, "重点工程")
    svc.customer_unlock(customer_id=customer.pk, actor=company.mgr_east, reason="工程结束")
    customer.refresh_from_db()
    assert customer.locked_by is None


# --- the job --------------------------------------------------------------------------


def _classify(customer, cls):
    Customer.objects.filter(pk=customer.pk).update(customer_class=cls)


def test_the_job_warns_first_then_returns_after_the_notice(company, pools):
    # given: a class C customer (30 days), warning 7 days before
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    _classify(customer, "C")
    start = timezone.now()
    # when: 22 days later nothing is due
    assert svc.pool_run(now=start + timedelta(days=22)) == {"warned": 0, "returned": 0, "swept": 0}
    # 24 days later: the owner is warned, once however often the job runs
    assert svc.pool_run(now=start + timedelta(days=24))["warned"] == 1
    assert svc.pool_run(now=start + timedelta(days=24, hours=1))["warned"] == 0
    notes = Notification.objects.filter(recipient=company.rep_e1, kind="customers.pool_warning")
    assert notes.count() == 1
    customer.refresh_from_db()
    assert customer.return_warned_at is not None
    # 30 days: due, but the owner has had only 6 days' notice
    assert svc.pool_run(now=start + timedelta(days=30))["returned"] == 0
    # 31 days: returned to the East pool
    assert svc.pool_run(now=start + timedelta(days=31))["returned"] == 1
    customer.refresh_from_db()
    assert (customer.owner, customer.pool, customer.department) == (
        None,
        pools["east"],
        company.depts["R-E"],
    )
    change = OwnerChange.objects.filter(customer=customer).first()
    assert (change.kind, change.from_owner) == (OwnerChangeKind.RETURNED, company.rep_e1)
    assert "30" in change.reason
    assert customer.history.first().history_change_reason == change.reason
    assert Notification.objects.filter(
        recipient=company.rep_e1, kind="customers.pool_returned"
    ).exists()
    # and running again changes nothing
    assert svc.pool_run(now=start + timedelta(days=31, hours=1)) == {
        "warned": 0,
        "returned": 0,
        "swept": 0,
    }


def test_class_days_are_per_class(company, pools):
    a = make_customer(company.rep_e1, "甲消防有限公司")
    b = make_customer(company.rep_e1, "乙消防有限公司")
    _classify(a, "A")
    _classify(b, "B")
    start = timezone.now()
    svc.pool_run(now=start + timedelta(days=60))  # B warned (53+), A not (83)
    svc.pool_run(now=start + timedelta(days=68))
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.owner, b.owner) == (company.rep_e1, None)


def test_a_follow_up_after_the_warning_keeps_the_customer(company, pools):
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    _classify(customer, "C")
    start = timezone.now()
    svc.pool_run(now=start + timedelta(days=24))
    Customer.objects.filter(pk=customer.pk).update(last_contact_at=start + timedelta(days=25))
    assert svc.pool_run(now=start + timedelta(days=32))["returned"] == 0
    customer.refresh_from_db()
    assert customer.owner == company.rep_e1


def test_a_locked_customer_never_returns(company, pools):
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    _classify(customer, "C")
    svc.customer_lock(customer_id=customer.pk, actor=company.mgr_east, reason="重点工程")
    start = timezone.now()
    svc.pool_run(now=start + timedelta(days=24))
    result = svc.pool_run(now=start + timedelta(days=400))
    assert result == {"warned": 0, "returned": 0, "swept": 0}
    customer.refresh_from_db()
    assert customer.owner == company.rep_e1
    assert not Notification.objects.filter(kind="customers.pool_warning").exists()


def test_no_deal_within_the_deal_days_returns_too(company, pools):
    # given: follow-ups keep coming but no deal; deal rule 20 days, no notice
    set_policy(company, pool_return_days_no_deal=20, pool_warning_days=0)
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    _classify(customer, "A")
    start = timezone.now()
    Customer.objects.filter(pk=customer.pk).update(last_contact_at=start + timedelta(days=19))
    # when
    assert svc.pool_run(now=start + timedelta(days=19))["returned"] == 0
    assert svc.pool_run(now=start + timedelta(days=21))["returned"] == 1
    # then
    change = OwnerChange.objects.filter(customer=customer).first()
    assert change.kind == OwnerChangeKind.RETURNED and "20" in change.reason


def test_customers_no_pool_covers_stay_with_their_owner(company):
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    _classify(customer, "C")
    start = timezone.now()
    svc.pool_run(now=start + timedelta(days=24))
    assert svc.pool_run(now=start + timedelta(days=40))["returned"] == 0
    customer.refresh_from_db()
    assert customer.owner == company.rep_e1


def test_ownerless_customers_of_a_closed_pool_move_to_the_pool_above(company, pools):
    # given: a team pool inside the East region, then closed
    team = svc.pool_create(department=company.depts["T-E1"], actor=company.director)
    customer = in_pool(company, "甲消防有限公司")
    assert customer.pool == team
    svc.pool_update(pool=team, actor=company.director, name=team.name, members=[], is_active=False)
    # when
    assert svc.pool_run()["swept"] == 1
    # then
    customer.refresh_from_db()
    assert (customer.pool, customer.department) == (pools["east"], company.depts["R-E"])


def test_the_warning_list_shows_the_owners_customers_about_to_return(company, pools):
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    make_customer(company.rep_e2, "乙消防有限公司")
    _classify(customer, "C")
    later = timezone.now() + timedelta(days=25)
    assert list(pool_selectors.pool_warning_list(user=company.rep_e1, now=later)) == [customer]
    assert list(pool_selectors.pool_warning_list(user=company.rep_e1b, now=later)) == []
    forecast = pool_selectors.return_forecast(customer)
    assert forecast.reason == "followup" and forecast.days == 30


# --- handover -------------------------------------------------------------------------


def test_a_handover_logs_each_customer_moved_and_passes_pool_membership(company, pools):
    # given
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    outsider = company.rep_w1
    # when
    org_services.employee_handover(employee=company.rep_e1, successor=outsider, actor=company.gm)
    # then
    change = OwnerChange.objects.filter(customer=customer).first()
    assert (change.kind, change.from_owner, change.to_owner, change.by) == (
        OwnerChangeKind.HANDOVER,
        company.rep_e1,
        outsider,
        company.gm,
    )
    assert pools["east"].members.filter(pk=outsider.pk).exists()
