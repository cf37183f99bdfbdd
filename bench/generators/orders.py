"""Orders and shipping (issue 5): N x 100,000 order lines (2,000,000 at scale 20) over the
signed contracts (one to three call-off orders each, the contracted quantities split between
them) and over direct orders (phone, fax, e-mail, dealer), with their stock allocations,
shipments and shipment lines.

What a contract's orders look like follows its state: completed contracts are fully shipped
and delivered; signed contracts whose delivery date has passed are mostly fully shipped
(delivered, or shipped and waiting for the customer's confirmation when recent), some are
partly shipped, the others have a confirmed, submitted or draft first order or none yet;
terminated contracts shipped their first call-off only. Direct orders are spread over the
last two years, their state following their age (old: completed, a few cancelled or still
waiting for confirmation of delivery; recent: drafts, waiting for review, confirmed, partly
shipped, shipped). The direct orders are as many as make, with the contracts' payment
terms, N x 30,000 instalments in the receivables step (one instalment per confirmed direct
order), and their lines fill the order lines up to N x 100,000.

Invariants kept (orders/models.py): an allocation per line of every confirmed (or later)
order, ``issued`` = what its shipments took, ``released`` = what a cancellation gave back;
a line's ``reserved_quantity`` = what its allocations still hold and ``shipped_quantity`` =
its lines in shipped or delivered shipments; an order's ``shipped_amount`` = its shipped or
delivered shipments; stock ``reserved`` = the outstanding allocations of the warehouse and
product (on hand raised where needed); the contract's ``shipped_amount`` = its orders'
shipped value (``invoiced_amount`` follows it). Units: every line is in the product's base
unit (the contracts' lines are), so ``base_quantity`` = ``quantity``.

Rows get explicit ids and are written with COPY, no change history; every bench order's
number starts with ``BENCH-SO-`` and every shipment's with ``BENCH-FH-``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from bench.gen import GenContext, step

LINES_PER_SCALE = 100_000
INSTALMENTS_PER_SCALE = 30_000  # the receivables step's target; direct orders fill it
ORDER_MARK = "BENCH-SO-"
SHIPMENT_MARK = "BENCH-FH-"
CONTRACT_CHUNK = 5_000
SIGNED = ("signed", "completed", "terminated")
DIRECT_CHANNELS = ("phone", "phone", "fax", "email", "email", "dealer", "other")
PAYMENT_DAYS = (0, 30, 30, 30, 60, 60, 90, 120, 180)
METHODS = ("own_fleet", "own_fleet", "freight", "freight", "express", "rail", "pickup")
CARRIERS = ("德邦物流", "顺丰速运", "安能物流", "中通快运", "自有车辆", "中铁快运")
CONSIGNEES = ("王经理", "李工", "张主任", "刘科长", "陈经理", "赵工", "周主管", "仓库收货")
MAX_DIRECT_LINES = 20
ZERO = Decimal(0)


def _orders_exist(ctx: GenContext) -> bool:
    from xiaoguan.orders.models import Order

    return Order.objects.filter(number__startswith=ORDER_MARK).exists()


def _at(day: date, rng) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(
        datetime.combine(day, time(8, 30)) + timedelta(minutes=rng.randint(0, 600))
    )


class _OrderBuilder:
    """Writes one order with its lines, allocations, shipments and shipment lines."""

    def __init__(self, ctx: GenContext, warehouses: list[int]):
        from bench.generators.copyrows import ModelWriter, user_id
        from xiaoguan.orders.models import (
            Order,
            OrderAllocation,
            OrderLine,
            Shipment,
            ShipmentLine,
        )

        self.rng = ctx.rng
        self.warehouses = warehouses
        self.orders = ModelWriter(Order)
        self.lines = ModelWriter(OrderLine)
        self.allocations = ModelWriter(OrderAllocation)
        self.shipments = ModelWriter(Shipment)
        self.shipment_lines = ModelWriter(ShipmentLine)
        self.logistics = user_id("bench-logistics-01")
        self.reviewer = user_id("bench-asst-r01")
        self.order_no = 0
        self.shipment_no = 0
        self.reserved: dict[tuple[int, int], Decimal] = {}
        self.line_count = 0

    def add(self, *, customer, contract_id, channel, order_date: date, lines: list[tuple],
            state: str, ship_dates: list[date], delivered: bool, split: int,
            payment_days: int, requested: date, place: str) -> None:  # fmt: skip
        """``lines``: (contract_line_id, product_id, unit_id, quantity, list_price, unit_price,
        discount). ``state``: draft / submitted / returned / confirmed / partly / shipped /
        cancelled. ``ship_dates``: one date per shipment (1 or 2); ``split``: how many
        lines the first of two shipments carries; with ``partly`` only the first ships."""
        from xiaoguan.pricing.lines import line_figures

        rng = self.rng
        cust_pk, owner_id, department_id = customer
        order_id = self.orders.new_id()
        self.order_no += 1
        warehouse = self.warehouses[0] if rng.random() < 0.7 else self.warehouses[1]
        figures = []
        for cl_id, product_id, unit_id, quantity, list_price, unit_price, discount in lines:
            f = line_figures(
                quantity=quantity,
                list_price=list_price,
                unit_price=unit_price,
                discount=None if unit_price is not None else discount,
            )
            figures.append((cl_id, product_id, unit_id, quantity, list_price, f))
        total = sum((f.amount for *_x, f in figures), ZERO)
        allocated = state not in ("draft", "submitted", "returned")
        # Shipments: which lines each carries, shipped or not.
        shipments: list[tuple[int, list[int], bool]] = []  # (index, line indexes, shipped)
        if state in ("partly", "shipped"):
            n = len(figures)
            if len(ship_dates) == 2 and n >= 2:
                first = list(range(split))
                rest = list(range(split, n))
                shipments.append((0, first, True))
                shipments.append((1, rest, state == "shipped"))
            else:
                shipments.append((0, list(range(n)), state == "shipped"))
        shipped_qty = [ZERO] * len(figures)
        shipment_rows = []
        for index, line_idx, is_shipped in shipments:
            if not is_shipped:
                if rng.random() < 0.3:  # prepared, waiting for the truck
                    shipment_rows.append((index, line_idx, None, None))
                continue
            ship_on = ship_dates[index]
            delivered_on = None
            if delivered:
                delivered_on = ship_on + timedelta(days=rng.randint(1, 4))
                if delivered_on > today_date():
                    delivered_on = None
            shipment_rows.append((index, line_idx, ship_on, delivered_on))
            for i in line_idx:
                shipped_qty[i] = figures[i][3]
        all_shipped = all(q == figures[i][3] for i, q in enumerate(shipped_qty))
        all_delivered = all_shipped and all(r[3] is not None for r in shipment_rows if r[2])
        if state == "cancelled":
            status = "cancelled"
        elif state in ("draft", "submitted", "returned", "confirmed"):
            status = state
        elif all_shipped:
            status = "completed" if all_delivered else "shipped"
        elif any(shipped_qty):
            status = "partly_shipped"
        else:
            status = "confirmed"
        created = _at(order_date, rng)
        submitted = created + timedelta(hours=1) if status != "draft" else None
        decided = (
            created + timedelta(hours=rng.randint(2, 30))
            if status not in ("draft", "submitted")
            else None
        )
        confirmed = decided if allocated else None
        shipped_value = ZERO
        last_delivered = None
        line_ids = []
        for pos, (cl_id, product_id, unit_id, quantity, list_price, f) in enumerate(
            figures, start=1
        ):
            line_id = self.lines.new_id()
            line_ids.append(line_id)
            issued = shipped_qty[pos - 1]
            released = (quantity - issued) if status == "cancelled" else ZERO
            outstanding = (quantity - issued - released) if allocated else ZERO
            self.lines.add(
                {
                    "id": line_id,
                    "order_id": order_id,
                    "position": pos,
                    "contract_line_id": cl_id,
                    "product_id": product_id,
                    "unit_id": unit_id,
                    "quantity": quantity,
                    "base_quantity": quantity,
                    "list_price": list_price,
                    "unit_price": f.unit_price,
                    "discount": f.discount,
                    "amount": f.amount,
                    "reserved_quantity": outstanding,
                    "shipped_quantity": issued,
                }
            )
            if allocated:
                self.allocations.add(
                    {
                        "id": self.allocations.new_id(),
                        "line_id": line_id,
                        "warehouse_id": warehouse,
                        "quantity": quantity,
                        "issued": issued,
                        "released": released,
                        "created_by_id": self.reviewer,
                        "created_at": confirmed,
                    }
                )
                if outstanding:
                    key = (warehouse, product_id)
                    self.reserved[key] = self.reserved.get(key, ZERO) + outstanding
        self.line_count += len(figures)
        for _index, line_idx, ship_on, delivered_on in shipment_rows:
            shipment_id = self.shipments.new_id()
            self.shipment_no += 1
            amount = sum((figures[i][5].amount for i in line_idx), ZERO)
            if ship_on is None:
                status_s, made = "prepared", created + timedelta(days=1)
            else:
                status_s = "delivered" if delivered_on else "shipped"
                made = _at(ship_on, rng) - timedelta(hours=3)
                shipped_value += amount
                if delivered_on and (last_delivered is None or delivered_on > last_delivered):
                    last_delivered = delivered_on
            method = rng.choice(METHODS)
            self.shipments.add(
                {
                    "id": shipment_id,
                    "version": 1,
                    "created_at": made,
                    "updated_at": made,
                    "owner_id": owner_id,
                    "department_id": department_id,
                    "number": f"{SHIPMENT_MARK}{self.shipment_no:08d}",
                    "order_id": order_id,
                    "plan_id": None,
                    "warehouse_id": warehouse,
                    "status": status_s,
                    "method": method,
                    "carrier": "" if method == "pickup" else rng.choice(CARRIERS),
                    "waybill_no": f"YD{rng.randrange(10**11, 10**12)}" if ship_on else "",
                    "amount": amount,
                    "shipped_on": ship_on,
                    "shipped_by_id": self.logistics if ship_on else None,
                    "delivered_on": delivered_on,
                    "received_by": rng.choice(CONSIGNEES) if delivered_on else "",
                    "created_by_id": self.logistics,
                }
            )
            for i in line_idx:
                f = figures[i][5]
                self.shipment_lines.add(
                    {
                        "id": self.shipment_lines.new_id(),
                        "shipment_id": shipment_id,
                        "order_line_id": line_ids[i],
                        "quantity": figures[i][3],
                        "base_quantity": figures[i][3],
                        "amount": f.amount,
                    }
                )
        self.orders.add(
            {
                "id": order_id,
                "version": 1,
                "created_at": created,
                "updated_at": created,
                "owner_id": owner_id,
                "department_id": department_id,
                "number": f"{ORDER_MARK}{self.order_no:08d}",
                "customer_id": cust_pk,
                "contract_id": contract_id,
                "channel": channel,
                "status": status,
                "order_date": order_date,
                "requested_date": requested,
                "warehouse_id": warehouse,
                "ship_to": place,
                "consignee": rng.choice(CONSIGNEES),
                "consignee_phone": f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}",
                "payment_days": payment_days,
                "payment_terms": "按合同约定" if contract_id else f"货到 {payment_days} 天内付款",
                "customer_reference": "",
                "total": total,
                "shipped_amount": shipped_value,
                "notes": "[bench]",
                "submitted_at": submitted,
                "decided_at": decided,
                "reviewed_by_id": self.reviewer if decided else None,
                "reviewed_at": decided,
                "review_note": "",
                "confirmed_by_id": owner_id if confirmed else None,
                "confirmed_at": confirmed,
                "confirmation_note": "已电话确认" if confirmed else "",
                "cancelled_at": decided + timedelta(days=2) if status == "cancelled" else None,
                "cancel_reason": "客户取消采购" if status == "cancelled" else "",
                "completed_at": _at(last_delivered, rng) if status == "completed" else None,
            }
        )

    def close(self) -> dict[str, int]:
        return {
            "orders": self.orders.close(),
            "order lines": self.lines.close(),
            "stock allocations": self.allocations.close(),
            "shipments": self.shipments.close(),
            "shipment lines": self.shipment_lines.close(),
        }


_TODAY: list[date] = []


def today_date() -> date:
    return _TODAY[0]


def _split(rng, quantity: Decimal, k: int) -> list[Decimal]:
    """``quantity`` (whole units) in k positive parts, or whole into one of k batches."""
    q = int(quantity)
    if k == 1:
        return [quantity]
    if q != quantity or q < k:
        parts = [ZERO] * k
        parts[rng.randrange(k)] = quantity
        return parts
    cuts = sorted(rng.sample(range(1, q), k - 1))
    bounds = [0, *cuts, q]
    return [Decimal(bounds[i + 1] - bounds[i]) for i in range(k)]


def _contract_orders(ctx: GenContext, builder: _OrderBuilder, today: date) -> int:
    """Call-off orders of the signed, completed and terminated contracts (current versions);
    returns how many contracts got at least one order."""
    from xiaoguan.contracts.models import Contract, ContractLine

    rng = ctx.rng
    contracts = list(
        Contract.objects.filter(number__startswith="BENCH-", is_current=True, status__in=SIGNED)
        .order_by("pk")
        .values_list(
            "pk",
            "customer_id",
            "owner_id",
            "department_id",
            "status",
            "signed_on",
            "delivery_date",
            "delivery_place",
        )
    )
    with_orders = 0
    for start in range(0, len(contracts), CONTRACT_CHUNK):
        chunk = contracts[start : start + CONTRACT_CHUNK]
        lines: dict[int, list[tuple]] = {}
        for row in (
            ContractLine.objects.filter(contract_id__gte=chunk[0][0], contract_id__lte=chunk[-1][0])
            .order_by("contract_id", "position")
            .values_list(
                "contract_id",
                "pk",
                "product_id",
                "unit_id",
                "quantity",
                "list_price",
                "unit_price",
                "discount",
            )
        ):
            lines.setdefault(row[0], []).append(row[1:])
        for pk, cust, owner, dept, status, signed_on, delivery, place in chunk:
            k = rng.choice((1, 1, 1, 2, 2, 3))
            if status == "terminated":
                k = max(k, 2)
            # Which batches ship, which are only confirmed, which are not ordered yet.
            full = partly = 0
            pending: str | None = None
            if status == "completed":
                full = k
            elif status == "terminated":
                full = 1
            elif delivery < today and rng.random() < 0.85:
                full = k
            elif delivery < today + timedelta(days=30) and rng.random() < 0.5:
                full = rng.randint(0, k - 1)
                partly = 1
            else:
                r = rng.random()
                pending = (
                    "confirmed" if r < 0.55 else "submitted" if r < 0.7 else
                    "draft" if r < 0.8 else None
                )  # fmt: skip
            batches = full + partly + (1 if pending else 0)
            if not batches:
                continue
            parts = [_split(rng, row[3], k) for row in lines[pk]]
            span = max((delivery - signed_on).days, 7 * k)
            made = False
            for b in range(min(batches, k)):
                picked = [
                    (cl_id, product_id, unit_id, parts[i][b], list_price, unit_price, discount)
                    for i, (cl_id, product_id, unit_id, _q, list_price, unit_price, discount)
                    in enumerate(lines[pk])
                    if parts[i][b] > 0
                ]  # fmt: skip
                if not picked:
                    continue
                order_date = min(signed_on + timedelta(days=1 + span * b // k + rng.randint(0, 3)),
                                 today)  # fmt: skip
                ship1 = min(order_date + timedelta(days=rng.randint(2, 10)), today)
                ship2 = min(ship1 + timedelta(days=rng.randint(3, 15)), today)
                if b < full:
                    state = "shipped"
                elif b < full + partly:
                    state = "partly"
                else:
                    state = pending or "confirmed"
                two = len(picked) >= 2 and (state == "partly" or rng.random() < 0.2)
                if state == "partly" and not two:
                    state = "confirmed"
                recent = (today - ship1).days < 7
                builder.add(
                    customer=(cust, owner, dept),
                    contract_id=pk,
                    channel="contract",
                    order_date=order_date,
                    lines=picked,
                    state=state,
                    ship_dates=[ship1, ship2] if two else [ship1],
                    delivered=status == "completed" or not recent or rng.random() < 0.5,
                    split=rng.randint(1, len(picked) - 1) if two else 0,
                    payment_days=0,
                    requested=delivery,
                    place=place,
                )
                made = True
            with_orders += made
    return with_orders


def _direct_state(rng, age: int) -> str:
    r = rng.random()
    if age > 30:
        return "shipped_old" if r < 0.03 else "partly" if r < 0.06 else (
            "cancelled" if r < 0.10 else "done")  # fmt: skip
    if age > 7:
        return ("done" if r < 0.5 else "shipped" if r < 0.75 else "partly" if r < 0.85 else
                "confirmed" if r < 0.95 else "cancelled")  # fmt: skip
    return ("draft" if r < 0.10 else "submitted" if r < 0.25 else "returned" if r < 0.30 else
            "confirmed" if r < 0.70 else "partly" if r < 0.80 else "shipped" if r < 0.95 else
            "done")  # fmt: skip


WITH_PLAN = ("confirmed", "partly", "shipped", "shipped_old", "done")


def _direct_orders(ctx: GenContext, builder: _OrderBuilder, today: date, *, orders_with_plan: int,
                   lines_total: int) -> int:  # fmt: skip
    """Direct orders: as many confirmed (or later) ones as ``orders_with_plan``, plus the
    drafts, orders waiting for review and cancelled ones met on the way; their lines add up
    to ``lines_total``."""
    from bench.generators.activities import _customers
    from bench.generators.contracts import _price_list

    rng = ctx.rng
    customers = [(pk, owner, dept) for pk, owner, dept, _c in _customers()]
    prices = _price_list()
    headers = []
    planned = 0
    while planned < orders_with_plan:
        age = rng.randint(0, 730)
        state = _direct_state(rng, age)
        planned += state in WITH_PLAN
        headers.append((age, state))
    n = len(headers)
    lines_total = max(lines_total, n)
    avg = max(1, lines_total // max(n, 1))
    counts = [rng.randint(1, max(1, 2 * avg - 1)) for _ in range(n)]
    diff = lines_total - sum(counts)
    while diff:
        i = rng.randrange(n)
        if diff > 0 and counts[i] < MAX_DIRECT_LINES:
            counts[i] += 1
            diff -= 1
        elif diff < 0 and counts[i] > 1:
            counts[i] -= 1
            diff += 1
    for (age, state), k in zip(headers, counts, strict=True):
        order_date = today - timedelta(days=age)
        picks = rng.sample(prices, min(k, len(prices)))
        while len(picks) < k:
            picks.append(rng.choice(prices))
        lines = [
            (None, product_id, unit_id, Decimal(rng.choice((1, 2, 2, 5, 10, 10, 20, 50, 100))),
             price, None, Decimal(rng.choice((0, 0, 0, 3, 5, 8))))
            for product_id, unit_id, price in picks
        ]  # fmt: skip
        ship1 = min(order_date + timedelta(days=rng.randint(1, 5)), today)
        ship2 = min(ship1 + timedelta(days=rng.randint(2, 10)), today)
        build_state = {"done": "shipped", "shipped_old": "shipped"}.get(state, state)
        two = len(lines) >= 2 and (state == "partly" or rng.random() < 0.1)
        if build_state == "partly" and not two:
            build_state = "confirmed"
        builder.add(
            customer=rng.choice(customers),
            contract_id=None,
            channel=rng.choice(DIRECT_CHANNELS),
            order_date=order_date,
            lines=lines,
            state=build_state,
            ship_dates=[ship1, ship2] if two else [ship1],
            delivered=state == "done",
            split=rng.randint(1, len(lines) - 1) if two else 0,
            payment_days=rng.choice(PAYMENT_DAYS),
            requested=order_date + timedelta(days=rng.randint(3, 15)),
            place="客户仓库",
        )
    return n


def _contract_instalments() -> int:
    """Instalments the receivables step makes from the contracts' payment terms: one per term
    of every signed, completed, terminated or superseded bench contract version."""
    from xiaoguan.contracts.models import PaymentTerm

    return PaymentTerm.objects.filter(
        contract__number__startswith="BENCH-",
        contract__status__in=[*SIGNED, "superseded"],
    ).count()


@step(
    "orders",
    f"{LINES_PER_SCALE:,} order lines per scale unit (contract call-offs and direct orders), "
    "allocations, shipments",
    done=_orders_exist,
)
def generate_orders(ctx: GenContext) -> dict[str, int]:
    from django.db import connection
    from django.utils import timezone

    from bench.generators.stock import bench_warehouse_ids

    today = timezone.localdate()
    _TODAY[:] = [today]
    builder = _OrderBuilder(ctx, bench_warehouse_ids())
    with_orders = _contract_orders(ctx, builder, today)
    contract_lines = builder.line_count
    target_lines = LINES_PER_SCALE * ctx.scale
    direct_plan = max(0, INSTALMENTS_PER_SCALE * ctx.scale - _contract_instalments())
    direct = _direct_orders(
        ctx,
        builder,
        today,
        orders_with_plan=direct_plan,
        lines_total=max(target_lines - contract_lines, direct_plan),
    )
    counts = builder.close()
    _stock_reserved(ctx, builder.reserved)
    with connection.cursor() as cursor:
        # The contracts' shipped figure = their orders' shipped value (invoiced follows it:
        # completed contracts in full, one in five invoiced for half of what was shipped).
        cursor.execute(
            "UPDATE contracts_contract SET shipped_amount = 0, invoiced_amount = 0 "
            "WHERE number LIKE 'BENCH-%%' AND (shipped_amount <> 0 OR invoiced_amount <> 0)",
            [],
        )
        cursor.execute(
            "UPDATE contracts_contract AS c SET shipped_amount = x.v, invoiced_amount = CASE "
            "WHEN c.status = 'completed' THEN c.total WHEN c.id %% 5 = 0 THEN round(x.v / 2, 2) "
            "ELSE x.v END FROM (SELECT o.contract_id AS id, sum(s.amount) AS v "
            "FROM orders_shipment s JOIN orders_order o ON o.id = s.order_id "
            "WHERE o.contract_id IS NOT NULL AND s.status IN ('shipped', 'delivered') "
            "GROUP BY o.contract_id) x WHERE c.id = x.id",
            [],
        )
    return {
        "contracts with orders": with_orders,
        "contract order lines": contract_lines,
        "direct orders": direct,
        **counts,
    }


def _stock_reserved(ctx: GenContext, reserved: dict[tuple[int, int], Decimal]) -> None:
    """Stock reserved = the open allocations; on hand raised above it where it fell short,
    both written to the stock ledger."""
    from django.utils import timezone

    from bench.generators.copyrows import ModelWriter, user_id
    from xiaoguan.catalog.models import MovementKind, StockLevel, StockMovement

    rng = ctx.rng
    now = timezone.now()
    keeper = user_id("bench-logistics-01")
    movements = ModelWriter(StockMovement)
    for level in StockLevel.objects.filter(warehouse_id__in={w for w, _p in reserved} or [0]):
        want = reserved.get((level.warehouse_id, level.product_id), ZERO)
        on_hand = level.on_hand
        if on_hand < want:
            extra = want - on_hand + Decimal(rng.randint(10, 500))
            on_hand += extra
            movements.add({
                "id": movements.new_id(), "warehouse_id": level.warehouse_id,
                "product_id": level.product_id, "kind": MovementKind.RECEIPT,
                "on_hand_change": extra, "reserved_change": ZERO, "on_hand_after": on_hand,
                "reserved_after": level.reserved, "reference": "BENCH-IN",
                "note": "[bench] 采购入库", "actor_id": keeper, "at": now,
            })  # fmt: skip
        if want:
            movements.add({
                "id": movements.new_id(), "warehouse_id": level.warehouse_id,
                "product_id": level.product_id, "kind": MovementKind.RESERVE,
                "on_hand_change": ZERO, "reserved_change": want - level.reserved,
                "on_hand_after": on_hand, "reserved_after": want, "reference": ORDER_MARK,
                "note": "[bench] 在途订单占用", "actor_id": keeper, "at": now,
            })  # fmt: skip
        StockLevel.objects.filter(pk=level.pk).update(on_hand=on_hand, reserved=want)
    movements.close()
