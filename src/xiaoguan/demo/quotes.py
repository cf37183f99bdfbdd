"""Demo quotes (R-QUO-2, R-QUO-3): about 40 quotes of the reps in every status — drafts,
waiting for approval, returned, rejected, approved (waiting for the customer), accepted (the
contracts demo drafts contracts from them), lost with reasons, cancelled. Some are made on the
inquiries being bid (with the departments' figures), some are priced below the rep's float
range and went through an approved price request first. Everything goes through the services
and the approval engine, as users do it. Deterministic (fixed seed)."""

from __future__ import annotations

import logging
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from xiaoguan.approvals.models import ApprovalTask
from xiaoguan.approvals.services import approval_decide
from xiaoguan.catalog.models import Product
from xiaoguan.core.errors import ApplicationError
from xiaoguan.customers.models import Customer
from xiaoguan.sales.enums import OPEN_STAGES, InquiryStatus, LostReason, QuoteStatus
from xiaoguan.sales.models import Inquiry, Opportunity, Quote
from xiaoguan.sales.services import quotes as services

log = logging.getLogger(__name__)

REPS = ["rep", "zhaolei", "sunli", "wuqiang", "zhengmin", "hejing", "linfeng", "machao"]
# (final status, how many, lines priced below the range with an approved price request)
PLAN: list[tuple[str, int, bool]] = [
    (QuoteStatus.DRAFT, 7, False),
    (QuoteStatus.IN_APPROVAL, 4, False),
    (QuoteStatus.IN_APPROVAL, 1, True),
    (QuoteStatus.RETURNED, 2, False),
    (QuoteStatus.REJECTED, 2, False),
    (QuoteStatus.APPROVED, 6, False),
    (QuoteStatus.APPROVED, 1, True),
    (QuoteStatus.ACCEPTED, 7, False),
    (QuoteStatus.ACCEPTED, 2, True),
    (QuoteStatus.LOST, 6, False),
    (QuoteStatus.CANCELLED, 2, False),
]
TITLES = [
    "{name}消防器材报价",
    "{name}年度灭火器采购报价",
    "{name}消火栓及水带更新报价",
    "{name}火灾报警设备报价",
    "{name}应急照明改造报价",
    "{name}微型消防站器材报价",
]
PAYMENT_TERMS = [
    "合同签订后预付30%，到货验收合格后付60%，质保金10%一年后付清",
    "货到验收合格后30天内付清全款",
    "预付50%，发货前付清余款",
]
LOST_NOTES = {
    LostReason.PRICE: "客户认为价格偏高，选择了低价方案",
    LostReason.COMPETITOR: "竞争对手以更低价格中标",
    LostReason.NO_BUDGET: "客户年度预算取消",
    LostReason.NO_DECISION: "项目暂缓，明年再议",
}


def _approve_all(quote: Quote, *, decision: str = "approve", comment: str = "") -> None:
    """Decide each pending step of the quote's approval as its approver."""
    for _ in range(4):
        task = (
            ApprovalTask.objects.filter(
                request__doc_type="quote", request__object_id=quote.pk, status="pending"
            )
            .select_related("approver")
            .order_by("step_position", "pk")
            .first()
        )
        if task is None:
            return
        approval_decide(task_id=task.pk, actor=task.approver, decision=decision, comment=comment)
        if decision != "approve":
            return


def _approve_price_request(quote: Quote, actor: Any) -> None:
    from xiaoguan.pricing.models import PriceRequest
    from xiaoguan.pricing.services.price_requests import price_request_create_for_subject

    request = price_request_create_for_subject(
        actor=actor,
        subject_kind="quote",
        subject_id=quote.pk,
        reason="竞争对手报价较低，客户为长期合作单位，申请特价以保住订单",
    )
    for _ in range(4):
        task = (
            ApprovalTask.objects.filter(
                request__doc_type="price_request", request__object_id=request.pk, status="pending"
            )
            .select_related("approver")
            .first()
        )
        if task is None:
            break
        approval_decide(task_id=task.pk, actor=task.approver, decision="approve")
    request = PriceRequest.objects.get(pk=request.pk)
    if request.status != "approved":
        raise ApplicationError("price request not approved")


def _lines(rnd: random.Random, products: list[Product], *, below: bool) -> list[Any]:
    chosen = rnd.sample(products, k=min(len(products), rnd.randint(1, 4)))
    lines = []
    for index, product in enumerate(chosen):
        quantity = Decimal(rnd.choice([2, 5, 10, 20, 30, 50, 80, 120, 200]))
        if below and index == 0:
            discount = Decimal(rnd.choice(["12", "15", "18"]))  # beyond a rep's 5 %
        else:
            discount = Decimal(rnd.choice(["0", "0", "2", "3", "5"]))
        lines.append(
            services.QuoteLineData(
                product_id=product.pk,
                unit_id=product.unit_id,
                quantity=quantity,
                discount=discount,
                spec=product.spec,
            )
        )
    return lines


