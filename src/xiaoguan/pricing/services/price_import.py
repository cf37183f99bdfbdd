"""Excel import of a price list by management (R-PRC-1, R-X-5): one row per product and unit
— product code, unit (empty: the product's base unit), base price, cost price (optional) —
loaded with ``base_prices_load`` valid from a chosen day. The columns are those of the price
list export, so an exported list can be edited and loaded again. All or nothing: one bad row
refuses the file, naming the row."""

from __future__ import annotations

from datetime import date
from typing import IO, Any

from django.utils.translation import gettext as _

from xiaoguan.catalog.models import Product, Unit
from xiaoguan.core.errors import PermissionDenied
from xiaoguan.core.xlsx_import import Column, xlsx_read
from xiaoguan.org.models import User
from xiaoguan.pricing.errors import PriceChangeInvalid
from xiaoguan.pricing.services.prices import POLICY_RIGHT, BasePriceRow, base_prices_load

MAX_ROWS = 5000
COLUMNS = [
    Column("code", aliases=("product code", "产品编码", "编码"), required=True),
    Column("unit", aliases=("单位", "计量单位")),
    Column("price", aliases=("base price", "基准价", "价格"), required=True),
    Column("cost", aliases=("cost price", "成本价")),
    # Read and ignored: the other columns of the price list export, so that an exported list
    # loads again as it is.
    Column("name", aliases=("product name", "产品名称")),
    Column("model", aliases=("型号",)),
    Column("category", aliases=("类别",)),
    Column("valid_from", aliases=("valid from", "生效日期")),
    Column("margin", aliases=("margin (%)", "毛利率（%）", "毛利率(%)")),
]


def price_list_import(
    *, actor: User, upload: IO[bytes] | bytes, valid_from: date | None, filename: str = ""
) -> int:
    """Load the file's prices valid from ``valid_from``; returns how many were loaded."""
    if not actor.has_right(POLICY_RIGHT):
        raise PermissionDenied()
    if valid_from is None:
        raise PriceChangeInvalid(fields={"valid_from": _("Choose the day the prices apply from.")})
    sheet = xlsx_read(upload, columns=COLUMNS, max_rows=MAX_ROWS)
    codes = {str(r.values.get("code") or "").strip() for r in sheet.rows}
    products = {p.code: p for p in Product.objects.filter(code__in=codes)}
    units: dict[str, int] = {}
    for pk, code, name in Unit.objects.values_list("pk", "code", "name"):
        units[code.casefold()] = pk
        units[name.casefold()] = pk
    errors: dict[str, Any] = {}
    rows: list[BasePriceRow] = []
    for row in sheet.rows:
        code = str(row.values.get("code") or "").strip()
        if not code and row.values.get("price") in (None, ""):
            continue
        product = products.get(code)
        if product is None:
            errors[f"row {row.number}"] = _("Unknown product code %(code)s.") % {"code": code}
            continue
        unit_text = str(row.values.get("unit") or "").strip().casefold()
        unit_id = units.get(unit_text) if unit_text else product.unit_id
        if unit_id is None:
            errors[f"row {row.number}"] = _("Unknown unit %(unit)s.") % {"unit": unit_text}
            continue
        rows.append(
            BasePriceRow(product.pk, unit_id, row.values.get("price"), row.values.get("cost"))
        )
    if errors:
        raise PriceChangeInvalid(_("Some rows are not valid; nothing was loaded."), fields=errors)
    try:
        return base_prices_load(
            actor=actor, rows=rows, valid_from=valid_from, source=f"xlsx {filename}"[:100]
        )
    except PriceChangeInvalid as exc:
        # base_prices_load numbers its rows from 1 in the order given: name the sheet rows.
        numbers = [r.number for r in sheet.rows if str(r.values.get("code") or "").strip()]
        fields = {}
        for key, message in exc.fields.items():
            index = int(key.split(".")[1]) - 1 if key.startswith("rows.") else -1
            label = f"row {numbers[index]}" if 0 <= index < len(numbers) else key
            fields[label] = message
        raise PriceChangeInvalid(exc.message, fields=fields) from None
