"""A manager overriding the class while the rep edits the customer (PostgreSQL row locks):
whichever commits first, the override stands and the proposal follows the rep's input."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import race
from xiaoguan.customers.models import Customer
from xiaoguan.customers.services import CustomerData, classification, credit, customer_update
from xiaoguan.customers.tests.factories import make_customer


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_override_and_edit_at_once_keep_both(company):
    c = make_customer(company.rep_e1, "杭州并发消防有限公司", purchase_potential="low")
    results = race(
        [
            lambda: classification.class_override(
                customer=c, actor=company.mgr_east, customer_class="A", reason="战略客户"
            ),
            lambda: customer_update(
                customer=c,
                actor=company.rep_e1,
                data=CustomerData(name=c.name, purchase_potential="high", purchase_intent="high"),
            ),
        ]
    )
    assert not any(isinstance(r, Exception) for r in results), results
    c = Customer.objects.get(pk=c.pk)
    assert c.customer_class == "A" and c.class_overridden_by == company.mgr_east
    assert c.purchase_potential == "high" and c.class_proposed == "B"  # 30 + 25 = 55


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_credit_changes_at_once_are_serialised(company):
    c = make_customer(company.rep_e1, "宁波并发消防有限公司")
    results = race(
        [
            lambda: credit.credit_set(
                customer=c, actor=company.finance1, rating="A", limit="100000"
            ),
            lambda: credit.credit_set(customer=c, actor=company.gm, rating="C", limit="0"),
        ]
    )
    assert not any(isinstance(r, Exception) for r in results), results
    c = Customer.objects.get(pk=c.pk)
    assert (c.credit_rating, c.credit_limit) in {("A", Decimal("100000")), ("C", Decimal("0"))}
    assert c.history.filter(credit_rating__in=["A", "C"]).count() == 2
