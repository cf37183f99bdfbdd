"""Two people entering the same company at once (PostgreSQL: the duplicate check is
serialised by advisory locks there)."""

from __future__ import annotations

import pytest

from conftest import race
from xiaoguan.customers.errors import CustomerDuplicate
from xiaoguan.customers.models import Customer
from xiaoguan.customers.tests.factories import make_customer


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_company_entered_twice_at_once_is_created_once(company):
    # given two reps of one team entering one company under two spellings
    calls = [
        lambda: make_customer(company.rep_e1, "杭州甲消防有限公司", phone="13800000001"),
        lambda: make_customer(company.mgr_east, "杭州甲消防 有限责任公司"),
    ]
    # when
    results = race(calls)
    # then exactly one is created, the other is told it exists
    assert sum(isinstance(r, CustomerDuplicate) for r in results) == 1, results
    assert Customer.objects.count() == 1
