"""Two people acting on one inquiry or one department task at the same moment (PostgreSQL:
the row is locked, the second sees the first's result and is refused)."""

from __future__ import annotations

import pytest

from conftest import race
from xiaoguan.core.errors import InvalidTransition
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org import department_tasks
from xiaoguan.org.enums import TaskStatus
from xiaoguan.org.models import DepartmentTask
from xiaoguan.sales.enums import InquiryStatus
from xiaoguan.sales.errors import InquiryStateInvalid
from xiaoguan.sales.models import Inquiry
from xiaoguan.sales.services import inquiries as services
from xiaoguan.sales.tests.inquiry_factories import add_factory_departments, make_inquiry


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_decisions_at_once_one_wins(company):
    customer = make_customer(company.rep_e1, "宁波港务集团")
    inquiry = make_inquiry(company.rep_e1, customer)
    results = race(
        [
            lambda: services.inquiry_decide(
                actor=company.mgr_east, inquiry=inquiry.pk, bid=True, reason="投"
            ),
            lambda: services.inquiry_decide(
                actor=company.director, inquiry=inquiry.pk, bid=False, reason="不投"
            ),
        ]
    )
    assert sum(isinstance(r, InquiryStateInvalid) for r in results) == 1, results
    winner = next(r for r in results if isinstance(r, Inquiry))
    assert Inquiry.objects.get(pk=inquiry.pk).status == winner.status
    assert winner.status in (InquiryStatus.BIDDING, InquiryStatus.NO_BID)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_for_figures_at_once_send_one_pair_of_tasks(company):
    add_factory_departments(company)
    customer = make_customer(company.rep_e1, "宁波港务集团")
    inquiry = make_inquiry(company.rep_e1, customer)
    services.inquiry_decide(actor=company.mgr_east, inquiry=inquiry, bid=True, reason="投")
    results = race(
        [
            lambda: services.inquiry_request_figures(actor=company.rep_e1, inquiry=inquiry.pk),
            lambda: services.inquiry_request_figures(actor=company.mgr_east, inquiry=inquiry.pk),
        ]
    )
    assert sum(isinstance(r, InquiryStateInvalid) for r in results) == 1, results
    assert DepartmentTask.objects.filter(subject_id=inquiry.pk).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_completions_of_a_task_at_once_one_wins(company):
    add_factory_departments(company)
    customer = make_customer(company.rep_e1, "宁波港务集团")
    inquiry = make_inquiry(company.rep_e1, customer)
    services.inquiry_decide(actor=company.mgr_east, inquiry=inquiry, bid=True, reason="投")
    services.inquiry_request_figures(actor=company.rep_e1, inquiry=inquiry)
    task = DepartmentTask.objects.get(kind=services.TASK_COST)
    results = race(
        [
            lambda: department_tasks.department_task_complete(
                actor=company.planner,
                task_id=task.pk,
                response="",
                data={"material_cost": "100", "lead_time_days": "10"},
            ),
            lambda: department_tasks.department_task_complete(
                actor=company.prod_head,
                task_id=task.pk,
                response="",
                data={"material_cost": "200", "lead_time_days": "20"},
            ),
        ]
    )
    assert sum(isinstance(r, InvalidTransition) for r in results) == 1, results
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    winner = next(r for r in results if isinstance(r, DepartmentTask))
    assert task.response_data == winner.response_data
