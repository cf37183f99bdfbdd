"""Shared set-up of the price approval request tests (no tests here): a product, float ranges
per role (rep 5 %, manager 10 %), the default approval chain, and a test-only price subject
kind registered for the duration of a test (``subject_fixture``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from xiaoguan.catalog.models import Product, ProductCategory, Unit
from xiaoguan.org.models import Role
from xiaoguan.pricing import registries
from xiaoguan.pricing.models import FloatRange
from xiaoguan.pricing.services.price_requests import PricedLine

D = Decimal


def make_unit(code: str = "JU", name: str = "具") -> Unit:
    return Unit.objects.get_or_create(code=code, defaults={"name": name})[0]


def make_product(code: str = "MFZ-ABC4", name: str = "干粉灭火器", model: str = "MFZ/ABC4"):
    category = ProductCategory.objects.get_or_create(code="EXT", defaults={"name": "灭火器"})[0]
    return Product.objects.create(
        code=code, name=name, model=model, category=category, unit=make_unit()
    )


def float_range(role_code: str, percent: str) -> FloatRange:
    return FloatRange.objects.update_or_create(
        role=Role.objects.get(code=role_code), defaults={"max_discount": D(percent)}
    )[0]


def line(product: Any, quantity: str, list_price: str, unit_price: str) -> PricedLine:
    return PricedLine(
        product_id=product.pk,
        unit_id=product.unit_id,
        quantity=D(quantity),
        list_price=D(list_price),
        unit_price=D(unit_price),
    )


@dataclass
class FakeDocument:
    """A document of the test-only subject: what a quote's loader would read."""

    pk: int
    owner: Any
    lines: list[PricedLine] = field(default_factory=list)
    label: str = "Q-TEST-1 办公楼消防"
    customer_id: int = 777
    customer_name: str = "测试客户"


class Subjects:
    """Documents of the registered subject kind, visible to their owner's data scope."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.docs: dict[int, FakeDocument] = {}

    def add(self, *, owner: Any, lines: list[PricedLine], pk: int | None = None) -> FakeDocument:
        pk = pk or (max(self.docs, default=1000) + 1)
        doc = FakeDocument(pk=pk, owner=owner, lines=lines)
        self.docs[pk] = doc
        return doc

    def load(self, subject_id: int, user: Any) -> registries.PriceSubject | None:
        from xiaoguan.org.models import User
        from xiaoguan.org.scope import visible

        doc = self.docs.get(subject_id)
        if doc is None or not visible(User.objects.filter(pk=doc.owner.pk), user).exists():
            return None
        return registries.PriceSubject(
            label=doc.label,
            customer_id=doc.customer_id,
            customer_name=doc.customer_name,
            owner=doc.owner,
            department=doc.owner.department,
            lines=list(doc.lines),
            url="",
        )


@pytest.fixture(name="pricing_setup")
def pricing_setup_fixture(company):
    """Float ranges, a product at ¥100.00, and the declared default chain of price requests."""
    from xiaoguan.approvals.services.chains import default_chains_ensure

    float_range("sales_rep", "5")
    float_range("sales_manager", "10")
    default_chains_ensure()
    return make_product()


@pytest.fixture(name="subjects")
def subjects_fixture(monkeypatch):
    """The "quote" kind served by test documents for the duration of a test (the real quote
    loader, when sales registers one, is put back afterwards)."""
    found = Subjects("quote")
    monkeypatch.setitem(registries._loaders, "quote", found.load)
    return found


@pytest.fixture(name="english")
def english_fixture():
    """Messages asserted in English whatever the catalogues hold (the default is Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield
