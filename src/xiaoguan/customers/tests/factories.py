"""Test helpers: customers are made through the service, as users make them."""

from __future__ import annotations

from xiaoguan.customers.normalise import credit_code_check_char
from xiaoguan.customers.services import CustomerData, customer_create


def credit_code(serial: int) -> str:
    """A valid unified social credit code (check character computed) for test ``serial``."""
    first17 = f"91310000{serial:09d}"
    return first17 + credit_code_check_char(first17)


def make_customer(owner, name: str, **fields):
    return customer_create(actor=owner, data=CustomerData(name=name, **fields))
