"""Writes to quotes (报价单, R-QUO-2, R-QUO-3): entry and draft edits with their lines priced
by the price system, submission to approval (bound by the price approval rule, R-PRC-3), the
approval engine's callbacks, and the customer's answer (accepted / lost), which feeds the
opportunity and the inquiry.

Decisions (see docs/user/*/quotes.md):
- ``list_price`` of every line is the effective price (``pricing``) on ``price_date`` for the
  customer's class; clients never send it. ``price_date`` is the day the lines were last
  priced (creation or the last draft edit); figures and totals come from ``pricing.lines``.
- The owner is the customer's owner when the actor's scope covers that employee, else the
  actor (like opportunities).
- The cost estimate is confidential (``pricing.confidential``): an actor without the right
  cannot set it and their edits keep the stored value.
- A lost quote closes the opportunity as lost (and the inquiry as lost) only when no other
  quote of it is still open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoguan.approvals.selectors import pending_request_for
from xiaoguan.approvals.services import approval_request_cancel, approval_request_create
from xiaoguan.catalog.models import Product
from xiaoguan.core import policy
from xiaoguan.core.documents import ensure_transition
from xiaoguan.core.errors import Conflict, DocumentImmutable, NotFound, StaleEdit
from xiaoguan.core.history import track
from xiaoguan.core.numbering import next_number
from xiaoguan.customers.models import Customer
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible
from xiaoguan.pricing.line_input import CleanLine, decimal_input, line_priced, lines_clean
from xiaoguan.pricing.lines import LineFigures, document_totals
from xiaoguan.pricing.selectors.price_requests import PricedLine
from xiaoguan.pricing.selectors.prices import PriceQuery, effective_prices
from xiaoguan.pricing.services.price_requests import price_approval_check
from xiaoguan.sales.enums import (
    OPEN_STAGES,
    InquiryStatus,
    LostReason,
    QuoteStatus,
    Stage,
)
from xiaoguan.sales.errors import QuoteEmpty, QuoteExpired, QuoteInvalid
from xiaoguan.sales.models import Inquiry, Opportunity, Quote, QuoteLine
from xiaoguan.sales.selectors.inquiries import inquiry_task_figures
from xiaoguan.sales.services.inquiries import inquiry_close
from xiaoguan.sales.services.opportunities import opportunity_move

NUMBER_PREFIX = "BJ"
VALIDITY_POLICY = "sales.quote_validity_days"
MAX_LINES = 200
MAX_MONEY = Decimal("99999999999999.99")
MAX_QUANTITY = Decimal("99999999999.999")
QTY_STEP = Decimal("0.001")
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
# The stored discount has five integer digits: a price a thousand times the effective price
# is a typing error, not an offer.
MIN_DISCOUNT = Decimal("-99999.99")
# Quotes that still count for the opportunity: not refused, withdrawn or lost.
OPEN_QUOTE_STATUSES = (
    QuoteStatus.DRAFT,
    QuoteStatus.RETURNED,
    QuoteStatus.IN_APPROVAL,
    QuoteStatus.APPROVED,
    QuoteStatus.ACCEPTED,
)
# The stages before "quote" / before "negotiation", in pipeline order.
_BEFORE_QUOTE = (Stage.NEEDS, Stage.SOLUTION)
_BEFORE_NEGOTIATION = (Stage.NEEDS, Stage.SOLUTION, Stage.QUOTE)


@dataclass
class QuoteLineData:
    """One line as a user enters it: the offered unit price, or a discount in percent below
    the effective price (the unit price wins when both are given)."""

    product_id: int
    unit_id: int
    quantity: Decimal | int | str
    unit_price: Decimal | int | str | None = None
    discount: Decimal | int | str | None = None
    spec: str = ""


@dataclass
class QuoteData:
    """What a user may write on a quote: an allow-list (no number, owner, status, prices of
    the price list, totals). ``customer_id`` and ``inquiry_id`` count only on creation."""

    customer_id: int
    title: str
    valid_until: date | None = None  # None: price date + the policy's validity days
    inquiry_id: int | None = None
    opportunity_id: int | None = None
    delivery_lead_days: int | None = None
    payment_terms: str = ""
    technical_notes: str = ""
    cost_estimate: Decimal | int | str | None = None
    notes: str = ""


@dataclass(frozen=True)
class PricedQuoteLine:
    """A validated line with its figures, ready to be stored."""

    position: int
    product: Product
    unit_id: int
    spec: str
    quantity: Decimal
    list_price: Decimal
    figures: LineFigures


def _today() -> date:
    return timezone.localdate()


def _text(value: str | None, *, limit: int, name: str, errors: dict[str, str]) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        errors[name] = _("At most %(n)s characters.") % {"n": limit}
    return value


def _clean(data: QuoteData, *, price_date: date) -> QuoteData:
    errors: dict[str, str] = {}
    data.title = " ".join((data.title or "").split())
    if not data.title:
        errors["title"] = _("A quote needs a subject.")
    elif len(data.title) > 200:
        errors["title"] = _("At most %(n)s characters.") % {"n": 200}
    if data.valid_until is None:
        data.valid_until = price_date + timedelta(days=int(policy.value(VALIDITY_POLICY)))
    elif not isinstance(data.valid_until, date):
        errors["valid_until"] = _("Enter a date.")
    elif data.valid_until < price_date:
        errors["valid_until"] = _("The quote must be valid at least until its price date.")
    if data.delivery_lead_days is not None:
        try:
            data.delivery_lead_days = int(data.delivery_lead_days)
        except (TypeError, ValueError):
            errors["delivery_lead_days"] = _("Enter a whole number of days.")
        else:
            if not 0 <= data.delivery_lead_days <= 3650:
                errors["delivery_lead_days"] = _("Enter a whole number of days.")
    data.payment_terms = _text(data.payment_terms, limit=2000, name="payment_terms", errors=errors)
    data.technical_notes = _text(
        data.technical_notes, limit=10000, name="technical_notes", errors=errors
    )
    data.notes = _text(data.notes, limit=5000, name="notes", errors=errors)
    if data.cost_estimate is not None and data.cost_estimate != "":
        try:
            cost = decimal_input(data.cost_estimate, places=CENT)
        except ValueError:
            errors["cost_estimate"] = _("Enter an amount.")
        else:
            if cost is not None and (cost < 0 or cost > MAX_MONEY):
                errors["cost_estimate"] = _("The amount cannot be negative.")
            data.cost_estimate = cost
    else:
        data.cost_estimate = None
    if errors:
        raise QuoteInvalid(fields=errors)
    return data


def _clean_lines(lines: Sequence[QuoteLineData]) -> list[CleanLine]:
    """Check each line on its own (product active, unit of the product, quantity and price
    positive, discount below 100 %); every problem is reported at once as ``lines.N.field``."""
    return lines_clean(
        lines,
        max_lines=MAX_LINES,
        too_many=_("At most %(n)s lines per quote.") % {"n": MAX_LINES},
        invalid=_("Some lines of the quote are not valid."),
        error=QuoteInvalid,
    )


def quote_price_lines(
    *, customer: Customer, price_date: date, lines: Sequence[QuoteLineData]
) -> list[PricedQuoteLine]:
    """Validate the lines and price them: the effective price for the customer's class on the
    price date (one batch from ``pricing``), then the line figures. Raises QuoteInvalid or
    pricing's PriceMissing (naming the product)."""
    cleaned = _clean_lines(lines)
    prices = effective_prices(
        queries=[
            PriceQuery(product_id=c.product.pk, unit_id=c.unit_id, quantity=c.quantity)
            for c in cleaned
        ],
        customer_class=customer.customer_class or "",
        on_date=price_date,
    )
    priced: list[PricedQuoteLine] = []
    errors: dict[str, str] = {}
    for c, effective in zip(cleaned, prices, strict=True):
        list_price = effective.price
        figures = line_priced(c, list_price=list_price, errors=errors)
        if figures.discount < MIN_DISCOUNT:
            errors[f"lines.{c.position}.unit_price"] = _(
                "Line %(n)s: the unit price is far above the effective price; check it."
            ) % {"n": c.position}
        priced.append(
            PricedQuoteLine(
                position=c.position,
                product=c.product,
                unit_id=c.unit_id,
                spec=c.spec,
                quantity=c.quantity,
                list_price=list_price,
                figures=figures,
            )
        )
    if errors:
        raise QuoteInvalid(_("Some lines of the quote are not valid."), fields=errors)
    return priced


