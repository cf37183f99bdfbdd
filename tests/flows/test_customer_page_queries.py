"""The customer page gathers panels from several apps (visits, opportunities, credit, pool,
leads...): its query count must not grow with the rows shown in them (no N+1)."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xiaoguan.activities.models import FollowUp, Visit
from xiaoguan.customers.models import CreditNote, OwnerChange
from xiaoguan.customers.services import ContactData, contact_create
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.sales.models import Opportunity


def _add_rows(customer, rep, n: int, start: int) -> None:
    contact = contact_create(customer=customer, actor=rep, data=ContactData(name=f"联系人{start}"))
    for i in range(start, start + n):
        visit = Visit.objects.create(
            owner=rep,
            department=rep.department,
            customer=customer,
            status="done",
            kind="onsite",
            visited_at=timezone.now() - timedelta(days=i + 1),
            purpose=f"回访 {i}",
            result="progress",
        )
        visit.contacts.add(contact)
        FollowUp.objects.create(
            owner=rep,
            department=rep.department,
            customer=customer,
            visit=visit,
            title=f"报价 {i}",
            due_date=date.today() + timedelta(days=i),
        )
        Opportunity.objects.create(
            owner=rep,
            department=rep.department,
            customer=customer,
            number=f"OPP-T-{i:04d}",
            name=f"灭火器采购 {i}",
            amount=Decimal("10000.00"),
            probability=20,
            expected_close=date.today() + timedelta(days=30),
        )
        CreditNote.objects.create(
            customer=customer, author=rep, investigated_on=date.today(), content=f"调查 {i}"
        )
        OwnerChange.objects.create(customer=customer, kind="assigned", to_owner=rep, by=rep)


def _count(client, customer) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("customers:detail", args=[customer.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_customer_page_queries_do_not_grow_with_its_panels_rows(company, login):
    # given
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    client = login(company.mgr_east)
    _add_rows(customer, company.rep_e1, 1, 0)
    _count(client, customer)  # warm the per-user caches (policy values, panels)
    few = _count(client, customer)
    # when
    _add_rows(customer, company.rep_e1, 6, 10)
    many = _count(client, customer)
    # then
    assert many == few
