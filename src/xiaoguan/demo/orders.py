"""Demo orders (R-ORD-1, R-ORD-2): about 40 orders over the demo's signed contracts and some
direct orders (phone, dealer, fax, e-mail) in every status up to confirmed — drafts, waiting
for review, returned with a note, confirmed with stock reserved (the shipping demo ships some
of them), cancelled with a reason — and credit control made real: finance sets credit limits
on a few customers (``customers.services.credit.credit_set``), one order blocked by its
customer's limit is released by finance through the approvals engine and confirmed, another
is refused and stays blocked.

Everything goes through the services, as users do it: ``order_create``, ``order_submit``,
``order_return``, ``order_confirm`` (credit gate, then ``stock_reserve``), ``order_cancel``,
``credit_hold_request_release`` and ``approval_decide``. Where the warehouse holds too little
for the demo, stock is received first (``stock_receive``, noted as a demo top-up).
Deterministic (fixed seed)."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

SEED = 20261127
CONTRACT_PLAN = [
    ("draft", 4),
    ("submitted", 4),
    ("returned", 2),
    ("confirmed", 16),
    ("cancelled", 2),
]
DIRECT_PLAN = [
    ("draft", 2),
    ("submitted", 2),
    ("returned", 1),
    ("confirmed", 5),
    ("cancelled", 1),
]
CHANNELS = ["phone", "dealer", "phone", "fax", "email", "dealer"]
RETURN_NOTES = [
    "收货人电话不全，请补充",
    "要求交货日期早于合同交货期，请与客户确认",
    "收货地址请写到楼栋",
]
CONFIRM_NOTES = ["电话与采购部确认", "客户邮件回复确认", "微信与项目经理确认", "传真回执已收到"]
CANCEL_REASONS = ["客户项目延期，取消本批", "客户重复下单"]
CONSIGNEES = [("张工", "13800138001"), ("李经理", "13900139002"), ("王主任", "13700137003")]


def _reviewer(users: dict[str, Any], author: Any) -> Any:
    """The author's manager when they may review, else the sales director."""
    manager = getattr(author, "manager", None)
    if manager is not None and manager.has_right("orders.review") and manager.pk != author.pk:
        return manager
    return users["director"] if users["director"].pk != author.pk else users["gm"]


def _warehouse(users: dict[str, Any]) -> Any:
    from xiaoguan.catalog.models import Warehouse
    from xiaoguan.catalog.services.stock import WarehouseData, warehouse_create

    found = Warehouse.objects.filter(is_active=True).order_by("code").first()
    if found is not None:
        return found
    return warehouse_create(
        actor=users["logistics"],
        data=WarehouseData(code="WH-SH", name="上海总仓", address="上海市嘉定区安亭镇墨玉路88号"),
    )


def _ensure_stock(users: dict[str, Any], warehouse: Any, order: Any) -> None:
    from xiaoguan.catalog.models import StockLevel
    from xiaoguan.catalog.services.stock import stock_receive

    for line in order.lines.all():
        level = StockLevel.objects.filter(warehouse=warehouse, product_id=line.product_id).first()
        available = level.available if level is not None else Decimal(0)
        if available < line.base_quantity:
            stock_receive(
                actor=users["logistics"],
                warehouse_id=warehouse.pk,
                product_id=line.product_id,
                quantity=(line.base_quantity - available + 20).quantize(Decimal("1")),
                reference="DEMO",
                note="演示补货",
            )


def _advance(state: str, order: Any, *, users: dict[str, Any], rnd: random.Random, wh: Any):
    from xiaoguan.orders.services import orders as services

    author = order.owner
    if state == "draft":
        return
    if state == "cancelled":
        services.order_cancel(actor=author, order=order, reason=rnd.choice(CANCEL_REASONS))
        return
    services.order_submit(actor=author, order=order)
    if state == "submitted":
        return
    reviewer = _reviewer(users, author)
    if state == "returned":
        services.order_return(actor=reviewer, order=order, note=rnd.choice(RETURN_NOTES))
        return
    _ensure_stock(users, wh, order)
    services.order_confirm(actor=reviewer, order=order, confirmation_note=rnd.choice(CONFIRM_NOTES))


