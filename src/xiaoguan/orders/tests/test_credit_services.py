"""Credit control (R-ORD-2, R-RSK-1): the figures, the block at confirmation, the release
through finance's approval (order confirmed, or back to review when stock is short by then),
the refusal, and the overdue threshold of the policy."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xiaoguan.approvals.models import ApprovalRequest
from xiaoguan.approvals.services.requests import approval_decide
from xiaoguan.catalog.models import StockLevel
from xiaoguan.core.policy import policy_set
from xiaoguan.orders.enums import CreditHoldStatus, CreditStage, OrderStatus
from xiaoguan.orders.errors import CreditHoldInvalid
from xiaoguan.orders.models import CreditHold, OrderAllocation
from xiaoguan.orders.registries import Exposure
from xiaoguan.orders.selectors.credit import customer_credit_figures
from xiaoguan.orders.services.credit import credit_gate, credit_hold_request_release
from xiaoguan.orders.services.orders import (
    order_cancel,
    order_confirm,
    order_credit_recheck,
    order_submit,
)
from xiaoguan.orders.tests.factories import (
    D,
    Owes,
    contract_order,
    credit_chain,
    customer,
    direct_order,
    goods,
    line,
    set_limit,
    signed,
)

pytestmark = pytest.mark.django_db


def submitted_direct(company, g, cust, quantity="10"):
    order = direct_order(company.rep_e1, cust, [line(g.hydrant, quantity)])  # ¥850 each
    return order_submit(actor=company.rep_e1, order=order)


def confirm(company, order):
    return order_confirm(actor=company.mgr_east, order=order, confirmation_note="电话确认")


def decide(company, hold, decision, comment=""):
    request = ApprovalRequest.objects.get(
        doc_type="credit_hold", object_id=hold.pk, status="pending"
    )
    task = request.tasks.get(status="pending")
    return approval_decide(
        task_id=task.pk, actor=company.finance1, decision=decision, comment=comment
    )


def test_figures_add_a_direct_orders_amount_to_what_is_owed(company):
    cust = customer(company.rep_e1)
    set_limit(cust, "10000")
    with Owes({cust.pk: Exposure(outstanding=D(8000), overdue=D(500), overdue_days=20)}):
        figures = customer_credit_figures(customer=cust, added=D(1500))
        assert (figures.limit, figures.outstanding, figures.projected, figures.headroom) == (
            D(10000),
            D(8000),
            D(9500),
            D(500),
        )
        assert figures.reasons == []
        assert customer_credit_figures(customer=cust, added=D("2000.01")).reasons == ["over_limit"]


def test_over_the_limit_the_order_goes_on_credit_hold_with_the_figures(company):
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    set_limit(cust, "10000")
    order = submitted_direct(company, g, cust)  # ¥8,500
    with Owes({cust.pk: Exposure(outstanding=D(2000))}):
        order = confirm(company, order)
    assert order.status == OrderStatus.CREDIT_HOLD
    assert order.confirmation_note == "电话确认"
    hold = CreditHold.objects.get(order=order)
    assert (hold.stage, hold.status, hold.amount) == (
        CreditStage.ORDER,
        CreditHoldStatus.OPEN,
        D("8500.00"),
    )
    assert hold.figures["limit"] == "10000.00"
    assert hold.figures["exposure"] == "2000.00"
    assert hold.figures["projected"] == "10500.00"
    assert hold.figures["reasons"] == ["over_limit"]
    assert not OrderAllocation.objects.filter(line__order=order).exists()
    assert StockLevel.objects.get(warehouse=g.warehouse, product=g.hydrant).reserved == 0


def test_a_contract_orders_amount_is_already_owed_and_not_added(company):
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    set_limit(cust, "10000")
    contract = signed(company.rep_e1, [(g.hydrant, "10", "850")], cust=cust)
    order = contract_order(company.rep_e1, contract)
    order_submit(actor=company.rep_e1, order=order)
    with Owes({cust.pk: Exposure(outstanding=D(8500))}):  # the contract's instalments
        assert confirm(company, order).status == OrderStatus.CONFIRMED


def test_a_customer_without_a_limit_is_never_blocked_by_the_limit(company):
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    order = submitted_direct(company, g, cust)
    with Owes({cust.pk: Exposure(outstanding=D("99999999"))}):
        assert confirm(company, order).status == OrderStatus.CONFIRMED
    assert not CreditHold.objects.exists()


def test_overdue_debt_beyond_the_policy_threshold_blocks(company):
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    order = submitted_direct(company, g, cust, "1")
    with Owes({cust.pk: Exposure(outstanding=D(300), overdue=D(100), overdue_days=60)}):
        assert customer_credit_figures(customer=cust).reasons == []  # 60 days: not older than 60
    with Owes({cust.pk: Exposure(outstanding=D(300), overdue=D(100), overdue_days=61)}):
        assert customer_credit_figures(customer=cust).reasons == ["overdue"]
        policy_set(key="orders.credit_overdue_amount", raw="100", actor=company.gm)
        assert customer_credit_figures(customer=cust).reasons == []  # not above ¥100
        policy_set(key="orders.credit_overdue_amount", raw="99.99", actor=company.gm)
        order = confirm(company, order)
    assert order.status == OrderStatus.CREDIT_HOLD
    hold = CreditHold.objects.get(order=order)
    assert hold.figures["reasons"] == ["overdue"]
    assert (hold.figures["overdue"], hold.figures["overdue_days"]) == ("100.00", 61)


def test_finance_releases_the_hold_and_the_order_is_confirmed_with_stock_reserved(company):
    credit_chain()
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    set_limit(cust, "1000")
    order = confirm(company, submitted_direct(company, g, cust, "2"))
    hold = CreditHold.objects.get(order=order)
    with pytest.raises(CreditHoldInvalid):
        credit_hold_request_release(actor=company.mgr_east, hold=hold, reason="")
    hold = credit_hold_request_release(actor=company.mgr_east, hold=hold, reason="老客户，月底回款")
    assert hold.status == CreditHoldStatus.IN_APPROVAL
    decide(company, hold, "approve", "同意放行")
    hold.refresh_from_db()
    order.refresh_from_db()
    assert (hold.status, hold.decided_by, hold.decision_note) == (
        CreditHoldStatus.RELEASED,
        company.finance1,
        "同意放行",
    )
    assert order.status == OrderStatus.CONFIRMED
    assert order.confirmed_by == company.mgr_east
    assert StockLevel.objects.get(warehouse=g.warehouse, product=g.hydrant).reserved == 2
    # a released hold covering the amount lets a later check pass
    assert (
        credit_gate(order=order, stage=CreditStage.ORDER, amount=D("1700"), actor=company.gm)
        is None
    )
    assert credit_gate(order=order, stage=CreditStage.ORDER, amount=D("1700.01"), actor=company.gm)


def test_released_when_stock_is_short_the_order_goes_back_to_review(company):
    credit_chain()
    g = goods(company.gm, stock=5)
    cust = customer(company.rep_e1)
    set_limit(cust, "1000")
    order = confirm(company, submitted_direct(company, g, cust, "4"))
    other = direct_order(
        company.rep_e1, customer(company.rep_e1, "杭州西湖物业"), [line(g.hydrant, "3")]
    )
    order_submit(actor=company.rep_e1, order=other)
    confirm(company, other)  # takes 3 of the 5
    hold = credit_hold_request_release(
        actor=company.mgr_east, hold=CreditHold.objects.get(order=order), reason="预付款已到"
    )
    decide(company, hold, "approve")
    hold.refresh_from_db()
    order.refresh_from_db()
    assert hold.status == CreditHoldStatus.RELEASED
    assert order.status == OrderStatus.SUBMITTED
    assert "Not enough" in order.review_note
    # reviewed again once stock arrives: the released hold lets it through
    from xiaoguan.catalog.services.stock import stock_receive

    stock_receive(
        actor=company.gm, warehouse_id=g.warehouse.pk, product_id=g.hydrant.pk, quantity=D(10)
    )
    assert confirm(company, order).status == OrderStatus.CONFIRMED


def test_a_refused_release_keeps_the_order_blocked_until_cancelled(company):
    credit_chain()
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    set_limit(cust, "1000")
    order = confirm(company, submitted_direct(company, g, cust, "2"))
    hold = credit_hold_request_release(
        actor=company.mgr_east, hold=CreditHold.objects.get(order=order), reason="请放行"
    )
    decide(company, hold, "reject", "逾期太久")
    hold.refresh_from_db()
    order.refresh_from_db()
    assert (hold.status, hold.decision_note) == (CreditHoldStatus.REFUSED, "逾期太久")
    assert order.status == OrderStatus.CREDIT_HOLD
    order_cancel(actor=company.rep_e1, order=order, reason="客户信用不足")
    hold.refresh_from_db()
    assert hold.status == CreditHoldStatus.CANCELLED


def test_a_recheck_within_limits_clears_the_hold_and_confirms(company):
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    set_limit(cust, "1000")
    order = confirm(company, submitted_direct(company, g, cust, "2"))
    order = order_credit_recheck(actor=company.mgr_east, order=order)
    assert order.status == OrderStatus.CREDIT_HOLD  # still over
    set_limit(cust, "5000")
    order = order_credit_recheck(actor=company.mgr_east, order=order)
    assert order.status == OrderStatus.CONFIRMED
    assert CreditHold.objects.get(order=order).status == CreditHoldStatus.CLEARED


def test_only_credit_right_holders_request_a_release(company):
    from xiaoguan.core.errors import PermissionDenied

    g = goods(company.gm)
    cust = customer(company.rep_e1)
    set_limit(cust, "1000")
    order = confirm(company, submitted_direct(company, g, cust, "2"))
    with pytest.raises(PermissionDenied):
        credit_hold_request_release(
            actor=company.rep_e1, hold=CreditHold.objects.get(order=order), reason="请放行"
        )
    assert CreditHold.objects.get(order=order).status == CreditHoldStatus.OPEN


def test_the_figures_of_an_unlimited_customer(company):
    cust = customer(company.rep_e1)
    figures = customer_credit_figures(customer=cust, added=Decimal(100))
    assert (figures.limit, figures.headroom, figures.blocked) == (None, None, False)


def test_at_shipment_nothing_is_added_to_what_is_owed(company):
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    set_limit(cust, "10000")
    order = submitted_direct(company, g, cust)  # ¥8,500, already in the plan once confirmed
    with Owes({cust.pk: Exposure(outstanding=D(9000))}):
        gate = credit_gate(
            order=order, stage=CreditStage.SHIPMENT, amount=D("8500"), actor=company.logistics1
        )
    assert gate is None
    with Owes({cust.pk: Exposure(outstanding=D("10000.01"))}):
        hold = credit_gate(
            order=order, stage=CreditStage.SHIPMENT, amount=D("8500"), actor=company.logistics1
        )
    assert (hold.stage, hold.figures["added"], hold.figures["reasons"]) == (
        CreditStage.SHIPMENT,
        "0.00",
        ["over_limit"],
    )
