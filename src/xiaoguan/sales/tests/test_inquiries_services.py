"""Inquiries and tenders (R-QUO-1): registration, the bid decision with escalation, the
department tasks, close, cancel and the deadline reminders."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xiaoguan.approvals.enums import Decision
from xiaoguan.approvals.models import ApprovalRequest, ApprovalTask
from xiaoguan.approvals.services.requests import approval_decide
from xiaoguan.core import policy
from xiaoguan.core.errors import NotFound, PermissionDenied
from xiaoguan.core.models import Notification
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org import department_tasks
from xiaoguan.org.enums import TaskStatus
from xiaoguan.org.models import DepartmentTask
from xiaoguan.sales.enums import InquiryStatus
from xiaoguan.sales.errors import InquiryInvalid, InquiryStateInvalid
from xiaoguan.sales.models import Inquiry
from xiaoguan.sales.selectors import inquiries as selectors
from xiaoguan.sales.services import inquiries as services
from xiaoguan.sales.tests.factories import make_opportunity
from xiaoguan.sales.tests.inquiry_factories import add_factory_departments, bid_chain, make_inquiry


@pytest.fixture
def setup(company):
    add_factory_departments(company)
    customer = make_customer(company.rep_e1, "上海申能消防工程有限公司")
    return customer


def _snapshot():
    return (
        list(Inquiry.objects.order_by("pk").values_list("pk", "status", "version")),
        DepartmentTask.objects.count(),
        ApprovalRequest.objects.count(),
    )


# --- registration ------------------------------------------------------------------------


def test_register_numbers_owns_and_notifies_the_manager(company, setup):
    # when
    inquiry = make_inquiry(company.rep_e1, setup, kind="tender", tender_number="ZB-2026-17")
    # then
    year = timezone.localdate().year
    assert inquiry.number == f"XJ-{year}-000001"
    assert (inquiry.owner, inquiry.department, inquiry.status) == (
        company.rep_e1,
        company.depts["T-E1"],
        InquiryStatus.NEW,
    )
    notes = Notification.objects.filter(kind="inquiry")
    assert [n.recipient.username for n in notes] == ["mgr_east"]
    assert notes[0].url == f"/sales/inquiries/{inquiry.pk}/"
    assert inquiry.number in notes[0].title


def test_register_with_an_opportunity_of_the_customer(company, setup):
    opp = make_opportunity(company.rep_e1, setup)
    inquiry = make_inquiry(company.rep_e1, setup, opportunity_id=opp.pk)
    assert inquiry.opportunity == opp


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "  "}, "title"),
        ({"source": "fax"}, "source"),
        ({"kind": "auction"}, "kind"),
        ({"deadline": timezone.now() - timedelta(minutes=1)}, "deadline"),
        ({"estimated_amount": "-0.01"}, "estimated_amount"),
        ({"estimated_amount": "abc"}, "estimated_amount"),
        ({"estimated_amount": "1e20"}, "estimated_amount"),
    ],
)
def test_register_refuses_bad_input_and_saves_nothing(company, setup, change, field):
    with pytest.raises(InquiryInvalid) as exc:
        make_inquiry(company.rep_e1, setup, **change)
    assert field in exc.value.fields
    assert Inquiry.objects.count() == 0
    assert Notification.objects.filter(kind="inquiry").count() == 0


def test_register_refuses_a_customer_or_opportunity_out_of_scope(company, setup):
    other = make_customer(company.rep_w1, "成都天府消防设备有限公司")
    with pytest.raises(NotFound):
        make_inquiry(company.rep_e1, other)
    foreign_opp = make_opportunity(company.rep_w1, other)
    with pytest.raises(NotFound):
        make_inquiry(company.rep_e1, setup, opportunity_id=foreign_opp.pk)
    # the manager sees both, but the opportunity is another customer's
    with pytest.raises(InquiryInvalid) as exc:
        make_inquiry(company.director, setup, opportunity_id=foreign_opp.pk)
    assert "opportunity" in exc.value.fields
    assert Inquiry.objects.count() == 0


def test_update_only_while_new_and_with_the_current_version(company, setup):
    inquiry = make_inquiry(company.rep_e1, setup)
    data = services.InquiryData(
        customer_id=setup.pk,
        title="改",
        source="email",
        deadline=timezone.now() + timedelta(days=5),
        estimated_amount="600000",
    )
    from xiaoguan.core.errors import StaleEdit

    with pytest.raises(StaleEdit):
        services.inquiry_update(
            actor=company.rep_e1, inquiry=inquiry, data=data, expected_version=9
        )
    updated = services.inquiry_update(
        actor=company.rep_e1, inquiry=inquiry, data=data, expected_version=1
    )
    assert (updated.title, updated.estimated_amount, updated.version) == (
        "改",
        Decimal("600000.00"),
        2,
    )
    services.inquiry_decide(actor=company.mgr_east, inquiry=inquiry, bid=False, reason="不做")
    with pytest.raises(InquiryStateInvalid):
        services.inquiry_update(
            actor=company.rep_e1, inquiry=inquiry, data=data, expected_version=2
        )


# --- the decision --------------------------------------------------------------------------


def test_bid_below_the_threshold_is_final(company, setup):
    inquiry = make_inquiry(company.rep_e1, setup, estimated_amount="500000")
    decided = services.inquiry_decide(
        actor=company.mgr_east, inquiry=inquiry, bid=True, reason="老客户，必须投"
    )
    assert (decided.status, decided.decided_by, decided.decision_note) == (
        InquiryStatus.BIDDING,
        company.mgr_east,
        "老客户，必须投",
    )
    assert ApprovalRequest.objects.count() == 0
    assert Notification.objects.filter(recipient=company.rep_e1, kind="inquiry").count() == 1


def test_no_bid_needs_a_reason(company, setup):
    inquiry = make_inquiry(company.rep_e1, setup)
    before = _snapshot()
    with pytest.raises(InquiryInvalid) as exc:
        services.inquiry_decide(actor=company.mgr_east, inquiry=inquiry, bid=False, reason=" ")
    assert "reason" in exc.value.fields
    assert _snapshot() == before
    decided = services.inquiry_decide(
        actor=company.mgr_east, inquiry=inquiry, bid=False, reason="资质不符"
    )
    assert decided.status == InquiryStatus.NO_BID


def test_decision_refusals_change_nothing(company, setup):
    inquiry = make_inquiry(company.rep_e1, setup)
    before = _snapshot()
    # a rep has no right to decide
    with pytest.raises(PermissionDenied):
        services.inquiry_decide(actor=company.rep_e1, inquiry=inquiry, bid=True, reason="x")
    # a manager of another region does not see it
    with pytest.raises(NotFound):
        services.inquiry_decide(actor=company.mgr_west, inquiry=inquiry, bid=True, reason="x")
    # a bid needs the estimated amount
    empty = make_inquiry(company.rep_e1, setup, estimated_amount=None)
    before = _snapshot()
    with pytest.raises(InquiryInvalid):
        services.inquiry_decide(actor=company.mgr_east, inquiry=empty, bid=True, reason="x")
    assert _snapshot() == before
    # decided once, not twice
    services.inquiry_decide(actor=company.mgr_east, inquiry=inquiry, bid=True, reason="投")
    with pytest.raises(InquiryStateInvalid):
        services.inquiry_decide(actor=company.director, inquiry=inquiry, bid=False, reason="不")
    assert Inquiry.objects.get(pk=inquiry.pk).status == InquiryStatus.BIDDING


def test_the_owner_manager_decides_not_the_owner(company, setup):
    own = make_inquiry(company.mgr_east, setup)
    assert own.owner == company.rep_e1  # the customer's owner is in the manager's scope
    mine = make_inquiry(company.director, make_customer(company.director, "总监客户"))
    with pytest.raises(PermissionDenied):
        services.inquiry_decide(actor=company.director, inquiry=mine, bid=True, reason="x")
    assert services.inquiry_decide(actor=company.gm, inquiry=mine, bid=True, reason="x").status == (
        InquiryStatus.BIDDING
    )


def test_a_large_bid_goes_to_management_and_approval_makes_it_bidding(company, setup):
    bid_chain()
    inquiry = make_inquiry(company.rep_e1, setup, estimated_amount="500000.01")
    decided = services.inquiry_decide(
        actor=company.mgr_east, inquiry=inquiry, bid=True, reason="大项目"
    )
    assert decided.status == InquiryStatus.ESCALATED
    request = ApprovalRequest.objects.get(doc_type="bid_decision", object_id=inquiry.pk)
    assert request.amount == Decimal("500000.01")
    task = ApprovalTask.objects.get(request=request)
    assert task.approver == company.gm
    approval_decide(task_id=task.pk, actor=company.gm, decision=Decision.APPROVE, comment="同意")
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.decided_by) == (InquiryStatus.BIDDING, company.gm)
    assert selectors.inquiry_approval(inquiry=inquiry) == request


def test_a_rejected_large_bid_is_no_bid(company, setup):
    bid_chain()
    inquiry = make_inquiry(company.rep_e1, setup, estimated_amount="900000")
    services.inquiry_decide(actor=company.mgr_east, inquiry=inquiry, bid=True, reason="试试")
    task = ApprovalTask.objects.get(request__object_id=inquiry.pk, request__doc_type="bid_decision")
    approval_decide(task_id=task.pk, actor=company.gm, decision=Decision.REJECT, comment="风险高")
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.NO_BID


def test_the_threshold_is_a_policy_rule(company, setup):
    policy.policy_set(key=services.ESCALATION_RULE, raw="1000000", actor=company.gm)
    inquiry = make_inquiry(company.rep_e1, setup, estimated_amount="900000")
    decided = services.inquiry_decide(actor=company.mgr_east, inquiry=inquiry, bid=True, reason="x")
    assert decided.status == InquiryStatus.BIDDING


def test_management_decides_a_large_bid_itself(company, setup):
    bid_chain()
    inquiry = make_inquiry(company.rep_e1, setup, estimated_amount="900000")
    decided = services.inquiry_decide(actor=company.gm, inquiry=inquiry, bid=True, reason="批")
    assert decided.status == InquiryStatus.BIDDING
    assert ApprovalRequest.objects.count() == 0


def test_escalation_without_a_chain_is_refused_and_nothing_changes(company, setup):
    inquiry = make_inquiry(company.rep_e1, setup, estimated_amount="900000")
    before = _snapshot()
    from xiaoguan.core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        services.inquiry_decide(actor=company.mgr_east, inquiry=inquiry, bid=True, reason="x")
    assert _snapshot() == before


# --- department tasks --------------------------------------------------------------------------


def _bidding(company, customer, **kw):
    inquiry = make_inquiry(company.rep_e1, customer, **kw)
    return services.inquiry_decide(actor=company.mgr_east, inquiry=inquiry, bid=True, reason="投")


def test_request_figures_sends_one_task_to_each_department(company, setup):
    inquiry = _bidding(company, setup)
    created = services.inquiry_request_figures(actor=company.rep_e1, inquiry=inquiry)
    assert sorted((t.kind, t.department.code) for t in created) == [
        (services.TASK_COST, "PRD"),
        (services.TASK_TECHNICAL, "TEC"),
    ]
    assert {t.due_on for t in created} == {timezone.localtime(inquiry.deadline).date()}
    assert set(
        Notification.objects.filter(kind="department_task").values_list(
            "recipient__username", flat=True
        )
    ) == {"prod_head", "planner", "tech_head", "engineer"}
    # asked once: a second request is refused
    with pytest.raises(InquiryStateInvalid):
        services.inquiry_request_figures(actor=company.rep_e1, inquiry=inquiry)
    assert DepartmentTask.objects.count() == 2


def test_request_figures_only_when_bidding(company, setup):
    inquiry = make_inquiry(company.rep_e1, setup)
    with pytest.raises(InquiryStateInvalid):
        services.inquiry_request_figures(actor=company.rep_e1, inquiry=inquiry)
    assert DepartmentTask.objects.count() == 0


def test_completed_figures_are_read_back_and_the_cost_is_confidential(company, setup):
    inquiry = _bidding(company, setup)
    tech, cost = sorted(
        services.inquiry_request_figures(actor=company.rep_e1, inquiry=inquiry),
        key=lambda t: t.kind,
    )[::-1]
    assert tech.kind == services.TASK_TECHNICAL
    department_tasks.department_task_complete(
        actor=company.engineer,
        task_id=tech.pk,
        response="",
        data={"parameters": "MFZ/ABC4 4kg，3A 55B"},
    )
    department_tasks.department_task_complete(
        actor=company.planner,
        task_id=cost.pk,
        response="钢材按现价",
        data={"material_cost": "35,000.5", "lead_time_days": "21"},
    )
    assert selectors.inquiry_task_figures(inquiry=inquiry) == {
        "technical_notes": "MFZ/ABC4 4kg，3A 55B",
        "cost_estimate": Decimal("35000.50"),
        "lead_time_days": 21,
    }
    assert "cost_estimate" not in selectors.inquiry_figures_for(
        inquiry=inquiry, user=company.rep_e1
    )
    assert selectors.inquiry_figures_for(inquiry=inquiry, user=company.finance1)[
        "cost_estimate"
    ] == Decimal("35000.50")
    rows = selectors.inquiry_task_rows(inquiry=inquiry, user=company.rep_e1)
    cost_row = next(r for r in rows if r["task"].kind == services.TASK_COST)
    assert [f["name"] for f in cost_row["figures"]] == ["lead_time_days"]
    # the owner was told by the tasks (the owner requested them)
    assert (
        Notification.objects.filter(recipient=company.rep_e1, kind="department_task").count() == 2
    )


def test_cancel_closes_open_tasks(company, setup):
    inquiry = _bidding(company, setup)
    services.inquiry_request_figures(actor=company.rep_e1, inquiry=inquiry)
    with pytest.raises(InquiryInvalid):
        services.inquiry_cancel(actor=company.rep_e1, inquiry=inquiry, note=" ")
    cancelled = services.inquiry_cancel(actor=company.rep_e1, inquiry=inquiry, note="客户取消采购")
    assert (cancelled.status, cancelled.outcome_note) == (InquiryStatus.CANCELLED, "客户取消采购")
    assert set(DepartmentTask.objects.values_list("status", flat=True)) == {TaskStatus.CANCELLED}
    with pytest.raises(InquiryStateInvalid):
        services.inquiry_cancel(actor=company.rep_e1, inquiry=inquiry, note="再次")


# --- close (the quotes part) --------------------------------------------------------------------


def test_close_won_or_lost_only_when_bidding(company, setup):
    won = _bidding(company, setup)
    lost = _bidding(company, setup)
    fresh = make_inquiry(company.rep_e1, setup)
    assert services.inquiry_close(
        actor=company.rep_e1, inquiry=won, won=True, note="中标"
    ).status == (InquiryStatus.WON)
    closed = services.inquiry_close(
        actor=company.rep_e1, inquiry=lost.pk, outcome=InquiryStatus.LOST, note="价格高"
    )
    assert (closed.status, closed.outcome_note) == (InquiryStatus.LOST, "价格高")
    with pytest.raises(InquiryStateInvalid):
        services.inquiry_close(actor=company.rep_e1, inquiry=fresh, won=True, note="")
    assert Inquiry.objects.get(pk=fresh.pk).status == InquiryStatus.NEW


# --- deadline reminders ---------------------------------------------------------------------------


def test_deadline_reminders_three_days_then_one_day_once_each(company, setup):
    now = timezone.now()
    soon = _bidding(company, setup, deadline=now + timedelta(days=2, hours=12))
    _bidding(company, setup, deadline=now + timedelta(days=9))  # too far
    make_inquiry(company.rep_e1, setup, deadline=now + timedelta(days=2))  # not bidding
    Notification.objects.all().delete()
    assert services.inquiries_remind_deadlines(now=now) == 1
    assert services.inquiries_remind_deadlines(now=now) == 0
    assert services.inquiries_remind_deadlines(now=now + timedelta(days=2)) == 1
    notes = Notification.objects.filter(recipient=company.rep_e1, kind="inquiry").order_by("pk")
    assert [n.dedupe_key for n in notes] == [
        f"inquiry:{soon.pk}:deadline:3",
        f"inquiry:{soon.pk}:deadline:1",
    ]
    assert services.inquiries_remind_deadlines(now=now + timedelta(days=3)) == 0  # passed


def test_customer_section_lists_open_inquiries_in_scope(company, setup):
    open_one = make_inquiry(company.rep_e1, setup, title="开放")
    closed = make_inquiry(company.rep_e1, setup, title="不投")
    services.inquiry_decide(actor=company.mgr_east, inquiry=closed, bid=False, reason="x")
    assert selectors.customer_open_inquiries(customer=setup, user=company.rep_e1) == [open_one]
    assert selectors.customer_open_inquiries(customer=setup, user=company.rep_w1) == []
