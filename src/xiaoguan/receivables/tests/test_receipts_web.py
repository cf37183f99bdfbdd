"""Receipt, collection plan and bill pages: who sees what (scope), recording through the
form, allocation by hand, reversal, the credit panel, the export (audited) and the query
counts of the lists."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from xiaoguan.core.models import AuditEvent, AuditKind
from xiaoguan.receivables.enums import BillStatus, InstalmentStatus, ReceiptStatus
from xiaoguan.receivables.models import Receipt
from xiaoguan.receivables.tests.factories import contract_with_plan, customer, pay, plan_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def east(company):
    cust = customer(company.rep_e1)
    contract = contract_with_plan(company.rep_e1, cust=cust)
    return cust, contract


def test_finance_records_a_receipt_through_the_form(company, login, east):
    cust, contract = east
    client = login(company.finance1)
    page = client.get(reverse("receivables:receipt_create") + f"?customer={cust.pk}")
    assert page.status_code == 200
    response = client.post(
        reverse("receivables:receipt_create"),
        {
            "customer": cust.pk,
            "contract": contract.pk,
            "method": "transfer",
            "amount": "3500.00",
            "received_on": TODAY().isoformat(),
            "payer": cust.name,
            "reference": "CMB-0001",
            "allocate": "auto",
        },
    )
    receipt = Receipt.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("receivables:receipt_detail", args=[receipt.pk])
    assert receipt.allocated == Decimal("3500.00")
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert receipt.number in detail.content.decode()
    assert detail.content.decode().count('data-testid="allocation-row"') == 2


def test_the_form_shows_refusals_next_to_the_fields(company, login, east):
    cust, contract = east
    client = login(company.finance1)
    response = client.post(
        reverse("receivables:receipt_create"),
        {
            "customer": cust.pk,
            "contract": contract.pk,
            "method": "bank_bill",
            "amount": "-3",
            "received_on": (TODAY() + timedelta(days=2)).isoformat(),
            "allocate": "auto",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "The amount must be more than zero." in body
    assert Receipt.objects.count() == 0


def test_rep_sees_own_receipts_but_cannot_record(company, login, east):
    cust, _contract = east
    receipt = pay(company.finance1, cust, "100.00")
    west = pay(company.finance1, customer(company.rep_w1), "200.00")
    client = login(company.rep_e1)
    listing = client.get(reverse("receivables:receipt_list")).content.decode()
    assert receipt.number in listing and west.number not in listing
    assert client.get(reverse("receivables:receipt_detail", args=[west.pk])).status_code == 404
    assert client.get(reverse("receivables:receipt_create")).status_code == 403
    assert (
        client.post(
            reverse("receivables:receipt_reverse", args=[receipt.pk]), {"reason": "x"}
        ).status_code
        == 403
    )
    assert client.get(reverse("receivables:receipt_detail", args=[receipt.pk])).status_code == 200


def test_allocation_by_hand_and_reversal_from_the_detail_page(company, login, east):
    cust, contract = east
    receipt = pay(company.finance1, cust, "1000.00", allocate="none")
    first, second = plan_of(contract)
    client = login(company.finance1)
    url = reverse("receivables:receipt_allocate", args=[receipt.pk])
    client.post(url, {"mode": "hand", f"amount_{second.pk}": "600.00"})
    second.refresh_from_db()
    assert second.collected == Decimal("600.00")
    # over-allocation is refused with a message, nothing changes
    response = client.post(url, {"mode": "hand", f"amount_{first.pk}": "500.00"}, follow=True)
    assert "more than the ¥400.00 left" in response.content.decode()
    client.post(url, {"mode": "auto"})
    first.refresh_from_db()
    assert first.collected == Decimal("400.00")
    response = client.post(
        reverse("receivables:receipt_reverse", args=[receipt.pk]), {"reason": "客户重复付款"}
    )
    assert response.status_code == 302
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.REVERSED
    first.refresh_from_db()
    assert (first.collected, first.status) == (Decimal(0), InstalmentStatus.OPEN)


def test_customer_panel_shows_credit_and_uses_it(company, login, east):
    cust, _contract = east
    pay(company.finance1, cust, "12000.00")  # 10,000 owed: 2,000 credit
    client = login(company.finance1)
    page = client.get(reverse("customers:detail", args=[cust.pk])).content.decode()
    assert 'data-testid="customer-receivables"' in page
    assert "¥2,000.00" in page
    other = contract_with_plan(company.rep_e1, cust=cust, quantity="10")  # 1,000
    response = client.post(reverse("receivables:customer_credit_use", args=[cust.pk]))
    assert response.status_code == 302
    assert sum(i.collected for i in plan_of(other)) == Decimal("1000.00")


def test_receipt_list_filters_sorts_and_counts_queries(
    company, login, east, django_assert_max_num_queries
):
    cust, _contract = east
    for amount in ("100.00", "200.00", "300.00"):
        pay(company.finance1, cust, amount)
    pay(company.finance1, cust, "50.00", method="cash")
    client = login(company.finance1)
    url = reverse("receivables:receipt_list")
    with django_assert_max_num_queries(12):
        page = client.get(url, {"sort": "amount"}).content.decode()
    assert page.count('data-testid="receipt-row"') == 4
    assert page.index("¥50.00") < page.index("¥300.00")
    cash = client.get(url, {"method": "cash"}).content.decode()
    assert cash.count('data-testid="receipt-row"') == 1
    for _ in range(10):
        pay(company.finance1, cust, "1.00")
    with django_assert_max_num_queries(12):
        client.get(url)


def test_export_is_audited_and_scoped(company, login, east):
    cust, _contract = east
    receipt = pay(company.finance1, cust, "100.00")
    pay(company.finance1, customer(company.rep_w1), "200.00")
    client = login(company.rep_e1)
    response = client.get(reverse("receivables:receipt_export"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers == [receipt.number]
    assert AuditEvent.objects.filter(kind=AuditKind.EXPORT, actor_id=company.rep_e1.pk).exists()


def test_instalment_list_and_contract_plan(company, login, east, django_assert_max_num_queries):
    cust, contract = east
    pay(company.finance1, cust, "1000.00")
    other = contract_with_plan(company.rep_w1)
    client = login(company.rep_e1)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("receivables:instalment_list")).content.decode()
    assert page.count('data-testid="instalment-row"') == 2
    assert "¥9,000.00" in page  # outstanding: 2,000 + 7,000
    assert client.get(reverse("receivables:contract_plan", args=[other.pk])).status_code == 404
    plan = client.get(reverse("receivables:contract_plan", args=[contract.pk])).content.decode()
    assert plan.count('data-testid="plan-row"') == 2
    assert "¥1,000.00" in plan
    overdue = client.get(reverse("receivables:instalment_list"), {"overdue": "on", "status": ""})
    assert overdue.content.decode().count('data-testid="instalment-row"') == 1


def test_bills_page_flags_maturing_bills_and_finance_discounts(company, login, east):
    cust, _contract = east
    soon = pay(
        company.finance1,
        cust,
        "800.00",
        method="bank_bill",
        bill_no="BILL-SOON",
        bill_bank="中国银行",
        bill_maturity=TODAY() + timedelta(days=20),
    )
    pay(
        company.finance1,
        cust,
        "900.00",
        method="commercial_bill",
        bill_no="BILL-LATER",
        bill_bank="成都天府消防工程有限公司",
        bill_maturity=TODAY() + timedelta(days=90),
    )
    client = login(company.finance1)
    page = client.get(reverse("receivables:bill_list")).content.decode()
    assert page.index("BILL-SOON") < page.index("BILL-LATER")
    assert page.count('data-testid="bill-maturing"') == 1
    response = client.post(
        reverse("receivables:bill_discount", args=[soon.pk]),
        {"on": TODAY().isoformat(), "charge": "12.50"},
    )
    assert response.status_code == 302
    soon.refresh_from_db()
    assert (soon.bill_status, soon.bill_charge) == (BillStatus.DISCOUNTED, Decimal("12.50"))
    again = client.post(
        reverse("receivables:bill_endorse", args=[soon.pk]),
        {"on": TODAY().isoformat(), "endorsee": "供应商"},
    )
    assert "only a held bill" in again.content.decode()
