"""A department task about an inquiry shows the inquiry to the department asked (R-ORG-4,
R-QUO-2): the technical engineer reads the requirements and downloads the tender documents
through the task, without the inquiries right; other departments get "not found"."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xiaoguan.core import attachments
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org.models import DepartmentTask
from xiaoguan.sales.services import inquiries
from xiaoguan.sales.services.inquiries import TASK_TECHNICAL
from xiaoguan.sales.tests.inquiry_factories import add_factory_departments, make_inquiry


@pytest.fixture
def given(company, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    add_factory_departments(company)
    customer = make_customer(company.rep_e1, "上海申能消防工程有限公司")
    inquiry = make_inquiry(
        company.rep_e1,
        customer,
        title="地铁站消防改造招标",
        kind="tender",
        source="tender_platform",
        tender_number="ZB-2026-0815",
        description="须满足GB 50016；喷淋系统 120 个喷头",
    )
    tender = attachments.attachment_add(
        actor=company.rep_e1,
        owner="sales.inquiry",
        object_id=inquiry.pk,
        upload=SimpleUploadedFile("招标文件.pdf", b"%PDF-1.4 tender", "application/pdf"),
    )
    inquiries.inquiry_decide(actor=company.mgr_east, inquiry=inquiry, bid=True, reason="投")
    inquiries.inquiry_request_figures(actor=company.rep_e1, inquiry=inquiry)
    task = DepartmentTask.objects.get(subject_id=inquiry.pk, kind=TASK_TECHNICAL)
    return inquiry, tender, task


def test_technical_engineer_reads_the_inquiry_and_downloads_its_tender_documents(
    company, login, given, django_assert_max_num_queries
):
    inquiry, tender, task = given
    engineer = company.users["engineer"]
    assert not engineer.has_right("sales.inquiries_view")
    client = login(engineer)
    # when the engineer opens the task
    with django_assert_max_num_queries(14):
        page = client.get(reverse("org:task_detail", args=[task.pk]))
    # then the inquiry is on the page, with its file downloadable through the task
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="inquiry-task-panel"' in html
    for text in (
        "上海申能消防工程有限公司",
        "地铁站消防改造招标",
        "ZB-2026-0815",
        "喷淋系统 120 个喷头",
    ):
        assert text in html
    file_url = reverse("org:task_attachment", args=[task.pk, tender.pk])
    assert file_url in html
    # and no link to the inquiry's page, which would answer 403
    assert 'data-testid="task-subject"' not in html
    assert reverse("sales:inquiry_detail", args=[inquiry.pk]) not in html
    assert client.get(reverse("sales:inquiry_detail", args=[inquiry.pk])).status_code == 403
    download = client.get(file_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 tender"
    assert "attachment" in download["Content-Disposition"]


def test_the_rep_who_asked_gets_the_link_to_the_inquiry(company, login, given):
    inquiry, _tender, task = given
    html = login(company.rep_e1).get(reverse("org:task_detail", args=[task.pk])).content.decode()
    assert 'data-testid="task-subject"' in html
    assert reverse("sales:inquiry_detail", args=[inquiry.pk]) in html


def test_another_department_gets_not_found_for_the_task_and_its_file(company, login, given):
    _inquiry, tender, task = given
    # production was asked for cost, not for the technical parameters
    client = login(company.users["planner"])
    assert client.get(reverse("org:task_detail", args=[task.pk])).status_code == 404
    url = reverse("org:task_attachment", args=[task.pk, tender.pk])
    assert client.get(url).status_code == 404


def test_a_file_of_another_record_is_not_found_through_the_task(company, login, given):
    _inquiry, _tender, task = given
    other = make_inquiry(company.rep_e1, make_customer(company.rep_e1, "其他客户有限公司"))
    foreign = attachments.attachment_add(
        actor=company.rep_e1,
        owner="sales.inquiry",
        object_id=other.pk,
        upload=SimpleUploadedFile("其他.pdf", b"%PDF other", "application/pdf"),
    )
    client = login(company.users["engineer"])
    url = reverse("org:task_attachment", args=[task.pk, foreign.pk])
    assert client.get(url).status_code == 404


def test_a_removed_file_is_no_longer_served(company, login, given):
    _inquiry, tender, task = given
    attachments.attachment_remove(actor=company.rep_e1, attachment_id=tender.pk)
    client = login(company.users["engineer"])
    url = reverse("org:task_attachment", args=[task.pk, tender.pk])
    assert client.get(url).status_code == 404
