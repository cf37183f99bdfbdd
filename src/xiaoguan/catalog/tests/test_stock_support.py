"""Shared helpers of the stock tests: warehouses and products made through the services."""

from __future__ import annotations

from decimal import Decimal

from xiaoguan.catalog.models import Warehouse
from xiaoguan.catalog.services.stock import WarehouseData, warehouse_create
from xiaoguan.catalog.tests.factories import make_product


def D(value) -> Decimal:
    return Decimal(str(value))


def make_warehouse(actor, code: str = "SH", name: str = "上海总仓", **fields) -> Warehouse:
    found = Warehouse.objects.filter(code=code).first()
    if found is not None:
        return found
    return warehouse_create(actor=actor, data=WarehouseData(code=code, name=name, **fields))


def extinguisher():
    return make_product("MFZ-ABC4", "手提式干粉灭火器", model="MFZ/ABC4", alt_units={"箱": 4})
