"""The statement against the real services (plans built by the contract handlers, receipts
recorded, allocated and reversed, an amendment, a termination with a settlement): the
closing balance always equals what the open instalments still ask for less the customer's
unallocated credit, and the aging agrees."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import F, Sum
from django.utils import timezone

from xiaoguan.contracts.services.termination import contract_terminate
from xiaoguan.receivables.enums import InstalmentStatus
from xiaoguan.receivables.models import Instalment
from xiaoguan.receivables.selectors.aging import aging_report
from xiaoguan.receivables.selectors.statements import customer_statement
from xiaoguan.receivables.services.receipts import receipt_reverse
from xiaoguan.receivables.tests.factories import amend, contract_with_plan, customer, pay

EPOCH = timezone.localdate() - timedelta(days=3000)


def open_debt(cust) -> Decimal:
    left = Instalment.objects.filter(customer=cust, status=InstalmentStatus.OPEN).aggregate(
        s=Sum(F("amount") - F("collected") - F("written_off"))
    )["s"]
    return Decimal(left or 0).quantize(Decimal("0.01"))


def check(company, cust) -> Decimal:
    today = timezone.localdate()
    st = customer_statement(user=company.gm, customer_id=cust.pk, start=EPOCH, end=today)
    assert st.opening == 0
    assert st.closing == open_debt(cust) - st.unallocated
    aging = aging_report(user=company.gm, dimension="customer", as_of=today)
    assert sum((r.total for r in aging.rows if r.key == cust.pk), Decimal(0)) == open_debt(cust)
    return st.closing


def test_closing_balance_is_open_debt_less_credit_through_a_contracts_life(company):
    rep, fin = company.rep_e1, company.finance1
    today = timezone.localdate()
    cust = customer(rep, "杭州全流程消防工程有限公司")
    # given: a signed contract of ¥10,000 (30 % advance, 70 % on delivery)
    contract = contract_with_plan(rep, cust=cust, signed_on=today - timedelta(days=60))
    assert check(company, cust) == Decimal("10000.00")
    # a receipt allocated, an over-payment kept as credit, a wrong receipt reversed
    pay(fin, cust, "2000.00", received_on=today - timedelta(days=50))
    assert check(company, cust) == Decimal("8000.00")
    wrong = pay(fin, cust, "500.00", received_on=today - timedelta(days=40))
    receipt_reverse(actor=fin, receipt_id=wrong.pk, reason="重复录入")
    assert check(company, cust) == Decimal("8000.00")
    pay(fin, cust, "1500.00", received_on=today - timedelta(days=30))
    assert check(company, cust) == Decimal("6500.00")
    # an amendment to ¥12,000: the plan is rebuilt, the money moves to it
    new = amend(contract, rep, quantity="120")
    assert check(company, cust) == Decimal("8500.00")
    # a second contract, then the first is terminated with a settlement of ¥5,000
    contract_with_plan(rep, cust=cust, quantity="10", signed_on=today - timedelta(days=10))
    assert check(company, cust) == Decimal("9500.00")
    contract_terminate(
        actor=company.gm,
        contract=new,
        kind="mutual",
        reason="客户项目取消",
        settlement_amount="5000.00",
        terminated_on=today,
    )
    # the first now asks 5,000 − 3,500 collected = 1,500; the second 1,000
    assert check(company, cust) == Decimal("2500.00")
