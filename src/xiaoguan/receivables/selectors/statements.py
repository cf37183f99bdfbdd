"""Reconciliation statement (对账单, R-AR-5): a customer's account for a period, as the
customer signs it.

Debits (what the customer came to owe):
- a contract at its signing date: the amount of the version signed; an amendment at its own
  signing date: the difference to the version it replaced (a cut is a credit);
- a direct order (without contract) at its confirmation: its amount.

Credits (what settled it):
- receipts at their receipt date (every receipt ever posted, reversed ones included);
- a reversal at its reversal date, as a negative credit (the receipt no longer counts);
- approved bad-debt write-offs at their approval date;
- a termination (contract) or a cancellation after confirmation (direct order) at its date:
  what the stopped plan no longer asks for, i.e. the amount − the instalments still in the
  plan − what was collected or written off on the instalments it closed.

Opening balance = debits − credits before the start; closing = opening + debits − credits
of the period; each line carries the running balance. The customer's unallocated credit
(receipts not yet applied to an instalment) is shown as of today: it is already among the
credits, so it lowers the balance, and it is named so the customer sees it.

The statement is the customer's whole account, whoever owns each contract or receipt: a
partial statement could not be signed. It is shown only for a customer the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _

from xiaoguan.contracts.enums import ContractStatus
from xiaoguan.contracts.models import Contract
from xiaoguan.core.errors import ValidationFailed
from xiaoguan.customers.models import Customer
from xiaoguan.orders.enums import OrderStatus
from xiaoguan.orders.models import Order
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible
from xiaoguan.receivables.enums import InstalmentStatus, ReceiptStatus, WriteOffStatus
from xiaoguan.receivables.models import Receipt, WriteOff

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
_MONEY = DecimalField(max_digits=20, decimal_places=2)
MAX_DAYS = 3660  # a statement covers at most ten years
SIGNED_STATUSES = (
    ContractStatus.SIGNED,
    ContractStatus.SUPERSEDED,
    ContractStatus.TERMINATED,
    ContractStatus.COMPLETED,
)
# Lines of the same day: what was owed first, then what settled it.
KIND_ORDER = {
    "contract": 0,
    "amendment": 1,
    "order": 2,
    "receipt": 3,
    "reversal": 4,
    "write_off": 5,
    "termination": 6,
    "cancellation": 7,
}


def cents(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


def kind_labels() -> dict[str, str]:
    return {
        "contract": _("Contract signed"),
        "amendment": _("Contract amended"),
        "order": _("Order confirmed"),
        "receipt": _("Receipt"),
        "reversal": _("Receipt reversed"),
        "write_off": _("Bad debt written off"),
        "termination": _("Contract terminated"),
        "cancellation": _("Order cancelled"),
    }


@dataclass
class StatementLine:
    on: date
    kind: str
    document: str
    description: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    balance: Decimal = ZERO
    pk: int = 0

    @property
    def kind_label(self) -> str:
        return kind_labels().get(self.kind, self.kind)


@dataclass
class Statement:
    customer: Customer
    start: date
    end: date
    opening: Decimal
    lines: list[StatementLine] = field(default_factory=list)
    debits: Decimal = ZERO
    credits: Decimal = ZERO
    unallocated: Decimal = ZERO

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debits - self.credits


def _sum(expr: Any, q: Q) -> Coalesce:
    return Coalesce(Sum(expr, filter=q), Value(ZERO), output_field=_MONEY)


def _contracts(customer_id: int, end: date) -> QuerySet[Contract]:
    return Contract.objects.filter(
        customer_id=customer_id,
        status__in=SIGNED_STATUSES,
        signed_on__isnull=False,
        signed_on__lte=end,
    ).annotate(change=F("total") - Coalesce(F("amends__total"), Value(ZERO), output_field=_MONEY))


def _direct_orders(customer_id: int) -> QuerySet[Order]:
    return Order.objects.filter(
        customer_id=customer_id, contract__isnull=True, confirmed_at__isnull=False
    ).annotate(on=TruncDate("confirmed_at"))


def _stopped_plans(qs: QuerySet, end: date) -> QuerySet:
    """Terminated contracts / cancelled orders up to ``end`` with what their plan no longer
    asks for (``released``)."""
    closed = Q(instalments__status=InstalmentStatus.CLOSED)
    return (
        qs.filter(on__lte=end)
        .annotate(
            kept=_sum("instalments__amount", ~closed & Q(instalments__isnull=False)),
            settled=_sum(F("instalments__collected") + F("instalments__written_off"), closed),
        )
        .annotate(released=F("total") - F("kept") - F("settled"))
    )


def customer_statement(*, user: User, customer_id: int, start: date, end: date) -> Statement:
    """The reconciliation statement of a customer the user may see (otherwise
    Customer.DoesNotExist: a 404) from ``start`` to ``end`` inclusive."""
    if end < start:
        raise ValidationFailed(
            _("The end of the period is before its start."), fields={"end": _("Before start.")}
        )
    if (end - start).days > MAX_DAYS:
        raise ValidationFailed(
            _("A statement covers at most ten years."), fields={"start": _("Too long.")}
        )
    customer = visible(Customer.objects.select_related("owner"), user).get(pk=customer_id)
    before = Q(on__lt=start)
    in_period = Q(on__gte=start, on__lte=end)
    opening = ZERO
    lines: list[StatementLine] = []

    # Debits: contract versions at signing (an amendment: its change).
    contracts = _contracts(customer.pk, end).annotate(on=F("signed_on"))
    opening += cents(contracts.aggregate(s=_sum("change", before))["s"])
    for c in contracts.filter(in_period).order_by("signed_on", "pk"):
        kind = "amendment" if c.amends_id else "contract"
        change = cents(c.change)  # type: ignore[attr-defined]
        description = c.title if kind == "contract" else _("Version %(v)s") % {"v": c.version_no}
        lines.append(
            StatementLine(
                on=c.signed_on,  # type: ignore[arg-type]
                kind=kind,
                document=c.number,
                description=description,
                debit=max(change, ZERO),
                credit=max(-change, ZERO),
                pk=c.pk,
            )
        )

    # Debits: direct orders at confirmation.
    orders = _direct_orders(customer.pk).filter(Q(on__lte=end))
    opening += cents(orders.aggregate(s=_sum("total", before))["s"])
    for o in orders.filter(in_period).order_by(F("on").asc(), "pk"):
        lines.append(
            StatementLine(
                on=o.on,  # type: ignore[attr-defined]
                kind="order",
                document=o.number,
                description=o.customer_reference,
                debit=cents(o.total),
                pk=o.pk,
            )
        )

    # Credits: receipts at their date, reversals (negative) at theirs.
    receipts = Receipt.objects.filter(customer_id=customer.pk)
    posted = receipts.annotate(on=F("received_on")).filter(on__lte=end)
    opening -= cents(posted.aggregate(s=_sum("amount", before))["s"])
    for r in posted.filter(in_period).order_by("on", "pk"):
        lines.append(
            StatementLine(
                on=r.received_on,
                kind="receipt",
                document=r.number,
                description=" ".join(
                    p for p in (r.get_method_display(), r.reference, r.bill_no) if p
                ),
                credit=cents(r.amount),
                pk=r.pk,
            )
        )
    reversed_ = receipts.filter(status=ReceiptStatus.REVERSED, reversed_at__isnull=False).annotate(
        on=TruncDate("reversed_at")
    )
    reversed_ = reversed_.filter(on__lte=end)
    opening += cents(reversed_.aggregate(s=_sum("amount", before))["s"])
    for r in reversed_.filter(in_period).order_by("on", "pk"):
        lines.append(
            StatementLine(
                on=r.on,  # type: ignore[attr-defined]
                kind="reversal",
                document=r.number,
                description=r.reversal_reason[:200],
                credit=-cents(r.amount),
                pk=r.pk,
            )
        )

    # Credits: approved write-offs.
    write_offs = WriteOff.objects.filter(
        instalment__customer_id=customer.pk,
        status=WriteOffStatus.APPROVED,
        approved_at__isnull=False,
    ).annotate(on=TruncDate("approved_at"))
    write_offs = write_offs.filter(on__lte=end)
    opening -= cents(write_offs.aggregate(s=_sum("amount", before))["s"])
    for w in write_offs.filter(in_period).order_by("on", "pk"):
        lines.append(
            StatementLine(
                on=w.on,  # type: ignore[attr-defined]
                kind="write_off",
                document=w.number,
                description=w.reason[:200],
                credit=cents(w.amount),
                pk=w.pk,
            )
        )

    # Credits: what terminations and cancellations released (few rows: summed here).
    stopped: list[tuple[str, Any]] = [
        (
            "termination",
            Contract.objects.filter(
                customer_id=customer.pk,
                status=ContractStatus.TERMINATED,
                terminated_on__isnull=False,
            ).annotate(on=F("terminated_on")),
        ),
        (
            "cancellation",
            _direct_orders(customer.pk)
            .filter(status=OrderStatus.CANCELLED, cancelled_at__isnull=False)
            .annotate(cancelled_on=TruncDate("cancelled_at"))
            .annotate(on=F("cancelled_on")),
        ),
    ]
    for kind, qs in stopped:
        for row in _stopped_plans(qs, end).order_by("on", "pk"):
            released = cents(row.released)
            if released == ZERO:
                continue
            if row.on < start:
                opening -= released
                continue
            lines.append(
                StatementLine(
                    on=row.on,
                    kind=kind,
                    document=row.number,
                    description=(
                        row.termination_reason if kind == "termination" else row.cancel_reason
                    )[:200],
                    debit=max(-released, ZERO),
                    credit=max(released, ZERO),
                    pk=row.pk,
                )
            )

    lines.sort(key=lambda line: (line.on, KIND_ORDER.get(line.kind, 9), line.pk))
    balance = opening
    debits = credits = ZERO
    for line in lines:
        balance += line.debit - line.credit
        line.balance = balance
        debits += line.debit
        credits += line.credit
    unallocated = cents(
        Receipt.objects.filter(customer_id=customer.pk, status=ReceiptStatus.POSTED).aggregate(
            s=_sum(F("amount") - F("allocated"), Q())
        )["s"]
    )
    return Statement(
        customer=customer,
        start=start,
        end=end,
        opening=opening,
        lines=lines,
        debits=debits,
        credits=credits,
        unallocated=unallocated,
    )