def _make(
    rnd: random.Random,
    *,
    status: str,
    below: bool,
    rep: Any,
    customer: Customer,
    products: list[Product],
    inquiry: Inquiry | None,
    n: int,
) -> Quote:
    opportunity = (
        Opportunity.objects.filter(customer=customer, owner=rep, stage__in=OPEN_STAGES)
        .order_by("pk")
        .first()
    )
    short = customer.name.removesuffix("有限公司").removesuffix("股份")[:16]
    title = inquiry.title if inquiry is not None else TITLES[n % len(TITLES)].format(name=short)
    # Quotes that the contracts demo drafts contracts from keep a stable title prefix.
    if status == QuoteStatus.ACCEPTED:
        title = f"【已接受】{title}"
    quote = services.quote_create(
        actor=rep,
        data=services.QuoteData(
            customer_id=customer.pk,
            title=title[:200],
            inquiry_id=inquiry.pk if inquiry is not None else None,
            opportunity_id=(None if inquiry is not None or opportunity is None else opportunity.pk),
            delivery_lead_days=rnd.choice([7, 10, 15, 20, 30]),
            payment_terms=PAYMENT_TERMS[n % len(PAYMENT_TERMS)],
            notes="含运输及现场安装调试" if n % 3 == 0 else "",
        ),
        lines=_lines(rnd, products, below=below),
    )
    if status in (QuoteStatus.DRAFT,):
        return quote
    if status == QuoteStatus.CANCELLED:
        return services.quote_cancel(actor=rep, quote=quote, note="客户需求变更，本报价作废")
    if below:
        _approve_price_request(quote, rep)
    services.quote_submit(actor=rep, quote=quote)
    if status == QuoteStatus.IN_APPROVAL:
        return quote
    if status == QuoteStatus.RETURNED:
        _approve_all(quote, decision="return", comment="请补充安装调试费用并确认交货期")
        return quote
    if status == QuoteStatus.REJECTED:
        _approve_all(quote, decision="reject", comment="折扣过大，毛利不足，不同意报价")
        return quote
    _approve_all(quote)
    quote.refresh_from_db()
    if quote.status != QuoteStatus.APPROVED or status == QuoteStatus.APPROVED:
        return quote
    if status == QuoteStatus.ACCEPTED:
        return services.quote_accept(actor=rep, quote=quote, note="客户已盖章回传报价单")
    reason = list(LOST_NOTES)[n % len(LOST_NOTES)]
    return services.quote_lose(actor=rep, quote=quote, lost_reason=reason, note=LOST_NOTES[reason])


def load(users: dict[str, Any]) -> int:
    if Quote.objects.exists():
        return 0
    from xiaoguan.approvals.services.chains import default_chains_ensure

    default_chains_ensure()
    rnd = random.Random(5202)
    products = list(
        Product.objects.filter(is_active=True, base_prices__isnull=False)
        .distinct()
        .order_by("code")
    )
    if not products:
        return 0
    reps = [users[u] for u in REPS if u in users]
    customers_of = {
        rep.pk: list(Customer.objects.filter(owner=rep, is_active=True).order_by("pk")[:10])
        for rep in reps
    }
    reps = [rep for rep in reps if customers_of[rep.pk]]
    if not reps:
        return 0
    inquiries = list(
        Inquiry.objects.filter(status=InquiryStatus.BIDDING, owner__in=reps)
        .select_related("owner", "customer")
        .order_by("pk")
    )
    made = 0
    n = 0
    for status, count, below in PLAN:
        for _ in range(count):
            n += 1
            inquiry = None
            # Quotes on inquiries being bid: those waiting for or past approval.
            if inquiries and status in (
                QuoteStatus.IN_APPROVAL,
                QuoteStatus.APPROVED,
                QuoteStatus.LOST,
            ):
                inquiry = inquiries.pop(0)
            if inquiry is not None:
                rep, customer = inquiry.owner, inquiry.customer
            else:
                rep = reps[n % len(reps)]
                customer = customers_of[rep.pk][n % len(customers_of[rep.pk])]
            try:
                with transaction.atomic():
                    _make(
                        rnd,
                        status=status,
                        below=below,
                        rep=rep,
                        customer=customer,
                        products=products,
                        inquiry=inquiry,
                        n=n,
                    )
            except ApplicationError as exc:
                log.warning("demo quote (%s) left out: %s", status, exc)
                continue
            made += 1
    return made