def _owner_for(customer: Customer, actor: User) -> tuple[int, int]:
    if customer.owner_id and (
        customer.owner_id == actor.pk
        or visible(User.objects.filter(pk=customer.owner_id, is_active=True), actor).exists()
    ):
        return customer.owner_id, customer.department_id
    if actor.department_id is None:
        raise QuoteInvalid(_("Only an employee with a department can own quotes."))
    return actor.pk, actor.department_id


def _opportunity_for(
    actor: User, customer_id: int, opportunity_id: int | None
) -> Opportunity | None:
    if opportunity_id is None:
        return None
    opp = visible(Opportunity.objects.all(), actor).filter(pk=opportunity_id).first()
    if opp is None:
        raise NotFound(_("Opportunity not found."))
    if opp.customer_id != customer_id:
        raise QuoteInvalid(
            fields={"opportunity": _("The opportunity belongs to another customer.")}
        )
    if opp.stage not in OPEN_STAGES:
        raise QuoteInvalid(fields={"opportunity": _("The opportunity is closed.")})
    return opp


def _inquiry_figures(inquiry: Inquiry) -> dict[str, Any]:
    """Technical notes, cost estimate and lead time the technical and production departments
    filled in on the inquiry's tasks."""
    return dict(inquiry_task_figures(inquiry=inquiry) or {})


