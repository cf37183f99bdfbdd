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


def filters_and_sort(
    form: Any, *, filter_keys: Iterable[str], sorts: Iterable[str], default_sort: str
) -> tuple[dict[str, Any], str]:
    """The filters a valid filter form asks for (only allow-listed keys with a value) and the
    sort (only an allow-listed one); an invalid form filters nothing and sorts by default."""
    if not form.is_valid():
        return {}, default_sort
    data = form.cleaned_data
    filters = {k: data.get(k) for k in filter_keys if data.get(k) not in (None, "")}
    sort = data.get("sort")
    return filters, sort if sort in set(sorts) else default_sort
