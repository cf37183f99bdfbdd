"""Reads of price approval requests (R-PRC-2, R-PRC-3): which lines of a document are below
its owner's float range, the fingerprint that binds an approval to those exact lines, the
approved request that covers a document (its own, or that of the document it was drafted
from: a contract's quote), and the requests a user may see (always through the data scope,
R-ORG-1)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from xiaoguan.core.errors import NotFound
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible
from xiaoguan.pricing.enums import ApprovalDocStatus
from xiaoguan.pricing.lines import HUNDRED, to_cents
from xiaoguan.pricing.models import PriceRequest, PriceRequestLine
from xiaoguan.pricing.selectors.prices import float_allowance

QUANTITY_STEP = Decimal("0.001")
FILTER_KEYS = ("q", "status", "subject_kind", "subject_id")
SORTS: dict[str, tuple[str, ...]] = {
    "-created": ("-created_at", "-pk"),
    "created": ("created_at", "pk"),
    "-discount": ("-max_discount", "-pk"),
    "discount": ("max_discount", "pk"),
    "-amount": ("-amount", "-pk"),
    "amount": ("amount", "pk"),
    "number": ("number",),
    "-number": ("-number",),
}
DEFAULT_SORT = "-created"


@dataclass(frozen=True)
class PricedLine:
    """One line of a quote or contract as pricing judges it: ``list_price`` is the effective
    price the document's service computed (never a client's figure), ``unit_price`` the
    offered price."""

    product_id: int
    unit_id: int
    quantity: Decimal
    list_price: Decimal
    unit_price: Decimal


@dataclass(frozen=True)
class BelowRange:
    """A line priced below the owner's floor: ``discount`` is its distance below the
    effective price in percent, ``allowed_discount`` how far the owner may go."""

    line: PricedLine
    floor_price: Decimal
    discount: Decimal
    allowed_discount: Decimal

    @property
    def below_by(self) -> Decimal:
        """How many percentage points below the owner's range (what non-confidential users
        are shown instead of the floor price)."""
        return self.discount - self.allowed_discount


def _allowance(owner: User) -> Decimal:
    return Decimal(float_allowance(user=owner))


def floor_price(*, list_price: Decimal, allowance: Decimal) -> Decimal:
    """The lowest unit price the owner may offer without approval, to the cent."""
    return to_cents(Decimal(list_price) * (HUNDRED - allowance) / HUNDRED)


def lines_below_range(*, owner: User, lines: Sequence[PricedLine]) -> list[BelowRange]:
    """The lines whose unit price is below ``list_price × (100 − owner's float range) / 100``
    (a price exactly at the floor is allowed), in the order given."""
    if not lines:
        return []
    allowance = _allowance(owner)
    found: list[BelowRange] = []
    for line in lines:
        list_price = Decimal(line.list_price)
        if list_price <= 0:
            continue
        floor = floor_price(list_price=list_price, allowance=allowance)
        unit_price = to_cents(Decimal(line.unit_price))
        if unit_price < floor:
            discount = to_cents((list_price - unit_price) * HUNDRED / list_price)
            found.append(
                BelowRange(
                    line=line, floor_price=floor, discount=discount, allowed_discount=allowance
                )
            )
    return found


def _quantity(value: Decimal) -> str:
    return format(Decimal(value).quantize(QUANTITY_STEP), "f")


def _price(value: Decimal) -> str:
    return format(to_cents(Decimal(value)), "f")


def price_fingerprint(*, subject_kind: str, subject_id: int, lines: Sequence[PricedLine]) -> str:
    """SHA-256 over the document and its lines (product, unit, quantity, unit price) in a
    canonical order: the same lines give the same fingerprint whatever their order, and any
    change of quantity, price or product, or another line, gives another one."""
    rows = sorted(
        (int(line.product_id), int(line.unit_id), _quantity(line.quantity), _price(line.unit_price))
        for line in lines
    )
    text = "\n".join(
        [f"{subject_kind}:{int(subject_id)}"] + [f"{p}|{u}|{q}|{price}" for p, u, q, price in rows]
    )
    return hashlib.sha256(text.encode()).hexdigest()


def below_range_fingerprint(
    *, subject_kind: str, subject_id: int, owner: User, lines: Sequence[PricedLine]
) -> tuple[list[BelowRange], str]:
    """The lines below the owner's range and their fingerprint ("" when none is below)."""
    below = lines_below_range(owner=owner, lines=lines)
    if not below:
        return below, ""
    return below, price_fingerprint(
        subject_kind=subject_kind, subject_id=subject_id, lines=[b.line for b in below]
    )


def approved_request_for(
    *, subject_kind: str, subject_id: int, fingerprint: str, customer_id: int | None = None
) -> PriceRequest | None:
    """The approved request of the document that covers exactly these lines (unscoped: used by
    the submit services of quotes and contracts); with ``customer_id``, only one filed for
    that customer."""
    qs = PriceRequest.objects.filter(
        subject_kind=subject_kind,
        subject_id=subject_id,
        status=ApprovalDocStatus.APPROVED,
        fingerprint=fingerprint,
    )
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    return qs.order_by("-decided_at", "-pk").first()


def subject_has_approved_request(*, subject_kind: str, subject_id: int) -> bool:
    return PriceRequest.objects.filter(
        subject_kind=subject_kind, subject_id=subject_id, status=ApprovalDocStatus.APPROVED
    ).exists()


def latest_approved_request(
    *, subject_kind: str, subject_id: int, customer_id: int
) -> PriceRequest | None:
    """The document's latest approved request for that customer, whatever lines it covers (to
    tell a user that the approval was for other lines)."""
    return (
        PriceRequest.objects.filter(
            subject_kind=subject_kind,
            subject_id=subject_id,
            status=ApprovalDocStatus.APPROVED,
            customer_id=customer_id,
        )
        .order_by("-decided_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class PriceSource:
    """The document another one was drafted from, whose approved price request also covers
    it (a contract drafted from a quote): ``kind`` and ``id`` name the source (a
    ``SubjectKind``), ``customer_id`` is the customer of the drafted document: the source's
    approval covers it only when it was filed for that same customer."""

    kind: str
    id: int
    customer_id: int


@dataclass(frozen=True)
class PriceCover:
    """How a document stands against the price approval rule: its lines below the owner's
    range and the approved request that covers exactly them (None when none does; also None
    when no line is below). ``inherited`` when that request is the source document's."""

    below: list[BelowRange]
    request: PriceRequest | None
    inherited: bool = False


def price_approval_cover(
    *,
    subject_kind: str,
    subject_id: int,
    owner: User,
    lines: Sequence[PricedLine],
    source: PriceSource | None = None,
) -> PriceCover:
    """The document's lines below the range and the approved request covering exactly them:
    the document's own first; else, with a ``source``, an approved request of the source
    document, filed for the same customer, whose lines below the range were exactly these
    (same products, units, quantities and unit prices). At most three queries."""
    below, fingerprint = below_range_fingerprint(
        subject_kind=subject_kind, subject_id=subject_id, owner=owner, lines=lines
    )
    if not below:
        return PriceCover(below=below, request=None)
    own = approved_request_for(
        subject_kind=subject_kind, subject_id=subject_id, fingerprint=fingerprint
    )
    if own is not None or source is None:
        return PriceCover(below=below, request=own)
    inherited = approved_request_for(
        subject_kind=source.kind,
        subject_id=source.id,
        # The source's request fingerprinted its own lines under its own name: the same
        # lines of this document, named as the source, give the same fingerprint.
        fingerprint=price_fingerprint(
            subject_kind=source.kind, subject_id=source.id, lines=[b.line for b in below]
        ),
        customer_id=source.customer_id,
    )
    return PriceCover(below=below, request=inherited, inherited=inherited is not None)


def pending_request_exists(*, subject_kind: str, subject_id: int) -> bool:
    return PriceRequest.objects.filter(
        subject_kind=subject_kind, subject_id=subject_id, status=ApprovalDocStatus.IN_APPROVAL
    ).exists()


def price_request_list(
    *, user: User, filters: dict[str, Any] | None = None, sort: str = DEFAULT_SORT
) -> QuerySet[PriceRequest]:
    """The requests the user may see, filtered by an allow-list of keys."""
    filters = filters or {}
    qs = visible(PriceRequest.objects.all(), user).select_related("owner", "department")
    q = str(filters.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(subject_label__icontains=q)
            | Q(customer_name__icontains=q)
            | Q(reason__icontains=q)
        )
    status = filters.get("status")
    if status == "open":
        qs = qs.filter(status=ApprovalDocStatus.IN_APPROVAL)
    elif status in ApprovalDocStatus.values:
        qs = qs.filter(status=status)
    kind = filters.get("subject_kind")
    if kind:
        qs = qs.filter(subject_kind=kind)
    subject_id = filters.get("subject_id")
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    return qs.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


def price_request_get(*, user: User, price_request_id: int) -> PriceRequest:
    """One request in the user's scope; missing and out of scope are both NotFound."""
    found = (
        visible(PriceRequest.objects.filter(pk=price_request_id), user)
        .select_related("owner", "department")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def price_request_lines(*, request: PriceRequest) -> list[PriceRequestLine]:
    return list(
        PriceRequestLine.objects.filter(request=request)
        .select_related("product", "unit")
        .order_by("pk")
    )


def requests_for_subject(
    *, user: User, subject_kind: str, subject_id: int
) -> QuerySet[PriceRequest]:
    """The requests of one document the user may see, newest first (for its page)."""
    return price_request_list(
        user=user, filters={"subject_kind": subject_kind, "subject_id": subject_id}
    )
