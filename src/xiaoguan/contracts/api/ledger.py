"""API of the contract ledger (R-CON-6), mounted at ``/api/v1/contracts/ledger/``: the same
scope, filters, sorting and flags as the page, with the totals of the filtered set. The
count comes from the totals aggregate (one statement for count and sums)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.selectors import ledger as selectors
from xiaoguan.core.api import require_rights
from xiaoguan.core.errors import ValidationFailed

router = Router(tags=["contracts"])

_STATUS_PATTERN = "^(" + "|".join(s.value for s in selectors.LEDGER_STATUSES) + ")$"


class Ref(Schema):
    id: int
    name: str


class LedgerRowOut(Schema):
    id: int
    number: str
    version_no: int
    title: str
    status: str
    customer: Ref
    owner: Ref
    signed_on: date | None
    delivery_date: date | None
    end_on: date | None
    total: Decimal
    shipped_amount: Decimal
    invoiced_amount: Decimal
    collected_amount: Decimal
    outstanding: Decimal
    expiring: bool
    overdue: bool


class LedgerTotalsOut(Schema):
    count: int
    total: Decimal
    shipped: Decimal
    invoiced: Decimal
    collected: Decimal
    outstanding: Decimal


class LedgerPageOut(Schema):
    count: int
    page: int
    page_size: int
    totals: LedgerTotalsOut
    items: list[LedgerRowOut]


class LedgerFilters(Schema):
    q: str = Field("", max_length=100)
    status: list[str] = Field(default_factory=list, max_length=12)
    customer: str = Field("", max_length=100)
    owner: int | None = None
    department: int | None = None
    signed_from: date | None = None
    signed_to: date | None = None
    amount_min: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)
    amount_max: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)
    flag: list[str] = Field(default_factory=list, max_length=2)
    sort: str = Field(selectors.DEFAULT_SORT, max_length=20)
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(50, ge=1, le=200)


def _row(c: Contract, flags: selectors.RowFlags) -> LedgerRowOut:
    return LedgerRowOut(
        id=c.pk,
        number=c.number,
        version_no=c.version_no,
        title=c.title,
        status=c.status,
        customer=Ref(id=c.customer_id, name=c.customer.name),
        owner=Ref(id=c.owner_id, name=str(c.owner)),
        signed_on=c.signed_on,
        delivery_date=c.delivery_date,
        end_on=c.end_on,
        total=c.total,
        shipped_amount=c.shipped_amount,
        invoiced_amount=c.invoiced_amount,
        collected_amount=c.collected_amount,
        outstanding=selectors.cents(c.outstanding),  # type: ignore[attr-defined]  # annotated
        expiring=flags.expiring,
        overdue=flags.overdue,
    )


@router.get(
    "/", response=LedgerPageOut, summary="The contract ledger (current versions, paginated)"
)
def ledger_list(request, filters: Query[LedgerFilters]):
    user = require_rights(request, "contracts.view")
    statuses = {s.value for s in selectors.LEDGER_STATUSES}
    bad = {
        "status": [s for s in filters.status if s not in statuses],
        "flag": [f for f in filters.flag if f not in selectors.FLAGS],
    }
    if any(bad.values()):
        raise ValidationFailed(
            _("Not one of the allowed values."),
            fields={k: [", ".join(v)] for k, v in bad.items() if v},
        )
    chosen = {
        k: getattr(filters, k)
        for k in selectors.FILTER_KEYS
        if getattr(filters, k, None) not in (None, "", [])
    }
    sort = filters.sort if filters.sort in selectors.SORTS else selectors.DEFAULT_SORT
    qs = selectors.ledger_list(user=user, filters=chosen, sort=sort)
    totals = selectors.ledger_totals(qs)
    start = (filters.page - 1) * filters.page_size
    today, days = timezone.localdate(), selectors.expiring_days()
    items = [
        _row(c, selectors.row_flags(c, today=today, days=days))
        for c in qs[start : start + filters.page_size]
    ]
    return LedgerPageOut(
        count=totals.count,
        page=filters.page,
        page_size=filters.page_size,
        totals=LedgerTotalsOut(
            count=totals.count,
            total=totals.total,
            shipped=totals.shipped,
            invoiced=totals.invoiced,
            collected=totals.collected,
            outstanding=totals.outstanding,
        ),
        items=items,
    )
