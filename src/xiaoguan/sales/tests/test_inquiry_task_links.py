"""On the inquiry page the department tasks link to their page only for those who may open it:
the rep who asked and the departments do; the rep's manager sees the title and the figures but
no link (it led to "not found")."""

from __future__ import annotations

from django.urls import reverse

from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org.models import DepartmentTask
from xiaoguan.sales.services import inquiries
from xiaoguan.sales.tests.inquiry_factories import add_factory_departments, make_inquiry


def test_task_links_only_for_those_who_may_open_the_task(company, login):
    # given an inquiry being bid whose figures the rep requested
    add_factory_departments(company)
    customer = make_customer(company.rep_e1, "上海申能消防工程有限公司")
    inquiry = make_inquiry(company.rep_e1, customer)
    inquiries.inquiry_decide(actor=company.mgr_east, inquiry=inquiry, bid=True, reason="投")
    inquiries.inquiry_request_figures(actor=company.rep_e1, inquiry=inquiry)
    tasks = list(DepartmentTask.objects.filter(subject_id=inquiry.pk))
    assert len(tasks) == 2
    url = reverse("sales:inquiry_detail", args=[inquiry.pk])
    # then the rep who asked gets a link to each task, and each link opens
    rep = login(company.rep_e1)
    assert rep.get(url).content.decode().count('data-testid="inquiry-task-link"') == 2
    for task in tasks:
        assert rep.get(reverse("org:task_detail", args=[task.pk])).status_code == 200
    # and the manager sees the tasks without links to pages closed to them
    manager = login(company.mgr_east)
    page = manager.get(url).content.decode()
    assert page.count('data-testid="inquiry-task-row"') == 2
    assert 'data-testid="inquiry-task-link"' not in page
    assert manager.get(reverse("org:task_detail", args=[tasks[0].pk])).status_code in (403, 404)
