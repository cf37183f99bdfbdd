"""API of the receivables reports, mounted at ``/api/v1/receivables/``: aging (a dimension,
an as-of date, filters, sorting, pages) and its drill-down, a customer's reconciliation
statement, the collection rate. Same right (``receivables.reports``) and scope as the pages;
out-of-scope customers are 404; bad parameters 422 with the field named."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from xiaoguan.core.api import require_rights
from xiaoguan.core.errors import ValidationFailed
from xiaoguan.receivables.selectors import aging as aging_selectors
from xiaoguan.receivables.selectors.collection_rate import RateRow, collection_rate
from xiaoguan.receivables.selectors.statements import customer_statement

router = Router(tags=["receivables"])
RIGHT = "receivables.reports"
_DIMENSIONS = "^(customer|rep|team|region)$"


class BucketOut(Schema):
    key: str
    label: str


class AgingRowOut(Schema):
    key: int
    label: str
    amounts: dict[str, Decimal]
    waiting: Decimal
    overdue: Decimal
    total: Decimal
    bad_debt: Decimal
    legal: bool
    risk: bool
    instalments: int


class AgingOut(Schema):
    dimension: str
    as_of: date
    bad_debt_days: int
    buckets: list[BucketOut]
    count: int
    page: int
    page_size: int
    sort: str
    totals: AgingRowOut
    rows: list[AgingRowOut]


class AgingFilters(Schema):
    dimension: str = Field("customer", pattern=_DIMENSIONS)
    as_of: date | None = None
    owner: int | None = Field(None, ge=1)
    department: int | None = Field(None, ge=1)
    customer_class: str | None = Field(None, pattern="^[ABC]$")
    sort: str = Field(aging_selectors.DEFAULT_SORT, max_length=30)
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(100, ge=1, le=500)


def _filters(f: Any) -> dict[str, Any]:
    return {
        k: getattr(f, k)
        for k in ("owner", "department", "customer_class")
        if getattr(f, k) not in (None, "")
    }


def _aging_row(r: aging_selectors.AgingRow) -> AgingRowOut:
    return AgingRowOut(
        key=r.key,
        label=r.label,
        amounts=dict(r.amounts),
        waiting=r.waiting,
        overdue=r.overdue,
        total=r.total,
        bad_debt=r.bad_debt,
        legal=r.legal,
        risk=r.risk,
        instalments=r.count,
    )


@router.get("/aging/", response=AgingOut, summary="Aging of open instalments (paginated rows)")
def aging(request, filters: Query[AgingFilters]):
    user = require_rights(request, RIGHT)
    report = aging_selectors.aging_report(
        user=user,
        dimension=filters.dimension,
        as_of=filters.as_of,
        filters=_filters(filters),
        sort=filters.sort,
        offset=(filters.page - 1) * filters.page_size,
        limit=filters.page_size,
    )
    return AgingOut(
        dimension=report.dimension,
        as_of=report.as_of,
        bad_debt_days=report.bad_debt_days,
        buckets=[BucketOut(key=b.key, label=b.label) for b in report.buckets],
        count=report.row_count,
        page=filters.page,
        page_size=filters.page_size,
        sort=report.sort,
        totals=_aging_row(report.totals),
        rows=[_aging_row(r) for r in report.rows],
    )


class DrillFilters(AgingFilters):
    key: int = Field(..., ge=0)
    bucket: str = Field(..., max_length=20)


class InstalmentOut(Schema):
    id: int
    customer_id: int
    customer: str
    contract: str | None
    order: str | None
    label: str
    owner_id: int
    due_date: date | None
    days_past_due: int | None
    amount: Decimal
    collected: Decimal
    written_off: Decimal
    outstanding: Decimal


class InstalmentPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[InstalmentOut]


@router.get(
    "/aging/instalments/",
    response=InstalmentPageOut,
    summary="The instalments behind one figure of the aging report",
)
def aging_instalments(request, filters: Query[DrillFilters]):
    user = require_rights(request, RIGHT)
    as_of = filters.as_of or timezone.localdate()
    try:
        qs = aging_selectors.aging_instalments(
            user=user,
            dimension=filters.dimension,
            key=filters.key,
            bucket=filters.bucket,
            as_of=as_of,
            filters=_filters(filters),
        )
    except ValueError:
        raise ValidationFailed(
            _("Not one of the report's columns."), fields={"bucket": [filters.bucket]}
        ) from None
    start = (filters.page - 1) * filters.page_size
    items = [
        InstalmentOut(
            id=i.pk,
            customer_id=i.customer_id,
            customer=i.customer.name,
            contract=i.contract.number if i.contract_id else None,
            order=i.order.number if i.order_id else None,
            label=i.label,
            owner_id=i.owner_id,
            due_date=i.due_date,
            days_past_due=aging_selectors.days_past_due(i, as_of),
            amount=i.amount,
            collected=i.collected,
            written_off=i.written_off,
            outstanding=aging_selectors.cents(i.outstanding_amount),  # type: ignore[attr-defined]
        )
        for i in qs[start : start + filters.page_size]
    ]
    return InstalmentPageOut(
        count=qs.order_by().count(),
        page=filters.page,
        page_size=filters.page_size,
        items=items,
    )


class StatementLineOut(Schema):
    on: date
    kind: str
    kind_label: str
    document: str
    description: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


class StatementOut(Schema):
    customer_id: int
    customer: str
    start: date
    end: date
    opening: Decimal
    debits: Decimal
    credits: Decimal
    closing: Decimal
    unallocated: Decimal
    lines: list[StatementLineOut]


class StatementQuery(Schema):
    start: date
    end: date


@router.get(
    "/statements/{customer_id}/",
    response=StatementOut,
    summary="A customer's reconciliation statement for a period",
)
def statement(request, customer_id: int, period: Query[StatementQuery]):
    user = require_rights(request, RIGHT)
    st = customer_statement(user=user, customer_id=customer_id, start=period.start, end=period.end)
    return StatementOut(
        customer_id=st.customer.pk,
        customer=st.customer.name,
        start=st.start,
        end=st.end,
        opening=st.opening,
        debits=st.debits,
        credits=st.credits,
        closing=st.closing,
        unallocated=st.unallocated,
        lines=[
            StatementLineOut(
                on=line.on,
                kind=line.kind,
                kind_label=line.kind_label,
                document=line.document,
                description=line.description,
                debit=line.debit,
                credit=line.credit,
                balance=line.balance,
            )
            for line in st.lines
        ],
    )


class RateRowOut(Schema):
    key: int
    label: str
    due: Decimal
    collected: Decimal
    on_time: Decimal
    rate: Decimal | None
    on_time_rate: Decimal | None
    average_days_late: Decimal | None
    instalments: int


class RateOut(Schema):
    dimension: str
    start: date
    end: date
    totals: RateRowOut
    rows: list[RateRowOut]


class RateQuery(Schema):
    start: date
    end: date
    dimension: str = Field("rep", pattern="^(rep|team)$")


def _rate_row(r: RateRow) -> RateRowOut:
    return RateRowOut(
        key=r.key,
        label=r.label,
        due=r.due,
        collected=r.collected,
        on_time=r.on_time,
        rate=r.rate,
        on_time_rate=r.on_time_rate,
        average_days_late=r.average_days_late,
        instalments=r.count,
    )


@router.get(
    "/collection-rate/", response=RateOut, summary="Collection rate per rep or team for a period"
)
def rate(request, q: Query[RateQuery]):
    user = require_rights(request, RIGHT)
    if q.end < q.start:
        raise ValidationFailed(
            _("The end of the period is before its start."), fields={"end": [str(q.end)]}
        )
    if (q.end - q.start).days > 3660:
        raise ValidationFailed(
            _("A period covers at most ten years."), fields={"start": [str(q.start)]}
        )
    result = collection_rate(user=user, start=q.start, end=q.end, dimension=q.dimension)
    return RateOut(
        dimension=result.dimension,
        start=result.start,
        end=result.end,
        totals=_rate_row(result.totals),
        rows=[_rate_row(r) for r in result.rows],
    )
