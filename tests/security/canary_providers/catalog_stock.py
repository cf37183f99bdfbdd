"""Stock pages take ``warehouse_id`` (and ``product_id``, given by the catalog provider).
Warehouses, stock levels and movements are master data every holder of
``catalog.stock_view`` sees whatever their data scope (no owner), so, like products, they
carry no marker (nor does the keeper: a logistics clerk): a warehouse holding stock of the catalog
provider's product, received, reserved and issued through the stock services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def provide(*, company: Any, emp: Any, values: dict[str, Any]) -> dict[str, Any]:
    from xiaoguan.catalog.services.stock import (
        WarehouseData,
        stock_issue,
        stock_receive,
        stock_reserve,
        warehouse_create,
    )

    actor = company.logistics1
    warehouse = warehouse_create(
        actor=actor,
        data=WarehouseData(
            code="ACC-CD", name="成都分仓", address="成都市新都区", keeper_id=actor.pk
        ),
    )
    product_id = values["product_id"]
    stock_receive(
        actor=actor, warehouse_id=warehouse.pk, product_id=product_id, quantity=Decimal(40)
    )
    stock_reserve(
        actor=actor,
        warehouse_id=warehouse.pk,
        product_id=product_id,
        quantity=Decimal(10),
        reference="ACC-SO",
    )
    stock_issue(
        actor=actor,
        warehouse_id=warehouse.pk,
        product_id=product_id,
        quantity=Decimal(5),
        reference="ACC-FH",
    )
    return {"warehouse_id": warehouse.pk}
