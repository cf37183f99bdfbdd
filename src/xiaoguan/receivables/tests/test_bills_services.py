"""Bills of exchange (R-AR-2): held → endorsed, discounted, matured or dishonoured; only a
held bill moves; a dishonoured bill reverses its receipt."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xiaoguan.contracts.enums import EventKind
from xiaoguan.contracts.models import ContractEvent
from xiaoguan.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from xiaoguan.receivables.enums import BillStatus, InstalmentStatus, ReceiptStatus
from xiaoguan.receivables.services.bills import (
    bill_discount,
    bill_dishonour,
    bill_endorse,
    bill_mature,
)
from xiaoguan.receivables.tests.factories import contract_with_plan, customer, pay, plan_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def bill(company):
    cust = customer(company.rep_e1)
    contract = contract_with_plan(company.rep_e1, cust=cust)
    receipt = pay(
        company.finance1,
        cust,
        "3000.00",
        contract=contract,
        method="bank_bill",
        bill_no="31300051-0001",
        bill_bank="招商银行成都分行",
        bill_maturity=TODAY() + timedelta(days=90),
        received_on=TODAY() - timedelta(days=10),
    )
    return receipt, contract


def test_endorse(company, bill):
    receipt, contract = bill
    with pytest.raises(ValidationFailed, match="to whom"):
        bill_endorse(actor=company.finance1, receipt_id=receipt.pk, endorsee=" ", on=TODAY())
    bill_endorse(
        actor=company.finance1, receipt_id=receipt.pk, endorsee="四川消防器材厂", on=TODAY()
    )
    receipt.refresh_from_db()
    assert (receipt.bill_status, receipt.bill_endorsee, receipt.bill_settled_on) == (
        BillStatus.ENDORSED,
        "四川消防器材厂",
        TODAY(),
    )
    assert receipt.status == ReceiptStatus.POSTED  # the money stays collected
    assert ContractEvent.objects.filter(
        contract=contract, kind=EventKind.RECEIPT, summary__contains="endorsed"
    ).exists()
    with pytest.raises(InvalidTransition, match="only a held bill"):
        bill_mature(actor=company.finance1, receipt_id=receipt.pk, on=TODAY())


def test_discount_refusals_and_charges(company, bill):
    receipt, _contract = bill
    for charge, match in (("-1", "to the cent"), ("1.234", "to the cent"), ("x", "to the cent")):
        with pytest.raises(ValidationFailed, match=match):
            bill_discount(actor=company.finance1, receipt_id=receipt.pk, charge=charge, on=TODAY())
    with pytest.raises(ValidationFailed, match="less than"):
        bill_discount(actor=company.finance1, receipt_id=receipt.pk, charge="3000", on=TODAY())
    with pytest.raises(ValidationFailed, match="future"):
        bill_discount(
            actor=company.finance1,
            receipt_id=receipt.pk,
            charge="1",
            on=TODAY() + timedelta(days=1),
        )
    with pytest.raises(ValidationFailed, match="before the bill was received"):
        bill_discount(
            actor=company.finance1,
            receipt_id=receipt.pk,
            charge="1",
            on=TODAY() - timedelta(days=11),
        )
    bill_discount(actor=company.finance1, receipt_id=receipt.pk, charge="0", on=TODAY())
    receipt.refresh_from_db()
    assert (receipt.bill_status, receipt.bill_charge) == (BillStatus.DISCOUNTED, Decimal("0.00"))


def test_matured(company, bill):
    receipt, _contract = bill
    bill_mature(actor=company.finance1, receipt_id=receipt.pk, on=TODAY())
    receipt.refresh_from_db()
    assert receipt.bill_status == BillStatus.MATURED


def test_dishonoured_bill_reverses_the_receipt(company, bill):
    receipt, contract = bill
    assert plan_of(contract)[0].status == InstalmentStatus.PAID
    bill_dishonour(actor=company.finance1, receipt_id=receipt.pk, on=TODAY())
    receipt.refresh_from_db()
    assert (receipt.bill_status, receipt.status, receipt.reversal_reason) == (
        BillStatus.DISHONOURED,
        ReceiptStatus.REVERSED,
        "bill dishonoured",
    )
    first = plan_of(contract)[0]
    assert (first.status, first.collected) == (InstalmentStatus.OPEN, Decimal(0))
    contract.refresh_from_db()
    assert contract.collected_amount == 0


def test_only_finance_and_only_bills(company, bill):
    receipt, _contract = bill
    with pytest.raises(PermissionDenied):
        bill_mature(actor=company.rep_e1, receipt_id=receipt.pk, on=TODAY())
    cash = pay(company.finance1, receipt.customer, "5.00", method="cash")
    with pytest.raises(NotFound):
        bill_mature(actor=company.finance1, receipt_id=cash.pk, on=TODAY())
