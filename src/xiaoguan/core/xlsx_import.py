"""Safe reading of an uploaded xlsx for imports (R-X-5): no business terms here.

    sheet = xlsx_read(
        upload,                                     # a file object (or bytes)
        columns=[Column("name", aliases=("客户名称", "Customer name"), required=True), ...],
        max_rows=20_000,
    )
    for row in sheet.rows:                          # header-mapped, with spreadsheet row numbers
        row.number, row.values["name"]

Refused with :class:`XlsxRejected` (a 422 with a translated message saying what and where):
a file over ``max_bytes`` (checked before unpacking); not a zip / not a workbook; a zip with
too many entries or too much declared uncompressed data (zip bomb); missing, unknown or
repeated header columns (named); merged cells (their range); formulas (the first cells);
more data rows than ``max_rows`` (found while streaming, without reading the rest).

Parsing: openpyxl in read-only mode streams the sheet; with ``defusedxml`` installed (a
project dependency) openpyxl parses every part through defusedxml, so entity expansion and
external entities are refused. Merged ranges are found by a byte scan of the sheet part
(read-only worksheets do not expose them); the scan reads the part in chunks.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import secrets
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoguan.core.errors import ValidationFailed

MAX_BYTES = 10 * 1024 * 1024  # the upload itself
MAX_ENTRIES = 500  # files inside the zip
MAX_UNCOMPRESSED = 256 * 1024 * 1024  # declared total of the unpacked parts
MAX_RATIO = 500  # declared uncompressed / compressed size of one large part
DEFAULT_MAX_ROWS = 20_000
MAX_COLUMNS = 100
_FORMULA_REPORT = 5  # how many formula cells the message names
_MERGE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref=\"([A-Z]+\d+(?::[A-Z]+\d+)?)\""
)
_XLSX_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
)


class XlsxRejected(ValidationFailed):
    """The uploaded file cannot be imported as it is; the message says why and where."""

    code = "xlsx_rejected"

    def default_message(self) -> Any:
        return gettext_lazy("This file cannot be imported.")


@dataclass(frozen=True)
class Column:
    """One expected column: ``key`` (what the caller reads), the header texts accepted for it
    (compared without case and spaces; the key itself is always accepted)."""

    key: str
    aliases: Sequence[str] = ()
    required: bool = False


@dataclass(frozen=True)
class Row:
    number: int  # the spreadsheet's row number (the header is row 1)
    values: dict[str, Any]


@dataclass
class Sheet:
    title: str
    columns: list[str]  # the keys found, in the file's order
    rows: list[Row] = field(default_factory=list)


def _header_key(text: Any) -> str:
    return re.sub(r"[\s*＊]+", "", str(text or "")).casefold()


def _cell_value(value: Any) -> Any:
    """Text stripped (blank → None); whole floats as ints (a phone typed as a number);
    dates and times as they are."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise XlsxRejected(
            _("This is not an Excel workbook (.xlsx). Save the file as .xlsx and try again.")
        ) from None
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise XlsxRejected(_("This file has too many parts to be a plain workbook."))
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise XlsxRejected(_("This file unpacks to far more data than a workbook holds."))
    if total > MAX_UNCOMPRESSED:
        raise XlsxRejected(_("This file unpacks to far more data than a workbook holds."))
    try:
        types = archive.read("[Content_Types].xml")
    except KeyError:
        raise XlsxRejected(
            _("This is not an Excel workbook (.xlsx). Save the file as .xlsx and try again.")
        ) from None
    if not any(t.encode() in types for t in _XLSX_TYPES):
        raise XlsxRejected(
            _("This is not an Excel workbook (.xlsx). Save the file as .xlsx and try again.")
        )
    return archive


def _merged_ranges(archive: zipfile.ZipFile, part: str) -> list[str]:
    """``ref`` of every <mergeCell> of the sheet part, by a chunked byte scan."""
    found: list[str] = []
    tail = b""
    try:
        stream = archive.open(part.lstrip("/"))
    except KeyError:
        return found
    with stream:
        while True:
            chunk = stream.read(1024 * 1024)
            if not chunk:
                break
            buf = tail + chunk
            last_end = 0
            for match in _MERGE.finditer(buf):
                found.append(match.group(1).decode())
                last_end = match.end()
            tail = buf[max(last_end, len(buf) - 512) :]
            if len(found) >= 20:
                break
    return found


_DIMENSION = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref=\"[A-Z]*\d*:?[A-Z]+(\d+)\""
)


def _declared_last_row(archive: zipfile.ZipFile, part: str) -> int | None:
    """The last row of the sheet's <dimension>, read from the start of the part."""
    try:
        with archive.open(part.lstrip("/")) as stream:
            head = stream.read(4096)
    except KeyError:
        return None
    match = _DIMENSION.search(head)
    return int(match.group(1)) if match else None


def xlsx_read(
    upload: IO[bytes] | bytes,
    *,
    columns: Sequence[Column],
    max_rows: int = DEFAULT_MAX_ROWS,
    max_bytes: int = MAX_BYTES,
) -> Sheet:
    """The first worksheet of an uploaded workbook as header-mapped rows, or XlsxRejected."""
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if isinstance(size, int) and size > max_bytes:
            raise _too_big(max_bytes)
        data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_big(max_bytes)
    if not data:
        raise XlsxRejected(_("The file is empty."))
    archive = _open_zip(data)

    from openpyxl import load_workbook

    try:
        # data_only=False: a formula is read as its text ("=SUM(...)"), so it can be refused.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file
        raise XlsxRejected(
            _("This workbook cannot be read; it may be damaged. Save it again as .xlsx.")
        ) from None
    try:
        if not book.worksheets:
            raise XlsxRejected(_("The workbook has no worksheet."))
        sheet = book.worksheets[0]
        part = getattr(sheet, "_worksheet_path", "")
        # The declared size, when present, refuses a huge sheet before any row is read.
        # (Not ``sheet.max_row``: without a declaration openpyxl would parse every row.)
        declared = _declared_last_row(archive, part)
        if declared is not None and declared - 1 > max_rows:
            raise _too_many(max_rows)
        merged = _merged_ranges(archive, part)
        if merged:
            raise XlsxRejected(
                _(
                    "The sheet has merged cells (%(ranges)s). Unmerge them and fill every "
                    "cell, then upload again."
                )
                % {"ranges": ", ".join(merged[:10])}
            )
        return _read_rows(sheet, columns=columns, max_rows=max_rows)
    finally:
        book.close()


