"""Payment behaviour of customers for their credit file (R-CUS-9, R-AR-6): how much they paid
in the last twelve months, how punctually, what is overdue now, and the "poor payer" flag.

- *receipts in the last 12 months*: posted receipts received in the 365 days up to today;
- *on-time share*: of the instalments paid in full (with a due date), those paid on or before
  their due date;
- *average days late*: over the same instalments, the mean of max(0, paid − due) in days;
- *overdue now*: outstanding of open instalments past their due date, and the days since
  the oldest of them fell due;
- *poor payer*: the oldest overdue debt is older than ``orders.credit_overdue_days`` (the
  credit-control threshold), or fewer than half of the paid instalments were paid on time.

The figures are the customer's whole account (any owner): the panel is shown only for a
customer the user may see. One statement for any number of customers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from xiaoguan.core import policy
from xiaoguan.customers.models import Customer
from xiaoguan.receivables.enums import InstalmentStatus, ReceiptStatus
from xiaoguan.receivables.models import Instalment, Receipt

OVERDUE_DAYS_KEY = "orders.credit_overdue_days"
DEFAULT_OVERDUE_DAYS = 60
POOR_ON_TIME_SHARE = Decimal("50")
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
_MONEY = DecimalField(max_digits=20, decimal_places=2)


def overdue_days_threshold() -> int:
    try:
        return int(policy.value(OVERDUE_DAYS_KEY))
    except KeyError:  # the orders part registers it; before that, the spec's default
        return DEFAULT_OVERDUE_DAYS


@dataclass(frozen=True)
class PaymentBehaviour:
    customer_id: int
    receipts_12m: Decimal
    receipts_12m_count: int
    paid_count: int
    on_time_count: int
    late_days_total: int
    overdue: Decimal
    oldest_overdue_days: int
    overdue_threshold: int

    @property
    def on_time_share(self) -> Decimal | None:
        if not self.paid_count:
            return None
        return (Decimal(self.on_time_count) * 100 / self.paid_count).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def average_days_late(self) -> Decimal | None:
        if not self.paid_count:
            return None
        return (Decimal(self.late_days_total) / self.paid_count).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def overdue_too_long(self) -> bool:
        return self.oldest_overdue_days > self.overdue_threshold

    @property
    def rarely_on_time(self) -> bool:
        share = self.on_time_share
        return share is not None and share < POOR_ON_TIME_SHARE

    @property
    def poor_payer(self) -> bool:
        return self.overdue_too_long or self.rarely_on_time


def _days(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, timedelta):
        return value.days
    return int(value) // 86_400_000_000


def _one(qs: QuerySet, aggregate: Any, output: Any) -> Subquery:
    """The aggregate of ``qs`` (already correlated to the customer) as a sub-select."""
    return Subquery(
        qs.order_by().values("customer_id").annotate(v=aggregate).values("v")[:1],
        output_field=output,
    )


def payment_behaviour(
    *, customer_ids: Iterable[int], today: date | None = None
) -> dict[int, PaymentBehaviour]:
    """``{customer_id: PaymentBehaviour}`` for every id asked for (zeros when nothing is
    recorded). The caller has checked that the user may see these customers."""
    ids = list(dict.fromkeys(customer_ids))
    if not ids:
        return {}
    today = today or timezone.localdate()
    threshold = overdue_days_threshold()
    receipts = Receipt.objects.filter(
        customer_id=OuterRef("pk"),
        status=ReceiptStatus.POSTED,
        received_on__gt=today - timedelta(days=365),
        received_on__lte=today,
    )
    paid = Q(status=InstalmentStatus.PAID, paid_on__isnull=False, due_date__isnull=False)
    overdue = Q(status=InstalmentStatus.OPEN, due_date__lt=today) & Q(
        amount__gt=F("collected") + F("written_off")
    )
    late = Case(
        When(
            paid_on__gt=F("due_date"),
            then=ExpressionWrapper(F("paid_on") - F("due_date"), output_field=DurationField()),
        ),
        default=Value(timedelta(0)),
        output_field=DurationField(),
    )
    left = F("amount") - F("collected") - F("written_off")
    instalments = Instalment.objects.filter(customer_id=OuterRef("pk"))
    # One statement: a correlated sub-select per figure, each read through the customer
    # indexes of receipts and instalments (the customer page shows one customer).
    rows: dict[int, Any] = {
        r["pk"]: r
        for r in Customer.objects.filter(pk__in=ids)
        .annotate(
            receipts_total=_one(receipts, Sum("amount"), _MONEY),
            receipts_n=_one(receipts, Count("pk"), IntegerField()),
            paid_n=_one(instalments.filter(paid), Count("pk"), IntegerField()),
            on_time_n=_one(
                instalments.filter(paid, paid_on__lte=F("due_date")), Count("pk"), IntegerField()
            ),
            late=_one(instalments.filter(paid), Sum(late), DurationField()),
            overdue=_one(instalments.filter(overdue), Sum(left), _MONEY),
            oldest=_one(instalments.filter(overdue), Min("due_date"), DateField()),
        )
        .values(
            "pk", "receipts_total", "receipts_n", "paid_n", "on_time_n", "late", "overdue", "oldest"
        )
    }
    out: dict[int, PaymentBehaviour] = {}
    for cid in ids:
        r = i = rows.get(cid, {})
        oldest = i.get("oldest")
        out[cid] = PaymentBehaviour(
            customer_id=cid,
            receipts_12m=Decimal(r.get("receipts_total") or 0).quantize(CENT),
            receipts_12m_count=int(r.get("receipts_n") or 0),
            paid_count=int(i.get("paid_n") or 0),
            on_time_count=int(i.get("on_time_n") or 0),
            late_days_total=_days(i.get("late")),
            overdue=Decimal(i.get("overdue") or 0).quantize(CENT),
            oldest_overdue_days=(today - oldest).days if oldest else 0,
            overdue_threshold=threshold,
        )
    return out
