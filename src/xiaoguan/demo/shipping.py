"""Demo shipping (R-ORD-4, R-ORD-5), over the orders the orders demo confirmed: shipping plans
(overdue, today, this week), shipments prepared, in transit and delivered, one shipped two
weeks ago and never confirmed (flagged late), a contract ordered, shipped and delivered in
full and accepted by the customer, a damaged-goods exception resolved with a replacement and a
delay exception still open.

Everything goes through the services, as users do it: ``shipping_plan_create``,
``shipment_prepare``, ``shipment_ship`` (credit gate, stock issue), ``shipment_confirm_delivery``,
``contract_acceptance_record``, ``order_exception_log`` / ``_inform`` / ``_resolve``; the rest
of the accepted contract is ordered through the orders services first. Deterministic."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

SEED = 20261128
CARRIERS = [
    ("express", "顺丰速运"),
    ("freight", "德邦物流"),
    ("freight", "安能物流"),
    ("own_fleet", ""),
    ("express", "京东物流"),
]
RECEIVERS = ["张工", "李经理", "王主任", "仓库刘师傅", "项目部赵工"]


def _quantities(order: Any, share: Decimal | None) -> list[Any]:
    from xiaoguan.orders.selectors.shipping import lines_to_ship
    from xiaoguan.orders.services.shipping import ShipmentLineData

    out = []
    for x in lines_to_ship(order=order):
        if x.remaining <= 0:
            continue
        q = x.remaining if share is None else max((x.remaining * share).quantize(Decimal("1")), 1)
        out.append(ShipmentLineData(order_line_id=x.line.pk, quantity=min(q, x.remaining)))
    return out


def _shipment(users: dict[str, Any], order: Any, rnd: random.Random, share=None, plan=None):
    from xiaoguan.orders.services.shipping import shipment_prepare

    method, carrier = rnd.choice(CARRIERS)
    lines = _quantities(order, share)
    if not lines:
        return None
    return shipment_prepare(
        actor=users["logistics"],
        order_id=order.pk,
        warehouse_id=order.warehouse_id,
        lines=lines,
        method=method,
        carrier=carrier,
        plan_id=plan.pk if plan else None,
    )


def _ship(users: dict[str, Any], shipment: Any, on: date, rnd: random.Random) -> bool:
    from xiaoguan.orders.services.shipping import shipment_ship

    on = max(on, shipment.order.order_date)
    result = shipment_ship(
        actor=users["logistics"],
        shipment_id=shipment.pk,
        shipped_on=min(on, timezone.localdate()),
        waybill_no=f"{rnd.choice(['SF', 'DB', 'AN', 'JD'])}{rnd.randint(10**9, 10**10 - 1)}",
        carrier=shipment.carrier or "华安自有车队",
    )
    return result.hold is None


def _deliver(users: dict[str, Any], shipment: Any, after_days: int, rnd: random.Random) -> None:
    from xiaoguan.orders.models import Shipment
    from xiaoguan.orders.services.shipping import shipment_confirm_delivery

    shipment = Shipment.objects.get(pk=shipment.pk)
    day = min(shipment.shipped_on + timedelta(days=after_days), timezone.localdate())
    shipment_confirm_delivery(
        actor=shipment.order.owner,
        shipment_id=shipment.pk,
        delivered_on=day,
        received_by=rnd.choice(RECEIVERS),
        note="签收单已回传",
    )


def _complete_contract(users: dict[str, Any], contract: Any, rnd: random.Random) -> list[Any]:
    """Order what remains of the contract (through the orders services) and return every
    confirmed order of it."""
    from xiaoguan.demo.orders import _advance, _header
    from xiaoguan.orders.models import Order
    from xiaoguan.orders.selectors.orders import contract_remaining
    from xiaoguan.orders.services.orders import OrderData, OrderLineData, order_create

    remaining = {k: q for k, q in contract_remaining(contract=contract).items() if q > 0}
    if remaining:
        unique = []
        for cl in contract.lines.order_by("position"):
            key = (cl.product_id, cl.unit_id)
            if key in remaining:
                unique.append(
                    OrderLineData(contract_line_id=cl.pk, quantity=str(remaining.pop(key)))
                )
        wh = Order.objects.filter(contract=contract).exclude(warehouse=None).first()
        header = _header(rnd, timezone.localdate() - timedelta(days=30), wh.warehouse)
        header["order_date"] = timezone.localdate() - timedelta(days=25)
        header["requested_date"] = timezone.localdate() - timedelta(days=15)
        order = order_create(
            actor=contract.owner,
            data=OrderData(
                channel="contract", contract_id=contract.pk, customer_reference="PO-尾批", **header
            ),
            lines=unique,
        )
        _advance("confirmed", order, users=users, rnd=rnd, wh=wh.warehouse)
    return list(Order.objects.filter(contract=contract, status="confirmed").order_by("pk"))


def load(*, users: dict[str, Any]) -> int:
    """Create the demo shipping rows (once); returns how many shipments exist."""
    from xiaoguan.core.errors import ApplicationError
    from xiaoguan.orders.models import Order, Shipment
    from xiaoguan.orders.services import exceptions
    from xiaoguan.orders.services.shipping import (
        contract_acceptance_record,
        contract_delivery_state,
        shipping_plan_create,
    )

    if Shipment.objects.exists():
        return Shipment.objects.count()
    confirmed = list(
        Order.objects.filter(status="confirmed")
        .exclude(warehouse=None)
        .select_related("contract")
        .order_by("pk")
    )
    if not confirmed:
        return 0
    rnd = random.Random(SEED)
    today = timezone.localdate()
    used: set[int] = set()

    # 1. A contract ordered, shipped and delivered in full, accepted by the customer.
    for order in confirmed:
        contract = order.contract
        if contract is None or not contract.is_current:
            continue
        others = Order.objects.filter(contract=contract).exclude(
            status__in=("confirmed", "cancelled")
        )
        if others.exists():
            continue
        try:
            orders = _complete_contract(users, contract, rnd)
            delivered_all = True
            for o in orders:
                s = _shipment(users, o, rnd)
                if s is None or not _ship(users, s, today - timedelta(days=12), rnd):
                    delivered_all = False
                    continue
                _deliver(users, s, 3, rnd)
                used.add(o.pk)
            if delivered_all and contract_delivery_state(contract.root_id or contract.pk)[1]:
                contract_acceptance_record(
                    actor=contract.owner,
                    contract_id=contract.pk,
                    on=today - timedelta(days=5),
                    note="设备安装调试完毕，客户验收合格",
                )
        except ApplicationError:
            continue
        break

    # The oldest orders first: they can have shipped a week or two ago.
    rest = list(
        Order.objects.filter(pk__in=[o.pk for o in confirmed], status="confirmed")
        .exclude(pk__in=used)
        .order_by("order_date", "pk")
    )
    # 2. Delivered in full (two orders); the first had damaged goods, replaced and resolved.
    for i, order in enumerate(rest[:2]):
        try:
            first = _shipment(users, order, rnd, share=Decimal("0.8"))
            if first is None or not _ship(users, first, today - timedelta(days=9), rnd):
                continue
            _deliver(users, first, 2, rnd)
            if i == 0:
                exc = exceptions.order_exception_log(
                    actor=users["logistics"],
                    order_id=order.pk,
                    shipment_id=first.pk,
                    kind="damaged",
                    description="到货时2具外壳凹陷，客户拒收该2具",
                )
                exceptions.order_exception_inform(
                    actor=order.owner, exception_id=exc.pk, how="电话告知客户采购负责人"
                )
            second = _shipment(users, order, rnd)
            if second is not None and _ship(users, second, today - timedelta(days=5), rnd):
                _deliver(users, second, 2, rnd)
            if i == 0:
                exceptions.order_exception_resolve(
                    actor=users["logistics"],
                    exception_id=exc.pk,
                    resolution="随第二批补发2具，客户已签收",
                )
        except ApplicationError:
            continue
    # 3. In transit (partly shipped, not yet delivered); the oldest shipped two weeks ago and
    #    never confirmed: flagged late. The last one has a delay exception still open.
    in_transit = []
    for i, order in enumerate(rest[2:6]):
        try:
            s = _shipment(users, order, rnd, share=Decimal("0.5"))
            if s is None:
                continue
            when = today - timedelta(days=15 if i == 0 else rnd.randint(0, 3))
            if _ship(users, s, when, rnd):
                in_transit.append(s)
        except ApplicationError:
            continue
    if in_transit:
        last = in_transit[-1]
        exceptions.order_exception_log(
            actor=users["logistics"],
            order_id=last.order_id,
            shipment_id=last.pk,
            kind="delay",
            description="承运商中转站积压，预计晚到3天",
            informed_how="微信通知收货人",
        )
    # 4. Plans: one overdue, one today, some this week; one shipment prepared for its plan.
    for i, order in enumerate(rest[6:12]):
        try:
            method, carrier = rnd.choice(CARRIERS)
            day = today + timedelta(days=(-2, 0, 1, 2, 4, 6)[i])
            plan = shipping_plan_create(
                actor=users["logistics"],
                order_id=order.pk,
                planned_date=max(day, order.order_date),
                method=method,
                carrier=carrier,
                note=rnd.choice(["整车发运", "客户要求上午到货", "需带合格证和检测报告", ""]),
            )
            if i == 1:
                _shipment(users, order, rnd, plan=plan)
        except ApplicationError:
            continue
    return Shipment.objects.count()
