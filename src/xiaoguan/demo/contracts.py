"""Demo contracts (R-CON-1..6): about 150 contracts over the demo reps' customers in every
state — drafts, in approval at the first or a later step, returned for changes, rejected,
approved awaiting signing, signed (some expiring soon, some with the delivery overdue),
amended (version 2 in force, version 1 superseded), terminated with a reason and a
settlement, cancelled — and, when the quotes demo left accepted quotes, contracts drafted
from them (half of them completed and signed, one after its own price approval request).

Everything goes through the services, as users do it: ``contract_create`` (lines priced by
the price system) / ``contract_create_from_quote``, ``contract_submit``, the approval engine
(``approval_decide`` by whoever the chain names for each step), ``contract_sign`` with a tiny
generated PDF as the signed scan, ``contract_amend_start`` + ``contract_update`` for an
amendment, ``contract_terminate``, ``contract_cancel``. Afterwards the creation dates are
spread over the past year so the ledger reads like real work. Deterministic (fixed seed).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

TARGET = 150
SEED = 20261126

# (state, how many); "signed_*" differ in their dates so that the ledger's flags show.
PLAN: list[tuple[str, int]] = [
    ("draft", 14),
    ("in_approval_first", 9),
    ("in_approval_later", 8),
    ("returned", 6),
    ("rejected", 6),
    ("approved", 9),
    ("signed", 55),
    ("signed_expiring", 8),
    ("signed_overdue", 7),
    ("amended", 12),
    ("terminated", 8),
    ("cancelled", 8),
]
TITLES = [
    "消防器材采购合同",
    "灭火器年度更换采购合同",
    "火灾自动报警系统供货及安装合同",
    "室内消火栓系统改造合同",
    "自动喷水灭火系统供货合同",
    "应急照明及疏散指示系统合同",
    "厂区消防设施配套合同",
    "防火门供货及安装合同",
]
# Lines are drawn from these demo catalog codes (see xiaoguan.demo.catalog).
PRODUCT_CODES = [
    "MFZ-ABC4",
    "MFZ-ABC8",
    "MFTZ-ABC35",
    "MT-3",
    "MSZ-6",
    "SN65",
    "XHX-A",
    "HOSE-65-25",
    "QZ19",
    "JTY-GD-G3",
    "J-SAP-8401",
    "HX-100B",
    "JB-QB-GST200",
    "ZSTX15-68",
    "ZSFZ100",
    "ZFJC-E3W",
    "ZFZD-E1W-A",
    "GFM-1021-A1.5",
    "XMJ-4",
    "TZL30",
]
SIGNATORIES = ["王建国", "李志强", "张海燕", "刘振华", "陈丽", "杨军", "赵敏", "黄伟"]
RETURN_COMMENTS = ["付款比例请调整为 30-60-10", "交货地点请写明具体楼栋", "请补充安装验收条款"]
REJECT_COMMENTS = ["客户信用评级偏低，暂不签约", "价格低于公司底线，不予批准", "项目资金未落实"]
TERMINATIONS = [
    ("mutual", "客户项目调整，双方协商一致解除合同", "按已交付部分结算"),
    ("customer_breach", "客户逾期付款超过 90 天，经催告仍未支付", "已收款项抵扣已发货货款"),
    ("force_majeure", "项目所在地块被政府征收，工程停建", "不计违约责任，按实际发生费用结算"),
]
CANCEL_REASONS = ["客户改为公开招标", "客户暂缓采购", "重复录入，作废"]
# A one-page PDF (what a scanner would produce, minus the image): the signed scan.
SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class _Ctx:
    rnd: random.Random
    users: dict[str, Any]
    products: list[Any]
    template_id: int | None
    today: Any
    made: list[Any]
    overdue: list[tuple[int, Any]]


def _scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("签字扫描件.pdf", SCAN, content_type="application/pdf")


def _lines(ctx: _Ctx) -> list[Any]:
    from xiaoguan.contracts.services.contracts import ContractLineData

    picks = ctx.rnd.sample(ctx.products, ctx.rnd.randint(2, 4))
    return [
        ContractLineData(
            product_id=p.pk,
            unit_id=p.unit_id,
            quantity=str(ctx.rnd.choice((2, 5, 10, 20, 30, 50, 100, 200))),
            # Most at the effective price, some with a small discount within every float range.
            discount=ctx.rnd.choice((None, None, None, "2", "3")),
        )
        for p in picks
    ]


def _terms() -> list[Any]:
    from xiaoguan.contracts.enums import PaymentTrigger
    from xiaoguan.contracts.services.schedule import PaymentTermData

    return [
        PaymentTermData("预付款", PaymentTrigger.SIGNING, 7, percent=Decimal("30")),
        PaymentTermData("发货款", PaymentTrigger.BEFORE_SHIPMENT, 0, percent=Decimal("60")),
        PaymentTermData(
            "质保金", PaymentTrigger.WARRANTY_END, 30, percent=Decimal("10"), is_retention=True
        ),
    ]


def _data(ctx: _Ctx, customer: Any, *, delivery: Any, end_on: Any) -> Any:
    from xiaoguan.contracts.services.contracts import ContractData

    return ContractData(
        customer_id=customer.pk,
        title=ctx.rnd.choice(TITLES),
        template_id=ctx.template_id,
        delivery_date=delivery,
        delivery_place=f"{customer.name}指定地点",
        delivery_terms="乙方负责送货至甲方指定地点，运费由乙方承担。",
        installation_required=ctx.rnd.random() < 0.4,
        warranty_months=ctx.rnd.choice((12, 12, 24)),
        inspection_cycle_months=ctx.rnd.choice((0, 6, 12)),
        after_sales_terms="质保期内免费维修更换；接到报修后 24 小时内响应。",
        end_on=end_on,
    )


def _same_data(contract: Any) -> Any:
    """The header of a version as it is (an amendment here changes only quantities)."""
    from xiaoguan.contracts.services.contracts import ContractData

    return ContractData(
        customer_id=contract.customer_id,
        title=contract.title,
        price_date=contract.price_date,
        template_id=contract.template_id,
        delivery_date=contract.delivery_date,
        delivery_place=contract.delivery_place,
        delivery_terms=contract.delivery_terms,
        installation_required=contract.installation_required,
        warranty_months=contract.warranty_months,
        inspection_cycle_months=contract.inspection_cycle_months,
        after_sales_terms=contract.after_sales_terms,
        end_on=contract.end_on,
    )


def _pending_task(contract: Any, doc_type: str = "contract") -> Any:
    from xiaoguan.approvals.models import ApprovalRequest

    request = (
        ApprovalRequest.objects.filter(object_id=contract.pk, doc_type=doc_type, status="pending")
        .order_by("-pk")
        .first()
    )
    if request is None:
        return None
    return request.tasks.filter(status="pending", step_position=request.current_step).first()


def _decide(
    contract: Any,
    decision: str = "approve",
    comment: str = "",
    steps: int = 99,
    doc_type: str = "contract",
) -> None:
    """Whoever the chain names decides, step by step (``steps`` at most)."""
    from xiaoguan.approvals.services import approval_decide

    for _ in range(steps):
        task = _pending_task(contract, doc_type)
        if task is None:
            return
        approval_decide(task_id=task.pk, actor=task.approver, decision=decision, comment=comment)
        if decision != "approve":
            return


def _sign(ctx: _Ctx, contract: Any, *, signed_on: Any) -> Any:
    from xiaoguan.contracts.services.contracts import contract_sign

    return contract_sign(
        actor=contract.owner,
        contract=contract,
        signed_on=signed_on,
        customer_signatory=ctx.rnd.choice(SIGNATORIES),
        company_signatory=contract.owner.full_name,
        scan=_scan(),
    )


def _one(ctx: _Ctx, state: str, customer: Any) -> Any:
    from xiaoguan.contracts.models import Contract
    from xiaoguan.contracts.services.amendments import contract_amend_start
    from xiaoguan.contracts.services.contracts import (
        contract_cancel,
        contract_create,
        contract_submit,
        contract_update,
    )
    from xiaoguan.contracts.services.termination import contract_terminate

    rnd, today = ctx.rnd, ctx.today
    owner = customer.owner
    # Signing creates the production and logistics tasks, due on the delivery date, which
    # cannot be in the past: a signed contract delivers from today on, and the overdue ones
    # get their (past) delivery date afterwards (``_shift_dates``).
    signed_on = today - timedelta(days=rnd.randint(10, 300))
    delivery = today + timedelta(days=rnd.randint(1, 90))
    end_on = max(signed_on + timedelta(days=365), delivery + timedelta(days=30))
    if state == "signed_expiring":
        end_on = today + timedelta(days=rnd.randint(2, 25))
        delivery = today + timedelta(days=1)
    elif state == "signed_overdue":
        signed_on = today - timedelta(days=rnd.randint(40, 120))
    elif state in ("draft", "in_approval_first", "in_approval_later", "returned", "rejected",
                   "approved", "cancelled"):  # fmt: skip
        delivery = today + timedelta(days=rnd.randint(20, 90))
        end_on = today + timedelta(days=rnd.randint(300, 730))
    contract = contract_create(
        actor=owner,
        data=_data(ctx, customer, delivery=delivery, end_on=end_on),
        lines=_lines(ctx),
        terms=_terms(),
    )
    if state == "draft":
        return contract
    if state == "cancelled":
        return contract_cancel(actor=owner, contract=contract, reason=rnd.choice(CANCEL_REASONS))
    contract_submit(actor=owner, contract=contract)
    if state == "in_approval_first":
        return contract
    if state == "in_approval_later":
        _decide(contract, steps=1)
        return contract
    if state == "returned":
        _decide(contract, steps=1)
        _decide(contract, "return", rnd.choice(RETURN_COMMENTS))
        return contract
    if state == "rejected":
        _decide(contract, "reject", rnd.choice(REJECT_COMMENTS))
        return contract
    _decide(contract)
    if state == "approved":
        return contract
    contract = _sign(ctx, contract, signed_on=signed_on)
    if state == "signed_overdue":
        ctx.overdue.append((contract.pk, today - timedelta(days=rnd.randint(3, 30))))
    if state == "terminated":
        kind, reason, note = rnd.choice(TERMINATIONS)
        return contract_terminate(
            actor=ctx.users["legal"],
            contract=contract,
            kind=kind,
            reason=reason,
            settlement_amount=(contract.total * Decimal("0.3")).quantize(Decimal("0.01")),
            settlement_note=note,
            terminated_on=today,
        )
    if state == "amended":
        v2 = contract_amend_start(actor=owner, contract=contract, reason="客户追加采购数量")
        v2 = Contract.objects.get(pk=v2.pk)
        from xiaoguan.contracts.services.contracts import ContractLineData

        more = [
            ContractLineData(
                product_id=line.product_id,
                unit_id=line.unit_id,
                quantity=str(int(line.quantity) + rnd.choice((5, 10, 20))),
                unit_price=str(line.unit_price),
            )
            for line in v2.lines.order_by("position")
        ]
        v2 = contract_update(
            actor=owner,
            contract=v2,
            expected_version=v2.version,
            data=_same_data(v2),
            lines=more,
            terms=_terms(),
        )
        contract_submit(actor=owner, contract=v2)
        _decide(v2)
        signed_v2 = min(signed_on + timedelta(days=rnd.randint(5, 30)), today)
        return _sign(ctx, Contract.objects.get(pk=v2.pk), signed_on=signed_v2)
    return contract


def contract_complete(ctx: _Ctx, contract: Any) -> Any:
    """Fill in the delivery and the payment schedule of a draft made from a quote."""
    from dataclasses import replace

    from xiaoguan.contracts.services.contracts import ContractLineData, contract_update

    data = replace(
        _same_data(contract),
        delivery_date=contract.delivery_date or ctx.today + timedelta(days=30),
        delivery_place=contract.delivery_place or f"{contract.customer.name}指定地点",
        warranty_months=contract.warranty_months or 12,
        inspection_cycle_months=contract.inspection_cycle_months
        if contract.inspection_cycle_months is not None
        else 0,
        end_on=contract.end_on or ctx.today + timedelta(days=365),
    )
    lines = [
        ContractLineData(
            product_id=line.product_id,
            unit_id=line.unit_id,
            quantity=str(line.quantity),
            unit_price=str(line.unit_price),
            spec=line.spec,
        )
        for line in contract.lines.order_by("position")
    ]
    return contract_update(
        actor=contract.owner,
        contract=contract,
        expected_version=contract.version,
        data=data,
        lines=lines,
        terms=_terms(),
    )


def _price_approval(contract: Any) -> None:
    """A price below the owner's float range needs its own approved price request (the
    quote's approval does not carry over to the contract): the rep files it, the chain
    approves it."""
    from xiaoguan.contracts.services.contracts import contract_priced_lines
    from xiaoguan.pricing.services.price_requests import (
        lines_below_range,
        price_request_create_for_subject,
    )

    if not lines_below_range(owner=contract.owner, lines=contract_priced_lines(contract=contract)):
        return
    request = price_request_create_for_subject(
        actor=contract.owner,
        subject_kind="contract",
        subject_id=contract.pk,
        reason="老客户批量采购，按报价价格签约",
    )
    _decide(request, doc_type="price_request")


def _from_quotes(ctx: _Ctx) -> None:
    """Contracts drafted from the accepted quotes of the quotes demo (when it left any): half
    signed, the rest drafts."""
    from xiaoguan.contracts.services.contracts import contract_create_from_quote, contract_submit
    from xiaoguan.sales.enums import QuoteStatus
    from xiaoguan.sales.models import Quote

    quotes = Quote.objects.filter(status=QuoteStatus.ACCEPTED).select_related("owner")
    for i, quote in enumerate(quotes.order_by("pk")[:10]):
        contract = _attempt(
            ctx,
            "from_quote",
            lambda q=quote: contract_create_from_quote(actor=q.owner, quote_id=q.pk),
        )
        if contract is None or i % 2:
            continue

        def sign(c: Any = contract) -> Any:
            # The rep completes what a quote does not say (place, schedule, dates), then the
            # contract goes the usual way.
            c = contract_complete(ctx, c)
            _price_approval(c)
            contract_submit(actor=c.owner, contract=c)
            _decide(c)
            return _sign(ctx, type(c).objects.get(pk=c.pk), signed_on=ctx.today)

        _attempt(ctx, "from_quote_signed", sign)


def _attempt(ctx: _Ctx, state: str, make: Any) -> Any:
    """One contract in a savepoint: a refusal of a service (a demo product without a price,
    say) leaves that contract out instead of the whole demo; refusals are logged."""
    import logging

    from django.db import transaction

    from xiaoguan.core.errors import ApplicationError

    try:
        with transaction.atomic():
            contract = make()
    except ApplicationError as exc:
        logging.getLogger(__name__).warning("demo contract (%s) left out: %s", state, exc)
        return None
    ctx.made.append(contract)
    return contract


def _spread_dates(ctx: _Ctx) -> None:
    """Creation dates before the signing date (or over the past months for unsigned ones), so
    the ledger's newest-first order reads like real work; the overdue contracts' delivery
    dates move into the past (after their signing date), as if time had passed."""
    from datetime import datetime, time

    from xiaoguan.contracts.models import Contract

    for pk, delivery in ctx.overdue:
        Contract.objects.filter(pk=pk, signed_on__lte=delivery).update(delivery_date=delivery)

    for contract in Contract.objects.order_by("pk"):
        anchor = contract.signed_on or (ctx.today - timedelta(days=ctx.rnd.randint(0, 40)))
        if contract.version_no > 1:
            anchor = anchor - timedelta(days=2)
        else:
            anchor = anchor - timedelta(days=ctx.rnd.randint(3, 20))
        at = timezone.make_aware(datetime.combine(anchor, time(9 + ctx.rnd.randint(0, 8))))
        Contract.objects.filter(pk=contract.pk).update(created_at=at)


def load(*, users: dict[str, Any]) -> int:
    """Create the demo contracts (once); returns how many contracts (versions) exist."""
    from xiaoguan.approvals.services.chains import default_chains_ensure
    from xiaoguan.catalog.models import Product
    from xiaoguan.contracts.models import Contract, ContractTemplate
    from xiaoguan.customers.models import Customer
    from xiaoguan.pricing.models import BasePrice

    if Contract.objects.exists():
        return Contract.objects.count()
    priced = BasePrice.objects.values("product_id")
    products = list(
        Product.objects.filter(code__in=PRODUCT_CODES, is_active=True, pk__in=priced).order_by(
            "code"
        )
    )
    if len(products) < 4:
        return 0  # the catalog and pricing demos are not there
    default_chains_ensure()
    template = ContractTemplate.objects.filter(is_active=True).order_by("code").first()
    ctx = _Ctx(
        rnd=random.Random(SEED),
        users=users,
        products=products,
        template_id=template.pk if template else None,
        today=timezone.localdate(),
        made=[],
        overdue=[],
    )
    customers = list(
        Customer.objects.filter(is_active=True, owner__roles__code="sales_rep")
        .select_related("owner")
        .order_by("pk")
        .distinct()
    )
    if not customers:
        return 0
    ctx.rnd.shuffle(customers)
    states = [state for state, n in PLAN for _ in range(n)]
    for i, state in enumerate(states[:TARGET]):
        customer = customers[i % len(customers)]
        _attempt(ctx, state, lambda st=state, cu=customer: _one(ctx, st, cu))
    _from_quotes(ctx)
    _spread_dates(ctx)
    return Contract.objects.count()