def _header(rnd: random.Random, today: Any, wh: Any) -> dict[str, Any]:
    consignee, phone = rnd.choice(CONSIGNEES)
    ordered = today - timedelta(days=rnd.randint(0, 45))
    return {
        "order_date": ordered,
        "requested_date": ordered + timedelta(days=rnd.randint(7, 30)),
        "warehouse_id": wh.pk,
        "consignee": consignee,
        "consignee_phone": phone,
    }


def _credit_holds(users: dict[str, Any], rnd: random.Random, wh: Any, customers: list) -> int:
    """Two customers with tight limits: one order released by finance, one refused."""
    from xiaoguan.approvals.models import ApprovalRequest
    from xiaoguan.approvals.services import approval_decide
    from xiaoguan.customers.services.credit import credit_set
    from xiaoguan.orders.models import CreditHold
    from xiaoguan.orders.services import orders as services
    from xiaoguan.orders.services.credit import credit_hold_request_release

    made = 0
    for customer, decision in zip(customers, ("approve", "reject"), strict=False):
        credit_set(
            customer=customer,
            actor=users["finance"],
            rating="B",
            limit="5000",
            reason="新客户，试用额度",
        )
        order = _direct(users, rnd, wh, customer, channel="phone", quantity=30)
        services.order_submit(actor=order.owner, order=order)
        reviewer = _reviewer(users, order.owner)
        _ensure_stock(users, wh, order)
        services.order_confirm(actor=reviewer, order=order, confirmation_note="电话与采购确认")
        hold = CreditHold.objects.filter(order=order).first()
        if hold is None:
            continue
        credit_hold_request_release(
            actor=reviewer,
            hold=hold,
            reason="老客户介绍，承诺月底前付清" if decision == "approve" else "客户要求先发货",
        )
        request = ApprovalRequest.objects.filter(
            doc_type="credit_hold", object_id=hold.pk, status="pending"
        ).first()
        task = request.tasks.filter(status="pending").select_related("approver").first()
        if task is None:
            continue
        approval_decide(
            task_id=task.pk,
            actor=task.approver,
            decision=decision,
            comment="同意放行，月底前回款" if decision == "approve" else "逾期未清，暂不放行",
        )
        made += 1
    return made


def _direct(users, rnd, wh, customer, *, channel: str, quantity: int | None = None):
    from xiaoguan.catalog.models import Product
    from xiaoguan.orders.services.orders import OrderData, OrderLineData, order_create
    from xiaoguan.pricing.models import BasePrice

    priced = BasePrice.objects.values("product_id")
    products = list(Product.objects.filter(is_active=True, pk__in=priced).order_by("code")[:30])
    picks = rnd.sample(products, k=min(len(products), rnd.randint(1, 3)))
    header = _header(rnd, timezone.localdate(), wh)
    author = customer.owner
    return order_create(
        actor=author,
        data=OrderData(
            channel=channel,
            customer_id=customer.pk,
            ship_to=customer.street or "上海市浦东新区张江高科技园区",
            payment_days=rnd.choice([30, 45, 60]),
            payment_terms=f"货到{rnd.choice([30, 45, 60])}天内付款",
            customer_reference=f"PO{rnd.randint(10000, 99999)}",
            **header,
        ),
        lines=[
            OrderLineData(
                product_id=p.pk,
                unit_id=p.unit_id,
                quantity=str(quantity or rnd.choice([5, 10, 20, 50])),
            )
            for p in picks
        ],
    )


