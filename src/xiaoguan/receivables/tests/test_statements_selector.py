"""Reconciliation statement (R-AR-5): opening balance, debits and credits of the period in
date order with the running balance, closing balance, unallocated credit, scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from xiaoguan.contracts.models import Contract
from xiaoguan.core.errors import ValidationFailed
from xiaoguan.customers.models import Customer
from xiaoguan.orders.models import Order
from xiaoguan.receivables.enums import InstalmentStatus, ReceiptStatus, WriteOffStatus
from xiaoguan.receivables.models import WriteOff
from xiaoguan.receivables.selectors.statements import customer_statement
from xiaoguan.receivables.tests.test_aging_support import (
    at,
    contract_for,
    instalment,
    make_customer,
    receipt,
)

START, END = date(2026, 4, 1), date(2026, 6, 30)


def direct_order(owner, customer, number, total, confirmed, **fields) -> Order:
    return Order.objects.create(
        number=number,
        owner=owner,
        department=owner.department,
        customer=customer,
        channel="phone",
        status=fields.pop("status", "confirmed"),
        order_date=confirmed,
        total=Decimal(total),
        **{"confirmed_at": at(confirmed), **fields},
    )


def write_off(
    owner, inst, amount, approved: date, number: str, status=WriteOffStatus.APPROVED
) -> WriteOff:
    return WriteOff.objects.create(
        number=number,
        owner=owner,
        department=owner.department,
        instalment=inst,
        amount=Decimal(amount),
        reason="客户破产清算",
        status=status,
        requested_by=owner,
        approved_at=at(approved) if status == WriteOffStatus.APPROVED else None,
    )


@pytest.fixture
def account(company):
    rep = company.rep_e1
    jia = make_customer(rep, "杭州甲消防工程有限公司")
    other = make_customer(rep, "杭州另一家有限公司")
    # Before the period: contract A signed (10,000), 3,000 received.
    a1 = contract_for(rep, jia, total="10000.00", number="HT-A", signed_on=date(2026, 3, 1))
    receipt(rep, jia, "3000.00", date(2026, 3, 15), allocated="3000.00", number="HK-1")
    # In the period: A amended to 12,000; contracts B and C signed.
    Contract.objects.filter(pk=a1.pk).update(status="superseded", is_current=False)
    contract_for(
        rep,
        jia,
        total="12000.00",
        number="HT-A",
        version_no=2,
        root=a1,
        signed_on=date(2026, 4, 10),
    )
    contract_for(rep, jia, total="5000.00", number="HT-B", signed_on=date(2026, 5, 5))
    c = contract_for(
        rep,
        jia,
        total="3000.00",
        number="HT-C",
        signed_on=date(2026, 4, 20),
        status="terminated",
        terminated_on=date(2026, 6, 20),
        termination_reason="客户项目取消",
    )
    instalment(
        rep,
        jia,
        "1000.00",
        date(2026, 5, 1),
        contract=c,
        collected="1000.00",
        status=InstalmentStatus.PAID,
    )
    instalment(rep, jia, "2000.00", date(2026, 7, 1), contract=c, status=InstalmentStatus.CLOSED)
    # A receipt reversed in the period, another posted; a write-off; a direct order.
    receipt(
        rep,
        jia,
        "4000.00",
        date(2026, 5, 20),
        number="HK-2",
        status=ReceiptStatus.REVERSED,
        reversed_at=at(date(2026, 6, 1)),
        reversal_reason="银行退票",
    )
    receipt(rep, jia, "4000.00", date(2026, 6, 2), allocated="1000.00", number="HK-3")
    wo_inst = instalment(rep, jia, "500.00", date(2026, 1, 1), written_off="500.00")
    write_off(rep, wo_inst, "500.00", date(2026, 6, 10), "HX-1")
    write_off(rep, wo_inst, "100.00", date(2026, 6, 11), "HX-2", status=WriteOffStatus.REJECTED)
    direct_order(rep, jia, "SO-1", "800.00", date(2026, 6, 15), customer_reference="PO-88")
    direct_order(
        rep, jia, "SO-DRAFT", "999.00", date(2026, 6, 15), status="draft", confirmed_at=None
    )
    # After the period, and another customer: not on the statement.
    receipt(rep, jia, "500.00", date(2026, 7, 5), number="HK-4")
    receipt(rep, other, "777.00", date(2026, 5, 1), number="HK-X")
    return company, jia


def test_statement_lines_running_balance_and_closing(account):
    company, jia = account
    # when
    st = customer_statement(user=company.rep_e1, customer_id=jia.pk, start=START, end=END)
    # then
    assert st.opening == Decimal("7000.00")
    assert [
        (
            str(line.on),
            line.kind,
            line.document,
            str(line.debit),
            str(line.credit),
            str(line.balance),
        )
        for line in st.lines
    ] == [
        ("2026-04-10", "amendment", "HT-A", "2000.00", "0.00", "9000.00"),
        ("2026-04-20", "contract", "HT-C", "3000.00", "0.00", "12000.00"),
        ("2026-05-05", "contract", "HT-B", "5000.00", "0.00", "17000.00"),
        ("2026-05-20", "receipt", "HK-2", "0.00", "4000.00", "13000.00"),
        ("2026-06-01", "reversal", "HK-2", "0.00", "-4000.00", "17000.00"),
        ("2026-06-02", "receipt", "HK-3", "0.00", "4000.00", "13000.00"),
        ("2026-06-10", "write_off", "HX-1", "0.00", "500.00", "12500.00"),
        ("2026-06-15", "order", "SO-1", "800.00", "0.00", "13300.00"),
        ("2026-06-20", "termination", "HT-C", "0.00", "2000.00", "11300.00"),
    ]
    assert st.debits == Decimal("10800.00")
    assert st.credits == Decimal("6500.00")
    assert st.closing == Decimal("11300.00")
    # Posted receipts not yet applied (HK-3: 3,000; HK-4: 500), as of today.
    assert st.unallocated == Decimal("3500.00")


def test_the_next_period_opens_with_the_closing_balance(account):
    company, jia = account
    first = customer_statement(user=company.rep_e1, customer_id=jia.pk, start=START, end=END)
    second = customer_statement(
        user=company.rep_e1, customer_id=jia.pk, start=date(2026, 7, 1), end=date(2026, 7, 31)
    )
    assert second.opening == first.closing
    assert [(line.document, str(line.credit)) for line in second.lines] == [("HK-4", "500.00")]
    assert second.closing == Decimal("10800.00")


def test_a_customer_out_of_scope_does_not_exist(account):
    company, jia = account
    with pytest.raises(Customer.DoesNotExist):
        customer_statement(user=company.rep_w1, customer_id=jia.pk, start=START, end=END)


def test_a_period_ending_before_it_starts_is_refused(account):
    company, jia = account
    with pytest.raises(ValidationFailed):
        customer_statement(user=company.rep_e1, customer_id=jia.pk, start=END, end=START)
