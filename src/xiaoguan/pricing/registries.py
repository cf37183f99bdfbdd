"""Extension points that pricing offers to higher apps.

Price subjects (R-PRC-3): the documents a price approval request can be for
-----------------------------------------------------------------------------

A price approval request (价格审批表) is bound to the exact lines of one quote or contract.
Pricing sits below sales and contracts and may not import them, so each of those apps tells
pricing how to read one of its documents by registering a *loader* once, in its setup module
(called from ``AppConfig.ready()``)::

    from xiaoguan.pricing.registries import PriceSubject, register_price_subject
    from xiaoguan.pricing.services.price_requests import PricedLine

    def quote_price_subject(subject_id: int, user: User) -> PriceSubject | None:
        quote = visible(Quote.objects.filter(pk=subject_id), user).first()
        if quote is None:
            return None                      # missing and out of scope look the same
        return PriceSubject(
            label=f"{quote.number} {quote.title}",
            customer_id=quote.customer_id,
            customer_name=quote.customer.name,
            owner=quote.owner,
            department=quote.department,
            lines=[PricedLine(product_id=..., unit_id=..., quantity=...,
                              list_price=<effective price at the quote's price date>,
                              unit_price=<offered price>) for line in ...],
            url=reverse("sales:quote_detail", args=[quote.pk]),
        )

    register_price_subject("quote", quote_price_subject)   # kinds: pricing.enums.SubjectKind

The loader returns None when the document does not exist or ``user`` may not see it. The
``list_price`` of every line is the effective price the document's own service computes
(``pricing.selectors.prices.effective_prices`` at the document's price date for its
customer's class); it never comes from a client.

The page ``pricing:price_request_new`` (``/pricing/price-requests/new/?subject_kind=quote&
subject_id=N``) and ``POST /api/v1/pricing/price-requests/`` ``{subject_kind, subject_id,
reason}`` build the request from the loader: the lines come from the document, the user only
types the reason. Quote and contract pages link to that page when
``lines_below_range(owner=..., lines=...)`` is not empty; their submit services call
``pricing.services.price_requests.price_approval_check(...)``, which refuses unless an
approved request covers exactly the current lines below the range.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xiaoguan.pricing.selectors.price_requests import PricedLine


@dataclass(frozen=True)
class PriceSubject:
    """One quote or contract as pricing sees it: who it is for and whose it is, and its lines
    with the effective (list) price and the offered unit price of each."""

    label: str
    customer_id: int
    customer_name: str
    owner: Any  # org.User
    department: Any  # org.Department
    lines: Sequence[PricedLine]
    url: str = ""


PriceSubjectLoader = Callable[[int, Any], "PriceSubject | None"]

_loaders: dict[str, PriceSubjectLoader] = {}


def register_price_subject(kind: str, loader: PriceSubjectLoader) -> None:
    """Register how to load a document of ``kind`` (a ``pricing.enums.SubjectKind`` value)."""
    existing = _loaders.get(kind)
    if existing is not None and existing is not loader:
        raise ValueError(f"Price subject {kind!r} is registered twice")
    _loaders[kind] = loader


def price_subject_kinds() -> list[str]:
    return sorted(_loaders)


def price_subject_load(*, kind: str, subject_id: int, user: Any) -> PriceSubject | None:
    """The document as ``user`` may see it, or None (unknown kind, missing or out of scope)."""
    loader = _loaders.get(kind)
    if loader is None:
        return None
    return loader(subject_id, user)
