"""Claims at the same moment (PostgreSQL: row locks; SQLite runs one writer at a time)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from conftest import race
from xiaoguan.core import policy
from xiaoguan.customers.enums import OwnerChangeKind
from xiaoguan.customers.models import Customer, OwnerChange
from xiaoguan.customers.services import pool as svc
from xiaoguan.customers.tests.factories import make_customer


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _in_pool(owner, name):
    customer = make_customer(owner, name)
    return svc.customer_release(customer_id=customer.pk, actor=owner, reason="无需求")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reps_claiming_one_customer_at_once_exactly_one_wins(company):
    # given
    svc.pool_create(department=company.depts["R-E"], actor=company.director)
    customer = _in_pool(company.mgr_east, "甲消防有限公司")
    # when
    results = race(
        [
            lambda: svc.customer_claim(customer_id=customer.pk, actor=company.rep_e1),
            lambda: svc.customer_claim(customer_id=customer.pk, actor=company.rep_e2),
        ]
    )
    # then
    refused = [r for r in results if isinstance(r, svc.PoolRefused)]
    assert len(refused) == 1 and refused[0].code == "pool_taken", results
    customer.refresh_from_db()
    assert customer.owner in (company.rep_e1, company.rep_e2)
    assert OwnerChange.objects.filter(customer=customer, kind=OwnerChangeKind.CLAIMED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_rep_claiming_two_customers_at_once_keeps_the_daily_limit(company):
    # given: one claim left today
    policy.policy_set(key="customers.pool_daily_claims", raw=1, actor=company.gm)
    svc.pool_create(department=company.depts["R-E"], actor=company.director)
    a = _in_pool(company.mgr_east, "甲消防有限公司")
    b = _in_pool(company.mgr_east, "乙消防有限公司")
    # when
    results = race(
        [
            lambda: svc.customer_claim(customer_id=a.pk, actor=company.rep_e1),
            lambda: svc.customer_claim(customer_id=b.pk, actor=company.rep_e1),
        ]
    )
    # then
    refused = [r for r in results if isinstance(r, svc.PoolRefused)]
    assert len(refused) == 1 and refused[0].code == "pool_daily_limit", results
    assert Customer.objects.filter(owner=company.rep_e1).count() == 1
