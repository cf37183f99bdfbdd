"""Stock (issue 5): two warehouses and a stock level of every product in each, with the
opening balance written to the stock ledger. The orders step later adds what its open
allocations reserve (and raises on hand where needed), so ``reserved`` always equals the
outstanding allocations of open orders."""

from __future__ import annotations

from decimal import Decimal

from bench.gen import GenContext, step

WAREHOUSES = (
    ("BENCH-WH1", "华东总仓", "上海市嘉定区安亭镇墨玉路 88 号"),
    ("BENCH-WH2", "华南分仓", "广东省佛山市南海区狮山镇科技大道 16 号"),
)
OPENING_REFERENCE = "BENCH-OPEN"


def _warehouses_exist(ctx: GenContext) -> bool:
    from xiaoguan.catalog.models import Warehouse

    return Warehouse.objects.filter(code=WAREHOUSES[0][0]).exists()


def bench_warehouse_ids() -> list[int]:
    from xiaoguan.catalog.models import Warehouse

    ids = list(
        Warehouse.objects.filter(code__in=[w[0] for w in WAREHOUSES])
        .order_by("code")
        .values_list("pk", flat=True)
    )
    if len(ids) != len(WAREHOUSES):
        raise RuntimeError("no bench warehouses: run the stock step first")
    return ids


@step(
    "stock",
    f"{len(WAREHOUSES)} warehouses, a stock level of every product in each (opening balance)",
    done=_warehouses_exist,
)
def generate_stock(ctx: GenContext) -> dict[str, int]:
    from django.utils import timezone

    from bench.generators.copyrows import ModelWriter, user_id
    from xiaoguan.catalog.models import (
        MovementKind,
        Product,
        StockLevel,
        StockMovement,
        Warehouse,
    )

    rng = ctx.rng
    keeper = user_id("bench-logistics-01")
    now = timezone.now()
    warehouses = [
        Warehouse.objects.create(code=code, name=name, address=address, keeper_id=keeper)
        for code, name, address in WAREHOUSES
    ]
    products = list(Product.objects.order_by("pk").values_list("pk", "category__code"))
    if not products:
        raise RuntimeError("no products: run the catalog step first")
    levels = ModelWriter(StockLevel)
    movements = ModelWriter(StockMovement)
    for w, warehouse in enumerate(warehouses):
        for product_id, category in products:
            scale = 20 if category in ("SRV", "PMP", "GAS") else 2000
            on_hand = Decimal(rng.randint(scale // 4, scale * 2) * ctx.scale // (w + 1))
            levels.add(
                {
                    "id": levels.new_id(),
                    "warehouse_id": warehouse.pk,
                    "product_id": product_id,
                    "on_hand": on_hand,
                    "reserved": Decimal(0),
                    "updated_at": now,
                }
            )
            movements.add(
                {
                    "id": movements.new_id(),
                    "warehouse_id": warehouse.pk,
                    "product_id": product_id,
                    "kind": MovementKind.RECEIPT,
                    "on_hand_change": on_hand,
                    "reserved_change": Decimal(0),
                    "on_hand_after": on_hand,
                    "reserved_after": Decimal(0),
                    "reference": OPENING_REFERENCE,
                    "note": "[bench] 期初库存",
                    "actor_id": keeper,
                    "at": now,
                }
            )
    return {
        "warehouses": len(warehouses),
        "stock levels": levels.close(),
        "stock movements": movements.close(),
    }
