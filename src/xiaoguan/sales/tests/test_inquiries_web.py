"""Inquiry pages: list (scope, filters, export), registration, detail with the decision
panel, the department tasks (cost hidden without the right), documents; refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from xiaoguan.core.models import AuditEvent, AuditKind
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org import department_tasks
from xiaoguan.org.models import DepartmentTask
from xiaoguan.sales.enums import InquiryStatus
from xiaoguan.sales.models import Inquiry
from xiaoguan.sales.services import inquiries as services
from xiaoguan.sales.tests.inquiry_factories import add_factory_departments, make_inquiry


@pytest.fixture
def customer(company):
    add_factory_departments(company)
    return make_customer(company.rep_e1, "上海申能消防工程有限公司")


def _deadline(days=10):
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_list_is_scoped_filtered_and_pins_its_queries(
    company, customer, login, django_assert_max_num_queries
):
    for n in range(6):
        make_inquiry(company.rep_e1, customer, title=f"询价{n}")
    make_inquiry(company.rep_e1, customer, title="招标项目", kind="tender")
    west = make_customer(company.rep_w1, "成都天府消防")
    make_inquiry(company.rep_w1, west, title="西部询价")
    client = login(company.rep_e1)
    with django_assert_max_num_queries(12):
        page = client.get("/sales/inquiries/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-testid="inquiry-row"') == 7
    assert "西部询价" not in html
    tenders = client.get("/sales/inquiries/?kind=tender").content.decode()
    assert tenders.count('data-testid="inquiry-row"') == 1 and "招标项目" in tenders
    partial = client.get("/sales/inquiries/?status=bidding", headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert 'data-testid="inquiry-row"' not in partial.content.decode()
    far = client.get(
        "/sales/inquiries/",
        {"deadline_from": (timezone.localdate() + timedelta(days=20)).isoformat()},
    )
    assert 'data-testid="inquiry-row"' not in far.content.decode()


def test_list_needs_the_right(company, login):
    assert login(company.finance1).get("/sales/inquiries/").status_code == 403


def test_export_is_scoped_and_audited(company, customer, login):
    make_inquiry(company.rep_e1, customer, title="东部")
    response = login(company.rep_e1).get("/sales/inquiries/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert AuditEvent.objects.filter(kind=AuditKind.EXPORT, actor_id=company.rep_e1.pk).count() == 1


def test_register_from_the_page(company, customer, login):
    client = login(company.rep_e1)
    assert client.get(f"/sales/inquiries/new/?customer={customer.pk}").status_code == 200
    response = client.post(
        f"/sales/inquiries/new/?customer={customer.pk}",
        {
            "customer": customer.pk,
            "kind": "tender",
            "source": "tender_platform",
            "title": "地铁站消防设备招标",
            "tender_number": "ZB-17",
            "deadline": _deadline(),
            "estimated_amount": "800000",
            "description": "需提供3C认证",
        },
    )
    inquiry = Inquiry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/sales/inquiries/{inquiry.pk}/"
    assert (inquiry.kind, inquiry.owner, inquiry.tender_number) == (
        "tender",
        company.rep_e1,
        "ZB-17",
    )


def test_register_refuses_a_past_deadline_with_a_message(company, customer, login):
    from django.utils import translation
    from django.utils.translation import gettext

    response = login(company.rep_e1).post(
        "/sales/inquiries/new/",
        {
            "customer": customer.pk,
            "kind": "inquiry",
            "source": "phone",
            "title": "过期",
            "deadline": _deadline(-1),
        },
    )
    assert response.status_code == 422
    with translation.override("zh-hans"):
        assert gettext("The deadline must be in the future.") in response.content.decode()
    assert Inquiry.objects.count() == 0


def test_customer_out_of_scope_is_404_on_the_form(company, customer, login):
    west = make_customer(company.rep_w1, "成都天府消防")
    assert login(company.rep_e1).get(f"/sales/inquiries/new/?customer={west.pk}").status_code == 404


def test_detail_out_of_scope_is_404(company, customer, login):
    west = make_customer(company.rep_w1, "成都天府消防")
    inquiry = make_inquiry(company.rep_w1, west)
    client = login(company.rep_e1)
    assert client.get(f"/sales/inquiries/{inquiry.pk}/").status_code == 404
    assert (
        login(company.mgr_east)
        .post(f"/sales/inquiries/{inquiry.pk}/decide/", {"decision": "bid", "reason": "x"})
        .status_code
        == 404
    )
    assert Inquiry.objects.get(pk=inquiry.pk).status == InquiryStatus.NEW


def test_decision_panel_for_the_manager_only(company, customer, login):
    inquiry = make_inquiry(company.rep_e1, customer)
    rep_page = login(company.rep_e1).get(f"/sales/inquiries/{inquiry.pk}/").content.decode()
    assert 'data-testid="decision-form"' not in rep_page
    client = login(company.mgr_east)
    assert (
        'data-testid="decision-form"'
        in client.get(f"/sales/inquiries/{inquiry.pk}/").content.decode()
    )
    empty = client.post(
        f"/sales/inquiries/{inquiry.pk}/decide/", {"decision": "no_bid", "reason": ""}
    )
    assert empty.status_code == 422
    assert Inquiry.objects.get(pk=inquiry.pk).status == InquiryStatus.NEW
    done = client.post(
        f"/sales/inquiries/{inquiry.pk}/decide/", {"decision": "bid", "reason": "可以投"}
    )
    assert done.status_code == 302
    assert Inquiry.objects.get(pk=inquiry.pk).status == InquiryStatus.BIDDING


def test_a_rep_cannot_post_a_decision(company, customer, login):
    inquiry = make_inquiry(company.rep_e1, customer)
    response = login(company.rep_e1).post(
        f"/sales/inquiries/{inquiry.pk}/decide/", {"decision": "bid", "reason": "x"}
    )
    assert response.status_code == 403
    assert Inquiry.objects.get(pk=inquiry.pk).status == InquiryStatus.NEW


def test_tasks_panel_request_and_confidential_cost(company, customer, login):
    inquiry = make_inquiry(company.rep_e1, customer)
    services.inquiry_decide(actor=company.mgr_east, inquiry=inquiry, bid=True, reason="投")
    client = login(company.rep_e1)
    page = client.get(f"/sales/inquiries/{inquiry.pk}/").content.decode()
    assert 'data-testid="request-figures-form"' in page
    assert client.post(f"/sales/inquiries/{inquiry.pk}/request-figures/", {}).status_code == 302
    assert DepartmentTask.objects.filter(subject_id=inquiry.pk).count() == 2
    cost = DepartmentTask.objects.get(kind=services.TASK_COST)
    department_tasks.department_task_complete(
        actor=company.planner,
        task_id=cost.pk,
        response="",
        data={"material_cost": "43210.99", "lead_time_days": "18"},
    )
    rep_page = client.get(f"/sales/inquiries/{inquiry.pk}/").content.decode()
    assert "18" in rep_page
    assert "43,210.99" not in rep_page
    gm_page = login(company.gm).get(f"/sales/inquiries/{inquiry.pk}/").content.decode()
    assert "¥43,210.99" in gm_page
    # the task page hides the cost from the rep too, but not from the production department
    client = login(company.rep_e1)
    assert "43,210.99" not in client.get(f"/org/tasks/{cost.pk}/").content.decode()
    assert "43,210.99" in login(company.planner).get(f"/org/tasks/{cost.pk}/").content.decode()


def test_cancel_from_the_page_needs_a_reason(company, customer, login):
    inquiry = make_inquiry(company.rep_e1, customer)
    client = login(company.rep_e1)
    assert client.post(f"/sales/inquiries/{inquiry.pk}/cancel/", {"note": ""}).status_code == 422
    assert Inquiry.objects.get(pk=inquiry.pk).status == InquiryStatus.NEW
    assert (
        client.post(f"/sales/inquiries/{inquiry.pk}/cancel/", {"note": "客户取消"}).status_code
        == 302
    )
    assert Inquiry.objects.get(pk=inquiry.pk).status == InquiryStatus.CANCELLED


def test_edit_while_new(company, customer, login):
    inquiry = make_inquiry(company.rep_e1, customer)
    client = login(company.rep_e1)
    assert client.get(f"/sales/inquiries/{inquiry.pk}/edit/").status_code == 200
    response = client.post(
        f"/sales/inquiries/{inquiry.pk}/edit/",
        {
            "kind": "inquiry",
            "source": "email",
            "title": "改了",
            "deadline": _deadline(5),
            "estimated_amount": "1000",
            "version": "1",
        },
    )
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert (inquiry.title, inquiry.version) == ("改了", 2)
    stale = client.post(
        f"/sales/inquiries/{inquiry.pk}/edit/",
        {
            "kind": "inquiry",
            "source": "email",
            "title": "旧",
            "deadline": _deadline(5),
            "version": "1",
        },
    )
    assert stale.status_code == 422
    assert Inquiry.objects.get(pk=inquiry.pk).title == "改了"


def test_customer_page_shows_open_inquiries(company, customer, login):
    make_inquiry(company.rep_e1, customer, title="客户页询价")
    html = login(company.rep_e1).get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="customer-inquiries"' in html
    assert "客户页询价" in html
