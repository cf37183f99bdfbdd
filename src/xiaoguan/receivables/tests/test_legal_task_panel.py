"""A customer escalated to the legal department (receivables.legal) shows on legal's task page
what a demand letter needs (R-AR-3, R-ORG-4): the customer's name, credit code, address and main
contact, the overdue instalments with the total, the last dunning actions; other departments do
not see the task; the panel costs the same queries however many instalments are overdue."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xiaoguan.customers.models import Contact
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org.models import DepartmentTask
from xiaoguan.receivables.models import DunningAction
from xiaoguan.receivables.selectors.legal_tasks import INSTALMENT_ROWS
from xiaoguan.receivables.services.dunning import legal_escalate
from xiaoguan.receivables.tests.test_overdue_support import contract, instalment

pytestmark = pytest.mark.django_db

NAME = "杭州拖欠消防设备有限公司"
CREDIT_CODE = "91330100799655058B"


def _customer(company):
    cust = make_customer(
        company.rep_e1,
        NAME,
        credit_code=CREDIT_CODE,
        province="330000",
        city="330100",
        district="330106",
        street="文三路 90 号",
    )
    Contact.objects.create(customer=cust, name="李会计", title="财务", phone="0571-8888 1234")
    Contact.objects.create(
        customer=cust, name="王总", title="总经理", phone="138 0000 1111", is_primary=True
    )
    return cust


def _escalate(company, cust) -> DepartmentTask:
    return legal_escalate(actor=company.mgr_east, customer_id=cust.pk, reason="恶意拖欠，已失联")


def _page(client, task):
    return client.get(reverse("org:task_detail", args=[task.pk]))


def _action(company, c, days_ago: int, outcome: str, **extra) -> DunningAction:
    return DunningAction.objects.create(
        owner=c.owner,
        department=c.department,
        customer=c.customer,
        contract=c,
        kind=extra.pop("kind", "phone"),
        done_on=timezone.localdate() - timedelta(days=days_ago),
        outcome=outcome,
        recorded_by=company.rep_e1,
        **extra,
    )


def test_legal_sees_the_customer_the_overdue_figures_and_the_dunning(company, login):
    cust = _customer(company)
    c = contract(company.rep_e1, cust=cust, total="20000.00")
    instalment(c, "3000.00", days_overdue=200, position=1, label="预付款")
    instalment(c, "7000.00", days_overdue=40, position=2, label="到货款")
    instalment(c, "10000.00", days_overdue=-30, position=3, label="质保金")  # not yet due
    _action(company, c, 60, "答应月底付款", promised_amount=Decimal("3000"))
    _action(company, c, 10, "电话不接", kind="visit")
    task = _escalate(company, cust)
    assert task.subject_type == "customer"
    # when someone of the legal department opens the task
    page = _page(login(company.legal1), task)
    # then the panel says who the customer is and where to write
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="legal-task-panel"' in html
    for text in (NAME, CREDIT_CODE, "浙江省杭州市西湖区文三路 90 号", "王总", "138 0000 1111"):
        assert text in html, text
    # and what is overdue: the two past-due instalments, not the one due next month
    assert html.count('data-testid="panel-instalment"') == 2
    assert c.number in html and "预付款" in html and "到货款" in html
    assert "质保金" not in html
    assert ">200<" in html and ">40<" in html  # days overdue
    assert "10,000.00" in html  # the total overdue
    assert 'data-testid="panel-instalments-more"' not in html
    # and the dunning so far, the latest first, with the promise
    assert html.count('data-testid="panel-action"') == 2
    assert html.index("电话不接") < html.index("答应月底付款")
    assert "3,000.00" in html


def test_the_panel_is_capped_and_the_total_covers_everything(company, login):
    cust = _customer(company)
    c = contract(company.rep_e1, cust=cust, total="100000.00")
    for n in range(INSTALMENT_ROWS + 2):
        instalment(c, "100.00", days_overdue=10 + n, position=n + 1, label=f"第{n + 1}期")
    task = _escalate(company, cust)
    html = _page(login(company.legal1), task).content.decode()
    assert html.count('data-testid="panel-instalment"') == INSTALMENT_ROWS
    assert 'data-testid="panel-instalments-more"' in html
    assert "2,200.00" in html  # the 22 instalments, not the 20 listed
    # the most overdue are listed: the two least overdue (10 and 11 days) are not
    assert "第22期" in html and "第1期<" not in html and "第2期<" not in html


def test_another_department_gets_not_found(company, login):
    cust = _customer(company)
    c = contract(company.rep_e1, cust=cust)
    instalment(c, "3000.00", days_overdue=200)
    task = _escalate(company, cust)
    # a marketing user (a department with its own scope) does not see legal's task: 404
    assert _page(login(company.marketing1), task).status_code == 404


def test_the_query_count_does_not_grow_with_the_instalments(
    company, login, django_assert_max_num_queries
):
    cust = _customer(company)
    c = contract(company.rep_e1, cust=cust, total="100000.00")
    instalment(c, "1000.00", days_overdue=120, position=1)
    _action(company, c, 5, "第一次催款")
    task = _escalate(company, cust)
    client = login(company.legal1)
    _page(client, task)  # warm the per-process caches (rights, divisions)
    with CaptureQueriesContext(connection) as one:
        assert _page(client, task).status_code == 200
    # given four more overdue instalments, on another contract too, and more dunning
    other = contract(company.rep_e1, cust=cust, total="50000.00")
    for n in range(2, 5):
        instalment(c, "1000.00", days_overdue=100 - n, position=n)
    instalment(other, "500.00", days_overdue=90)
    for n in range(3):
        _action(company, other, n, f"催款{n}")
    with django_assert_max_num_queries(len(one)):
        page = _page(client, task)
    assert page.content.decode().count('data-testid="panel-instalment"') == 5
    assert len(one) <= 30
