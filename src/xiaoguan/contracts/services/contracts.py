"""Writes of contracts (R-CON-1..3): drafting from a template, from an accepted quote or from
scratch; the draft's lines (priced by ``pricing``), payment schedule and after-sales terms;
submission through the approval engine (sales department head → legal → management above
¥500,000), the engine's callbacks, and the signing with the signed scan, the ``contract_signed``
handlers and the tasks for production and logistics.

Every change is one transaction, locks the contract row, and leaves an entry on the contract's
execution timeline (``services.timeline``). Submitted, approved and signed versions are never
edited: a change after signing is an amendment (``services.amendments``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from xiaoguan.approvals.selectors import pending_request_for
from xiaoguan.approvals.services import approval_request_cancel, approval_request_create
from xiaoguan.catalog.models import Product
from xiaoguan.contracts import registries
from xiaoguan.contracts.enums import ContractSource, ContractStatus, EventKind
from xiaoguan.contracts.errors import (
    ContractExistsForQuote,
    ContractInvalid,
    ContractNotEditable,
    ContractNotFound,
    DeliveryBeforeSigning,
    QuoteNotAccepted,
    SignInvalid,
    TermsMissing,
)
from xiaoguan.contracts.models import Contract, ContractLine, ContractTemplate, PaymentTerm
from xiaoguan.contracts.services.amendments import amendment_check
from xiaoguan.contracts.services.schedule import (
    PaymentTermData,
    clean_terms,
    schedule_amounts,
)
from xiaoguan.contracts.services.text import clauses_render, contract_values
from xiaoguan.contracts.services.timeline import contract_event_add
from xiaoguan.core.documents import ensure_transition
from xiaoguan.core.errors import ApplicationError, Conflict, StaleEdit
from xiaoguan.core.history import track
from xiaoguan.core.numbering import next_number
from xiaoguan.customers.models import Customer
from xiaoguan.org.models import User
from xiaoguan.org.scope import can_see, visible
from xiaoguan.pricing.line_input import CleanLine, line_priced, lines_clean
from xiaoguan.pricing.lines import LineFigures, document_totals, line_figures
from xiaoguan.sales.enums import OPEN_STAGES, QuoteStatus
from xiaoguan.sales.models import Opportunity, Quote

if TYPE_CHECKING:
    from xiaoguan.pricing.selectors.price_requests import PriceCover, PriceSource

__all__ = [
    "ContractData",
    "ContractLineData",
    "PaymentTermData",
    "contract_cancel",
    "contract_create",
    "contract_create_from_quote",
    "contract_missing_terms",
    "contract_sign",
    "contract_submit",
    "contract_update",
    "contract_withdraw",
    "schedule_amounts",
]

DOC_TYPE = "contract"
NUMBER_PREFIX = "HT"
SUBJECT_TYPE = "contracts.contract"
PRODUCTION_TASK = "contracts.production"
LOGISTICS_TASK = "contracts.logistics"
MAX_LINES = 200
MAX_QUANTITY = Decimal("99999999999.999")
CENT = Decimal("0.01")
QTY_STEP = Decimal("0.001")
HUNDRED = Decimal(100)
MAX_MONTHS = 240
SCAN_EXTENSIONS = ("pdf", "jpg", "jpeg", "png")
# Statuses in which a contract drafted from a quote still counts (one per quote).
LIVE_STATUSES = tuple(
    s for s in ContractStatus.values if s not in (ContractStatus.CANCELLED, ContractStatus.REJECTED)
)


@dataclass(frozen=True)
class ContractLineData:
    """One line as a user writes it: product, unit, quantity and either the offered unit price
    or a discount in percent (the effective price ``list_price`` is never written by a user)."""

    product_id: int
    unit_id: int
    quantity: Any
    unit_price: Any = None
    discount: Any = None
    spec: str = ""


@dataclass(frozen=True)
class ContractData:
    """What a user may write on a draft: an allow-list (never owner, number, status, totals,
    approval or signing fields)."""

    customer_id: int
    title: str
    price_date: date | None = None
    template_id: int | None = None
    opportunity_id: int | None = None
    delivery_date: date | None = None
    delivery_place: str = ""
    delivery_terms: str = ""
    installation_required: bool = False
    warranty_months: int | None = None
    inspection_cycle_months: int | None = None  # 0: explicitly no periodic inspection
    after_sales_terms: str = ""
    end_on: date | None = None
    notes: str = ""


@dataclass(frozen=True)
class _PricedLine:
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
    text = (value or "").strip()
    if len(text) > limit:
        errors[name] = _("At most %(n)s characters.") % {"n": limit}
    return text


# --- header -----------------------------------------------------------------------------


def _clean_header(
    data: ContractData, *, actor: User, contract: Contract | None
) -> tuple[dict[str, Any], Customer, ContractTemplate | None]:
    errors: dict[str, str] = {}
    customer = (
        visible(Customer.objects.all(), actor).filter(pk=data.customer_id).first()
        if str(data.customer_id or "").isdigit()
        else None
    )
    if customer is None:
        errors["customer"] = _("Choose a customer in your scope.")
    elif not customer.is_active and (contract is None or contract.customer_id != customer.pk):
        errors["customer"] = _("This customer is no longer active.")
    if (
        contract is not None
        and contract.quote_id
        and customer is not None
        and customer.pk != contract.customer_id
    ):
        errors["customer"] = _("A contract drafted from a quote keeps the quote's customer.")
    title = " ".join((data.title or "").split())
    if not title:
        errors["title"] = _("This field is required.")
    elif len(title) > 200:
        errors["title"] = _("At most %(n)s characters.") % {"n": 200}
    price_date = data.price_date or (contract.price_date if contract else None) or _today()
    if contract is not None and contract.quote_id:
        price_date = contract.price_date  # the quote's prices stand
    opportunity = None
    if data.opportunity_id:
        opportunity = (
            visible(Opportunity.objects.all(), actor).filter(pk=data.opportunity_id).first()
        )
        if opportunity is None:
            errors["opportunity"] = _("Choose an opportunity in your scope.")
        elif customer is not None and opportunity.customer_id != customer.pk:
            errors["opportunity"] = _("The opportunity belongs to another customer.")
        elif opportunity.stage not in OPEN_STAGES and (
            contract is None or contract.opportunity_id != opportunity.pk
        ):
            errors["opportunity"] = _("The opportunity is closed.")
    template = None
    if data.template_id:
        template = ContractTemplate.objects.filter(pk=data.template_id).first()
        if template is None or (
            not template.is_active and (contract is None or contract.template_id != template.pk)
        ):
            errors["template"] = _("Choose an active contract template.")
    delivery_place = _text(
        " ".join((data.delivery_place or "").split()),
        limit=300,
        name="delivery_place",
        errors=errors,
    )
    delivery_terms = _text(data.delivery_terms, limit=5000, name="delivery_terms", errors=errors)
    after_sales_terms = _text(
        data.after_sales_terms, limit=5000, name="after_sales_terms", errors=errors
    )
    notes = _text(data.notes, limit=10000, name="notes", errors=errors)
    months: dict[str, int | None] = {}
    for name in ("warranty_months", "inspection_cycle_months"):
        raw = getattr(data, name)
        if raw is None or raw == "":
            months[name] = None
            continue
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = -1
        if value < 0 or value > MAX_MONTHS:
            errors[name] = _("0 to %(n)s months.") % {"n": MAX_MONTHS}
        months[name] = value
    if data.end_on and data.delivery_date and data.end_on < data.delivery_date:
        errors["end_on"] = _("The contract term cannot end before the delivery date.")
    if errors:
        raise ContractInvalid(next(iter(errors.values())), fields=errors)
    assert customer is not None
    values = {
        "customer": customer,
        "title": title,
        "price_date": price_date,
        "opportunity": opportunity,
        "template": template,
        "delivery_date": data.delivery_date,
        "delivery_place": delivery_place,
        "delivery_terms": delivery_terms,
        "installation_required": bool(data.installation_required),
        "warranty_months": months["warranty_months"],
        "inspection_cycle_months": months["inspection_cycle_months"],
        "after_sales_terms": after_sales_terms,
        "end_on": data.end_on,
        "notes": notes,
    }
    return values, customer, template


# --- lines ------------------------------------------------------------------------------


def _clean_lines(lines: Sequence[ContractLineData]) -> list[CleanLine]:
    """Each line on its own: active product, a unit it is sold in, quantity and price positive,
    discount below 100 %; every problem at once as ``lines.N.field``."""
    return lines_clean(
        lines,
        max_lines=MAX_LINES,
        too_many=_("At most %(n)s lines per contract.") % {"n": MAX_LINES},
        invalid=_("Some lines of the contract are not valid."),
        error=ContractInvalid,
    )


def _quote_prices(quote_id: int | None) -> dict[tuple[int, int, Decimal | None], Decimal]:
    """The effective prices a quote was made with, by (product, unit, quantity) and by
    (product, unit): lines of a contract drafted from a quote keep them (no re-pricing)."""
    if not quote_id:
        return {}
    from xiaoguan.sales.models import QuoteLine

    found: dict[tuple[int, int, Decimal | None], Decimal] = {}
    for product_id, unit_id, quantity, list_price in QuoteLine.objects.filter(
        quote_id=quote_id
    ).values_list("product_id", "unit_id", "quantity", "list_price"):
        found.setdefault((product_id, unit_id, quantity), list_price)
        found.setdefault((product_id, unit_id, None), list_price)
    return found


def contract_price_lines(
    *,
    customer: Customer,
    price_date: date,
    lines: Sequence[ContractLineData],
    quote_id: int | None = None,
) -> list[_PricedLine]:
    """Validate and price the lines: the effective price for the customer's class on the price
    date (one batch from ``pricing``; a contract from a quote keeps the quote's), then the line
    figures. Raises ContractInvalid or pricing's PriceMissing (naming the product)."""
    from xiaoguan.pricing.selectors.prices import PriceQuery, effective_prices

    cleaned = _clean_lines(lines)
    from_quote = _quote_prices(quote_id)
    list_prices: dict[int, Decimal] = {}
    to_price: list[CleanLine] = []
    for c in cleaned:
        known = from_quote.get((c.product.pk, c.unit_id, c.quantity)) or from_quote.get(
            (c.product.pk, c.unit_id, None)
        )
        if known is not None:
            list_prices[c.position] = known
        else:
            to_price.append(c)
    if to_price:
        prices = effective_prices(
            queries=[
                PriceQuery(product_id=c.product.pk, unit_id=c.unit_id, quantity=c.quantity)
                for c in to_price
            ],
            customer_class=customer.customer_class or "",
            on_date=price_date,
        )
        for c, effective in zip(to_price, prices, strict=True):
            list_prices[c.position] = effective.price
    priced: list[_PricedLine] = []
    errors: dict[str, str] = {}
    for c in cleaned:
        list_price = list_prices[c.position]
        figures = line_priced(c, list_price=list_price, errors=errors)
        priced.append(
            _PricedLine(
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
        raise ContractInvalid(_("Some lines of the contract are not valid."), fields=errors)
    return priced


def _store_lines(contract: Contract, priced: Sequence[_PricedLine]) -> None:
    contract.lines.all().delete()
    ContractLine.objects.bulk_create(
        [
            ContractLine(
                contract=contract,
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


def _store_terms(
    contract: Contract, terms: Sequence[PaymentTermData], amounts: Sequence[Decimal]
) -> None:
    contract.payment_terms.all().delete()
    PaymentTerm.objects.bulk_create(
        [
            PaymentTerm(
                contract=contract,
                position=position,
                label=term.label,
                trigger=term.trigger,
                days_after=term.days_after,
                percent=term.percent,
                amount=amount,
                is_retention=term.is_retention,
            )
            for position, (term, amount) in enumerate(zip(terms, amounts, strict=True), start=1)
        ]
    )


def after_sales_defaults(*, product_ids: Sequence[int]) -> dict[str, Any]:
    """After-sales terms proposed from the products: installation if any product needs it,
    the longest warranty, the shortest inspection cycle (0 = none when no product has one)."""
    rows = list(
        Product.objects.filter(pk__in=set(product_ids)).values_list(
            "needs_installation", "warranty_months", "inspection_cycle_months"
        )
    )
    if not rows:
        return {}
    cycles = [c for _i, _w, c in rows if c]
    return {
        "installation_required": any(i for i, _w, _c in rows),
        "warranty_months": max(w for _i, w, _c in rows),
        "inspection_cycle_months": min(cycles) if cycles else 0,
    }


def _render_clauses(contract: Contract, template: ContractTemplate | None, terms, amounts) -> None:
    """The template's clauses with this draft's values (re-rendered on every draft save)."""
    if template is None:
        contract.clauses = []
        return
    schedule = [
        {
            "label": t.label,
            "trigger": t.trigger,
            "days_after": t.days_after,
            "percent": t.percent,
            "amount": a,
        }
        for t, a in zip(terms, amounts, strict=True)
    ]
    values = contract_values(contract, terms=schedule)
    contract.clauses = clauses_render(
        list(template.clauses.order_by("position").values_list("title", "body")), values
    )


def _owner_for(customer: Customer, actor: User) -> tuple[int, int]:
    """The customer's rep owns the contract when the actor may see them; else the actor."""
    if customer.owner_id and (
        customer.owner_id == actor.pk
        or visible(User.objects.filter(pk=customer.owner_id, is_active=True), actor).exists()
    ):
        owner = User.objects.get(pk=customer.owner_id)
        if owner.department_id:
            return owner.pk, owner.department_id
    if actor.department_id is None:
        raise ContractInvalid(_("Only an employee with a department can own contracts."))
    return actor.pk, actor.department_id


def _write(
    contract: Contract,
    *,
    values: dict[str, Any],
    template: ContractTemplate | None,
    lines: Sequence[ContractLineData],
    terms: Sequence[PaymentTermData],
) -> tuple[list[_PricedLine], list[PaymentTermData], list[Decimal]]:
    """Price the lines, check the schedule against the total, fill the contract's fields;
    the caller saves it and then the lines and terms."""
    priced = contract_price_lines(
        customer=values["customer"],
        price_date=values["price_date"],
        lines=lines,
        quote_id=contract.quote_id,
    )
    totals = document_totals(p.figures for p in priced)
    cleaned_terms = clean_terms(terms)
    amounts = schedule_amounts(total=totals.total, terms=cleaned_terms)
    for key, value in values.items():
        setattr(contract, key, value)
    contract.list_total = totals.list_total
    contract.total = totals.total
    return priced, cleaned_terms, amounts


# --- create and update ----------------------------------------------------------------------


@transaction.atomic
def contract_create(
    *,
    actor: User,
    data: ContractData,
    lines: Sequence[ContractLineData] = (),
    terms: Sequence[PaymentTermData] = (),
) -> Contract:
    """A new draft ``HT-YYYY-NNNNNN`` for a customer the actor may see: from a template (its
    clauses rendered with the draft's values) or from scratch."""
    values, customer, template = _clean_header(data, actor=actor, contract=None)
    owner_id, department_id = _owner_for(customer, actor)
    contract = Contract(
        owner_id=owner_id,
        department_id=department_id,
        source=ContractSource.TEMPLATE if template else ContractSource.SCRATCH,
        status=ContractStatus.DRAFT,
    )
    priced, cleaned_terms, amounts = _write(
        contract, values=values, template=template, lines=lines, terms=terms
    )
    contract.number = next_number(prefix=NUMBER_PREFIX, year=_today().year)
    _render_clauses(contract, template, cleaned_terms, amounts)
    track(contract, actor=actor)
    contract.save()
    _store_lines(contract, priced)
    _store_terms(contract, cleaned_terms, amounts)
    contract_event_add(
        contract=contract,
        kind=EventKind.CREATED,
        actor=actor,
        summary=_("Contract %(number)s drafted") % {"number": contract.number},
    )
    return contract


def _lock(contract: Contract | int, actor: User) -> Contract:
    pk = contract if isinstance(contract, int) else contract.pk
    locked = Contract.objects.select_for_update().filter(pk=pk).first()
    if locked is None or not can_see(locked, actor):
        raise ContractNotFound()
    return locked


@transaction.atomic
def contract_update(
    *,
    actor: User,
    contract: Contract | int,
    expected_version: int,
    data: ContractData,
    lines: Sequence[ContractLineData],
    terms: Sequence[PaymentTermData],
) -> Contract:
    """Change a draft (or a contract returned for changes), based on the version the editor
    saw; lines are re-priced, the schedule re-checked and the clauses re-rendered."""
    locked = _lock(contract, actor)
    if locked.version != expected_version:
        raise StaleEdit()
    if not locked.is_editable:
        raise ContractNotEditable()
    values, _customer, template = _clean_header(data, actor=actor, contract=locked)
    priced, cleaned_terms, amounts = _write(
        locked, values=values, template=template, lines=lines, terms=terms
    )
    _render_clauses(locked, template, cleaned_terms, amounts)
    locked.version = expected_version + 1
    track(locked, actor=actor)
    locked.save()
    _store_lines(locked, priced)
    _store_terms(locked, cleaned_terms, amounts)
    contract_event_add(
        contract=locked,
        kind=EventKind.EDITED,
        actor=actor,
        summary=_("Draft edited (version %(v)s)") % {"v": locked.version},
    )
    return locked


@transaction.atomic
def contract_create_from_quote(*, actor: User, quote_id: int) -> Contract:
    """An accepted quote becomes a draft contract without retyping: customer, opportunity,
    lines with the quote's effective and offered prices, the quote's payment terms in the
    notes, after-sales terms proposed from the products. One contract per quote, unless the
    earlier one was cancelled or rejected."""
    quote = (
        visible(Quote.objects.select_for_update(of=("self",)), actor)
        .filter(pk=quote_id)
        .select_related("customer")
        .first()
    )
    if quote is None:
        from xiaoguan.core.errors import NotFound

        raise NotFound(_("Quote not found."))
    if quote.status != QuoteStatus.ACCEPTED:
        raise QuoteNotAccepted()
    existing = Contract.objects.filter(quote=quote, status__in=LIVE_STATUSES).first()
    if existing is not None:
        raise ContractExistsForQuote(
            _("Contract %(number)s has already been drafted from this quote.")
            % {"number": existing.number},
            extra={"contract_id": existing.pk},
        )
    quote_lines = list(quote.lines.select_related("product").order_by("position"))
    if not quote_lines:
        raise ContractInvalid(_("The quote has no lines."))
    notes = []
    if quote.payment_terms.strip():
        notes.append(_("Payment terms of quote %(number)s:") % {"number": quote.number})
        notes.append(quote.payment_terms.strip())
    if quote.notes.strip():
        notes.append(quote.notes.strip())
    defaults = after_sales_defaults(product_ids=[line.product_id for line in quote_lines])
    contract = Contract(
        owner_id=quote.owner_id,
        department_id=quote.department_id,
        source=ContractSource.QUOTE,
        status=ContractStatus.DRAFT,
        customer=quote.customer,
        opportunity_id=quote.opportunity_id,
        quote=quote,
        title=quote.title,
        price_date=quote.price_date,
        delivery_date=(
            _today() + timedelta(days=quote.delivery_lead_days)
            if quote.delivery_lead_days
            else None
        ),
        notes="\n".join(notes)[:10000],
        installation_required=bool(defaults.get("installation_required")),
        warranty_months=defaults.get("warranty_months"),
        inspection_cycle_months=defaults.get("inspection_cycle_months"),
    )
    figures = []
    rows = []
    for position, line in enumerate(quote_lines, start=1):
        fig = line_figures(
            quantity=line.quantity, list_price=line.list_price, unit_price=line.unit_price
        )
        figures.append(fig)
        rows.append(
            ContractLine(
                position=position,
                product_id=line.product_id,
                unit_id=line.unit_id,
                spec=line.spec,
                quantity=line.quantity,
                list_price=line.list_price,
                unit_price=fig.unit_price,
                discount=fig.discount,
                amount=fig.amount,
            )
        )
    totals = document_totals(figures)
    contract.list_total = totals.list_total
    contract.total = totals.total
    contract.number = next_number(prefix=NUMBER_PREFIX, year=_today().year)
    track(contract, actor=actor)
    contract.save()
    for row in rows:
        row.contract = contract
    ContractLine.objects.bulk_create(rows)
    contract_event_add(
        contract=contract,
        kind=EventKind.CREATED,
        actor=actor,
        summary=_("Contract %(number)s drafted from quote %(quote)s")
        % {"number": contract.number, "quote": quote.number},
        detail={"quote_id": quote.pk},
    )
    return contract


# --- mandatory terms and submission -----------------------------------------------------------


def contract_missing_terms(*, contract: Contract) -> list[str]:
    """The mandatory terms (R-CON-1) the contract still lacks, as translated phrases; empty
    when it may be submitted. After-sales: the installation flag always has a value (proposed
    from the products), the warranty months must be set (0 = no warranty) and the inspection
    cycle decided (0 = explicitly no periodic inspection)."""
    missing: list[str] = []
    if not contract.lines.exists():
        missing.append(_("the contract lines"))
    if contract.delivery_date is None:
        missing.append(_("the delivery date"))
    if not contract.delivery_place.strip():
        missing.append(_("the place of delivery"))
    terms = list(contract.payment_terms.order_by("position"))
    if not terms:
        missing.append(_("the payment schedule"))
    else:
        try:
            amounts = schedule_amounts(
                total=contract.total,
                terms=[
                    PaymentTermData(
                        label=t.label,
                        trigger=t.trigger,
                        days_after=t.days_after,
                        percent=t.percent,
                        amount=None if t.percent is not None else t.amount,
                        is_retention=t.is_retention,
                    )
                    for t in terms
                ],
            )
        except ApplicationError as exc:
            missing.append(_("a payment schedule that adds up (%(why)s)") % {"why": exc.message})
        else:
            if amounts != [t.amount for t in terms]:
                missing.append(_("a payment schedule that adds up to the contract total"))
    if contract.warranty_months is None:
        missing.append(_("the warranty period"))
    if contract.inspection_cycle_months is None:
        missing.append(_("the inspection cycle (or “none”)"))
    if not contract.customer.is_active:
        missing.append(_("an active customer (this one has been deactivated)"))
    return missing


def contract_priced_lines(*, contract: Contract) -> list[Any]:
    """The contract's lines as pricing's ``PricedLine`` (price approval check and loader)."""
    from xiaoguan.pricing.services.price_requests import PricedLine

    return [
        PricedLine(
            product_id=line.product_id,
            unit_id=line.unit_id,
            quantity=line.quantity,
            list_price=line.list_price,
            unit_price=line.unit_price,
        )
        for line in contract.lines.order_by("position")
    ]


def contract_price_source(*, contract: Contract) -> PriceSource | None:
    """The quote whose approved price request also covers this contract's prices below the
    range (R-PRC-3, ``pricing.services.price_requests``), as pricing's ``PriceSource``, or None.

    Only the first version drafted from the quote names it: the approval was given for the
    quote's customer and lines, and that draft is the deal the quote described. An amendment
    (version 2 and later, 合同变更) is a new decision on a signed contract; like the amendment
    of any contract (whose own earlier request covers the earlier version only), its prices
    below the range need a request of its own, even when it keeps the lines unchanged."""
    from xiaoguan.pricing.services.price_requests import PriceSource

    if not contract.quote_id or contract.version_no != 1 or contract.amends_id is not None:
        return None
    return PriceSource(kind="quote", id=contract.quote_id, customer_id=contract.customer_id)


def contract_price_approval(*, contract: Contract) -> PriceCover:
    """How the contract stands against the price approval rule (for its page): pricing's
    ``PriceCover`` with its lines below the owner's range and the approved request covering
    them, the contract's own or its quote's."""
    from xiaoguan.pricing.services.price_requests import price_approval_cover

    return price_approval_cover(
        subject_kind="contract",
        subject_id=contract.pk,
        owner=contract.owner,
        lines=contract_priced_lines(contract=contract),
        source=contract_price_source(contract=contract),
    )


@transaction.atomic
def contract_submit(*, actor: User, contract: Contract | int) -> Contract:
    """Send a draft to approval. Refused, listing them, while mandatory terms are missing, and
    while a price is below the owner's float range without an approved price request for
    exactly those lines: the contract's own, or that of the quote it was drafted from."""
    from xiaoguan.pricing.services.price_requests import price_approval_check

    locked = _lock(contract, actor)
    ensure_transition(locked, to=ContractStatus.IN_APPROVAL)
    missing = contract_missing_terms(contract=locked)
    if missing:
        raise TermsMissing(
            _("The contract cannot be submitted; missing: %(terms)s.")
            % {"terms": pgettext("list separator", "; ").join(str(m) for m in missing)},
            extra={"missing": [str(m) for m in missing]},
        )
    amendment_check(contract=locked)  # an amendment keeps what was shipped and collected
    price_approval_check(
        subject_kind="contract",
        subject_id=locked.pk,
        owner=locked.owner,
        lines=contract_priced_lines(contract=locked),
        source=contract_price_source(contract=locked),
    )
    approval_request_create(subject=locked, doc_type=DOC_TYPE, requested_by=actor)
    locked.status = ContractStatus.IN_APPROVAL
    locked.submitted_at = timezone.now()
    track(locked, actor=actor)
    locked.save(update_fields=["status", "submitted_at", "updated_at"])
    contract_event_add(
        contract=locked,
        kind=EventKind.SUBMITTED,
        actor=actor,
        summary=_("Submitted for approval (%(total)s)") % {"total": f"¥{locked.total:,.2f}"},
    )
    return locked


def contract_withdraw(*, actor: User, contract: Contract | int) -> Contract:
    """The submitter takes a contract back from approval; it is a draft again."""
    pk = contract if isinstance(contract, int) else contract.pk
    current = Contract.objects.filter(pk=pk).first()
    if current is None or not can_see(current, actor):
        raise ContractNotFound()
    request = pending_request_for(current)
    if request is None:
        raise Conflict(_("This contract is not waiting for approval."))
    approval_request_cancel(request_id=request.pk, actor=actor)
    return Contract.objects.get(pk=pk)


@transaction.atomic
def contract_cancel(*, actor: User, contract: Contract | int, reason: str = "") -> Contract:
    """Call off a contract not yet signed (a draft, returned or approved one)."""
    locked = _lock(contract, actor)
    ensure_transition(locked, to=ContractStatus.CANCELLED)
    reason = (reason or "").strip()[:300]
    locked.status = ContractStatus.CANCELLED
    track(locked, actor=actor, reason=reason)
    locked.save(update_fields=["status", "updated_at"])
    contract_event_add(
        contract=locked,
        kind=EventKind.CANCELLED,
        actor=actor,
        summary=_("Cancelled") + (f": {reason}" if reason else ""),
    )
    return locked


# --- approval engine callbacks (inside the decision's transaction) ---------------------------


def _steps_to_timeline(contract: Contract, request: Any) -> None:
    """Each decided step of the request on the timeline, at the time it was decided."""
    for task in request.tasks.select_related("decided_by").order_by("decided_at", "pk"):
        if task.status in ("pending", "skipped") or task.decided_at is None:
            continue
        summary = f"{task.step_name}: {task.get_status_display()}"
        if task.comment:
            summary += f" — {task.comment}"
        contract_event_add(
            contract=contract,
            kind=EventKind.APPROVAL_STEP,
            actor=task.decided_by,
            summary=summary,
            at=task.decided_at,
            detail={"request_id": request.pk, "task_id": task.pk},
        )


def _decided(to: str, kind: str, summary: Any):
    def callback(*, subject: Contract, request: Any, actor: User) -> None:
        locked = Contract.objects.select_for_update().get(pk=subject.pk)
        ensure_transition(locked, to=to)
        now = timezone.now()
        locked.status = to
        fields = ["status", "updated_at"]
        if to in (ContractStatus.APPROVED, ContractStatus.REJECTED, ContractStatus.RETURNED):
            locked.decided_at = now
            fields.append("decided_at")
        if to == ContractStatus.APPROVED:
            locked.approved_at = now
            fields.append("approved_at")
        track(locked, actor=actor)
        locked.save(update_fields=fields)
        _steps_to_timeline(locked, request)
        contract_event_add(contract=locked, kind=kind, actor=actor, summary=str(summary), at=now)

    return callback


contract_on_approved = _decided(
    ContractStatus.APPROVED, EventKind.APPROVED, gettext_lazy("Approved")
)
contract_on_rejected = _decided(
    ContractStatus.REJECTED, EventKind.REJECTED, gettext_lazy("Rejected")
)
contract_on_returned = _decided(
    ContractStatus.RETURNED, EventKind.RETURNED, gettext_lazy("Returned for changes")
)
contract_on_cancelled = _decided(
    ContractStatus.DRAFT, EventKind.NOTE, gettext_lazy("Withdrawn from approval")
)


def contract_largest_discount(contract: Contract) -> Decimal | None:
    value = contract.lines.aggregate(m=Max("discount"))["m"]
    return value if value is not None and value > 0 else None


# --- signing ------------------------------------------------------------------------------


def _check_scan(scan: UploadedFile | None) -> UploadedFile:
    """The signed scan is REQUIRED (the company's copy of what the customer signed): a PDF,
    JPG or PNG file."""
    if scan is None:
        message = _("Upload the scan of the signed contract (PDF, JPG or PNG).")
        raise SignInvalid(message, fields={"scan": message})
    extension = PurePath(str(scan.name or "")).suffix.lower().lstrip(".")
    if extension not in SCAN_EXTENSIONS:
        message = _("The scan must be a PDF, JPG or PNG file.")
        raise SignInvalid(message, fields={"scan": message})
    return scan


def _department_tasks(contract: Contract, actor: User) -> None:
    from xiaoguan.org.department_tasks import department_for, department_task_create

    url = reverse("contracts:contract_detail", args=[contract.pk])
    label = f"{contract.number} {contract.customer.name}"[:200]
    amended = contract.amends_id is not None
    specs = (
        (
            "production",
            PRODUCTION_TASK,
            _("Plan production for contract %(number)s")
            if not amended
            else _("Check the production plan: contract %(number)s was amended"),
        ),
        (
            "logistics",
            LOGISTICS_TASK,
            _("Plan shipping for contract %(number)s")
            if not amended
            else _("Check the shipping plan: contract %(number)s was amended"),
        ),
    )
    lines = "\n".join(
        f"{line.product} × {line.quantity.normalize():f} {line.unit}"
        for line in contract.lines.select_related("product", "unit").order_by("position")
    )
    description = _("Delivery on %(date)s at %(place)s.") % {
        "date": contract.delivery_date,
        "place": contract.delivery_place,
    }
    for department_kind, task_kind, title in specs:
        department = department_for(kind=department_kind)
        if department is None:
            contract_event_add(
                contract=contract,
                kind=EventKind.NOTE,
                actor=actor,
                summary=_("No active %(kind)s department: no task was created.")
                % {"kind": department_kind},
            )
            continue
        task = department_task_create(
            actor=actor,
            department=department,
            kind=task_kind,
            title=(title % {"number": contract.number})[:200],
            description=f"{description}\n{lines}",
            subject_type=SUBJECT_TYPE,
            subject_id=contract.pk,
            subject_label=label,
            subject_url=url,
            # A contract recorded as signed after its delivery date (paper signed earlier)
            # is already late: the task is due today, not refused.
            due_on=max(contract.delivery_date, timezone.localdate())
            if contract.delivery_date
            else None,
        )
        contract_event_add(
            contract=contract,
            kind=EventKind.TASK,
            actor=actor,
            department=department,
            summary=task.title,
            detail={"task_id": task.pk},
        )


@transaction.atomic
def contract_sign(
    *,
    actor: User,
    contract: Contract | int,
    signed_on: date | None,
    customer_signatory: str,
    company_signatory: str,
    scan: UploadedFile | None = None,
) -> Contract:
    """Record the signing of an approved contract: the date (not in the future, not after the
    delivery date), who signed for both sides, the signed scan (required). Inside the same
    transaction the ``contract_signed`` handlers run (or, for an amendment, the amendment takes
    effect) and production and logistics get their tasks; if anything raises, nothing of the
    signing stays."""
    locked = _lock(contract, actor)
    ensure_transition(locked, to=ContractStatus.SIGNED)
    errors: dict[str, str] = {}
    if signed_on is None:
        errors["signed_on"] = _("This field is required.")
    elif signed_on > _today():
        errors["signed_on"] = _("The signing date cannot be in the future.")
    customer_signatory = " ".join((customer_signatory or "").split())
    company_signatory = " ".join((company_signatory or "").split())
    for name, value in (
        ("customer_signatory", customer_signatory),
        ("company_signatory", company_signatory),
    ):
        if not value:
            errors[name] = _("This field is required.")
        elif len(value) > 100:
            errors[name] = _("At most %(n)s characters.") % {"n": 100}
    if errors:
        raise SignInvalid(next(iter(errors.values())), fields=errors)
    assert signed_on is not None
    if locked.delivery_date is not None and locked.delivery_date < signed_on:
        message = _(
            "The delivery date %(delivery)s is before the signing date %(signed)s; "
            "amend the delivery date first."
        ) % {"delivery": locked.delivery_date, "signed": signed_on}
        raise DeliveryBeforeSigning(message, fields={"signed_on": message})
    upload = _check_scan(scan)
    from xiaoguan.core.attachments import attachment_add, owner_key

    attachment = attachment_add(
        actor=actor, owner=owner_key(Contract), object_id=locked.pk, upload=upload
    )
    locked.status = ContractStatus.SIGNED
    locked.signed_on = signed_on
    locked.signed_at = timezone.now()
    locked.customer_signatory = customer_signatory
    locked.company_signatory = company_signatory
    track(locked, actor=actor)
    locked.save(
        update_fields=[
            "status",
            "signed_on",
            "signed_at",
            "customer_signatory",
            "company_signatory",
            "updated_at",
        ]
    )
    contract_event_add(
        contract=locked,
        kind=EventKind.SIGNED,
        actor=actor,
        summary=_("Signed on %(date)s by %(customer)s and %(company)s")
        % {"date": signed_on, "customer": customer_signatory, "company": company_signatory},
        detail={"scan_attachment_id": attachment.pk},
    )
    if locked.amends_id:
        from xiaoguan.contracts.services.amendments import amendment_take_effect

        old = Contract.objects.select_for_update().get(pk=locked.amends_id)
        amendment_take_effect(old=old, new=locked, actor=actor)
    else:
        registries.contract_signed.send(contract=locked, actor=actor)
    _department_tasks(locked, actor)
    return locked


def contract_task_done(*, task: Any, actor: User) -> None:
    """A production or logistics task is done: the timeline says so, with the planned date."""
    contract = Contract.objects.filter(pk=task.subject_id).first()
    if contract is None:
        return
    figures = ", ".join(f"{v}" for v in (task.response_data or {}).values() if v)
    summary = _("Done: %(title)s") % {"title": task.title}
    if figures:
        summary += f" ({figures})"
    contract_event_add(
        contract=contract,
        kind=EventKind.TASK_DONE,
        actor=actor,
        department=task.department,
        summary=summary,
        detail={"task_id": task.pk, "figures": task.response_data or {}},
    )
