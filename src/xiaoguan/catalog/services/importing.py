"""Excel import of products (R-X-5): a row per product, matched by its code: a new code is a
new product, a known code updates that product. The dry run lists every bad row with the
reason and writes nothing; the import checks the whole file again and writes it in one
transaction (all or nothing).

Each row goes through the same services as the product form (``product_create`` /
``product_update`` / ``product_deactivate`` / ``product_activate``), so a row is refused for
exactly the reasons the form would refuse it. The dry run runs those writes in a
transaction it rolls back, so what it reports is what the import will do.

The export (:data:`COLUMNS`, :func:`export_row`) writes the same columns, so an exported
file can be edited and imported again.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoguan.catalog.models import Product, ProductCategory, Unit
from xiaoguan.catalog.services.products import (
    ProductData,
    ProductUnitData,
    product_activate,
    product_create,
    product_deactivate,
    product_update,
)
from xiaoguan.core.audit import audit_event_record
from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.models import AuditKind
from xiaoguan.core.xlsx_import import Column, Sheet, xlsx_read
from xiaoguan.org.models import User

MAX_ROWS = 5000
MAX_PROBLEMS = 1000
_YES = {"是", "y", "yes", "true", "1", "√", "✓", "需要", "启用"}
_NO = {"否", "n", "no", "false", "0", "×", "不需要", "停用"}
_UNIT_SPLIT = re.compile(r"[、,，;；\n]+")
_UNIT_PAIR = re.compile(r"^\s*(?:1\s*)?(?P<unit>[^=＝:：]+?)\s*[=＝:：]\s*(?P<factor>[^=＝]+?)\s*$")


class ImportInvalid(ApplicationError):
    """The file has bad rows; ``extra["errors"]`` lists them (row, column, message)."""

    code = "import_invalid"
    status = 422

    def default_message(self) -> Any:
        return gettext_lazy("Some rows cannot be imported; nothing was imported.")


@dataclass(frozen=True)
class ImportColumn:
    key: str
    label: Any  # translated header (English msgid)
    zh: str  # the template's Chinese header, always accepted
    required: bool = False
    note: Any = ""
    example: Any = ""


COLUMNS: tuple[ImportColumn, ...] = (
    ImportColumn(
        "code",
        gettext_lazy("product code"),
        "产品编码",
        True,
        gettext_lazy("Unique. A known code updates that product, a new code adds one."),
        "MFZ-ABC4",
    ),
    ImportColumn("name", gettext_lazy("product name"), "产品名称", True, "", "手提式干粉灭火器"),
    ImportColumn("model", gettext_lazy("model"), "型号", example="MFZ/ABC4"),
    ImportColumn("spec", gettext_lazy("specification"), "规格", example="4kg ABC 干粉"),
    ImportColumn(
        "category",
        gettext_lazy("category"),
        "类别",
        True,
        gettext_lazy("Code or name of a product category."),
        "干粉灭火器",
    ),
    ImportColumn(
        "unit",
        gettext_lazy("base unit"),
        "基本单位",
        True,
        gettext_lazy("Code or name of a unit."),
        "具",
    ),
    ImportColumn(
        "other_units",
        gettext_lazy("other units"),
        "其他单位",
        note=gettext_lazy(
            "Other units with how many base units each holds, e.g. 箱=4、托=48. "
            "Empty: none (an update removes the others)."
        ),
        example="箱=4",
    ),
    ImportColumn(
        "needs_installation",
        gettext_lazy("needs installation"),
        "需要安装",
        note=gettext_lazy("是 / 否 (empty: 否)."),
        example="否",
    ),
    ImportColumn(
        "warranty_months",
        gettext_lazy("warranty (months)"),
        "质保期(月)",
        note=gettext_lazy("Empty: 12."),
        example="12",
    ),
    ImportColumn(
        "inspection_cycle_months",
        gettext_lazy("inspection cycle (months)"),
        "巡检周期(月)",
        example="12",
    ),
    ImportColumn(
        "service_life_years", gettext_lazy("service life (years)"), "使用年限(年)", example="10"
    ),
    ImportColumn("description", gettext_lazy("description"), "描述"),
    ImportColumn(
        "active",
        gettext_lazy("active"),
        "启用",
        note=gettext_lazy("是 / 否 (empty: 是)."),
        example="是",
    ),
)
_BY_KEY = {c.key: c for c in COLUMNS}
# The service names data fields; the report names the file's columns.
_FIELD_COLUMN = {
    "category_id": "category",
    "unit_id": "unit",
    "units": "other_units",
}


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str  # the column's header (translated), "" for the whole row
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    rows: int
    problems: list[RowProblem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "dry_run": self.dry_run,
            "errors": [p.as_dict() for p in self.problems],
        }


class _DryRunDone(Exception):
    """Raised at the end of a dry run to roll its writes back."""


def _sheet_columns() -> list[Column]:
    out = []
    for c in COLUMNS:
        with translation.override("en"):
            english = str(c.label)
        out.append(Column(c.key, aliases=(c.zh, english, str(c.label)), required=c.required))
    return out


def _label(key: str) -> str:
    column = _BY_KEY.get(_FIELD_COLUMN.get(key, key))
    return str(column.label) if column else ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float | Decimal) and value == int(value):
        return str(int(value))
    return str(value).strip()


class _Lookups:
    """Categories and units by code (any case) or name, read once per file."""

    def __init__(self) -> None:
        self.categories = list(ProductCategory.objects.all())
        self.units = list(Unit.objects.all())

    @staticmethod
    def _find(rows: Sequence[Any], text: str) -> tuple[Any, bool]:
        by_code = [r for r in rows if r.code.casefold() == text.casefold()]
        if by_code:
            return by_code[0], False
        by_name = [r for r in rows if r.name == text]
        return (by_name[0] if len(by_name) == 1 else None), len(by_name) > 1

    def category(self, text: str) -> tuple[ProductCategory | None, str]:
        found, ambiguous = self._find(self.categories, text)
        if ambiguous:
            return None, _("Several categories have this name; give the category's code.")
        if found is None:
            return None, _("No category with this code or name.")
        return found, ""

    def unit(self, text: str) -> tuple[Unit | None, str]:
        found, _ambiguous = self._find(self.units, text)
        if found is None:
            return None, _("No unit with this code or name: %(unit)s.") % {"unit": text}
        return found, ""


def _flag(value: Any, *, default: bool) -> bool | None:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = _text(value).casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def _other_units(text: str, lookups: _Lookups) -> tuple[list[ProductUnitData], str]:
    out: list[ProductUnitData] = []
    for part in _UNIT_SPLIT.split(text):
        if not part.strip():
            continue
        match = _UNIT_PAIR.match(part)
        if match is None:
            return [], _("Write other units as 箱=4、托=48 (unit = base units it holds).")
        unit, problem = lookups.unit(match["unit"].strip())
        if unit is None:
            return [], problem
        out.append(ProductUnitData(unit_id=unit.pk, factor=match["factor"].strip()))
    return out, ""


@dataclass
class _Row:
    number: int
    code: str
    data: ProductData | None
    units: list[ProductUnitData]
    active: bool


def _parse(sheet: Sheet, lookups: _Lookups, problems: list[RowProblem]) -> list[_Row]:
    """Each row's values as service input; problems of the cells themselves (unknown
    category, a yes/no that is neither, a code twice in the file)."""

    def add(row: int, key: str, message: Any) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(RowProblem(row=row, column=_label(key), message=str(message)))

    seen: dict[str, int] = {}
    out: list[_Row] = []
    for row in sheet.rows:
        v = row.values
        n = row.number
        bad = False
        code = _text(v.get("code"))
        if code:
            first = seen.get(code.casefold())
            if first is not None:
                add(n, "code", _("The code is also on row %(row)s.") % {"row": first})
                bad = True
            else:
                seen[code.casefold()] = n
        category, problem = (None, "")
        if _text(v.get("category")):
            category, problem = lookups.category(_text(v.get("category")))
            if problem:
                add(n, "category", problem)
                bad = True
        unit = None
        if _text(v.get("unit")):
            unit, problem = lookups.unit(_text(v.get("unit")))
            if problem:
                add(n, "unit", problem)
                bad = True
        units, problem = _other_units(_text(v.get("other_units")), lookups)
        if problem:
            add(n, "other_units", problem)
            bad = True
        installation = _flag(v.get("needs_installation"), default=False)
        active = _flag(v.get("active"), default=True)
        for key, flag in (("needs_installation", installation), ("active", active)):
            if flag is None:
                add(n, key, _("Write 是 or 否."))
                bad = True
        warranty = v.get("warranty_months")
        data = ProductData(
            code=code,
            name=_text(v.get("name")),
            model=_text(v.get("model")),
            spec=_text(v.get("spec")),
            category_id=category.pk if category else 0,
            unit_id=unit.pk if unit else 0,
            needs_installation=bool(installation),
            warranty_months=12 if warranty in (None, "") else warranty,
            inspection_cycle_months=v.get("inspection_cycle_months"),
            service_life_years=v.get("service_life_years"),
            description=_text(v.get("description")),
        )
        out.append(_Row(n, code, None if bad else data, units, bool(active)))
    return out


def _write(actor: User, rows: list[_Row], problems: list[RowProblem]) -> tuple[int, int]:
    """Every good row through the product services, each in a savepoint so that one bad
    row is reported and the others still checked. The caller decides whether to keep it."""
    created = updated = 0
    # A code differing only in case is the same product (codes are unique in any case).
    existing = {p.code.casefold(): p.pk for p in Product.objects.only("pk", "code")}
    for row in rows:
        if row.data is None:
            continue
        product_id = existing.get(row.code.casefold())
        try:
            with transaction.atomic():
                if product_id is None:
                    product = product_create(actor=actor, data=row.data, units=row.units)
                    created += 1
                else:
                    product = product_update(
                        actor=actor, product_id=product_id, data=row.data, units=row.units
                    )
                    updated += 1
                if row.active and not product.is_active:
                    product_activate(actor=actor, product_id=product.pk)
                elif not row.active and product.is_active:
                    product_deactivate(actor=actor, product_id=product.pk, reason=_("import"))
        except ApplicationError as exc:
            if exc.fields:
                for key, msg in exc.fields.items():
                    for m in msg if isinstance(msg, list | tuple) else [msg]:
                        problems.append(RowProblem(row.number, _label(key), str(m)))
            else:
                problems.append(RowProblem(row.number, "", str(exc.message)))
    return created, updated


def import_read(*, upload: IO[bytes] | bytes) -> Sheet:
    """The uploaded file read safely against the columns (XlsxRejected otherwise)."""
    return xlsx_read(upload, columns=_sheet_columns(), max_rows=MAX_ROWS)


def _run(actor: User, sheet: Sheet) -> ImportResult:
    problems: list[RowProblem] = []
    lookups = _Lookups()
    rows = _parse(sheet, lookups, problems)
    created, updated = _write(actor, rows, problems)
    problems.sort(key=lambda p: p.row)
    return ImportResult(
        rows=len(sheet.rows), problems=problems[:MAX_PROBLEMS], created=created, updated=updated
    )


def import_dry_run(*, actor: User, upload: IO[bytes] | bytes) -> ImportResult:
    """Check every row as the import would (by doing it and rolling it back): the bad rows
    with reasons, and how many products would be added and updated. Writes nothing."""
    sheet = import_read(upload=upload)
    result: ImportResult | None = None
    try:
        with transaction.atomic():
            result = _run(actor, sheet)
            raise _DryRunDone
    except _DryRunDone:
        pass
    assert result is not None
    result.dry_run = True
    return result


@transaction.atomic
def import_run(*, actor: User, upload: IO[bytes] | bytes, request: Any = None) -> ImportResult:
    """Import the file in one transaction, after checking it again in full (a file is never
    trusted because an earlier dry run passed): any bad row refuses the whole file."""
    sheet = import_read(upload=upload)
    result = _run(actor, sheet)
    if result.problems:
        raise ImportInvalid(
            extra={"errors": [p.as_dict() for p in result.problems], "rows": result.rows}
        )
    audit_event_record(
        kind=AuditKind.IMPORT,
        actor=actor,
        request=request,
        summary=f"catalog.products: {result.created} + {result.updated}",
        detail={
            "what": "catalog.products",
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
        },
    )
    result.dry_run = False
    return result


# --- the template and the export ----------------------------------------------------------


def other_units_text(product: Product) -> str:
    """ "箱=4、托=48": the other units as the import reads them."""
    return "、".join(f"{pu.unit.name}={pu.factor.normalize():f}" for pu in product.units.all())


def export_columns() -> list[tuple[Any, Any]]:
    """The export's columns: the import's headers, so an export can be imported again."""
    yes, no = "是", "否"
    return [
        ("产品编码", "code"),
        ("产品名称", "name"),
        ("型号", "model"),
        ("规格", "spec"),
        ("类别", "category__name"),
        ("基本单位", "unit__name"),
        ("其他单位", other_units_text),
        ("需要安装", lambda p: yes if p.needs_installation else no),
        ("质保期(月)", "warranty_months"),
        ("巡检周期(月)", "inspection_cycle_months"),
        ("使用年限(年)", "service_life_years"),
        ("描述", "description"),
        ("启用", lambda p: yes if p.is_active else no),
    ]


def import_template() -> bytes:
    """The template: the Chinese headers on the first sheet (what the import reads; English
    headers and the column keys are accepted too), and a second sheet with each column's
    English header, key, whether it is required, notes and an example value."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "数据"
    sheet.append([c.zh for c in COLUMNS])
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    for index, c in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(
            12, len(c.zh) * 2 + 4
        )
    notes = book.create_sheet("说明")
    notes.append([_("column"), "English", "key", _("required"), _("notes"), _("example")])
    for cell in notes[1]:
        cell.font = bold
    for c in COLUMNS:
        with translation.override("en"):
            english = str(c.label)
        notes.append(
            [c.zh, english, c.key, _("yes") if c.required else "", str(c.note), str(c.example)]
        )
    for letter, width in zip("ABCDEF", (16, 24, 22, 8, 60, 28), strict=True):
        notes.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
