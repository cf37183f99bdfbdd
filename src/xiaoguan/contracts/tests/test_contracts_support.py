"""Given-helpers of the contract tests: a priced catalog (base prices as rows), the
production and logistics departments, the default contract approval chain, and a draft made
through the services as users make it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from xiaoguan.catalog.models import Product
from xiaoguan.contracts.enums import PaymentTrigger
from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.services.contracts import (
    ContractData,
    ContractLineData,
    contract_create,
)
from xiaoguan.contracts.services.schedule import PaymentTermData
from xiaoguan.org.enums import DepartmentKind
from xiaoguan.org.models import Role
from xiaoguan.pricing.models import FloatRange
from xiaoguan.pricing.tests.factories import base_price, product

PRICE_DAY = date(2026, 1, 1)


@dataclass
class Catalog:
    extinguisher: Product  # ¥120.00, warranty 12 months, no installation
    hydrant: Product  # ¥850.00, needs installation, warranty 24, inspection 12
    detector: Product  # ¥260.00, warranty 36, inspection 6


def catalog() -> Catalog:
    ext = product("MFZ-ABC4", "手提式干粉灭火器", "MFZ/ABC4", warranty_months=12)
    hyd = product(
        "SN65",
        "室内消火栓",
        "SN65",
        needs_installation=True,
        warranty_months=24,
        inspection_cycle_months=12,
    )
    det = product(
        "JTY-GD",
        "点型光电感烟火灾探测器",
        "JTY-GD-G3",
        warranty_months=36,
        inspection_cycle_months=6,
    )
    base_price(ext, "120.00", PRICE_DAY)
    base_price(hyd, "850.00", PRICE_DAY)
    base_price(det, "260.00", PRICE_DAY)
    return Catalog(ext, hyd, det)


def float_range(role: str = "sales_rep", percent: str = "10") -> None:
    FloatRange.objects.update_or_create(
        role=Role.objects.get(code=role), defaults={"max_discount": Decimal(percent)}
    )


def departments(company: Any) -> None:
    """Production and logistics departments (the test company has only logistics)."""
    from xiaoguan.org.tests.factories import department_create

    department_create(
        name="生产部", code="PRD", kind=DepartmentKind.PRODUCTION, parent=company.depts["HQ"]
    )


def approval_chain() -> None:
    from xiaoguan.approvals.services.chains import default_chains_ensure

    default_chains_ensure()


def line(p: Product, quantity: str, unit_price: str | None = None, **kw: Any) -> ContractLineData:
    return ContractLineData(
        product_id=p.pk, unit_id=p.unit_id, quantity=quantity, unit_price=unit_price, **kw
    )


def terms_30_60_10() -> list[PaymentTermData]:
    return [
        PaymentTermData("预付款", PaymentTrigger.SIGNING, 7, percent=Decimal("30")),
        PaymentTermData("发货款", PaymentTrigger.BEFORE_SHIPMENT, 0, percent=Decimal("60")),
        PaymentTermData(
            "质保金", PaymentTrigger.WARRANTY_END, 30, percent=Decimal("10"), is_retention=True
        ),
    ]


def complete_data(customer: Any, **overrides: Any) -> ContractData:
    data: dict[str, Any] = {
        "customer_id": customer.pk,
        "title": "消防器材采购合同",
        "price_date": PRICE_DAY,
        "delivery_date": timezone.localdate() + timedelta(days=30),
        "delivery_place": "上海市浦东新区世纪大道100号",
        "installation_required": False,
        "warranty_months": 12,
        "inspection_cycle_months": 0,
    }
    data.update(overrides)
    return ContractData(**data)


def draft(actor: Any, customer: Any, lines: list[ContractLineData], **overrides: Any) -> Contract:
    terms = overrides.pop("terms", None)
    return contract_create(
        actor=actor,
        data=complete_data(customer, **overrides),
        lines=lines,
        terms=terms_30_60_10() if terms is None else terms,
    )


def scan(name: str = "signed.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4 signed contract scan", content_type="application/pdf"
    )
