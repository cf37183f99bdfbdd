"""Order exceptions (R-ORD-5): logged, the customer informed, the resolution recorded, on the
contract's timeline; and late-shipment monitoring with its once-a-day reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from xiaoguan.contracts.enums import EventKind
from xiaoguan.contracts.models import ContractEvent
from xiaoguan.contracts.tests.test_amendments_support import LineSpec, signed_contract
from xiaoguan.core import policy
from xiaoguan.core.models import Notification
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.orders.enums import ExceptionStatus, OrderStatus
from xiaoguan.orders.models import Order
from xiaoguan.orders.selectors import shipping as selectors
from xiaoguan.orders.services import exceptions, shipping
from xiaoguan.orders.tests.test_shipping_support import (  # noqa: F401 - fixture
    D,
    confirmed_order,
    english,
    extinguisher,
    prepare,
    receive,
    ship,
    warehouse,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def given(company):
    ext = extinguisher()
    wh = warehouse(company.logistics1)
    receive(company.logistics1, wh, ext, 200)
    customer = make_customer(company.rep_e1, "宁波港务集团")
    contract = signed_contract(company.rep_e1, [LineSpec(ext, D(100), D("120.00"))], cust=customer)
    order = confirmed_order(
        company.rep_e1,
        customer,
        [(ext, 100, "120.00")],
        wh=wh,
        reserver=company.logistics1,
        contract=contract,
        requested=timezone.localdate() - timedelta(days=3),
    )
    return type(
        "Given",
        (),
        {"ext": ext, "wh": wh, "customer": customer, "order": order, "contract": contract},
    )


def test_damaged_goods_logged_informed_resolved_on_the_timeline(company, given):
    s = prepare(company.logistics1, given.order, given.wh, {given.ext: "40"})
    ship(company.logistics1, s)
    exc = exceptions.order_exception_log(
        actor=company.logistics1,
        order_id=given.order.pk,
        shipment_id=s.pk,
        kind="damaged",
        description="运输途中3具外壳破损",
    )
    assert exc.status == ExceptionStatus.OPEN
    problem = ContractEvent.objects.get(root_id=given.contract.pk, kind=EventKind.PROBLEM)
    assert "运输途中3具外壳破损" in problem.summary and s.number in problem.summary
    # resolving before the customer knows is refused
    with pytest.raises(shipping.ShippingInvalid):
        exceptions.order_exception_resolve(
            actor=company.logistics1, exception_id=exc.pk, resolution="补发3具"
        )
    exceptions.order_exception_inform(
        actor=company.rep_e1, exception_id=exc.pk, how="电话告知采购王经理"
    )
    exceptions.order_exception_resolve(
        actor=company.logistics1, exception_id=exc.pk, resolution="补发3具"
    )
    exc.refresh_from_db()
    assert (exc.status, exc.resolution, exc.resolved_by) == (
        ExceptionStatus.RESOLVED,
        "补发3具",
        company.logistics1,
    )
    assert exc.customer_informed_how == "电话告知采购王经理"
    assert ContractEvent.objects.filter(
        root_id=given.contract.pk, kind=EventKind.PROBLEM_SOLVED
    ).exists()
    with pytest.raises(exceptions.OrderExceptionClosed):
        exceptions.order_exception_resolve(
            actor=company.logistics1, exception_id=exc.pk, resolution="again"
        )
    # the replacement is a normal new shipment of what remains
    replacement = prepare(company.logistics1, given.order, given.wh, {given.ext: "3"})
    assert replacement.status == "prepared"


def test_bad_exceptions_are_refused(company, given):
    with pytest.raises(shipping.ShippingInvalid):
        exceptions.order_exception_log(
            actor=company.logistics1, order_id=given.order.pk, kind="alien", description="x"
        )
    with pytest.raises(shipping.ShippingInvalid):
        exceptions.order_exception_log(
            actor=company.logistics1, order_id=given.order.pk, kind="delay", description="  "
        )
    Order.objects.filter(pk=given.order.pk).update(status=OrderStatus.CANCELLED)
    with pytest.raises(exceptions.OrderExceptionNotAllowed):
        exceptions.order_exception_log(
            actor=company.logistics1, order_id=given.order.pk, kind="delay", description="x"
        )


def test_exception_pages(company, login, given):
    c = login(company.service1)
    r = c.post(
        reverse("orders:exception_create", args=[given.order.pk]),
        {"kind": "delay", "description": "供应商延迟到货", "informed_how": "微信"},
    )
    assert r.status_code == 302
    listing = c.get(reverse("orders:exception_list"))
    assert "供应商延迟到货" in listing.content.decode()
    exc_id = int(r["Location"].rstrip("/").rsplit("/", 1)[1])
    r = c.post(reverse("orders:exception_resolve", args=[exc_id]), {"resolution": "已改期"})
    assert r.status_code == 302
    listing = c.get(reverse("orders:exception_list"))
    assert "供应商延迟到货" not in listing.content.decode()
    # finance may see but not log
    assert login(company.finance1).get(reverse("orders:exception_list")).status_code == 200
    assert (
        login(company.finance1)
        .get(reverse("orders:exception_create", args=[given.order.pk]))
        .status_code
        == 403
    )


# --- late --------------------------------------------------------------------------------


def test_late_orders_follow_the_requested_date_and_the_plans(company, given):
    assert list(selectors.late_orders(user=company.gm)) == [given.order]
    # a plan for tomorrow replaces the requested date
    plan = shipping.shipping_plan_create(
        actor=company.logistics1,
        order_id=given.order.pk,
        planned_date=timezone.localdate() + timedelta(days=1),
        method="freight",
    )
    assert list(selectors.late_orders(user=company.gm)) == []
    shipping.shipping_plan_cancel(actor=company.logistics1, plan_id=plan.pk)
    assert list(selectors.late_orders(user=company.gm)) == [given.order]
    # the grace days of the policy
    policy.policy_set(actor=company.gm, key="orders.late_shipment_grace_days", raw=5)
    assert list(selectors.late_orders(user=company.gm)) == []


def test_shipments_unconfirmed_after_the_policy_days_are_flagged(company, given):
    s = prepare(company.logistics1, given.order, given.wh, {given.ext: "10"})
    ship(company.logistics1, s, on=timezone.localdate() - timedelta(days=8))
    assert list(selectors.unconfirmed_shipments(user=company.logistics1)) == [s]
    assert selectors.shipment_list(user=company.logistics1).get(pk=s.pk).is_late is True
    policy.policy_set(actor=company.gm, key="orders.delivery_confirm_days", raw=10)
    assert list(selectors.unconfirmed_shipments(user=company.logistics1)) == []


def test_the_reminder_tells_owner_and_logistics_once_a_day(company, given):
    sent = shipping.late_shipments_remind()
    assert sent == 2
    assert shipping.late_shipments_remind() == 0
    recipients = set(
        Notification.objects.filter(kind="orders.late_shipment").values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {"rep_e1", "logistics1"}
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert shipping.late_shipments_remind(today=tomorrow) == 2
