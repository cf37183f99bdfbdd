"""Shipping services (R-ORD-4): preparing partial shipments within what was ordered and what
is in stock, shipping through the credit gate, delivery confirmation and acceptance with the
extension points they tell, and the contract's shipped figures and floor."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xiaoguan.catalog.models import StockLevel, StockMovement
from xiaoguan.contracts.enums import EventKind
from xiaoguan.contracts.models import Contract, ContractEvent
from xiaoguan.contracts.tests.test_amendments_support import LineSpec, signed_contract
from xiaoguan.core.errors import InvalidTransition
from xiaoguan.customers.models import Customer
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.orders import registries
from xiaoguan.orders.enums import CreditHoldStatus, OrderStatus, ShipmentStatus, ShippingMethod
from xiaoguan.orders.models import CreditHold, Order, OrderAllocation, Shipment
from xiaoguan.orders.services import shipping
from xiaoguan.orders.tests.test_shipping_support import (  # noqa: F401 - fixture
    D,
    confirmed_order,
    deliver,
    english,
    extinguisher,
    hydrant,
    line_of,
    prepare,
    receive,
    ship,
    warehouse,
)

pytestmark = pytest.mark.django_db


class Recorder:
    """Connects to an extension point for one test and keeps the calls."""

    def __init__(self, point):
        self.point = point
        self.calls: list[dict] = []

    def __call__(self, **kwargs):
        self.calls.append(kwargs)

    def __enter__(self):
        self.point.connect(self)
        return self

    def __exit__(self, *exc):
        self.point.disconnect(self)


@pytest.fixture
def given(company):
    ext = extinguisher()
    hyd = hydrant()
    wh = warehouse(company.logistics1)
    receive(company.logistics1, wh, ext, 200)
    receive(company.logistics1, wh, hyd, 50)
    customer = make_customer(company.rep_e1, "宁波港务集团")
    order = confirmed_order(
        company.rep_e1,
        customer,
        [(ext, 100, "120.00"), (hyd, 10, "850.00")],
        wh=wh,
        reserver=company.logistics1,
    )
    return type(
        "Given", (), {"ext": ext, "hyd": hyd, "wh": wh, "customer": customer, "order": order}
    )


def level(wh, product):
    return StockLevel.objects.get(warehouse=wh, product=product)


# --- preparing ---------------------------------------------------------------------------


def test_prepare_a_partial_shipment(company, given):
    # when
    s = prepare(company.logistics1, given.order, given.wh, {given.ext: "40"})
    # then
    assert s.status == ShipmentStatus.PREPARED
    assert s.number.startswith("FH-")
    assert (s.owner, s.department) == (company.rep_e1, company.rep_e1.department)
    assert s.amount == Decimal("4800.00")
    (line,) = s.lines.all()
    assert (line.quantity, line.base_quantity) == (D(40), D(40))
    # nothing leaves the warehouse before shipping
    assert level(given.wh, given.ext).on_hand == D(200)


def test_refuses_more_than_ordered_naming_product_and_figures(company, given):
    prepare(company.logistics1, given.order, given.wh, {given.ext: "70"})
    before = Shipment.objects.count()
    with pytest.raises(shipping.ShipmentOverOrdered) as exc:
        prepare(company.logistics1, given.order, given.wh, {given.ext: "31"})
    message = str(exc.value.message)
    assert "手提式干粉灭火器" in message
    assert "31" in message and "30" in message and "100" in message
    assert exc.value.status == 422
    assert Shipment.objects.count() == before


def test_refuses_more_than_reserved_or_in_stock(company, given):
    # The order reserved 10 hydrants; 40 more are free in the warehouse: 50 in all.
    other = make_customer(company.rep_e1, "杭州地铁集团")
    confirmed_order(
        company.rep_e1, other, [(given.hyd, 35, "850.00")], wh=given.wh, reserver=company.logistics1
    )
    # now 10 reserved for ours, 35 for the other, 5 free: ours can ship 15 at most
    big = confirmed_order(
        company.rep_e1,
        given.customer,
        [(given.hyd, 16, "850.00")],
        wh=given.wh,
        reserver=company.logistics1,
        reserve=False,
    )
    with pytest.raises(shipping.ShipmentOverStock) as exc:
        prepare(company.logistics1, big, given.wh, {given.hyd: "6"})
    assert "室内消火栓" in str(exc.value.message)
    assert "5" in str(exc.value.message)
    # within the free stock it is accepted
    assert prepare(company.logistics1, big, given.wh, {given.hyd: "5"}).status == "prepared"


def test_refuses_bad_quantities_and_orders_not_confirmed(company, given):
    for bad in ("-1", "abc", "1.0001"):
        with pytest.raises(shipping.ShippingInvalid):
            prepare(company.logistics1, given.order, given.wh, {given.ext: bad})
    with pytest.raises(shipping.ShippingInvalid):
        prepare(company.logistics1, given.order, given.wh, {given.ext: "0"})
    Order.objects.filter(pk=given.order.pk).update(status=OrderStatus.SUBMITTED)
    with pytest.raises(shipping.OrderNotShippable):
        prepare(company.logistics1, given.order, given.wh, {given.ext: "1"})
    assert Shipment.objects.count() == 0


def test_cancel_a_prepared_shipment_gives_the_quantity_back(company, given):
    s = prepare(company.logistics1, given.order, given.wh, {given.ext: "100"})
    with pytest.raises(shipping.ShippingInvalid):
        shipping.shipment_cancel(actor=company.logistics1, shipment_id=s.pk, reason=" ")
    shipping.shipment_cancel(actor=company.logistics1, shipment_id=s.pk, reason="客户改期")
    s.refresh_from_db()
    assert (s.status, s.cancelled_reason) == (ShipmentStatus.CANCELLED, "客户改期")
    assert prepare(company.logistics1, given.order, given.wh, {given.ext: "100"}).pk != s.pk


# --- shipping ----------------------------------------------------------------------------


def test_ship_issues_the_reserved_stock_and_records_the_lines(company, given):
    s = prepare(company.logistics1, given.order, given.wh, {given.ext: "40", given.hyd: "10"})
    # when
    result = ship(company.logistics1, s)
    # then
    assert result.hold is None
    s.refresh_from_db()
    assert (s.status, s.waybill_no, s.shipped_by) == (
        ShipmentStatus.SHIPPED,
        "SF1234567890",
        company.logistics1,
    )
    ext_level = level(given.wh, given.ext)
    assert (ext_level.on_hand, ext_level.reserved) == (D(160), D(60))
    assert level(given.wh, given.hyd).reserved == 0
    assert StockMovement.objects.filter(reference=s.number, kind="issue").count() == 2
    ext_line = line_of(given.order, given.ext)
    assert (ext_line.shipped_quantity, ext_line.reserved_quantity) == (D(40), D(60))
    assert OrderAllocation.objects.get(line=ext_line).issued == D(40)
    given.order.refresh_from_db()
    assert given.order.status == OrderStatus.PARTLY_SHIPPED


def test_shipping_needs_a_waybill_for_a_courier_and_not_a_future_date(company, given):
    s = prepare(company.logistics1, given.order, given.wh, {given.ext: "10"})
    with pytest.raises(shipping.ShippingInvalid) as exc:
        ship(company.logistics1, s, waybill="")
    assert "waybill_no" in exc.value.fields
    with pytest.raises(shipping.ShippingInvalid):
        ship(company.logistics1, s, on=timezone.localdate() + timedelta(days=1))
    s.refresh_from_db()
    assert s.status == ShipmentStatus.PREPARED
    assert level(given.wh, given.ext).on_hand == D(200)
    own = prepare(
        company.logistics1,
        given.order,
        given.wh,
        {given.ext: "10"},
        method=ShippingMethod.OWN_FLEET,
    )
    assert ship(company.logistics1, own, waybill="").hold is None


@pytest.fixture
def owes():
    """The customer owes ¥5,000 (a credit exposure provider for one test)."""
    owed: dict[int, registries.Exposure] = {}

    def provider(customer_ids):
        return {cid: owed[cid] for cid in customer_ids if cid in owed}

    registries.register_credit_exposure(provider)
    yield owed
    registries._exposure_providers.remove(provider)


def test_a_credit_hold_keeps_the_shipment_prepared(company, given, owes):
    Customer.objects.filter(pk=given.customer.pk).update(credit_limit=Decimal("1000.00"))
    owes[given.customer.pk] = registries.Exposure(outstanding=Decimal("5000.00"))
    s = prepare(company.logistics1, given.order, given.wh, {given.ext: "40"})
    # when
    result = ship(company.logistics1, s)
    # then
    assert result.hold is not None
    assert result.hold.stage == "shipment"
    assert result.hold.status == CreditHoldStatus.OPEN
    s.refresh_from_db()
    assert s.status == ShipmentStatus.PREPARED
    assert level(given.wh, given.ext).on_hand == D(200)
    assert line_of(given.order, given.ext).shipped_quantity == 0
    # finance releases it: the next try ships
    CreditHold.objects.filter(pk=result.hold.pk).update(status=CreditHoldStatus.RELEASED)
    assert ship(company.logistics1, s).hold is None
    s.refresh_from_db()
    assert s.status == ShipmentStatus.SHIPPED


def test_shipping_twice_or_a_cancelled_shipment_is_refused(company, given):
    s = prepare(company.logistics1, given.order, given.wh, {given.ext: "10"})
    ship(company.logistics1, s)
    with pytest.raises(InvalidTransition):
        ship(company.logistics1, s)
    with pytest.raises(InvalidTransition):
        shipping.shipment_cancel(actor=company.logistics1, shipment_id=s.pk, reason="x")


# --- delivery ----------------------------------------------------------------------------


def test_delivery_of_the_last_lines_of_a_direct_order_tells_order_delivered(company, given):
    first = prepare(company.logistics1, given.order, given.wh, {given.ext: "60"})
    second = prepare(company.logistics1, given.order, given.wh, {given.ext: "40", given.hyd: "10"})
    ship(company.logistics1, first, on=timezone.localdate() - timedelta(days=3))
    ship(company.logistics1, second, on=timezone.localdate() - timedelta(days=2))
    with Recorder(registries.order_delivered) as seen:
        with pytest.raises(shipping.ShippingInvalid) as exc:
            deliver(company.rep_e1, first, on=timezone.localdate() - timedelta(days=4))
        assert "delivered_on" in exc.value.fields
        deliver(company.rep_e1, first, on=timezone.localdate() - timedelta(days=1))
        assert seen.calls == []
        deliver(company.rep_e1, second)
    assert len(seen.calls) == 1
    assert seen.calls[0]["order"].pk == given.order.pk
    assert seen.calls[0]["on"] == timezone.localdate()
    first.refresh_from_db()
    assert (first.status, first.received_by) == (ShipmentStatus.DELIVERED, "王建国")


def test_prepared_shipments_cannot_be_confirmed_delivered(company, given):
    s = prepare(company.logistics1, given.order, given.wh, {given.ext: "10"})
    with pytest.raises(InvalidTransition):
        deliver(company.rep_e1, s)


# --- contracts ---------------------------------------------------------------------------


@pytest.fixture
def contract_given(company, given):
    contract = signed_contract(
        company.rep_e1,
        [LineSpec(given.ext, D(100), D("120.00")), LineSpec(given.hyd, D(10), D("850.00"))],
        cust=given.customer,
    )
    first = confirmed_order(
        company.rep_e1,
        given.customer,
        [(given.ext, 60, "120.00")],
        wh=given.wh,
        reserver=company.logistics1,
        contract=contract,
    )
    second = confirmed_order(
        company.rep_e1,
        given.customer,
        [(given.ext, 40, "120.00"), (given.hyd, 10, "850.00")],
        wh=given.wh,
        reserver=company.logistics1,
        contract=contract,
    )
    return contract, first, second


def test_shipping_a_contract_order_sets_the_ledger_and_the_timeline(company, given, contract_given):
    contract, first, second = contract_given
    s1 = prepare(company.logistics1, first, given.wh, {given.ext: "60"})
    s2 = prepare(company.logistics1, second, given.wh, {given.hyd: "4"})
    ship(company.logistics1, s1)
    ship(company.logistics1, s2)
    contract.refresh_from_db()
    assert contract.shipped_amount == Decimal("7200.00") + Decimal("3400.00")
    events = ContractEvent.objects.filter(root_id=contract.pk, kind=EventKind.SHIPMENT)
    assert events.count() == 2
    assert s1.number in events.order_by("pk").first().summary


def test_shipped_quantities_floor_an_amendment(company, given, contract_given):
    from xiaoguan.contracts.errors import AmendmentBelowShipped
    from xiaoguan.contracts.models import ContractLine
    from xiaoguan.contracts.services.amendments import amendment_check, contract_amend_start

    contract, first, _second = contract_given
    ship(company.logistics1, prepare(company.logistics1, first, given.wh, {given.ext: "60"}))
    prepared = prepare(company.logistics1, _second, given.wh, {given.ext: "40"})
    assert prepared.status == "prepared"  # prepared goods have not left: they do not count
    assert shipping.contract_shipped_quantities(contract=contract) == {
        (given.ext.pk, given.ext.unit_id): D(60)
    }
    v2 = contract_amend_start(actor=company.rep_e1, contract=contract, reason="减少数量")
    ContractLine.objects.filter(contract=v2, product=given.ext).update(quantity=D(59))
    with pytest.raises(AmendmentBelowShipped) as exc:
        amendment_check(contract=v2)
    assert "手提式干粉灭火器" in str(exc.value.message)
    ContractLine.objects.filter(contract=v2, product=given.ext).update(quantity=D(60))
    amendment_check(contract=v2)


def test_full_delivery_of_a_contract_tells_contract_delivered_then_acceptance(
    company, given, contract_given
):
    contract, first, second = contract_given
    s1 = prepare(company.logistics1, first, given.wh, {given.ext: "60"})
    s2 = prepare(company.logistics1, second, given.wh, {given.ext: "40", given.hyd: "10"})
    ship(company.logistics1, s1, on=timezone.localdate() - timedelta(days=2))
    ship(company.logistics1, s2, on=timezone.localdate() - timedelta(days=2))
    with pytest.raises(shipping.AcceptanceNotAllowed):
        shipping.contract_acceptance_record(
            actor=company.rep_e1, contract_id=contract.pk, on=timezone.localdate(), note=""
        )
    with (
        Recorder(registries.contract_delivered) as delivered,
        Recorder(registries.order_delivered) as direct,
    ):
        deliver(company.rep_e1, s1, on=timezone.localdate() - timedelta(days=1))
        assert delivered.calls == []
        deliver(company.rep_e1, s2, on=timezone.localdate() - timedelta(days=1))
    assert direct.calls == []  # contract orders are not "direct"
    assert len(delivered.calls) == 1
    assert delivered.calls[0]["contract"].pk == contract.pk
    assert delivered.calls[0]["on"] == timezone.localdate() - timedelta(days=1)
    # acceptance: not before the last delivery, then once
    with pytest.raises(shipping.ShippingInvalid):
        shipping.contract_acceptance_record(
            actor=company.rep_e1,
            contract_id=contract.pk,
            on=timezone.localdate() - timedelta(days=5),
            note="",
        )
    with Recorder(registries.contract_accepted) as accepted:
        shipping.contract_acceptance_record(
            actor=company.rep_e1, contract_id=contract.pk, on=timezone.localdate(), note="验收合格"
        )
        with pytest.raises(shipping.AcceptanceNotAllowed):
            shipping.contract_acceptance_record(
                actor=company.rep_e1, contract_id=contract.pk, on=timezone.localdate(), note=""
            )
    assert len(accepted.calls) == 1
    assert shipping.contract_accepted_on(contract.pk) == timezone.localdate()
    assert ContractEvent.objects.filter(
        root_id=contract.pk, kind=EventKind.SHIPMENT, summary__contains="验收合格"
    ).exists()


def test_contract_delivered_counts_the_current_version(company, given, contract_given):
    """An amendment that adds quantities: delivery of the first version's quantities does
    not complete it."""
    contract, first, second = contract_given
    Contract.objects.filter(pk=contract.pk).update(is_current=False)
    v2 = Contract.objects.get(pk=contract.pk)
    v2.pk = None
    v2._state.adding = True
    v2.root_id = contract.pk
    v2.version_no = 2
    v2.is_current = True
    v2.save()
    from xiaoguan.contracts.models import ContractLine

    for cl in ContractLine.objects.filter(contract=contract):
        cl.pk = None
        cl.contract = v2
        if cl.product_id == given.hyd.pk:
            cl.quantity = D(12)
        cl.save()
    s1 = prepare(company.logistics1, first, given.wh, {given.ext: "60"})
    s2 = prepare(company.logistics1, second, given.wh, {given.ext: "40", given.hyd: "10"})
    for s in (s1, s2):
        ship(company.logistics1, s)
    with Recorder(registries.contract_delivered) as delivered:
        deliver(company.rep_e1, s1)
        deliver(company.rep_e1, s2)
    assert delivered.calls == []


def test_released_shipment_hold_tells_who_prepared_it(company, given, owes):
    from xiaoguan.core.models import Notification
    from xiaoguan.orders.services.credit import _release_handlers

    Customer.objects.filter(pk=given.customer.pk).update(credit_limit=Decimal("1000.00"))
    owes[given.customer.pk] = registries.Exposure(outstanding=Decimal("5000.00"))
    s = prepare(company.logistics1, given.order, given.wh, {given.ext: "40"})
    hold = ship(company.logistics1, s).hold
    _release_handlers["shipment"](hold=hold, actor=company.finance1)
    note = Notification.objects.get(recipient=company.logistics1, kind="orders.shipment_released")
    assert s.number in note.title


def test_cancelling_an_order_drops_its_shipping_plans(company, given):
    from xiaoguan.orders.models import ShippingPlan
    from xiaoguan.orders.services.orders import order_cancel

    plan = shipping.shipping_plan_create(
        actor=company.logistics1,
        order_id=given.order.pk,
        planned_date=timezone.localdate(),
        method=ShippingMethod.FREIGHT,
    )
    order_cancel(actor=company.rep_e1, order=given.order, reason="客户项目取消")
    assert ShippingPlan.objects.get(pk=plan.pk).is_active is False
