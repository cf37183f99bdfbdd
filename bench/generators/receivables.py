"""Receivables (issue 5): the collection plans of the bench contracts and direct orders
(about N x 30,000 instalments, 600,000 at scale 20), N x 25,000 receipts (500,000) allocated
oldest first, some of them bills of exchange, a few reversed; the contracts' delivery dates
(plan events) and collected figures.

Plans follow ``receivables/services/plans.py``: one instalment per payment term of every
signed, completed, terminated or superseded contract version (``contracts_paymentterm``),
due on the root's signing date, the contract's delivery date (before shipment), the date the
contract was fully delivered (its orders' shipments, also written as the ``delivery`` plan
event), the acceptance, or the end of the warranty (+ days after); empty while the event has
not happened. A superseded version's instalments are closed (its money moved to the
amendment's plan); a terminated contract's unpaid instalments are closed. A confirmed (or
later) direct order has one instalment, due ``payment_days`` after its delivery.

Collection: a contract's (or a customer's direct orders') instalments are walked oldest
first (due date, empty last); each is paid in full with a probability that grows with its
age (93 % past a year, about half of those due this month, 12 % of those not due yet), or
partly, after which the rest stay open, so what is collected is always the oldest part, as
the services' oldest-first allocation makes it. Completed contracts are paid in full. The
money comes in receipts of one instalment, part of one (paid in two) or two at a time, dated
around the due date (never after today, never before the signing), the method mostly a bank
transfer, 13 % bills (held until they mature, then matured, endorsed or discounted); 0.3 %
were first entered wrongly and reversed (their allocations kept, released). A contract
receipt names the contract (current version); direct-order receipts name none.

Invariants (receivables/models.py): an instalment's ``collected`` = its active allocations,
status paid with ``paid_on`` when nothing is left, a receipt's ``allocated`` = its active
allocations (a few fully paid contracts got a little more: the customer's credit), the
contract's ``collected_amount`` (current version) = the active allocations of all versions.
Every bench receipt's number starts with ``BENCH-HK-``."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from bench.gen import GenContext, step

INSTALMENTS_PER_SCALE = 30_000  # reached through the number of direct orders (orders step)
RECEIPTS_PER_SCALE = 25_000
RECEIPT_MARK = "BENCH-HK-"
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
BANKS = ("中国工商银行", "中国建设银行", "中国农业银行", "中国银行", "交通银行", "招商银行",
         "浦发银行", "兴业银行", "中信银行", "民生银行")  # fmt: skip
METHODS = (("transfer", 80), ("cheque", 5), ("cash", 2), ("bank_bill", 9), ("commercial_bill", 4))


def _method(r: int) -> str:
    for method, weight in METHODS:
        if r < weight:
            return method
        r -= weight
    return METHODS[0][0]


def _receipts_exist(ctx: GenContext) -> bool:
    from xiaoguan.receivables.models import Receipt

    return Receipt.objects.filter(number__startswith=RECEIPT_MARK).exists()


def _p_full(due: date | None, today: date) -> float:
    """Probability that an instalment due on ``due`` is paid in full by today."""
    if due is None:
        return 0.03
    age = (today - due).days
    if age > 365:
        return 0.93
    if age > 180:
        return 0.86
    if age > 90:
        return 0.78
    if age > 30:
        return 0.66
    if age > 0:
        return 0.5
    return 0.12


def _add_months(day: date, months: int) -> date:
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _cents(value: Decimal) -> Decimal:
    from xiaoguan.pricing.lines import to_cents

    return to_cents(value)


class _Money:
    """Instalments, receipts and allocations of one group (a contract, or a customer's
    direct orders), written as soon as the group is done."""

    def __init__(self, ctx: GenContext, today: date, *, target_receipts: int, total_inst: int):
        from bench.generators.copyrows import ModelWriter, user_id
        from xiaoguan.receivables.models import Allocation, Instalment, Receipt

        self.rng = ctx.rng
        self.today = today
        self.instalments = ModelWriter(Instalment)
        self.receipts = ModelWriter(Receipt)
        self.allocations = ModelWriter(Allocation)
        self.finance = user_id("bench-finance-01")
        self.receipt_no = 0
        self.target_receipts = target_receipts
        self.total_inst = max(total_inst, 1)
        self.seen_inst = 0
        self.bills = 0
        self.reversed = 0
        self.credit_receipts = 0

    def at(self, day: date) -> datetime:
        from django.utils import timezone

        return timezone.make_aware(
            datetime.combine(day, time(9, 0)) + timedelta(minutes=self.rng.randint(0, 480))
        )

    def group(self, insts: list[dict], *, customer: tuple, contract_id: int | None,
              start: date, forced: bool = False, credit_ok: bool = False) -> Decimal:  # fmt: skip
        """Collect on the open ``insts`` oldest first, write them with their receipts and
        allocations; returns what was collected."""
        rng, today = self.rng, self.today
        live = sorted(
            (i for i in insts if i["status"] == "open"),
            key=lambda i: (
                i["due_date"] is None,
                i["due_date"] or date.max,
                i["contract_id"] or 0,
                i["order_id"] or 0,
                i["position"],
                i["id"],
            ),
        )
        pay: list[tuple[dict, Decimal]] = []
        for inst in live:
            p = 1.0 if forced or inst.get("force") else _p_full(inst["due_date"], today)
            if rng.random() < p:
                pay.append((inst, inst["amount"]))
                continue
            if rng.random() < 0.35:
                part = _cents(inst["amount"] * Decimal(rng.randint(10, 90)) / 100)
                if part > 0:
                    pay.append((inst, part))
            break
        # Receipts: one instalment, part of one, or two at a time; the split share follows
        # how far the receipts are behind their target.
        self.seen_inst += len(insts)
        behind = self.receipt_no < self.target_receipts * self.seen_inst / self.total_inst
        split = 0.45 if behind else 0.02
        pieces: list[list[tuple[dict, Decimal]]] = []
        j = 0
        while j < len(pay):
            inst, amount = pay[j]
            r = rng.random()
            if r < split and amount >= Decimal("2.00"):
                first = _cents(amount * Decimal(rng.randint(30, 70)) / 100)
                pieces.append([(inst, first)])
                pieces.append([(inst, amount - first)])
                j += 1
            elif r < split + 0.08 and j + 1 < len(pay):
                pieces.append([pay[j], pay[j + 1]])
                j += 2
            else:
                pieces.append([(inst, amount)])
                j += 1
        last_day = start
        collected_total = ZERO
        all_paid = bool(live) and len(pay) == len(live) and pay[-1][1] == pay[-1][0]["amount"]
        for n, piece in enumerate(pieces):
            due = piece[-1][0]["due_date"]
            base = due if due is not None else today - timedelta(days=rng.randint(0, 60))
            day = base + timedelta(days=int(rng.expovariate(1 / 20)) - 7)
            day = min(max(day, start, last_day), today)
            last_day = day
            amount = sum((a for _i, a in piece), ZERO)
            allocated = amount
            if credit_ok and all_paid and n == len(pieces) - 1 and rng.random() < 0.1:
                amount += Decimal(rng.choice((100, 200, 500, 1000, 3000)))
                self.credit_receipts += 1
            if rng.random() < 0.003:  # entered wrongly first, then reversed
                self._receipt(piece, day=day, amount=amount, allocated=allocated,
                              customer=customer, contract_id=contract_id, reversed_=True)  # fmt: skip
            self._receipt(piece, day=day, amount=amount, allocated=allocated,
                          customer=customer, contract_id=contract_id)  # fmt: skip
            for inst, a in piece:
                inst["collected"] += a
                collected_total += a
                if inst["collected"] == inst["amount"]:
                    inst["status"] = "paid"
                    inst["paid_on"] = day
        for inst in insts:
            inst.pop("force", None)
            self.instalments.add(inst)
        return collected_total

    def _receipt(self, piece, *, day: date, amount: Decimal, allocated: Decimal, customer,
                 contract_id, reversed_: bool = False) -> None:  # fmt: skip
        rng = self.rng
        cust_pk, owner_id, department_id, payer = customer
        receipt_id = self.receipts.new_id()
        self.receipt_no += 1
        method = _method(rng.randrange(100))
        recorded = self.at(day)
        row = {
            "id": receipt_id,
            "owner_id": owner_id,
            "department_id": department_id,
            "number": f"{RECEIPT_MARK}{self.receipt_no:08d}",
            "customer_id": cust_pk,
            "contract_id": contract_id,
            "method": method,
            "amount": amount,
            "received_on": day,
            "payer": payer,
            "reference": f"{rng.randrange(10**15, 10**16)}" if method != "cash" else "",
            "note": "[bench]",
            "allocated": ZERO if reversed_ else allocated,
            "status": "reversed" if reversed_ else "posted",
            "recorded_by_id": self.finance,
            "created_at": recorded,
        }
        if reversed_:
            self.reversed += 1
            row.update(
                reversed_at=recorded + timedelta(hours=2),
                reversed_by_id=self.finance,
                reversal_reason="金额录入错误，已重新登记",
            )
        if method in ("bank_bill", "commercial_bill"):
            self.bills += 1
            maturity = day + timedelta(
                days=180 if method == "bank_bill" else rng.choice((90, 120, 180))
            )
            bank = rng.choice(BANKS) if method == "bank_bill" else payer[:100]
            status, settled, charge, endorsee = "held", None, None, ""
            x = rng.random()
            if x < 0.08:
                status, settled = (
                    "endorsed",
                    min(day + timedelta(days=rng.randint(5, 60)), self.today),
                )
                endorsee = "上海安泰消防设备有限公司"
            elif x < 0.14:
                status = "discounted"
                settled = min(day + timedelta(days=rng.randint(5, 60)), self.today)
                charge = _cents(amount * Decimal("0.015"))
            elif maturity <= self.today:
                status, settled = "matured", maturity
            row.update(
                bill_no=f"{rng.randrange(10**29, 10**30)}",
                bill_bank=bank,
                bill_maturity=maturity,
                bill_status=status,
                bill_endorsee=endorsee,
                bill_charge=charge,
                bill_settled_on=settled,
            )
        self.receipts.add(row)
        for inst, a in piece:
            alloc = {
                "id": self.allocations.new_id(),
                "receipt_id": receipt_id,
                "instalment_id": inst["id"],
                "amount": a,
                "is_active": not reversed_,
                "created_by_id": self.finance,
                "created_at": recorded,
            }
            if reversed_:
                alloc.update(released_at=recorded + timedelta(hours=2), released_reason="回款冲销")
            self.allocations.add(alloc)

    def close(self) -> dict[str, int]:
        return {
            "instalments": self.instalments.close(),
            "receipts": self.receipts.close(),
            "receipt allocations": self.allocations.close(),
            "bills": self.bills,
            "reversed receipts": self.reversed,
            "receipts with credit left": self.credit_receipts,
        }


def _as_date(value) -> date | None:
    """Dates from raw SQL: SQLite returns them as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _fully_delivered() -> dict[int, date]:
    """{contract version id: the date its orders had delivered all its quantities}."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "WITH shipped AS (SELECT o.contract_id AS cid, sum(sl.quantity) AS q, "
            "max(s.delivered_on) AS d, min(CASE WHEN s.status = 'delivered' THEN 1 ELSE 0 END) AS all_d "
            "FROM orders_shipmentline sl JOIN orders_shipment s ON s.id = sl.shipment_id "
            "JOIN orders_order o ON o.id = s.order_id WHERE o.contract_id IS NOT NULL "
            "AND s.status <> 'cancelled' GROUP BY o.contract_id), "
            "contracted AS (SELECT contract_id AS cid, sum(quantity) AS q "
            "FROM contracts_contractline GROUP BY contract_id) "
            "SELECT s.cid, s.d FROM shipped s JOIN contracted c ON c.cid = s.cid "
            "WHERE s.all_d = 1 AND s.q >= c.q"
        )
        return {pk: _as_date(on) for pk, on in cursor.fetchall()}


def _direct_orders() -> list[tuple]:
    """Confirmed (or later) direct bench orders with the date they were fully delivered."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT o.id, o.number, o.customer_id, o.owner_id, o.department_id, o.total, "
            "o.payment_days, o.order_date, o.status, "
            "(SELECT max(s.delivered_on) FROM orders_shipment s WHERE s.order_id = o.id) "
            "FROM orders_order o WHERE o.number LIKE 'BENCH-SO-%%' AND o.contract_id IS NULL "
            "AND o.status IN ('confirmed', 'partly_shipped', 'shipped', 'completed') "
            "AND o.total > 0 ORDER BY o.customer_id, o.id",
            [],
        )
        return [
            (
                *row[:5],
                _cents(Decimal(str(row[5]))),
                row[6],
                _as_date(row[7]),
                row[8],
                _as_date(row[9]),
            )
            for row in cursor.fetchall()
        ]