def _set_totals(quote: Quote, priced: Sequence[PricedQuoteLine]) -> None:
    totals = document_totals(p.figures for p in priced)
    quote.list_total = totals.list_total
    quote.discount_total = totals.discount_total
    quote.total = totals.total


def _replace_lines(quote: Quote, priced: Sequence[PricedQuoteLine]) -> None:
    quote.lines.all().delete()
    QuoteLine.objects.bulk_create(
        [
            QuoteLine(
                quote=quote,
                position=p.position,
                product=p.product,
                unit_id=p.unit_id,
                spec=p.spec,
                quantity=p.quantity,
                list_price=p.list_price,
                unit_price=p.figures.unit_price,
                discount=p.figures.discount,
                amount=p.figures.amount,
            )
            for p in priced
        ]
    )


@transaction.atomic
def quote_create(*, actor: User, data: QuoteData, lines: Sequence[QuoteLineData] = ()) -> Quote:
    """A new draft quote for a customer the actor may see, numbered ``BJ-YYYY-NNNNNN``, priced
    as of today. From an inquiry being bid (same customer) it takes the technical notes, cost
    estimate and lead time the departments filled in; an opportunity must be the customer's
    and open."""
    price_date = _today()
    data = _clean(data, price_date=price_date)
    customer = (
        visible(Customer.objects.select_for_update(), actor)
        .filter(pk=data.customer_id, is_active=True)
        .first()
    )
    if customer is None:
        raise NotFound(_("Customer not found."))
    inquiry = None
    if data.inquiry_id is not None:
        inquiry = visible(Inquiry.objects.all(), actor).filter(pk=data.inquiry_id).first()
        if inquiry is None:
            raise NotFound(_("Inquiry not found."))
        if inquiry.customer_id != customer.pk:
            raise QuoteInvalid(fields={"inquiry": _("The inquiry is another customer's.")})
        if inquiry.status != InquiryStatus.BIDDING:
            raise QuoteInvalid(
                fields={"inquiry": _("Quote only on an inquiry the company decided to bid for.")}
            )
    opportunity_id = data.opportunity_id
    if opportunity_id is None and inquiry is not None:
        opportunity_id = inquiry.opportunity_id
    opportunity = _opportunity_for(actor, customer.pk, opportunity_id)
    priced = quote_price_lines(customer=customer, price_date=price_date, lines=lines)
    owner_id, department_id = _owner_for(customer, actor)
    may_see_cost = actor.has_right("pricing.confidential")
    quote = Quote(
        number=next_number(prefix=NUMBER_PREFIX),
        customer=customer,
        inquiry=inquiry,
        opportunity=opportunity,
        title=data.title,
        price_date=price_date,
        valid_until=data.valid_until or price_date,
        delivery_lead_days=data.delivery_lead_days,
        payment_terms=data.payment_terms,
        technical_notes=data.technical_notes,
        cost_estimate=data.cost_estimate if may_see_cost else None,
        notes=data.notes,
        owner_id=owner_id,
        department_id=department_id,
    )
    if inquiry is not None:
        figures = _inquiry_figures(inquiry)
        if figures.get("technical_notes") and not quote.technical_notes:
            quote.technical_notes = str(figures["technical_notes"])[:10000]
        if figures.get("cost_estimate") is not None and quote.cost_estimate is None:
            quote.cost_estimate = Decimal(str(figures["cost_estimate"])).quantize(CENT)
        if figures.get("lead_time_days") is not None and quote.delivery_lead_days is None:
            quote.delivery_lead_days = int(figures["lead_time_days"])
    _set_totals(quote, priced)
    track(quote, actor=actor)
    quote.save()
    _replace_lines(quote, priced)
    return quote


