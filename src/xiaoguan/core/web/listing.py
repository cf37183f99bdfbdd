"""Helpers every list page shares: the sortable column headers (which key a click sorts by,
which column is active and in which direction)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def sort_columns(sort: str, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    """For each sortable column key: the sort a click on its header asks for (the reverse
    when it is the current one), whether it is the active column and whether descending."""
    return {
        key: {
            "sort": f"-{key}" if sort == key else key,
            "active": sort.lstrip("-") == key,
            "desc": sort == f"-{key}",
        }
        for key in keys
    }
