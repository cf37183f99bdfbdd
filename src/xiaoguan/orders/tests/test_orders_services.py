"""Orders (R-ORD-1): from a signed contract (never more than remains) or direct (priced like
quotes, never below the float range), submission, review, confirmation with stock reserved,
cancellation, shipping progress."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xiaoguan.catalog.errors import StockShortage
from xiaoguan.catalog.models import StockLevel
from xiaoguan.contracts.enums import ContractStatus
from xiaoguan.contracts.models import Contract, ContractLine
from xiaoguan.core.errors import InvalidTransition, PermissionDenied, StaleEdit
from xiaoguan.orders import registries
from xiaoguan.orders.enums import OrderChannel, OrderStatus
from xiaoguan.orders.errors import (
    OrderInvalid,
    OrderOverContract,
    OrderPriceBelowRange,
    OwnOrderReview,
)
from xiaoguan.orders.models import Order, OrderAllocation, OrderLine
from xiaoguan.orders.selectors.orders import contract_remaining
from xiaoguan.orders.services.orders import (
    order_cancel,
    order_confirm,
    order_return,
    order_shipping_progress,
    order_submit,
    order_update,
)
from xiaoguan.orders.tests.factories import (
    D,
    contract_order,
    customer,
    direct_data,
    direct_order,
    float_range,
    goods,
    line,
    signed,
)

pytestmark = pytest.mark.django_db


def reserved(g, product) -> Decimal:
    level = StockLevel.objects.filter(warehouse=g.warehouse, product=product).first()
    return level.reserved if level else Decimal(0)


class Recorder:
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


# --- from a contract -------------------------------------------------------------------------


def test_order_from_a_contract_takes_owner_prices_and_place_from_the_contract(company):
    g = goods(company.gm)
    contract = signed(company.rep_e1, [(g.extinguisher, "50", "110.00"), (g.hydrant, "4", "800")])
    order = contract_order(company.director, contract, {1: "20", 2: ""})
    assert order.number.startswith("SO-")
    assert order.channel == OrderChannel.CONTRACT
    assert (order.owner_id, order.department_id) == (company.rep_e1.pk, contract.department_id)
    assert order.customer_id == contract.customer_id
    assert order.ship_to == contract.delivery_place
    assert contract.number in order.payment_terms
    lines = list(order.lines.all())
    assert [(x.product_id, x.quantity, x.unit_price, x.amount) for x in lines] == [
        (g.extinguisher.pk, D("20.000"), D("110.00"), D("2200.00"))
    ]
    assert lines[0].contract_line.position == 1
    assert order.total == D("2200.00")


def test_never_more_than_remains_of_the_contract_over_several_orders(company):
    g = goods(company.gm)
    contract = signed(company.rep_e1, [(g.extinguisher, "50", "110.00")])
    contract_order(company.rep_e1, contract, {1: "30"})
    assert contract_remaining(contract=contract) == {
        (g.extinguisher.pk, g.extinguisher.unit_id): D(20)
    }
    before = Order.objects.count()
    with pytest.raises(OrderOverContract) as refused:
        contract_order(company.rep_e1, contract, {1: "21"})
    assert "21 ordered, 20 remain" in str(refused.value.message)
    assert Order.objects.count() == before
    contract_order(company.rep_e1, contract, {1: "20"})
    assert contract_remaining(contract=contract)[(g.extinguisher.pk, g.extinguisher.unit_id)] == 0


def test_a_cancelled_order_gives_its_quantities_back_to_the_contract(company):
    g = goods(company.gm)
    contract = signed(company.rep_e1, [(g.extinguisher, "10", "110.00")])
    order = contract_order(company.rep_e1, contract)
    order_cancel(actor=company.rep_e1, order=order, reason="客户改期")
    assert contract_remaining(contract=contract)[(g.extinguisher.pk, g.extinguisher.unit_id)] == 10


def test_orders_on_an_earlier_version_count_against_the_amended_contract(company):
    g = goods(company.gm)
    v1 = signed(company.rep_e1, [(g.extinguisher, "10", "110.00")])
    contract_order(company.rep_e1, v1, {1: "8"})
    # an amendment raises the quantity to 15 (rows as the amendment leaves them)
    v2 = Contract.objects.get(pk=v1.pk)
    v2.pk = None
    v2.version_no = 2
    v2.root_id = v1.pk
    v2.amends_id = v1.pk
    Contract.objects.filter(pk=v1.pk).update(is_current=False, status=ContractStatus.SUPERSEDED)
    v2.is_current = True
    v2._state.adding = True
    v2.save()
    line1 = v1.lines.get()
    ContractLine.objects.create(
        contract=v2,
        position=1,
        product=line1.product,
        unit=line1.unit,
        quantity=D(15),
        list_price=line1.list_price,
        unit_price=line1.unit_price,
        discount=line1.discount,
        amount=D("1650.00"),
    )
    assert contract_remaining(contract=v1) == {(g.extinguisher.pk, g.extinguisher.unit_id): D(7)}
    # an order "from v1" is taken from the current version's lines
    with pytest.raises(OrderInvalid):
        contract_order(company.rep_e1, v1, {1: "1"})  # v1's line is not the current version's
    order = contract_order(company.rep_e1, v2, {1: "7"})
    assert order.contract_id == v2.pk


def test_an_unsigned_contract_or_one_out_of_scope_cannot_be_ordered_from(company):
    g = goods(company.gm)
    contract = signed(company.rep_e1, [(g.extinguisher, "10", "110.00")])
    with pytest.raises(OrderInvalid) as refused:
        contract_order(company.rep_w1, contract)
    assert "signed contract" in str(refused.value.message)
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.TERMINATED)
    with pytest.raises(OrderInvalid):
        contract_order(company.rep_e1, contract)


# --- direct ------------------------------------------------------------------------------


def test_direct_order_is_priced_at_the_effective_price_and_owned_by_the_customers_rep(company):
    g = goods(company.gm)
    float_range()
    cust = customer(company.rep_e1)
    order = direct_order(
        company.director,
        cust,
        [line(g.extinguisher, "10"), line(g.hydrant, "2", "800.00")],
    )
    assert order.owner_id == company.rep_e1.pk
    assert order.contract_id is None
    rows = list(order.lines.values_list("list_price", "unit_price", "amount", "base_quantity"))
    assert rows == [
        (D("120.00"), D("120.00"), D("1200.00"), D("10.000")),
        (D("850.00"), D("800.00"), D("1600.00"), D("2.000")),
    ]
    assert order.total == D("2800.00")
    assert order.payment_days == 30


def test_a_line_in_another_unit_counts_base_units(company):
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    box = g.extinguisher.units.get().unit_id
    order = direct_order(company.rep_e1, cust, [line(g.extinguisher, "3", "480.00", unit_id=box)])
    assert order.lines.get().base_quantity == D(12)


def test_a_price_below_the_float_range_is_refused_for_a_direct_order(company):
    g = goods(company.gm)
    float_range(percent="10")
    cust = customer(company.rep_e1)
    with pytest.raises(OrderPriceBelowRange) as refused:
        direct_order(company.rep_e1, cust, [line(g.hydrant, "1", "760.00")])
    assert "below the owner's float range" in str(refused.value.message)
    assert "lines.1.unit_price" in refused.value.fields
    assert not Order.objects.exists()
    direct_order(company.rep_e1, cust, [line(g.hydrant, "1", "765.00")])  # exactly at the floor


def test_bad_direct_lines_are_all_reported(company):
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    with pytest.raises(OrderInvalid) as refused:
        direct_order(
            company.rep_e1, cust, [line(g.hydrant, "-1"), line(g.extinguisher, "1", "abc")]
        )
    assert set(refused.value.fields) == {"lines.1.quantity", "lines.2.unit_price"}


def test_a_customer_out_of_scope_is_refused(company):
    g = goods(company.gm)
    cust = customer(company.rep_w1)
    with pytest.raises(OrderInvalid) as refused:
        direct_order(company.rep_e1, cust, [line(g.hydrant, "1")])
    assert "customer" in refused.value.fields


def test_a_future_order_date_is_refused(company):
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    with pytest.raises(OrderInvalid) as refused:
        direct_order(
            company.rep_e1,
            cust,
            [line(g.hydrant, "1")],
            order_date=timezone.localdate() + timedelta(days=1),
        )
    assert "order_date" in refused.value.fields


def test_a_stale_edit_is_refused(company):
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    order = direct_order(company.rep_e1, cust, [line(g.hydrant, "1")])
    order_update(
        actor=company.rep_e1,
        order=order,
        expected_version=1,
        data=direct_data(cust),
        lines=[line(g.hydrant, "2")],
    )
    with pytest.raises(StaleEdit):
        order_update(
            actor=company.rep_e1,
            order=order,
            expected_version=1,
            data=direct_data(cust),
            lines=[line(g.hydrant, "5")],
        )
    order.refresh_from_db()
    assert (order.version, order.total) == (2, D("1700.00"))


# --- submission and review -------------------------------------------------------------------


def test_submission_lists_what_is_missing(company):
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    order = direct_order(company.rep_e1, cust, [line(g.hydrant, "1")], ship_to="", payment_terms="")
    with pytest.raises(OrderInvalid) as refused:
        order_submit(actor=company.rep_e1, order=order)
    assert refused.value.extra["missing"] == ["the delivery address", "the payment terms"]
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT


def test_the_author_cannot_review_their_own_order_unless_management(company):
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    order = direct_order(company.director, cust, [line(g.hydrant, "1")])
    order_submit(actor=company.director, order=order)
    with pytest.raises(OwnOrderReview):
        order_confirm(actor=company.director, order=order, confirmation_note="电话确认")
    with pytest.raises(PermissionDenied):
        order_confirm(actor=company.rep_e1, order=order, confirmation_note="电话确认")
    own = direct_order(company.gm, cust, [line(g.hydrant, "1")])
    order_submit(actor=company.gm, order=own)
    assert order_confirm(actor=company.gm, order=own, confirmation_note="电话确认").status == (
        OrderStatus.CONFIRMED
    )


def test_return_needs_a_note_and_the_author_resubmits(company):
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    order = direct_order(company.rep_e1, cust, [line(g.hydrant, "1")])
    order_submit(actor=company.rep_e1, order=order)
    with pytest.raises(OrderInvalid):
        order_return(actor=company.mgr_east, order=order, note=" ")
    order_return(actor=company.mgr_east, order=order, note="收货人电话不对")
    order.refresh_from_db()
    assert (order.status, order.review_note, order.reviewed_by) == (
        OrderStatus.RETURNED,
        "收货人电话不对",
        company.mgr_east,
    )
    order_update(
        actor=company.rep_e1,
        order=order,
        expected_version=order.version,
        data=direct_data(cust, consignee_phone="13900002222"),
        lines=[line(g.hydrant, "1")],
    )
    assert order_submit(actor=company.rep_e1, order=order).status == OrderStatus.SUBMITTED


def test_confirmation_needs_a_note_and_reserves_stock_line_by_line(company):
    g = goods(company.gm, stock=100)
    cust = customer(company.rep_e1)
    order = direct_order(company.rep_e1, cust, [line(g.extinguisher, "30"), line(g.hydrant, "5")])
    order_submit(actor=company.rep_e1, order=order)
    with pytest.raises(OrderInvalid) as refused:
        order_confirm(actor=company.mgr_east, order=order, confirmation_note="")
    assert "confirmation_note" in refused.value.fields
    with Recorder(registries.order_confirmed) as confirmed:
        order = order_confirm(
            actor=company.mgr_east, order=order, confirmation_note="电话与张工确认"
        )
    assert order.status == OrderStatus.CONFIRMED
    assert (order.confirmed_by, order.confirmation_note) == (company.mgr_east, "电话与张工确认")
    assert [c["order"].pk for c in confirmed.calls] == [order.pk]
    assert reserved(g, g.extinguisher) == 30 and reserved(g, g.hydrant) == 5
    assert list(
        OrderLine.objects.filter(order=order).values_list("reserved_quantity", flat=True)
    ) == [
        D(30),
        D(5),
    ]
    assert OrderAllocation.objects.filter(line__order=order).count() == 2


def test_a_contract_order_confirmed_does_not_fire_order_confirmed(company):
    g = goods(company.gm)
    contract = signed(company.rep_e1, [(g.hydrant, "4", "800")])
    order = contract_order(company.rep_e1, contract)
    order_submit(actor=company.rep_e1, order=order)
    with Recorder(registries.order_confirmed) as confirmed:
        order_confirm(actor=company.mgr_east, order=order, confirmation_note="邮件确认")
    assert confirmed.calls == []


def test_a_shortage_refuses_the_confirmation_and_nothing_is_reserved(company):
    g = goods(company.gm, stock=10)
    cust = customer(company.rep_e1)
    order = direct_order(company.rep_e1, cust, [line(g.extinguisher, "5"), line(g.hydrant, "11")])
    order_submit(actor=company.rep_e1, order=order)
    with pytest.raises(StockShortage) as refused:
        order_confirm(actor=company.mgr_east, order=order, confirmation_note="电话确认")
    assert "Not enough" in str(refused.value.message)
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED
    assert reserved(g, g.extinguisher) == 0
    assert not OrderAllocation.objects.filter(line__order=order).exists()


def test_amendment_cutting_quantities_is_caught_at_confirmation(company):
    g = goods(company.gm)
    contract = signed(company.rep_e1, [(g.hydrant, "4", "800")])
    order = contract_order(company.rep_e1, contract)
    order_submit(actor=company.rep_e1, order=order)
    ContractLine.objects.filter(contract=contract).update(quantity=D(3))
    with pytest.raises(OrderOverContract):
        order_confirm(actor=company.mgr_east, order=order, confirmation_note="电话确认")


# --- cancel -------------------------------------------------------------------------------------


def test_cancelling_a_confirmed_order_releases_its_reservations(company):
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    order = direct_order(company.rep_e1, cust, [line(g.hydrant, "5")])
    order_submit(actor=company.rep_e1, order=order)
    order_confirm(actor=company.mgr_east, order=order, confirmation_note="电话确认")
    with pytest.raises(OrderInvalid):
        order_cancel(actor=company.rep_e1, order=order, reason="")
    with Recorder(registries.order_cancelled) as cancelled:
        order = order_cancel(actor=company.rep_e1, order=order, reason="客户取消")
    assert order.status == OrderStatus.CANCELLED
    assert order.cancel_reason == "客户取消"
    assert len(cancelled.calls) == 1
    assert reserved(g, g.hydrant) == 0
    allocation = OrderAllocation.objects.get(line__order=order)
    assert allocation.released == D(5)
    assert order.lines.get().reserved_quantity == 0
    with pytest.raises(InvalidTransition):
        order_submit(actor=company.rep_e1, order=order)


# --- shipping progress ---------------------------------------------------------------------------


def test_shipping_progress_moves_the_status_and_the_shipped_amount(company):
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    order = direct_order(company.rep_e1, cust, [line(g.extinguisher, "10"), line(g.hydrant, "2")])
    order_submit(actor=company.rep_e1, order=order)
    order_confirm(actor=company.mgr_east, order=order, confirmation_note="电话确认")
    first, _second = order.lines.order_by("position")
    OrderLine.objects.filter(pk=first.pk).update(shipped_quantity=D(4))
    order = order_shipping_progress(order=order, actor=company.logistics1)
    assert (order.status, order.shipped_amount) == (OrderStatus.PARTLY_SHIPPED, D("480.00"))
    OrderLine.objects.filter(order=order).update(shipped_quantity=models_f("quantity"))
    order = order_shipping_progress(order=order, actor=company.logistics1)
    # no shipments rows: nothing undelivered, so the order is complete
    assert (order.status, order.shipped_amount) == (OrderStatus.COMPLETED, D("2900.00"))
    assert order.completed_at is not None


def models_f(name: str):
    from django.db.models import F

    return F(name)
