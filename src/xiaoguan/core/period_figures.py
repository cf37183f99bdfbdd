"""Figures of one person's period (a week): an extension point for the weekly report
(R-TGT-5).

Apps on the same layer may not import each other (``sales`` and ``activities``), so the
registry lives here: each app registers a provider in ``AppConfig.ready()``::

    period_figures.register("sales.opportunities", provider)

where ``provider(user, start, end) -> list[tuple[label, value]]`` gives the person's figures
for the dates ``start``..``end`` (inclusive). The weekly report collects them in key order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

Provider = Callable[[Any, date, date], list[tuple[Any, Any]]]

_providers: dict[str, Provider] = {}


def register(key: str, provider: Provider) -> Provider:
    _providers[key] = provider
    return provider


def collect(user: Any, start: date, end: date) -> list[tuple[str, Any]]:
    """Every registered provider's figures, labels as text (in the active language)."""
    out: list[tuple[str, Any]] = []
    for key in sorted(_providers):
        for label, value in _providers[key](user, start, end):
            out.append((str(label), value))
    return out
