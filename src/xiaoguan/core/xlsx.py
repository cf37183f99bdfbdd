"""Excel export of every list (R-X-5): one helper, streamed, formula-safe and audited.

    return xlsx_response(
        filename="customers.xlsx", sheet_title=_("Customers"),
        columns=[(_("Name"), "name"), (_("Credit limit"), lambda c: c.credit_limit)],
        rows=customer_list(user=request.user, ...), actor=request.user, request=request,
        what="customers",
    )

Money (``Decimal``) is written as a number with a ``#,##0.00`` format, dates as dates;
text that a spreadsheet would read as a formula (``= + - @``, tab, CR at the start) gets a
leading apostrophe. Every export is an ``AuditKind.EXPORT`` event with what and how many rows.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from xiaoguan.core.audit import audit_event_record
from xiaoguan.core.models import AuditKind

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))

Accessor = str | Callable[[Any], Any]


def safe_text(value: str) -> str:
    """Neutralise text a spreadsheet would run as a formula (OWASP CSV/formula injection)."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _get(row: Any, accessor: Accessor) -> Any:
    if callable(accessor):
        return accessor(row)
    value: Any = row
    for part in accessor.split("__"):
        if value is None:
            return None
        value = value.get(part) if isinstance(value, dict) else getattr(value, part)
        if callable(value) and not hasattr(value, "all"):
            value = value()
    return value


def _cell(sheet: Any, value: Any) -> Any:
    """One cell with the right type and number format."""
    if value is None:
        return WriteOnlyCell(sheet, value=None)
    if isinstance(value, bool):
        return WriteOnlyCell(sheet, value=value)
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = MONEY_FORMAT
        return cell
    if isinstance(value, int | float):
        return WriteOnlyCell(sheet, value=value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return WriteOnlyCell(sheet, value=safe_text(str(value)))


def xlsx_response(
    *,
    filename: str,
    sheet_title: Any,
    columns: Sequence[tuple[Any, Accessor]],
    rows: Iterable[Any],
    actor: Any,
    request: HttpRequest | None,
    what: str,
) -> FileResponse:
    """Write ``rows`` to a one-sheet workbook and answer it as a download; audited."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(
        title=str(sheet_title).translate(_SHEET_FORBIDDEN)[:31] or "Sheet"
    )
    bold = Font(bold=True)
    header = []
    for title, _accessor in columns:
        cell = WriteOnlyCell(sheet, value=safe_text(str(title)))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows.iterator(chunk_size=2000) if hasattr(rows, "iterator") else rows:
        sheet.append([_cell(sheet, _get(row, accessor)) for _title, accessor in columns])
        count += 1
    # A spooled file keeps small exports in memory and large ones on disk.
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by the response
    workbook.save(buffer)
    buffer.seek(0)
    audit_event_record(
        kind=AuditKind.EXPORT,
        actor=actor,
        request=request,
        summary=f"{what}: {count}",
        detail={
            "what": what,
            "rows": count,
            "filename": filename,
            "columns": [str(t) for t, _a in columns],
        },
    )
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
