"""Visit and follow-up pages: scope, rights, the record form, constant query counts, export."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from xiaoguan.activities.enums import VisitResult, VisitStatus
from xiaoguan.activities.models import FollowUp, Visit
from xiaoguan.activities.services import visits as services
from xiaoguan.customers.models import Customer
from xiaoguan.customers.services import ContactData, contact_create
from xiaoguan.customers.tests.factories import make_customer


def _record(rep, customer, days_ago=1, result=VisitResult.PROGRESS, **kw):
    return services.visit_record(
        actor=rep,
        customer=customer,
        data=services.VisitData(
            kind="onsite",
            visited_at=timezone.now() - timedelta(days=days_ago),
            result=result,
            feedback="消防设施年检",
            **kw,
        ),
    )


@pytest.fixture
def customer(company):
    return make_customer(company.rep_e1, "南京金陵物业有限公司")


def test_record_form_saves_and_refuses_a_future_date(company, login, customer):
    c = login(company.rep_e1)
    contact = contact_create(customer=customer, actor=company.rep_e1, data=ContactData(name="赵工"))
    url = reverse("activities:visit_record_new") + f"?customer={customer.pk}"
    page = c.get(url)
    assert page.status_code == 200 and b'data-testid="visit-record-form"' in page.content
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    body = {
        "customer": customer.pk,
        "kind": "onsite",
        "visited_at": future,
        "result": "progress",
        "contacts": [contact.pk],
        "feedback": "客户准备更换灭火器",
    }
    r = c.post(url, body)
    assert r.status_code == 200 and b"is-invalid" in r.content
    assert not Visit.objects.exists()
    body["visited_at"] = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    body["latitude"] = "32.060255"
    body["longitude"] = "118.796877"
    body["followup_title"] = "送样品"
    body["followup_due"] = (timezone.localdate() + timedelta(days=3)).isoformat()
    r = c.post(url, body)
    visit = Visit.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse(
        "activities:visit_detail", args=[visit.pk]
    )
    assert visit.status == VisitStatus.DONE and list(visit.contacts.all()) == [contact]
    assert str(visit.latitude) == "32.060255"
    assert FollowUp.objects.get().visit == visit
    assert Customer.objects.get(pk=customer.pk).last_contact_at is not None


def test_a_contact_of_another_customer_is_not_accepted_by_the_form(company, login, customer):
    other = make_customer(company.rep_e1, "其他公司")
    stranger = contact_create(customer=other, actor=company.rep_e1, data=ContactData(name="钱"))
    c = login(company.rep_e1)
    url = reverse("activities:visit_record_new") + f"?customer={customer.pk}"
    r = c.post(
        url,
        {
            "customer": customer.pk,
            "kind": "phone",
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "result": "progress",
            "contacts": [stranger.pk],
        },
    )
    assert r.status_code == 200
    assert not Visit.objects.exists()


def test_out_of_scope_is_404_and_rights_are_checked(company, login, customer):
    visit = _record(company.rep_e1, customer)
    c = login(company.rep_w1)
    assert c.get(reverse("activities:visit_detail", args=[visit.pk])).status_code == 404
    r = c.get(reverse("activities:visit_record_new") + f"?customer={customer.pk}")
    assert r.status_code == 404
    legal = login(company.legal1)
    assert legal.get(reverse("activities:visit_list")).status_code == 403
    # The assistant sees visits but does not record them.
    a = login(company.assistant)
    assert a.get(reverse("activities:visit_list")).status_code == 200
    assert a.get(reverse("activities:visit_record_new")).status_code == 403


def test_plan_then_record_then_cancel_pages(company, login, customer):
    c = login(company.rep_e1)
    url = reverse("activities:visit_plan") + f"?customer={customer.pk}"
    r = c.post(
        url,
        {
            "customer": customer.pk,
            "planned_for": timezone.localdate().isoformat(),
            "kind": "onsite",
            "purpose": "喷淋系统改造方案交流",
        },
    )
    plan = Visit.objects.get()
    assert r.status_code == 302 and plan.status == VisitStatus.PLANNED
    page = c.get(reverse("activities:visit_list"))
    assert b'data-testid="week-visit"' in page.content
    r = c.post(reverse("activities:visit_cancel", args=[plan.pk]))
    assert r.status_code == 302
    assert Visit.objects.get().status == VisitStatus.CANCELLED


def test_list_filters_and_query_count(company, login, customer, django_assert_max_num_queries):
    other = make_customer(company.rep_e1b, "无锡太湖纺织有限公司")
    for i in range(6):
        _record(company.rep_e1, customer, days_ago=i + 1)
        _record(company.rep_e1b, other, days_ago=i + 1, result=VisitResult.NO_PROGRESS)
    c = login(company.mgr_east)
    url = reverse("activities:visit_list")
    with django_assert_max_num_queries(14):
        r = c.get(url)
    assert r.content.count(b'data-testid="visit-row"') == 12
    for i in range(20):
        _record(company.rep_e1, customer, days_ago=i + 10)
    with django_assert_max_num_queries(14):
        r = c.get(url)
    assert r.content.count(b'data-testid="visit-row"') == 25
    r = c.get(url, {"result": "no_progress"})
    assert r.content.count(b'data-testid="visit-row"') == 6
    r = c.get(url, {"owner": company.rep_e1b.pk, "date_from": timezone.localdate().isoformat()})
    assert r.content.count(b'data-testid="visit-row"') == 0
    # A rep sees only their own.
    r = login(company.rep_e1b).get(url)
    assert r.content.count(b'data-testid="visit-row"') == 6


def test_export_respects_scope_and_filters(company, login, customer):
    west = make_customer(company.rep_w1, "西部客户")
    _record(company.rep_e1, customer)
    _record(company.rep_w1, west)
    r = login(company.mgr_east).get(reverse("activities:visit_export"))
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == customer.name


def test_followups_page_complete_and_query_count(
    company, login, customer, django_assert_max_num_queries
):
    today = timezone.localdate()
    for i in range(5):
        f = services.followup_create(
            actor=company.rep_e1, customer=customer, title=f"跟进{i}", due_date=today
        )
    FollowUp.objects.filter(pk=f.pk).update(due_date=today - timedelta(days=2))
    c = login(company.rep_e1)
    with django_assert_max_num_queries(12):
        r = c.get(reverse("activities:followup_list"))
    assert r.content.count(b'data-testid="followup-row"') == 5
    assert r.content.count(b'data-overdue="1"') == 1
    r = c.post(reverse("activities:followup_done", args=[f.pk]), {"outcome": ""})
    assert r.status_code == 200 and FollowUp.objects.get(pk=f.pk).done_at is None
    r = c.post(reverse("activities:followup_done", args=[f.pk]), {"outcome": "已发报价"})
    assert r.status_code == 302 and FollowUp.objects.get(pk=f.pk).done_at is not None
    r = c.post(
        reverse("activities:followup_create") + f"?customer={customer.pk}",
        {"customer": customer.pk, "title": "确认安装日期", "due_date": today.isoformat()},
    )
    assert r.status_code == 302 and FollowUp.objects.filter(title="确认安装日期").exists()


def test_customer_page_section_and_dashboard_panel(company, login, customer):
    _record(company.rep_e1, customer, days_ago=0)
    services.followup_create(
        actor=company.rep_e1, customer=customer, title="复核喷淋头", due_date=timezone.localdate()
    )
    c = login(company.rep_e1)
    r = c.get(reverse("customers:detail", args=[customer.pk]))
    assert b'data-testid="customer-visits"' in r.content
    assert b'data-testid="customer-record-visit"' in r.content
    assert r.content.count(b'data-testid="customer-visit-row"') == 1
    assert r.content.count(b'data-testid="customer-followup-row"') == 1
    home = c.get("/")
    assert b'data-testid="visits-panel"' in home.content
    assert b'data-testid="panel-visit"' in home.content


def test_choose_customer_lists_only_the_scope(company, login, customer):
    make_customer(company.rep_w1, "南京西部分公司")
    r = login(company.rep_e1).get(reverse("activities:visit_record_new"), {"q": "南京"})
    assert r.content.count(b'data-testid="customer-choice"') == 1
