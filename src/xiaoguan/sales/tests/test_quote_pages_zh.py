"""Quote pages as a Chinese user sees them: the edit form keeps the validity date (an
``<input type="date">`` takes only ``YYYY-MM-DD``; the Chinese format left it empty and
saving reset the validity to the policy default)."""

from datetime import date

import pytest
from django.urls import reverse

from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.sales.tests.quote_factories import line, make_quote, priced_product, quote_chain

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def quote(company):
    quote_chain()
    customer = make_customer(company.rep_e1, "上海安消消防设备有限公司")
    product = priced_product("MFZ-ABC4", "手提式干粉灭火器", price="100.00")
    return make_quote(company.rep_e1, customer, [line(product)], valid_until=date(2099, 12, 27))


def test_edit_form_shows_the_validity_date(quote, company, login):
    client = login(company.rep_e1)
    url = reverse("sales:quote_edit", args=[quote.pk])
    # when the rep opens the quote in Chinese
    body = client.get(url, **ZH).content.decode()
    # then the date input holds the validity in the format it accepts
    assert 'name="valid_until" value="2099-12-27"' in body


def test_the_customers_answer_has_its_own_label(quote, company, login):
    from xiaoguan.approvals.models import ApprovalTask
    from xiaoguan.approvals.services import approval_decide
    from xiaoguan.sales.services import quotes as services

    # given a quote with notes, accepted by the customer with a note of its own
    services.quote_submit(actor=company.rep_e1, quote=quote)
    for task in ApprovalTask.objects.filter(request__doc_type="quote", status="pending"):
        approval_decide(task_id=task.pk, actor=task.approver, decision="approve")
    quote.refresh_from_db()
    services.quote_accept(actor=company.rep_e1, quote=quote, note="客户已盖章回传")
    # when the rep opens it in Chinese
    body = login(company.rep_e1).get(reverse("sales:quote_detail", args=[quote.pk]), **ZH)
    # then the answer is labelled as the customer's answer
    html = body.content.decode()
    assert '客户答复</dt><dd class="col-sm-8">客户已盖章回传' in html


def test_new_quote_from_an_inquiry_shows_the_departments_figures(company, login):
    from xiaoguan.org import department_tasks
    from xiaoguan.org.models import DepartmentTask
    from xiaoguan.sales.services import inquiries
    from xiaoguan.sales.tests.inquiry_factories import add_factory_departments, make_inquiry

    # given an inquiry being bid whose tasks the departments completed
    add_factory_departments(company)
    customer = make_customer(company.rep_e1, "上海申能消防工程有限公司")
    inquiry = make_inquiry(company.rep_e1, customer)
    inquiries.inquiry_decide(actor=company.mgr_east, inquiry=inquiry, bid=True, reason="投")
    inquiries.inquiry_request_figures(actor=company.rep_e1, inquiry=inquiry)
    for task in DepartmentTask.objects.filter(subject_id=inquiry.pk):
        data = (
            {"material_cost": "43210.99", "lead_time_days": "18"}
            if task.kind == inquiries.TASK_COST
            else {"parameters": "额定压力 1.6MPa"}
        )
        actor = company.planner if task.kind == inquiries.TASK_COST else company.engineer
        department_tasks.department_task_complete(
            actor=actor, task_id=task.pk, response="", data=data
        )
    url = reverse("sales:quote_create") + f"?inquiry={inquiry.pk}"
    # when the rep starts a quote from it
    rep_page = login(company.rep_e1).get(url, **ZH).content.decode()
    # then the technical parameters and the lead time are in the form, the cost is not
    assert "额定压力 1.6MPa</textarea>" in rep_page
    assert 'name="delivery_lead_days" value="18"' in rep_page
    assert "43210.99" not in rep_page
    # and the sales director, who may see cost, has it filled in too
    director_page = login(company.director).get(url, **ZH).content.decode()
    assert 'name="cost_estimate" value="43210.99"' in director_page