@step(
    "receivables",
    f"~{INSTALMENTS_PER_SCALE:,} instalments and {RECEIPTS_PER_SCALE:,} receipts per scale unit, "
    "allocated oldest first; plan events; contracts' collected",
    done=_receipts_exist,
)
def generate_receivables(ctx: GenContext) -> dict[str, int]:
    from django.db import connection
    from django.utils import timezone

    from bench.generators.copyrows import ModelWriter
    from xiaoguan.contracts.models import Contract, PaymentTerm
    from xiaoguan.customers.models import Customer
    from xiaoguan.receivables.models import PlanEvent

    today = timezone.localdate()
    statuses = ["signed", "completed", "terminated", "superseded"]
    contracts = list(
        Contract.objects.filter(number__startswith="BENCH-", status__in=statuses)
        .order_by("pk")
        .values_list(
            "pk",
            "root_id",
            "is_current",
            "status",
            "customer_id",
            "owner_id",
            "department_id",
            "signed_on",
            "delivery_date",
            "warranty_months",
            "terminated_on",
        )
    )
    if not contracts:
        raise RuntimeError("no signed bench contracts: run the contracts step first")
    terms: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        PaymentTerm.objects.filter(
            contract__number__startswith="BENCH-", contract__status__in=statuses
        )
        .order_by("contract_id", "position")
        .values_list(
            "contract_id", "position", "label", "trigger", "days_after", "amount", "is_retention"
        )
    ):
        terms[row[0]].append(row[1:])
    orders = _direct_orders()
    customers = {
        pk: (pk, owner, dept, name[:200])
        for pk, owner, dept, name in Customer.objects.filter(
            pk__in={c[4] for c in contracts} | {o[2] for o in orders}
        ).values_list("pk", "owner_id", "department_id", "name")
    }
    delivered = _fully_delivered()
    total_inst = sum(len(v) for v in terms.values()) + len(orders)
    money = _Money(
        ctx,
        today,
        target_receipts=RECEIPTS_PER_SCALE * ctx.scale,
        total_inst=total_inst,
    )
    families: dict[int, list[tuple]] = defaultdict(list)
    for row in contracts:
        families[row[1] or row[0]].append(row)
    events = ModelWriter(PlanEvent)
    collected_by_current: dict[int, Decimal] = {}
    for root_id in sorted(families):
        versions = sorted(families[root_id], key=lambda r: r[0])
        root = next((v for v in versions if v[0] == root_id), versions[0])
        current = next((v for v in versions if v[2]), versions[-1])
        root_signed = root[7] or current[7]
        delivered_on = delivered.get(current[0])
        if delivered_on:
            events.add({"id": events.new_id(), "root_id": root_id, "kind": "delivery",
                        "on": delivered_on, "created_at": money.at(delivered_on)})  # fmt: skip
        insts: list[dict] = []
        for pk, _root, _current, status, cust, owner, dept, signed_on, delivery, warranty, \
                terminated_on in versions:  # fmt: skip
            for position, label, trigger, days_after, amount, is_retention in terms.get(pk, ()):
                if trigger == "signing":
                    base = root_signed
                elif trigger == "before_shipment":
                    base = delivery or root_signed
                elif trigger == "delivery":
                    base = delivered_on
                elif trigger == "warranty_end":
                    base = _add_months(delivered_on, warranty or 0) if delivered_on else None
                else:  # acceptance: none recorded in the bench
                    base = None
                due = base + timedelta(days=days_after) if base else None
                inst = {
                    "id": money.instalments.new_id(),
                    "owner_id": owner,
                    "department_id": dept,
                    "customer_id": cust,
                    "contract_id": pk,
                    "order_id": None,
                    "position": position,
                    "label": label,
                    "trigger": trigger,
                    "days_after": days_after,
                    "is_retention": is_retention,
                    "amount": amount,
                    "due_date": due,
                    "collected": ZERO,
                    "written_off": ZERO,
                    "status": "open",
                    "paid_on": None,
                    "closed_at": None,
                    "closed_reason": "",
                    "created_at": money.at(signed_on or root_signed),
                }
                if status == "superseded":
                    inst.update(status="closed", closed_at=money.at(current[7] or today),
                                closed_reason="合同变更，按新版本重排回款计划")  # fmt: skip
                elif status == "terminated":
                    if trigger == "signing":
                        inst["force"] = True
                    else:
                        inst.update(status="closed", closed_at=money.at(terminated_on or today),
                                    closed_reason="合同解除")  # fmt: skip
                insts.append(inst)
        if not insts:
            continue
        collected = money.group(
            insts,
            customer=customers[current[4]],
            contract_id=current[0],
            start=root_signed or today,
            forced=current[3] == "completed",
            credit_ok=True,
        )
        collected_by_current[current[0]] = collected
    # Direct orders: one group per customer.
    by_customer: dict[int, list[tuple]] = defaultdict(list)
    for row in orders:
        by_customer[row[2]].append(row)
    for cust in sorted(by_customer):
        insts = []
        first_day = today
        for (
            pk,
            number,
            _c,
            owner,
            dept,
            total,
            payment_days,
            order_date,
            status,
            last,
        ) in by_customer[cust]:
            first_day = min(first_day, order_date)
            due = last + timedelta(days=payment_days) if status == "completed" and last else None
            insts.append({
                "id": money.instalments.new_id(), "owner_id": owner, "department_id": dept,
                "customer_id": cust, "contract_id": None, "order_id": pk, "position": 1,
                "label": f"订单 {number} 货款"[:60], "trigger": "delivery",
                "days_after": payment_days, "is_retention": False, "amount": total,
                "due_date": due, "collected": ZERO, "written_off": ZERO, "status": "open",
                "paid_on": None, "closed_at": None, "closed_reason": "",
                "created_at": money.at(order_date),
            })  # fmt: skip
        money.group(insts, customer=customers[cust], contract_id=None, start=first_day)
    counts = money.close()
    counts["plan events"] = events.close()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_collected (id bigint, v numeric(16, 2))")
        rows = list(collected_by_current.items())
        if connection.vendor == "postgresql":
            with cursor.cursor.copy("COPY bench_collected (id, v) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany("INSERT INTO bench_collected VALUES (%s, %s)", rows)
        cursor.execute(
            "UPDATE contracts_contract SET collected_amount = 0 "
            "WHERE number LIKE 'BENCH-%%' AND collected_amount <> 0",
            [],
        )
        cursor.execute(
            "UPDATE contracts_contract AS c SET collected_amount = b.v, settlement_amount = "
            "CASE WHEN c.status = 'terminated' THEN b.v ELSE c.settlement_amount END "
            "FROM bench_collected b WHERE c.id = b.id"
        )
        cursor.execute("DROP TABLE bench_collected")
    counts["contracts with collections"] = sum(1 for v in collected_by_current.values() if v)
    return counts
