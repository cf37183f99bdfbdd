"""Receipts (R-AR-2): recording in every method, the refusals, allocation oldest first and by
hand, credit and its later use, reversal, the contract's collected figure and timeline."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xiaoguan.contracts.enums import ContractStatus, EventKind, PaymentTrigger
from xiaoguan.contracts.models import Contract, ContractEvent
from xiaoguan.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from xiaoguan.receivables.enums import BillStatus, InstalmentStatus, ReceiptStatus
from xiaoguan.receivables.models import Allocation, Instalment, Receipt
from xiaoguan.receivables.services.receipts import (
    ReceiptData,
    customer_credit,
    customer_credit_use,
    receipt_allocate,
    receipt_record,
    receipt_reverse,
)
from xiaoguan.receivables.tests.factories import contract_with_plan, customer, pay, plan_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _data(cust, **kw):
    values = {
        "customer_id": cust.pk,
        "method": "transfer",
        "amount": "100.00",
        "received_on": TODAY(),
    }
    values.update(kw)
    return ReceiptData(**values)


@pytest.fixture
def two(company):
    """One customer, two contracts: A signed 90 days ago (advance due first), B 30 days ago."""
    cust = customer(company.rep_e1)
    a = contract_with_plan(company.rep_e1, cust=cust, signed_on=TODAY() - timedelta(days=90))
    b = contract_with_plan(
        company.rep_e1, cust=cust, signed_on=TODAY() - timedelta(days=30), quantity="50"
    )
    return cust, a, b


def test_transfer_is_allocated_oldest_first_across_contracts(company, two):
    cust, a, b = two
    receipt = pay(company.finance1, cust, "4000.00", payer="成都天府消防", reference="BK001")
    assert receipt.number.startswith("HK-")
    assert (receipt.owner_id, receipt.department_id) == (cust.owner_id, cust.department_id)
    assert receipt.allocated == Decimal("4000.00")
    a1, a2 = plan_of(a)
    b1, b2 = plan_of(b)
    # A's advance (due first) 3,000, then B's advance 1,000 of 1,500; undated ones last
    assert (a1.collected, a1.status, a1.paid_on) == (
        Decimal("3000.00"),
        InstalmentStatus.PAID,
        TODAY(),
    )
    assert (b1.collected, b1.status) == (Decimal("1000.00"), InstalmentStatus.OPEN)
    assert a2.collected == b2.collected == 0
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.collected_amount, b.collected_amount) == (Decimal("3000.00"), Decimal("1000.00"))
    events = ContractEvent.objects.filter(kind=EventKind.RECEIPT).order_by("contract_id")
    assert [(e.contract_id, e.actor_id) for e in events] == [
        (a.pk, company.finance1.pk),
        (b.pk, company.finance1.pk),
    ]
    assert receipt.number in events[0].summary


def test_a_receipt_for_a_contract_pays_only_that_contract(company, two):
    cust, a, b = two
    pay(company.finance1, cust, "2000.00", contract=b)
    assert plan_of(a)[0].collected == 0
    assert plan_of(b)[0].collected == Decimal("1500.00")
    assert plan_of(b)[1].collected == Decimal("500.00")


def test_over_payment_stays_as_credit_and_is_used_later(company, two):
    cust, _a, _b = two
    receipt = pay(company.finance1, cust, "20000.00")  # A 10,000 + B 5,000 owed
    assert receipt.allocated == Decimal("15000.00")
    assert customer_credit(cust.pk) == Decimal("5000.00")
    # a new contract: the credit pays it when finance uses it
    c = contract_with_plan(company.rep_e1, cust=cust, quantity="80")
    changed = customer_credit_use(actor=company.finance1, customer_id=cust.pk)
    assert [r.pk for r in changed] == [receipt.pk]
    assert customer_credit(cust.pk) == 0
    assert plan_of(c)[0].collected == Decimal("2400.00")
    assert plan_of(c)[1].collected == Decimal("2600.00")
    with pytest.raises(ValidationFailed, match="no unallocated money"):
        customer_credit_use(actor=company.finance1, customer_id=cust.pk)


def test_allocate_none_keeps_it_all_as_credit(company, two):
    cust, a, _b = two
    receipt = pay(company.finance1, cust, "500.00", allocate="none")
    assert receipt.allocated == 0 and customer_credit(cust.pk) == Decimal("500.00")
    receipt_allocate(actor=company.finance1, receipt_id=receipt.pk, allocations=None)
    receipt.refresh_from_db()
    assert receipt.allocated == Decimal("500.00")
    assert plan_of(a)[0].collected == Decimal("500.00")


def test_allocation_by_hand_and_its_refusals(company, two):
    cust, a, b = two
    receipt = pay(company.finance1, cust, "3000.00", allocate="none")
    a1, a2 = plan_of(a)
    b1, _b2 = plan_of(b)
    receipt_allocate(
        actor=company.finance1,
        receipt_id=receipt.pk,
        allocations=[(a2.pk, Decimal("1000.00")), (b1.pk, "500.00")],
    )
    a2.refresh_from_db()
    receipt.refresh_from_db()
    assert a2.collected == Decimal("1000.00") and receipt.allocated == Decimal("1500.00")

    def refused(allocations, match):
        before = (receipt.allocated, Allocation.objects.count())
        with pytest.raises(ValidationFailed, match=match):
            receipt_allocate(actor=company.finance1, receipt_id=receipt.pk, allocations=allocations)
        receipt.refresh_from_db()
        assert (receipt.allocated, Allocation.objects.count()) == before

    refused([(b1.pk, "1000.01")], "over-allocate")
    refused([(a1.pk, "1000.00"), (a2.pk, "1000.00")], "more than the ¥1,500.00 left")
    refused([(a1.pk, "0")], "more than zero")
    refused([(a1.pk, "-5")], "more than zero")
    refused([(a1.pk, "1.005")], "to the cent")
    refused([(a1.pk, "10"), (a1.pk, "10")], "only once")
    other = contract_with_plan(company.rep_e2)
    refused([(plan_of(other)[0].pk, "10")], "not one of this customer's")
    refused([(999999, "10")], "not one of this customer's")
    Instalment.objects.filter(pk=a1.pk).update(status=InstalmentStatus.CLOSED)
    refused([(a1.pk, "10")], "only open instalments")


def test_refusals_of_record(company, two):
    cust, a, _b = two
    finance = company.finance1
    cases = [
        ({"amount": "0"}, "amount", "more than zero"),
        ({"amount": "-10"}, "amount", "more than zero"),
        ({"amount": "10.001"}, "amount", "to the cent"),
        ({"amount": "abc"}, "amount", "number"),
        ({"received_on": TODAY() + timedelta(days=1)}, "received_on", "future"),
        ({"received_on": None}, "received_on", "Enter the date"),
        ({"method": "bitcoin"}, "method", "how the money"),
        (
            {"contract_id": a.pk, "received_on": TODAY() - timedelta(days=91)},
            "received_on",
            "before the contract was signed",
        ),
        ({"method": "bank_bill"}, "bill_no", "bill number"),
        (
            {
                "method": "commercial_bill",
                "bill_no": "1",
                "bill_bank": "x",
                "bill_maturity": TODAY() - timedelta(days=1),
            },
            "bill_maturity",
            "matures before",
        ),
    ]
    for overrides, field, match in cases:
        with pytest.raises(ValidationFailed) as info:
            receipt_record(actor=finance, data=_data(cust, **overrides))
        assert field in info.value.fields, overrides
        assert match in str(info.value.fields[field]), overrides
    other_customer = customer(company.rep_e1)
    with pytest.raises(ValidationFailed, match="not one of this customer's"):
        receipt_record(actor=finance, data=_data(other_customer, contract_id=a.pk))
    Contract.objects.filter(pk=a.pk).update(status=ContractStatus.TERMINATED)
    with pytest.raises(ValidationFailed, match="not in force"):
        receipt_record(actor=finance, data=_data(cust, contract_id=a.pk))
    with pytest.raises(PermissionDenied):
        receipt_record(actor=company.rep_e1, data=_data(cust))
    assert Receipt.objects.count() == 0


def test_bill_receipt_starts_held(company, two):
    cust, _a, _b = two
    receipt = pay(
        company.finance1,
        cust,
        "1000.00",
        method="bank_bill",
        bill_no="31300051 20261126 12345678",
        bill_bank="中国工商银行成都分行",
        bill_maturity=TODAY() + timedelta(days=180),
    )
    assert (receipt.bill_status, receipt.bill_bank) == (BillStatus.HELD, "中国工商银行成都分行")
    cash = pay(company.finance1, cust, "10.00", method="cash", bill_no="ignored")
    assert (cash.bill_status, cash.bill_no) == ("", "")


def test_reversal_releases_allocations_and_refuses_later_allocation(company, two):
    cust, a, _b = two
    receipt = pay(company.finance1, cust, "3000.00")
    assert plan_of(a)[0].status == InstalmentStatus.PAID
    with pytest.raises(ValidationFailed, match="reason"):
        receipt_reverse(actor=company.finance1, receipt_id=receipt.pk, reason="  ")
    receipt_reverse(actor=company.finance1, receipt_id=receipt.pk, reason="金额录错")
    receipt.refresh_from_db()
    assert (receipt.status, receipt.allocated, receipt.reversal_reason) == (
        ReceiptStatus.REVERSED,
        Decimal(0),
        "金额录错",
    )
    a1 = plan_of(a)[0]
    assert (a1.collected, a1.status, a1.paid_on) == (Decimal(0), InstalmentStatus.OPEN, None)
    allocation = Allocation.objects.get(receipt=receipt)
    assert not allocation.is_active and "金额录错" in allocation.released_reason
    a.refresh_from_db()
    assert a.collected_amount == 0
    assert ContractEvent.objects.filter(kind=EventKind.RECEIPT, contract=a).count() == 2
    with pytest.raises(InvalidTransition, match="reversed receipt cannot be allocated"):
        receipt_allocate(actor=company.finance1, receipt_id=receipt.pk, allocations=None)
    with pytest.raises(InvalidTransition):
        receipt_reverse(actor=company.finance1, receipt_id=receipt.pk, reason="again")
    assert customer_credit(cust.pk) == 0


def test_rep_cannot_allocate_or_reverse_and_out_of_scope_is_not_found(company, two):
    cust, _a, _b = two
    receipt = pay(company.finance1, cust, "100.00")
    with pytest.raises(PermissionDenied):
        receipt_reverse(actor=company.rep_e1, receipt_id=receipt.pk, reason="x")
    with pytest.raises(NotFound):
        receipt_reverse(actor=company.finance1, receipt_id=999999, reason="x")


def test_instalment_of_a_direct_order_and_contract_due_first(company):
    cust = customer(company.rep_e1)
    terms = [("到货款", PaymentTrigger.DELIVERY, 0, "1000.00")]
    contract = contract_with_plan(company.rep_e1, cust=cust, quantity="10", terms=terms)
    receipt = pay(company.finance1, cust, "400.00")
    assert plan_of(contract)[0].collected == Decimal("400.00")
    assert receipt.allocated == Decimal("400.00")
