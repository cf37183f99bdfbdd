"""Extension points the orders app offers to higher apps (receivables, service).

Handlers are registered in the higher app's ``AppConfig.ready()`` and called by the orders
services INSIDE their transaction, in registration order (an exception rolls the action back)::

    from xiaoguan.orders.registries import order_confirmed
    order_confirmed.connect(direct_order_plan_build)

``order_confirmed``     handler(order=Order, actor=User): a direct order (no contract) is
                        confirmed; receivables builds its one-instalment plan.
``order_cancelled``     handler(order=Order, actor=User): the order is cancelled.
``order_delivered``     handler(order=Order, on=date, actor=User): every line of a direct order
                        is delivered (the last delivery confirmation's date).
``contract_delivered``  handler(contract=Contract, on=date, actor=User): the current version of
                        a contract is fully delivered (all contracted quantities delivered);
                        receivables sets the due dates of "on delivery" instalments.
``contract_accepted``   handler(contract=Contract, on=date, actor=User): the customer's
                        acceptance (验收) of a delivered contract is recorded; "on acceptance"
                        instalments get their due dates.

``credit_exposure``     the provider of what a customer owes, for credit control: one function
                        ``provider(customer_ids) -> {customer_id: Exposure}`` registered with
                        ``register_credit_exposure`` (receivables registers it). Without a
                        provider a customer owes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from xiaoguan.contracts.registries import ExtensionPoint

order_confirmed = ExtensionPoint("order_confirmed")
order_cancelled = ExtensionPoint("order_cancelled")
order_delivered = ExtensionPoint("order_delivered")
contract_delivered = ExtensionPoint("contract_delivered")
contract_accepted = ExtensionPoint("contract_accepted")


@dataclass(frozen=True)
class Exposure:
    """What a customer owes: ``outstanding`` is every receivable not yet collected or written
    off (contracts in force and direct orders); ``overdue`` the part past its due date and
    ``overdue_days`` the age of the oldest overdue instalment (0 when none)."""

    outstanding: Decimal = Decimal(0)
    overdue: Decimal = Decimal(0)
    overdue_days: int = 0


ExposureProvider = Callable[[Iterable[int]], dict[int, Exposure]]
_exposure_providers: list[ExposureProvider] = []


def register_credit_exposure(provider: ExposureProvider) -> ExposureProvider:
    if provider not in _exposure_providers:
        _exposure_providers.append(provider)
    return provider


def credit_exposure(customer_ids: Iterable[int]) -> dict[int, Exposure]:
    """The exposure of each customer, summed over providers (missing customers owe nothing)."""
    ids = list(customer_ids)
    total: dict[int, Exposure] = {cid: Exposure() for cid in ids}
    for provider in _exposure_providers:
        for cid, e in provider(ids).items():
            t = total.get(cid, Exposure())
            total[cid] = Exposure(
                outstanding=t.outstanding + e.outstanding,
                overdue=t.overdue + e.overdue,
                overdue_days=max(t.overdue_days, e.overdue_days),
            )
    return total