def load(*, users: dict[str, Any]) -> int:
    """Create the demo orders (once); returns how many orders exist."""
    from xiaoguan.approvals.services.chains import default_chains_ensure
    from xiaoguan.contracts.enums import IN_FORCE
    from xiaoguan.contracts.models import Contract
    from xiaoguan.core.errors import ApplicationError
    from xiaoguan.customers.models import Customer
    from xiaoguan.customers.services.credit import credit_set
    from xiaoguan.orders.enums import OrderChannel
    from xiaoguan.orders.models import Order
    from xiaoguan.orders.selectors.credit import customer_credit_figures
    from xiaoguan.orders.services.orders import OrderData, OrderLineData, order_create

    if Order.objects.exists():
        return Order.objects.count()
    contracts = list(
        Contract.objects.filter(is_current=True, status__in=IN_FORCE)
        .select_related("owner", "customer")
        .order_by("pk")
    )
    if not contracts:
        return 0
    default_chains_ensure()
    rnd = random.Random(SEED)
    wh = _warehouse(users)
    today = timezone.localdate()
    rnd.shuffle(contracts)
    # Customers with overdue debt beyond the policy are blocked at confirmation: most demo
    # orders go to customers in good standing, two to blocked ones (left on credit hold).
    blocked = {
        c.customer_id for c in contracts if customer_credit_figures(customer=c.customer).blocked
    }
    clean = [c for c in contracts if c.customer_id not in blocked]
    # A contract is ordered in parts: a second pass takes more of the same contracts.
    plan = [s for s, n in CONTRACT_PLAN for _i in range(n)][: len(clean) * 2]
    contracts = (clean * 2)[: len(plan)] + [c for c in contracts if c.customer_id in blocked][:2]
    # Finance gives the contract customers generous limits (within them: nothing blocks).
    for contract in contracts[:6]:
        if contract.customer.credit_limit is None:
            credit_set(
                customer=contract.customer,
                actor=users["finance"],
                rating="AA",
                limit=str((contract.total * 3).quantize(Decimal("1"))),
                reason="年度授信",
            )
    states = [*plan, "confirmed", "confirmed"]
    for state, contract in zip(states, contracts, strict=False):
        lines = list(contract.lines.order_by("position"))
        share = rnd.choice([Decimal("0.3"), Decimal("0.4"), Decimal("0.5")])
        try:
            order = order_create(
                actor=contract.owner,
                data=OrderData(
                    channel=OrderChannel.CONTRACT,
                    contract_id=contract.pk,
                    customer_reference=f"PO{rnd.randint(10000, 99999)}",
                    **_header(rnd, today, wh),
                ),
                lines=[
                    OrderLineData(
                        contract_line_id=cl.pk,
                        quantity=str(max((cl.quantity * share).quantize(Decimal("1")), 1)),
                    )
                    for cl in lines
                ],
            )
            _advance(state, order, users=users, rnd=rnd, wh=wh)
        except ApplicationError:
            continue  # e.g. the contract was ordered in full already: the next one
    used = set(
        Contract.objects.filter(is_current=True, status__in=IN_FORCE).values_list(
            "customer_id", flat=True
        )
    )
    direct_customers = list(
        Customer.objects.filter(
            is_active=True, owner__roles__code="sales_rep", credit_limit__isnull=True
        )
        .exclude(pk__in=used)
        .select_related("owner")
        .order_by("pk")
        .distinct()[:40]
    )
    direct_customers = [
        c for c in direct_customers if not customer_credit_figures(customer=c).blocked
    ]
    rnd.shuffle(direct_customers)
    # Two customers get tight limits: one order released by finance, one refused.
    _credit_holds(users, rnd, wh, direct_customers[:2])
    states = [s for s, n in DIRECT_PLAN for _i in range(n)]
    for i, (state, customer) in enumerate(zip(states, direct_customers[2:], strict=False)):
        try:
            order = _direct(users, rnd, wh, customer, channel=CHANNELS[i % len(CHANNELS)])
            _advance(state, order, users=users, rnd=rnd, wh=wh)
        except ApplicationError:
            continue
    return Order.objects.count()