def _too_big(max_bytes: int) -> XlsxRejected:
    return XlsxRejected(
        _("The file is larger than %(mb)s MB. Split it into smaller files.")
        % {"mb": max_bytes // (1024 * 1024)}
    )


def _map_header(header: Sequence[Any], columns: Sequence[Column]) -> dict[int, str]:
    lookup: dict[str, str] = {}
    for column in columns:
        for alias in (column.key, *column.aliases):
            lookup[_header_key(alias)] = column.key
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for index, text in enumerate(header):
        if text is None or not str(text).strip():
            continue
        key = lookup.get(_header_key(text))
        if key is None:
            unknown.append(str(text).strip())
        elif key in mapping.values():
            repeated.append(str(text).strip())
        else:
            mapping[index] = key
    missing = [
        (c.aliases[0] if c.aliases else c.key)
        for c in columns
        if c.required and c.key not in mapping.values()
    ]
    problems = []
    if missing:
        problems.append(_("missing column(s): %(names)s") % {"names": "、".join(missing)})
    if unknown:
        problems.append(_("unknown column(s): %(names)s") % {"names": "、".join(unknown[:10])})
    if repeated:
        problems.append(_("repeated column(s): %(names)s") % {"names": "、".join(repeated)})
    if problems:
        raise XlsxRejected(
            _(
                "The first row must hold the template's column headers: %(problems)s. "
                "Download the template and copy your data into it."
            )
            % {"problems": "; ".join(problems)},
            extra={"missing": missing, "unknown": unknown[:10], "repeated": repeated},
        )
    return mapping


def _read_rows(sheet: Any, *, columns: Sequence[Column], max_rows: int) -> Sheet:
    rows_iter = sheet.iter_rows(values_only=True)
    header: Sequence[Any] = ()
    for values in rows_iter:
        header = values or ()
        break
    if not any(v is not None and str(v).strip() for v in header):
        raise XlsxRejected(_("The first row of the sheet must hold the column headers."))
    mapping = _map_header(header[:MAX_COLUMNS], columns)
    out = Sheet(title=str(sheet.title), columns=list(mapping.values()))
    formulas: list[str] = []
    count = 0
    from openpyxl.utils import get_column_letter

    for number, values in enumerate(rows_iter, start=2):
        if not values:
            continue
        for index, raw in enumerate(values):
            if isinstance(raw, str) and raw.startswith("="):
                formulas.append(f"{get_column_letter(index + 1)}{number}")
        if len(formulas) >= _FORMULA_REPORT:
            break
        row = {
            key: _cell_value(values[i] if i < len(values) else None) for i, key in mapping.items()
        }
        if all(v is None for v in row.values()):
            continue
        count += 1
        if count > max_rows:
            raise _too_many(max_rows)
        out.rows.append(Row(number=number, values=row))
    if formulas:
        raise XlsxRejected(
            _(
                "The sheet contains formulas (%(cells)s). Replace them with their values "
                "(copy, paste as values) and upload again."
            )
            % {"cells": ", ".join(formulas[:_FORMULA_REPORT])},
            extra={"cells": formulas[:_FORMULA_REPORT]},
        )
    if not out.rows:
        raise XlsxRejected(_("The sheet has no data rows under the header."))
    return out


def _too_many(max_rows: int) -> XlsxRejected:
    return XlsxRejected(
        _("The sheet has more than %(n)s data rows. Split it into files of at most %(n)s rows.")
        % {"n": f"{max_rows:,}"}
    )


# --- keeping an upload between the dry run and the import --------------------------------

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_HOURS = 24


def _keep_dir(owner_key: str) -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "imports" / re.sub(r"[^0-9A-Za-z_-]", "_", owner_key)


def upload_keep(data: bytes, *, owner_key: str) -> str:
    """Store an uploaded file under ``var/imports/<owner_key>/`` with a random name and return
    that name (the token a page posts back). Files older than a day are removed meanwhile."""
    folder = _keep_dir(owner_key)
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_HOURS * 3600
    for old in folder.glob("*.xlsx"):
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < cutoff:
                old.unlink()
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.xlsx").write_bytes(data)
    return token


def upload_load(token: str, *, owner_key: str) -> bytes:
    """The file kept under ``token`` for this owner; XlsxRejected when unknown or expired
    (another user's token is unknown: the folder is the owner's)."""
    path = _keep_dir(owner_key) / f"{token}.xlsx"
    if not _TOKEN.match(token or "") or not path.is_file():
        raise XlsxRejected(_("The uploaded file is no longer available. Upload it again."))
    if path.stat().st_mtime < time.time() - KEEP_HOURS * 3600:
        raise XlsxRejected(_("The uploaded file is no longer available. Upload it again."))
    return path.read_bytes()


def upload_discard(token: str, *, owner_key: str) -> None:
    if _TOKEN.match(token or ""):
        with contextlib.suppress(OSError):
            (_keep_dir(owner_key) / f"{token}.xlsx").unlink()
