"""Inquiry → quote → approval → the customer's answer → contract (R-QUO-1..3, R-CON-1): the
quote takes the departments' figures from the inquiry being bid, an accepted quote becomes a
contract without retyping, and a lost quote closes the opportunity and the inquiry."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from xiaoguan.approvals.models import ApprovalTask
from xiaoguan.approvals.services import approval_decide
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org.enums import DepartmentKind
from xiaoguan.org.tests.factories import UserFactory, department_create
from xiaoguan.sales.enums import InquiryStatus, QuoteStatus, Stage
from xiaoguan.sales.services import quotes as services
from xiaoguan.sales.tests.factories import make_opportunity
from xiaoguan.sales.tests.quote_factories import (
    float_ranges,
    line,
    make_quote,
    priced_product,
    quote_chain,
)


@pytest.fixture
def setup(company):
    quote_chain()
    float_ranges(sales_rep="5", sales_manager="10")
    customer = make_customer(company.rep_e1, "上海安消消防设备有限公司")
    ext = priced_product("MFZ-ABC4", "手提式干粉灭火器", price="100.00")
    hydrant = priced_product("SN65", "室内消火栓", price="850.00", unit="套")
    return company, customer, ext, hydrant


def _approve_quote(quote):
    for _ in range(3):
        task = ApprovalTask.objects.filter(
            request__doc_type="quote", request__object_id=quote.pk, status="pending"
        ).first()
        if task is None:
            break
        approval_decide(task_id=task.pk, actor=task.approver, decision="approve")
    quote.refresh_from_db()
    return quote


def _bidding_inquiry(company, customer, opportunity=None):
    from xiaoguan.sales.services.inquiries import InquiryData, inquiry_create, inquiry_decide

    inquiry = inquiry_create(
        actor=company.rep_e1,
        data=InquiryData(
            customer_id=customer.pk,
            title="厂区消防器材询价",
            source="phone",
            deadline=timezone.now() + timedelta(days=10),
            opportunity_id=opportunity.pk if opportunity else None,
            estimated_amount="50000",
        ),
    )
    return inquiry_decide(actor=company.mgr_east, inquiry=inquiry, bid=True, reason="老客户")


def _departments(company):
    """A technical and a production department with one member each."""
    hq = company.depts["HQ"]
    tech = department_create(name="技术部", code="TECH", kind=DepartmentKind.TECHNICAL, parent=hq)
    prod = department_create(name="生产部", code="PROD", kind=DepartmentKind.PRODUCTION, parent=hq)
    from xiaoguan.org.models import Department, User

    # Nodes returned by the tree's add_child may carry a stale path: read them back.
    tech, prod = (Department.objects.get(pk=d.pk) for d in (tech, prod))
    engineer = UserFactory(
        username="engineer", full_name="宋志远", department=tech, roles=["technical"]
    )
    planner = UserFactory(
        username="planner", full_name="谢国强", department=prod, roles=["production"]
    )
    engineer, planner = (User.objects.get(pk=u.pk) for u in (engineer, planner))
    return engineer, planner


def test_quote_from_an_inquiry_takes_the_departments_figures(setup):
    from xiaoguan.org.department_tasks import department_task_complete
    from xiaoguan.sales.services.inquiries import inquiry_request_figures

    company, customer, ext, _h = setup
    inquiry = _bidding_inquiry(company, customer)
    engineer, planner = _departments(company)
    tasks = {t.kind: t for t in inquiry_request_figures(actor=company.rep_e1, inquiry=inquiry)}
    for task in tasks.values():
        if task.department.kind == DepartmentKind.TECHNICAL:
            department_task_complete(
                actor=engineer,
                task_id=task.pk,
                response="",
                data={"parameters": "4kg ABC干粉，充装压力1.2MPa"},
            )
        else:
            department_task_complete(
                actor=planner,
                task_id=task.pk,
                response="",
                data={"material_cost": "6200.00", "lead_time_days": 15},
            )
    # when
    quote = make_quote(company.director, customer, [line(ext, "100")], inquiry_id=inquiry.pk)
    # then
    assert quote.technical_notes.startswith("4kg ABC干粉")
    assert quote.cost_estimate == Decimal("6200.00")
    assert quote.delivery_lead_days == 15


def test_quote_on_an_inquiry_not_being_bid_is_refused(setup):
    from xiaoguan.sales.errors import QuoteInvalid
    from xiaoguan.sales.models import Quote
    from xiaoguan.sales.services.inquiries import InquiryData, inquiry_create

    company, customer, ext, _h = setup
    inquiry = inquiry_create(
        actor=company.rep_e1,
        data=InquiryData(
            customer_id=customer.pk,
            title="询价",
            source="phone",
            deadline=timezone.now() + timedelta(days=3),
        ),
    )
    with pytest.raises(QuoteInvalid) as err:
        make_quote(company.rep_e1, customer, [line(ext)], inquiry_id=inquiry.pk)
    assert "inquiry" in err.value.fields
    assert not Quote.objects.exists()


def test_accepted_quote_becomes_a_contract_without_retyping(setup, login):
    from xiaoguan.contracts.models import Contract
    from xiaoguan.contracts.services.contracts import contract_create_from_quote

    company, customer, ext, hydrant = setup
    opp = make_opportunity(company.rep_e1, customer)
    quote = make_quote(
        company.rep_e1,
        customer,
        [line(ext, "40", unit_price="96"), line(hydrant, "6", discount="2", spec="DN65")],
        opportunity_id=opp.pk,
        payment_terms="合同签订后预付30%，到货验收后付清",
    )
    services.quote_submit(actor=company.rep_e1, quote=quote)
    quote = _approve_quote(quote)
    services.quote_accept(actor=company.rep_e1, quote=quote)
    opp.refresh_from_db()
    assert opp.stage == Stage.NEGOTIATION
    # the quote page offers the contract
    body = login(company.rep_e1).get(reverse("sales:quote_detail", args=[quote.pk])).content
    assert b'data-testid="quote-to-contract"' in body
    # when
    contract = contract_create_from_quote(actor=company.rep_e1, quote_id=quote.pk)
    # then
    contract = Contract.objects.get(pk=contract.pk)
    assert contract.customer_id == customer.pk
    assert list(
        contract.lines.order_by("position").values_list(
            "product_id", "quantity", "unit_price", "amount"
        )
    ) == list(
        quote.lines.order_by("position").values_list(
            "product_id", "quantity", "unit_price", "amount"
        )
    )
    assert contract.total == quote.total


def test_lost_quote_closes_the_inquiry_and_the_opportunity(setup):
    company, customer, ext, _h = setup
    opp = make_opportunity(company.rep_e1, customer)
    inquiry = _bidding_inquiry(company, customer, opportunity=opp)
    quote = make_quote(company.rep_e1, customer, [line(ext)], inquiry_id=inquiry.pk)
    assert quote.opportunity_id == opp.pk  # taken from the inquiry
    services.quote_submit(actor=company.rep_e1, quote=quote)
    quote = _approve_quote(quote)
    assert quote.status == QuoteStatus.APPROVED
    # when
    services.quote_lose(
        actor=company.rep_e1, quote=quote, lost_reason="competitor", note="对手低价中标"
    )
    # then
    inquiry.refresh_from_db()
    opp.refresh_from_db()
    assert inquiry.status == InquiryStatus.LOST
    assert (opp.stage, opp.lost_reason) == (Stage.LOST, "competitor")
