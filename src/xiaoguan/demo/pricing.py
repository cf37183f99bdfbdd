"""Demo price system (R-PRC-1..3): a base price and a cost for every demo product (loaded by
management from the first day of last year), the discount policy (class A 8 %, B 5 %, C 0 %;
quantity breaks 100+ 3 %, 500+ 6 %), float ranges per role (sales rep 5 %, sales manager
10 %, sales director 15 %, management 20 %), three promotions (approved and current, approved
and future, in approval) and two price changes (one approved, one waiting for management).
Everything goes through the services and the approval engine. Deterministic: prices follow
from the product codes."""

from __future__ import annotations

import zlib
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from xiaoguan.approvals.models import ApprovalTask
from xiaoguan.approvals.services import approval_decide
from xiaoguan.catalog.models import Product
from xiaoguan.org.models import Role
from xiaoguan.pricing.enums import DiscountKind
from xiaoguan.pricing.models import BasePrice, PriceChange, Promotion
from xiaoguan.pricing.services import policy, promotions
from xiaoguan.pricing.services import prices as services

# Price range (yuan) of a base unit by category code, with narrower ranges for products whose
# code starts with a prefix (trolley extinguishers, controllers, valves, pumps); the price
# within the range follows the code.
RANGES = {
    "EXT-DP": (40, 260),
    "EXT-CO2": (160, 480),
    "EXT-FW": (90, 260),
    "HYD": (260, 900),
    "HOSE": (35, 420),
    "ALARM": (60, 420),
    "SPR": (12, 60),
    "EMG": (42, 680),
    "DOOR": (1150, 2600),
    "ACC": (38, 460),
}
PREFIX_RANGES = {
    "MFTZ": (600, 1200),
    "MTT": (1800, 2600),
    "MPTZ": (900, 1800),
    "XHX": (600, 1500),
    "JB-": (8000, 26000),
    "ZSFZ": (3500, 8000),
    "ZSJZ": (200, 800),
    "ZSPM": (200, 800),
    "XBD": (18000, 26000),
}
CLASS_DISCOUNTS = {"A": "8", "B": "5", "C": "0"}
QUANTITY_BREAKS = {"100": "3", "500": "6"}
FLOAT_RANGES = {
    "sales_rep": "5",
    "sales_manager": "10",
    "sales_director": "15",
    "management": "20",
}
CENT = Decimal("0.01")


def _price(code: str, category: str) -> tuple[Decimal, Decimal]:
    low, high = next(
        (r for prefix, r in PREFIX_RANGES.items() if code.startswith(prefix)),
        RANGES.get(category, (50, 1000)),
    )
    h = zlib.crc32(code.encode("utf-8"))
    price = Decimal(low + h % (high - low + 1)).quantize(CENT)
    if price >= 100:
        price = (price / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 10  # list-like
    cost = (price * Decimal(55 + (h >> 8) % 16) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return price, cost


def _approve(subject: Any, doc_type: str, approver: Any) -> None:
    task = ApprovalTask.objects.filter(
        request__object_id=subject.pk,
        request__doc_type=doc_type,
        request__status="pending",
        status="pending",
        approver=approver,
    ).first()
    if task is not None:
        approval_decide(task_id=task.pk, actor=approver, decision="approve", comment="同意")


def load(*, users: dict[str, Any]) -> int:
    """Load the demo prices once; returns how many base prices were loaded."""
    if BasePrice.objects.exists():
        return 0
    gm = users["gm"]
    manager = users.get("manager") or users["director"]
    today = timezone.localdate()
    products = list(Product.objects.select_related("category", "category__parent").order_by("code"))
    if not products:
        return 0
    rows = []
    prices: dict[str, Decimal] = {}
    for p in products:
        price, cost = _price(p.code, p.category.code)
        prices[p.code] = price
        rows.append(services.BasePriceRow(p.pk, p.unit_id, price, cost))
    loaded = services.base_prices_load(
        actor=gm, rows=rows, valid_from=date(today.year - 1, 1, 1), source="demo"
    )

    for cls, pct in CLASS_DISCOUNTS.items():
        policy.discount_rule_create(
            actor=gm,
            data=policy.DiscountRuleData(
                kind=DiscountKind.CUSTOMER_CLASS,
                customer_class=cls,
                percent=pct,
                note=f"{cls}类客户",
            ),
        )
    for qty, pct in QUANTITY_BREAKS.items():
        policy.discount_rule_create(
            actor=gm,
            data=policy.DiscountRuleData(
                kind=DiscountKind.QUANTITY, min_quantity=qty, percent=pct, note=f"{qty}件以上"
            ),
        )
    for code, pct in FLOAT_RANGES.items():
        role = Role.objects.filter(code=code).first()
        if role is not None:
            policy.float_range_set(actor=gm, role_id=role.pk, max_discount=pct)

    by_code = {p.code: p for p in products}

    def promo(code: str, name: str, off: str, starts: date, ends: date) -> Promotion | None:
        product = by_code.get(code)
        if product is None:
            return None
        price = (prices[code] * (100 - Decimal(off)) / 100).quantize(CENT)
        created = promotions.promotion_create(
            actor=manager,
            data=promotions.PromotionData(
                name=name,
                product_id=product.pk,
                unit_id=product.unit_id,
                price=price,
                starts_on=starts,
                ends_on=ends,
                note="华东区市场活动",
            ),
        )
        return promotions.promotion_submit(actor=manager, promotion=created)

    current = promo(
        "MFZ-ABC4",
        "119消防宣传月·4kg干粉灭火器特价",
        "15",
        today - timedelta(days=10),
        today + timedelta(days=20),
    )
    if current is not None:
        _approve(current, "promotion", gm)
    future = promo(
        "JTY-GD-G3",
        "春季安装季·感烟探测器特价",
        "12",
        today + timedelta(days=30),
        today + timedelta(days=90),
    )
    if future is not None:
        _approve(future, "promotion", gm)
    promo("SN65", "室内消火栓年末清库", "10", today + timedelta(days=5), today + timedelta(days=40))

    def change(reason: str, when: date, codes: list[tuple[str, str]]) -> PriceChange | None:
        lines = [
            services.PriceChangeLineData(
                by_code[c].pk,
                by_code[c].unit_id,
                (prices[c] * (100 + Decimal(up)) / 100).quantize(Decimal(1)),
            )
            for c, up in codes
            if c in by_code
        ]
        if not lines:
            return None
        created = services.price_change_create(
            actor=manager,
            data=services.PriceChangeData(reason=reason, effective_from=when),
            lines=lines,
        )
        return services.price_change_submit(actor=manager, change=created)

    approved = change(
        "钢材涨价，防火门及消火栓箱调价",
        today,
        [("GFM-1021-A1.5", "6"), ("GFM-1521-A1.0", "6"), ("XHX-A", "4")],
    )
    if approved is not None:
        _approve(approved, "price_change", gm)
    change(
        "干粉原料涨价，手提式干粉灭火器两周后调价",
        today + timedelta(days=14),
        [("MFZ-ABC1", "5"), ("MFZ-ABC2", "5"), ("MFZ-ABC3", "5"), ("MFZ-ABC8", "5")],
    )
    return loaded