def _lock(quote: Quote | int, actor: User) -> Quote:
    pk = quote if isinstance(quote, int) else quote.pk
    locked = (
        visible(Quote.objects.select_for_update(), actor)
        .select_related("customer")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    return locked


@transaction.atomic
def quote_update(
    *,
    actor: User,
    quote: Quote | int,
    expected_version: int,
    data: QuoteData,
    lines: Sequence[QuoteLineData],
) -> Quote:
    """Edit a draft (or returned) quote and replace its lines in one go, re-priced as of today,
    only if nobody saved it since the editor loaded ``expected_version``. The customer and the
    inquiry stay."""
    locked = _lock(quote, actor)
    if locked.version != expected_version:
        raise StaleEdit()
    if not locked.is_editable:
        raise DocumentImmutable()
    price_date = _today()
    data.customer_id = locked.customer_id
    data = _clean(data, price_date=price_date)
    opportunity = _opportunity_for(actor, locked.customer_id, data.opportunity_id)
    priced = quote_price_lines(customer=locked.customer, price_date=price_date, lines=lines)
    locked.title = data.title
    locked.opportunity = opportunity
    locked.price_date = price_date
    locked.valid_until = data.valid_until or price_date
    locked.delivery_lead_days = data.delivery_lead_days
    locked.payment_terms = data.payment_terms
    locked.technical_notes = data.technical_notes
    if actor.has_right("pricing.confidential"):
        locked.cost_estimate = data.cost_estimate
    locked.notes = data.notes
    _set_totals(locked, priced)
    _replace_lines(locked, priced)
    locked.version = expected_version + 1
    track(locked, actor=actor)
    locked.save()
    return locked


def quote_priced_lines(*, quote: Quote) -> list[PricedLine]:
    """The quote's lines as pricing's ``PricedLine`` (for the price approval rule)."""
    return [
        PricedLine(
            product_id=line.product_id,
            unit_id=line.unit_id,
            quantity=line.quantity,
            list_price=line.list_price,
            unit_price=line.unit_price,
        )
        for line in quote.lines.order_by("position")
    ]


def _advance_opportunity(quote: Quote, *, actor: User, before: tuple[str, ...], to: str) -> None:
    if quote.opportunity_id is None:
        return
    opp = Opportunity.objects.filter(pk=quote.opportunity_id).only("stage").first()
    if opp is not None and opp.stage in before:
        opportunity_move(
            actor=actor, opportunity=opp.pk, stage=to, note=_("Quote %(n)s") % {"n": quote.number}
        )


@transaction.atomic
def quote_submit(*, actor: User, quote: Quote | int) -> Quote:
    """A quote goes to approval (manager; major quotes: management) only with at least one
    line, still valid, and with every line within the owner's float range or covered by an
    approved price request for exactly these lines (R-PRC-3). The opportunity moves to the
    quotation stage."""
    locked = _lock(quote, actor)
    ensure_transition(locked, to=QuoteStatus.IN_APPROVAL)
    if not locked.lines.exists():
        raise QuoteEmpty()
    if locked.valid_until < _today():
        raise QuoteExpired()
    price_approval_check(
        subject_kind="quote",
        subject_id=locked.pk,
        owner=locked.owner,
        lines=quote_priced_lines(quote=locked),
    )
    approval_request_create(subject=locked, doc_type="quote", requested_by=actor)
    locked.status = QuoteStatus.IN_APPROVAL
    locked.submitted_at = timezone.now()
    locked.decided_at = None
    track(locked, actor=actor, reason="submitted")
    locked.save(update_fields=["status", "submitted_at", "decided_at", "updated_at"])
    _advance_opportunity(locked, actor=actor, before=_BEFORE_QUOTE, to=Stage.QUOTE)
    return locked


@transaction.atomic
def quote_withdraw(*, actor: User, quote: Quote | int) -> Quote:
    """The requester takes back a quote still waiting for approval; it is a draft again."""
    locked = _lock(quote, actor)
    request = pending_request_for(locked) if locked.status == QuoteStatus.IN_APPROVAL else None
    if request is None:
        raise Conflict(_("This quote is not waiting for approval."))
    approval_request_cancel(request_id=request.pk, actor=actor)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def quote_accept(*, actor: User, quote: Quote | int, note: str = "") -> Quote:
    """The customer accepted the approved quote: the opportunity moves on to negotiation (if it
    was earlier); the inquiry stays being bid until the contract is signed."""
    locked = _lock(quote, actor)
    ensure_transition(locked, to=QuoteStatus.ACCEPTED)
    note = " ".join((note or "").split())
    if len(note) > 300:
        raise QuoteInvalid(fields={"note": _("At most %(n)s characters.") % {"n": 300}})
    locked.status = QuoteStatus.ACCEPTED
    locked.accepted_at = timezone.now()
    locked.outcome_note = note
    track(locked, actor=actor, reason="accepted")
    locked.save(update_fields=["status", "accepted_at", "outcome_note", "updated_at"])
    _advance_opportunity(locked, actor=actor, before=_BEFORE_NEGOTIATION, to=Stage.NEGOTIATION)
    return locked


def _other_open(quote: Quote, **subject: Any) -> bool:
    return (
        Quote.objects.filter(status__in=OPEN_QUOTE_STATUSES, **subject)
        .exclude(pk=quote.pk)
        .exists()
    )


@transaction.atomic
def quote_lose(*, actor: User, quote: Quote | int, lost_reason: str, note: str = "") -> Quote:
    """The customer turned the approved quote down, for a reason. When no other quote of its
    opportunity is open, the opportunity is closed as lost; likewise the inquiry."""
    locked = _lock(quote, actor)
    ensure_transition(locked, to=QuoteStatus.LOST)
    if lost_reason not in LostReason.values:
        raise QuoteInvalid(
            _("Give the reason the quote was lost."),
            fields={"lost_reason": _("Give the reason the quote was lost.")},
        )
    note = " ".join((note or "").split())
    if len(note) > 300:
        raise QuoteInvalid(fields={"note": _("At most %(n)s characters.") % {"n": 300}})
    locked.status = QuoteStatus.LOST
    locked.lost_reason = lost_reason
    locked.outcome_note = note
    track(locked, actor=actor, reason="lost")
    locked.save(update_fields=["status", "lost_reason", "outcome_note", "updated_at"])
    reason_note = note or _("Quote %(n)s lost") % {"n": locked.number}
    if locked.opportunity_id is not None and not _other_open(
        locked, opportunity_id=locked.opportunity_id
    ):
        opp = Opportunity.objects.filter(pk=locked.opportunity_id).only("stage").first()
        if opp is not None and opp.stage in OPEN_STAGES:
            opportunity_move(
                actor=actor,
                opportunity=opp.pk,
                stage=Stage.LOST,
                lost_reason=lost_reason,
                note=reason_note,
            )
    if locked.inquiry_id is not None and not _other_open(locked, inquiry_id=locked.inquiry_id):
        _close_inquiry_lost(locked, actor=actor, note=reason_note)
    return locked


def _close_inquiry_lost(quote: Quote, *, actor: User, note: str) -> None:
    inquiry = Inquiry.objects.filter(pk=quote.inquiry_id or 0).only("status").first()
    if inquiry is not None and inquiry.status == InquiryStatus.BIDDING:
        inquiry_close(actor=actor, inquiry=inquiry.pk, outcome=InquiryStatus.LOST, note=note)


@transaction.atomic
def quote_cancel(*, actor: User, quote: Quote | int, note: str = "") -> Quote:
    """A draft, returned or approved quote that will not be sent (or not followed up) is
    cancelled; it no longer counts as open."""
    locked = _lock(quote, actor)
    ensure_transition(locked, to=QuoteStatus.CANCELLED)
    note = " ".join((note or "").split())[:300]
    locked.status = QuoteStatus.CANCELLED
    locked.outcome_note = note
    track(locked, actor=actor, reason="cancelled")
    locked.save(update_fields=["status", "outcome_note", "updated_at"])
    return locked


# --- approval engine callbacks (inside the decision's transaction) ---------------------------


def _decided(to: str, *, decided: bool = True):
    def callback(*, subject: Quote, request: Any, actor: User) -> None:
        locked = Quote.objects.select_for_update().get(pk=subject.pk)
        ensure_transition(locked, to=to)
        locked.status = to
        locked.decided_at = timezone.now() if decided else None
        track(locked, actor=actor, reason=f"approval: {to}")
        locked.save(update_fields=["status", "decided_at", "updated_at"])

    return callback


quote_on_approved = _decided(QuoteStatus.APPROVED)
quote_on_rejected = _decided(QuoteStatus.REJECTED)
quote_on_returned = _decided(QuoteStatus.RETURNED)
quote_on_cancelled = _decided(QuoteStatus.DRAFT, decided=False)


def quote_largest_discount(quote: Quote) -> Decimal | None:
    """The largest line discount in percent (the approval chain's discount condition)."""
    return quote.lines.aggregate(m=Max("discount"))["m"]
