"""Reads of credit control (R-ORD-2, R-RSK-1): a customer's credit figures against its limit
and the overdue threshold of the policy, and the credit holds a user may see (through the
order's owner and department)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from xiaoguan.core import policy
from xiaoguan.customers.models import Customer
from xiaoguan.orders.enums import CreditHoldStatus
from xiaoguan.orders.errors import CreditHoldNotFound
from xiaoguan.orders.models import CreditHold, Order
from xiaoguan.orders.registries import credit_exposure
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible

OVERDUE_DAYS_KEY = "orders.credit_overdue_days"
OVERDUE_AMOUNT_KEY = "orders.credit_overdue_amount"
OVER_LIMIT = "over_limit"
OVERDUE = "overdue"
CENT = Decimal("0.01")
# Holds that still block their order (or shipment).
BLOCKING = (CreditHoldStatus.OPEN, CreditHoldStatus.IN_APPROVAL, CreditHoldStatus.REFUSED)


@dataclass(frozen=True)
class CreditFigures:
    """What credit control judged: the customer's ``limit`` (None: no limit), what it owes
    (``outstanding``), the ``added`` exposure of the action (a direct order's amount), the
    ``projected`` exposure, the ``overdue`` amount and the age of the oldest overdue
    instalment, the policy thresholds, and the ``reasons`` to block (empty: go ahead)."""

    limit: Decimal | None
    outstanding: Decimal
    added: Decimal
    overdue: Decimal
    overdue_days: int
    overdue_days_threshold: int
    overdue_amount_threshold: Decimal
    reasons: list[str] = field(default_factory=list)

    @property
    def exposure(self) -> Decimal:
        """What the customer owes now (the name the stored figures use)."""
        return self.outstanding

    @property
    def projected(self) -> Decimal:
        return self.outstanding + self.added

    @property
    def headroom(self) -> Decimal | None:
        return None if self.limit is None else self.limit - self.projected

    @property
    def blocked(self) -> bool:
        return bool(self.reasons)

    def as_json(self, *, amount: Decimal) -> dict[str, Any]:
        """The figures kept on a hold (Decimals as strings)."""

        def money(value: Decimal) -> str:
            return str(Decimal(value).quantize(CENT))

        return {
            "limit": None if self.limit is None else money(self.limit),
            "exposure": money(self.outstanding),
            "added": money(self.added),
            "projected": money(self.projected),
            "amount": money(amount),
            "overdue": money(self.overdue),
            "overdue_days": self.overdue_days,
            "overdue_days_threshold": self.overdue_days_threshold,
            "overdue_amount_threshold": money(self.overdue_amount_threshold),
            "reasons": list(self.reasons),
        }


def credit_thresholds() -> tuple[int, Decimal]:
    """The policy's overdue thresholds: (days, amount)."""
    return int(policy.value(OVERDUE_DAYS_KEY)), Decimal(str(policy.value(OVERDUE_AMOUNT_KEY)))


def customer_credit_figures(*, customer: Customer, added: Decimal = Decimal(0)) -> CreditFigures:
    """The credit judgement of ``customer`` if ``added`` more were owed: over the limit when a
    limit is set and outstanding + added exceeds it; overdue when the overdue amount exceeds
    the policy amount AND the oldest overdue instalment is older than the policy days."""
    exposure = credit_exposure([customer.pk])[customer.pk]
    days, amount = credit_thresholds()
    reasons: list[str] = []
    limit = customer.credit_limit
    if limit is not None and exposure.outstanding + added > limit:
        reasons.append(OVER_LIMIT)
    if exposure.overdue > amount and exposure.overdue_days > days:
        reasons.append(OVERDUE)
    return CreditFigures(
        limit=limit,
        outstanding=exposure.outstanding,
        added=added,
        overdue=exposure.overdue,
        overdue_days=exposure.overdue_days,
        overdue_days_threshold=days,
        overdue_amount_threshold=amount,
        reasons=reasons,
    )


def order_added_exposure(*, order: Order, stage: str, amount: Decimal) -> Decimal:
    """What an action adds to the customer's exposure: a direct order's amount at the order
    stage (its collection plan does not exist yet). A contract order's amount is already in
    the contract's instalments, and a shipment's in the order's plan: they add nothing."""
    from xiaoguan.orders.enums import CreditStage

    if stage == CreditStage.ORDER and order.contract_id is None:
        return amount
    return Decimal(0)


def order_credit_figures(*, order: Order, stage: str, amount: Decimal) -> CreditFigures:
    return customer_credit_figures(
        customer=order.customer,
        added=order_added_exposure(order=order, stage=stage, amount=amount),
    )


def reason_labels() -> dict[str, Any]:
    from django.utils.translation import gettext_lazy as _

    return {
        OVER_LIMIT: _("over the credit limit"),
        OVERDUE: _("overdue debt beyond the threshold"),
    }


# --- holds ---------------------------------------------------------------------------------


def credit_hold_list(*, user: User, status: str | None = None) -> QuerySet[CreditHold]:
    """Credit holds of orders in the user's scope, newest first."""
    qs = visible(CreditHold.objects.all(), user).select_related(
        "order", "order__customer", "order__owner", "decided_by"
    )
    if status in CreditHoldStatus.values:
        qs = qs.filter(status=status)
    elif status == "blocking":
        qs = qs.filter(status__in=BLOCKING)
    return qs.order_by("-created_at", "-pk")


def credit_hold_get(*, user: User, hold_id: Any) -> CreditHold:
    """One credit hold of an order in the user's scope; CreditHoldNotFound (404) otherwise."""
    if not str(hold_id).isdigit():
        raise CreditHoldNotFound()
    hold = credit_hold_list(user=user).filter(pk=int(hold_id)).first()
    if hold is None:
        raise CreditHoldNotFound()
    return hold


def order_holds(*, order: Order) -> QuerySet[CreditHold]:
    return CreditHold.objects.filter(order=order).select_related("decided_by").order_by("-pk")
