"""Readable document numbers ``PREFIX-YEAR-NNNNNN`` (R-X-3).

The sequence row is incremented with one atomic upsert inside the caller's transaction:
concurrent callers serialise on the row, a rolled-back caller gives its number back, and
no number is ever issued twice. Works on PostgreSQL and SQLite (>= 3.35).
"""

from __future__ import annotations

import re

from django.db import connection, transaction
from django.utils import timezone

from xiaoguan.core.models import Sequence

_PREFIX = re.compile(r"^[A-Z]{1,8}$")


def next_number(*, prefix: str, year: int | None = None, width: int = 6) -> str:
    """Issue the next number for ``prefix`` in ``year`` (default: this year, local time)."""
    if not _PREFIX.match(prefix):
        raise ValueError(f"Number prefixes are 1-8 capital letters, not {prefix!r}")
    year = year or timezone.localdate().year
    table = connection.ops.quote_name(Sequence._meta.db_table)
    sql = (
        f"INSERT INTO {table} (prefix, year, last) VALUES (%s, %s, 1) "  # noqa: S608 - table name is ours
        f"ON CONFLICT (prefix, year) DO UPDATE SET last = {table}.last + 1 RETURNING last"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [prefix, year])
        (last,) = cursor.fetchone()
    return f"{prefix}-{year}-{last:0{width}d}"
