"""Extension points the contracts app offers to higher apps (orders, receivables, service).

Handlers are registered in the higher app's ``AppConfig.ready()`` and called by the contract
services INSIDE their transaction, in registration order; if one raises, the signing (or
amendment, or termination) is rolled back and the user sees the error::

    from xiaoguan.contracts.registries import contract_signed

    contract_signed.connect(collection_plan_build)   # handler(contract=..., actor=...)

``contract_signed``      handler(contract=Contract, actor=User): the contract is now in force.
``contract_amended``     handler(old=Contract, new=Contract, actor=User): ``new`` replaced ``old``.
``contract_terminated``  handler(contract=Contract, actor=User): stop open plans.

``shipped_quantities``   provider(contract=Contract) -> {(product_id, unit_id): Decimal}: what
                         was already shipped against the contract, so an amendment cannot cut a
                         line below it (orders registers it; without a provider nothing shipped).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

Handler = Callable[..., Any]


class ExtensionPoint:
    """An ordered list of handlers with a name, for the contract lifecycle's news."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[Handler] = []

    def connect(self, handler: Handler) -> Handler:
        if handler not in self._handlers:
            self._handlers.append(handler)
        return handler

    def disconnect(self, handler: Handler) -> None:
        if handler in self._handlers:
            self._handlers.remove(handler)

    @property
    def handlers(self) -> tuple[Handler, ...]:
        return tuple(self._handlers)

    def send(self, **kwargs: Any) -> None:
        for handler in self._handlers:
            handler(**kwargs)


contract_signed = ExtensionPoint("contract_signed")
contract_amended = ExtensionPoint("contract_amended")
contract_terminated = ExtensionPoint("contract_terminated")

ShippedProvider = Callable[..., dict[tuple[int, int], Decimal]]
shipped_quantity_providers: list[ShippedProvider] = []


def register_shipped_quantities(provider: ShippedProvider) -> ShippedProvider:
    if provider not in shipped_quantity_providers:
        shipped_quantity_providers.append(provider)
    return provider


def shipped_quantities(*, contract: Any) -> dict[tuple[int, int], Decimal]:
    """What was shipped against ``contract`` per (product, unit), summed over providers."""
    total: dict[tuple[int, int], Decimal] = {}
    for provider in shipped_quantity_providers:
        for key, quantity in provider(contract=contract).items():
            total[key] = total.get(key, Decimal(0)) + quantity
    return total
