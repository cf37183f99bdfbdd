"""Demo stock (R-ORD-3): 上海总仓 (the main warehouse at the Jiading plant) and 成都分仓
(the branch warehouse serving the West region), with the demo catalog's products received
through ``stock_receive``, three months of pre-system sales issues (so that reorder points
derive from real figures and a few products are below theirs), two stock counts and a
transfer from Shanghai to Chengdu. Orders, reservations and shipments come later from the
orders and shipping demos, through the same services.

The opening receipts and issues are written with ``stock_receive`` and ``stock_issue`` and then
dated back over the last 90 days (the ledger's ``at`` is the time of writing): the one place
the demo touches a ledger row."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

# top-level category → (Shanghai on hand, Chengdu on hand, daily sales) for a typical product
_PROFILE = {
    "EXT": (900, 260, 9),
    "HYD": (120, 40, 1.2),
    "HOSE": (600, 150, 5),
    "ALARM": (800, 200, 7),
    "SPR": (1500, 400, 14),
    "EMG": (500, 160, 4),
    "DOOR": (45, 12, 0.4),
    "ACC": (300, 80, 2.5),
}
# Big or slow items stock less.
_SLOW_WORDS = ("推车式", "主机", "控制器", "报警阀", "水泵", "XBD", "防火门")
# Products that run low in Shanghai: sold fast lately, little left.
_RUNNING_LOW = ("MFZ-ABC4", "JTY-GD-G3", "ZSTX15-68", "SN65")
_OPENING = "期初销售出库"


def _newest(product_id: int) -> int:
    """The id of the product's movement just written."""
    from xiaoguan.catalog.models import StockMovement

    return StockMovement.objects.filter(product_id=product_id).values_list("pk", flat=True)[0]


def _top(category: Any) -> str:
    return category.parent.code if category.parent_id else category.code


def load(*, users: dict[str, Any]) -> int:
    """Create the demo stock (once); returns how many stock levels exist."""
    from xiaoguan.catalog.models import Product, StockLevel, StockMovement, Warehouse
    from xiaoguan.catalog.services.stock import (
        WarehouseData,
        stock_adjust,
        stock_issue,
        stock_receive,
        stock_reorder_point_set,
        stock_transfer,
        warehouse_create,
    )

    if Warehouse.objects.exists():
        return StockLevel.objects.count()
    actor = users.get("xiaojun") or users.get("logistics") or users.get("gm")
    if actor is None:
        return 0
    keeper_sh = users.get("xiaojun") or actor
    keeper_cd = users.get("logistics") or actor
    sh = warehouse_create(
        actor=actor,
        data=WarehouseData(
            code="SH",
            name="上海总仓",
            address="上海市嘉定区安亭镇墨玉路 185 号",
            keeper_id=keeper_sh.pk,
        ),
    )
    cd = warehouse_create(
        actor=actor,
        data=WarehouseData(
            code="CD",
            name="成都分仓",
            address="四川省成都市新都区工业东区君跃路 66 号",
            keeper_id=keeper_cd.pk,
        ),
    )
    rng = random.Random(5)
    products = list(
        Product.objects.filter(is_active=True).select_related("category__parent").order_by("code")
    )
    now = datetime.datetime.now(tz=datetime.UTC)
    backdate: list[tuple[int, datetime.datetime]] = []
    for n, product in enumerate(products):
        sh_qty, cd_qty, daily = _PROFILE.get(_top(product.category), (200, 50, 2))
        factor = 0.15 if any(w in f"{product.name}{product.code}" for w in _SLOW_WORDS) else 1.0
        scale = factor * rng.uniform(0.6, 1.4)
        received = max(int(sh_qty * scale), 6)
        stock_receive(
            actor=actor,
            warehouse_id=sh.pk,
            product_id=product.pk,
            quantity=Decimal(received),
            reference=f"RK{2026_0801 + n}",
            note="生产入库",
        )
        opened = now - datetime.timedelta(days=90, hours=n % 9)
        backdate.append((_newest(product.pk), opened))
        if n % 3 != 2:  # Chengdu keeps two products in three
            stock_receive(
                actor=actor,
                warehouse_id=cd.pk,
                product_id=product.pk,
                quantity=Decimal(max(int(cd_qty * scale), 2)),
                reference=f"RK{2026_0801 + n}",
                note="总仓发货入库",
            )
            backdate.append((_newest(product.pk), opened))
        # Three months of sales before the system went live, a few shipments each.
        low = product.code in _RUNNING_LOW
        sold_per_day = daily * factor * (3.0 if low else 1.0)
        total = min(int(sold_per_day * 90), int(received * (0.9 if low else 0.45)))
        shipments = rng.randint(3, 6)
        for s in range(shipments):
            qty = total // shipments
            if qty <= 0:
                continue
            stock_issue(
                actor=actor,
                warehouse_id=sh.pk,
                product_id=product.pk,
                quantity=Decimal(qty),
                reference=_OPENING,
                from_reserved=False,
            )
            move_id = _newest(product.pk)
            days = 85 - s * (80 // shipments) - rng.randint(0, 5)
            backdate.append((move_id, now - datetime.timedelta(days=max(days, 1), hours=n % 9)))
    for move_id, at in backdate:
        StockMovement.objects.filter(pk=move_id).update(at=at)
    by_code = {p.code: p for p in products}

    def level(warehouse: Any, code: str) -> Any:
        return StockLevel.objects.filter(warehouse=warehouse, product=by_code[code]).first()

    # Stock counts: two damaged extinguishers found, three more detectors than on the books.
    if "MFZ-ABC8" in by_code and level(sh, "MFZ-ABC8"):
        stock_adjust(
            actor=actor,
            warehouse_id=sh.pk,
            product_id=by_code["MFZ-ABC8"].pk,
            counted=level(sh, "MFZ-ABC8").on_hand - 2,
            reason="月末盘点：2 具筒体锈蚀报废",
        )
    if "JTW-ZCD-G3N" in by_code and level(sh, "JTW-ZCD-G3N"):
        stock_adjust(
            actor=actor,
            warehouse_id=sh.pk,
            product_id=by_code["JTW-ZCD-G3N"].pk,
            counted=level(sh, "JTW-ZCD-G3N").on_hand + 3,
            reason="月末盘点：退货入库漏登记 3 个",
        )
    # Chengdu runs short of 4kg extinguishers before the West region's projects: a transfer.
    if "MFZ-ABC4" in by_code and level(sh, "MFZ-ABC4"):
        stock_transfer(
            actor=actor,
            from_warehouse_id=sh.pk,
            to_warehouse_id=cd.pk,
            product_id=by_code["MFZ-ABC4"].pk,
            quantity=min(Decimal(40), level(sh, "MFZ-ABC4").available),
            note="西部区项目备货",
        )
    # Reorder points set by hand: the fire pump is bought from outside (long lead time), and
    # Chengdu keeps more of one product ahead of the West region's projects.
    if "XBD-40" in by_code:
        stock_reorder_point_set(
            actor=actor, warehouse_id=sh.pk, product_id=by_code["XBD-40"].pk, reorder_point=8
        )
    for code in ("QZ19", "QZG-65", "MT-3", "MSZ-6", "MFZ-ABC5"):
        held = level(cd, code) if code in by_code else None
        if held is not None and held.on_hand > 0:
            stock_reorder_point_set(
                actor=actor,
                warehouse_id=cd.pk,
                product_id=by_code[code].pk,
                reorder_point=held.on_hand + 20,
            )
            break
    return StockLevel.objects.count()
