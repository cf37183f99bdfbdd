"""The collection plan (R-AR-1): built on signing, due dates set by events, rebuilt on
amendment with the collected money carried over, closed on termination; direct orders."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from xiaoguan.contracts import registries as contract_points
from xiaoguan.contracts.enums import ContractStatus, PaymentTrigger
from xiaoguan.contracts.models import Contract
from xiaoguan.orders import registries as order_points
from xiaoguan.orders.models import Order
from xiaoguan.receivables.enums import InstalmentStatus
from xiaoguan.receivables.models import Allocation, Instalment
from xiaoguan.receivables.services.plans import add_months, collection_plans_backfill
from xiaoguan.receivables.tests.factories import (
    amend,
    contract_with_plan,
    customer,
    pay,
    plan_of,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _current(contract):
    root_id = contract.root_id or contract.pk
    return Contract.objects.filter(pk=root_id, is_current=True).first() or Contract.objects.get(
        root_id=root_id, is_current=True
    )


def test_signing_builds_the_plan_from_the_schedule(company):
    signed_on = TODAY() - timedelta(days=60)
    contract = contract_with_plan(company.rep_e1, signed_on=signed_on)
    plan = plan_of(contract)
    assert [(i.position, i.label, i.trigger, i.amount, i.due_date) for i in plan] == [
        (1, "预付款", PaymentTrigger.SIGNING, Decimal("3000.00"), signed_on + timedelta(days=7)),
        (2, "到货款", PaymentTrigger.DELIVERY, Decimal("7000.00"), None),
    ]
    assert {(i.owner_id, i.department_id, i.customer_id, i.status) for i in plan} == {
        (contract.owner_id, contract.department_id, contract.customer_id, InstalmentStatus.OPEN)
    }
    # a second signal does not build a second plan
    with transaction.atomic():
        contract_points.contract_signed.send(contract=contract, actor=company.rep_e1)
    assert len(plan_of(contract)) == 2


def test_before_shipment_is_due_on_the_delivery_date_or_the_signing_date(company):
    signed_on = TODAY() - timedelta(days=10)
    terms = [
        ("发货前付款", PaymentTrigger.BEFORE_SHIPMENT, 3, "4000.00"),
        ("验收款", PaymentTrigger.ACCEPTANCE, 15, "5000.00"),
        ("质保金", PaymentTrigger.WARRANTY_END, 0, "1000.00"),
    ]
    contract = contract_with_plan(company.rep_e1, signed_on=signed_on, terms=terms)
    before = plan_of(contract)[0]
    assert before.due_date == contract.delivery_date + timedelta(days=3)

    other = contract_with_plan(company.rep_e1, signed_on=signed_on, terms=terms)
    Contract.objects.filter(pk=other.pk).update(delivery_date=None)
    Instalment.objects.filter(contract=other).delete()
    other.refresh_from_db()
    with transaction.atomic():
        contract_points.contract_signed.send(contract=other, actor=company.rep_e1)
    assert plan_of(other)[0].due_date == signed_on + timedelta(days=3)


def test_delivery_and_acceptance_set_the_event_due_dates(company):
    terms = [
        ("到货款", PaymentTrigger.DELIVERY, 30, "6000.00"),
        ("验收款", PaymentTrigger.ACCEPTANCE, 15, "3000.00"),
        ("质保金", PaymentTrigger.WARRANTY_END, 10, "1000.00"),
    ]
    contract = contract_with_plan(company.rep_e1, terms=terms)  # warranty 12 months
    delivered = TODAY() - timedelta(days=20)
    with transaction.atomic():
        order_points.contract_delivered.send(contract=contract, on=delivered, actor=company.gm)
    dues = [i.due_date for i in plan_of(contract)]
    # the retention counts from the delivery until an acceptance is recorded
    assert dues == [
        delivered + timedelta(days=30),
        None,
        add_months(delivered, 12) + timedelta(days=10),
    ]
    accepted = TODAY() - timedelta(days=5)
    with transaction.atomic():
        order_points.contract_accepted.send(contract=contract, on=accepted, actor=company.gm)
    dues = [i.due_date for i in plan_of(contract)]
    assert dues == [
        delivered + timedelta(days=30),
        accepted + timedelta(days=15),
        add_months(accepted, 12) + timedelta(days=10),
    ]


def test_add_months_keeps_to_the_end_of_a_short_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)
    assert add_months(date(2026, 3, 3), 0) == date(2026, 3, 3)


def test_amendment_rebuilds_the_plan_and_moves_the_collected_money(company):
    contract = contract_with_plan(company.rep_e1)  # 3,000 + 7,000
    cust = contract.customer
    delivered = TODAY() - timedelta(days=3)
    with transaction.atomic():
        order_points.contract_delivered.send(contract=contract, on=delivered, actor=company.gm)
    receipt = pay(company.finance1, cust, "5000.00")
    assert _current(contract).collected_amount == Decimal("5000.00")

    # when: the amount goes up to 15,000 (4,500 + 10,500)
    v2 = amend(contract, company.rep_e1, quantity="150")

    old = list(Instalment.objects.filter(contract=contract).order_by("position"))
    assert {i.status for i in old} == {InstalmentStatus.CLOSED}
    assert all(i.collected == 0 and "v2" in i.closed_reason for i in old)
    released = Allocation.objects.filter(instalment__contract=contract)
    assert {(a.is_active, a.released_reason != "") for a in released} == {(False, True)}
    new = list(Instalment.objects.filter(contract=v2).order_by("position"))
    assert [(i.amount, i.collected, i.status) for i in new] == [
        (Decimal("4500.00"), Decimal("4500.00"), InstalmentStatus.PAID),
        (Decimal("10500.00"), Decimal("500.00"), InstalmentStatus.OPEN),
    ]
    # the delivery already happened: its due date is kept for the new plan
    assert new[1].due_date == delivered + timedelta(days=30)
    assert (new[0].owner_id, new[0].department_id) == (v2.owner_id, v2.department_id)
    receipt.refresh_from_db()
    assert receipt.allocated == Decimal("5000.00")
    assert _current(contract).collected_amount == Decimal("5000.00")
    assert sum(i.outstanding for i in new) + Decimal("5000.00") == v2.total


def test_amendment_down_to_what_was_collected_pays_the_plan_in_full(company):
    contract = contract_with_plan(company.rep_e1)
    pay(company.finance1, contract.customer, "8000.00")
    v2 = amend(contract, company.rep_e1, quantity="80")  # 8,000
    new = list(Instalment.objects.filter(contract=v2).order_by("position"))
    assert [(i.collected, i.status) for i in new] == [
        (Decimal("2400.00"), InstalmentStatus.PAID),
        (Decimal("5600.00"), InstalmentStatus.PAID),
    ]


def _terminate(contract, settlement, on=None):
    Contract.objects.filter(pk=contract.pk).update(
        status=ContractStatus.TERMINATED,
        settlement_amount=Decimal(settlement),
        terminated_on=on or TODAY(),
    )
    contract.refresh_from_db()
    with transaction.atomic():
        contract_points.contract_terminated.send(contract=contract, actor=contract.owner)


def test_termination_closes_open_instalments_and_adds_the_settlement(company):
    contract = contract_with_plan(company.rep_e1)
    pay(company.finance1, contract.customer, "2000.00")  # part of the advance
    _terminate(contract, "4500.00", on=TODAY() - timedelta(days=1))
    plan = plan_of(contract)
    assert [(i.label, i.status, i.collected) for i in plan[:2]] == [
        ("预付款", InstalmentStatus.CLOSED, Decimal("2000.00")),
        ("到货款", InstalmentStatus.CLOSED, Decimal("0.00")),
    ]
    settlement = plan[2]
    assert (settlement.amount, settlement.due_date, settlement.status, settlement.position) == (
        Decimal("2500.00"),
        TODAY() - timedelta(days=1),
        InstalmentStatus.OPEN,
        3,
    )
    assert _current(contract).collected_amount == Decimal("2000.00")


def test_termination_with_a_settlement_below_what_was_collected_adds_nothing(company):
    contract = contract_with_plan(company.rep_e1)
    pay(company.finance1, contract.customer, "3000.00")
    _terminate(contract, "1000.00")
    assert [i.status for i in plan_of(contract)] == [
        InstalmentStatus.PAID,
        InstalmentStatus.CLOSED,
    ]


def _order(owner, cust, total="2000.00", payment_days=30, **kw):
    return Order.objects.create(
        number=f"SO-TEST-{Order.objects.count() + 1}",
        customer=cust,
        owner=owner,
        department=owner.department,
        channel="phone",
        status="confirmed",
        order_date=TODAY(),
        total=Decimal(total),
        payment_days=payment_days,
        **kw,
    )


def test_direct_order_gets_one_instalment_due_after_delivery(company):
    cust = customer(company.rep_e1)
    order = _order(company.rep_e1, cust)
    with transaction.atomic():
        order_points.order_confirmed.send(order=order, actor=company.rep_e1)
        order_points.order_confirmed.send(order=order, actor=company.rep_e1)
    (instalment,) = Instalment.objects.filter(order=order)
    assert (instalment.amount, instalment.trigger, instalment.days_after) == (
        Decimal("2000.00"),
        PaymentTrigger.DELIVERY,
        30,
    )
    assert instalment.due_date is None
    assert (instalment.owner_id, instalment.customer_id) == (company.rep_e1.pk, cust.pk)
    on = TODAY() - timedelta(days=2)
    with transaction.atomic():
        order_points.order_delivered.send(order=order, on=on, actor=company.gm)
    instalment.refresh_from_db()
    assert instalment.due_date == on + timedelta(days=30)


def test_cancelled_order_closes_its_instalment_and_frees_the_money(company):
    cust = customer(company.rep_e1)
    order = _order(company.rep_e1, cust)
    with transaction.atomic():
        order_points.order_confirmed.send(order=order, actor=company.rep_e1)
    receipt = pay(company.finance1, cust, "1500.00")
    assert receipt.allocated == Decimal("1500.00")
    with transaction.atomic():
        order_points.order_cancelled.send(order=order, actor=company.rep_e1)
    instalment = Instalment.objects.get(order=order)
    assert (instalment.status, instalment.collected) == (InstalmentStatus.CLOSED, Decimal(0))
    receipt.refresh_from_db()
    assert receipt.allocated == Decimal(0)  # the customer's credit now


def test_backfill_builds_plans_for_signed_contracts_without_one(company):
    contract = contract_with_plan(company.rep_e1)
    Instalment.objects.filter(contract=contract).delete()
    assert collection_plans_backfill() == 1
    assert len(plan_of(contract)) == 2
    assert collection_plans_backfill() == 0
    Instalment.objects.filter(contract=contract).delete()
    call_command("build_collection_plans")
    assert len(plan_of(contract)) == 2
