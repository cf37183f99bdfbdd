"""Extension points the org app offers to higher apps.

``handover_handlers``: called inside the handover transaction after owned records moved,
as ``handler(from_employee=..., to_employee=..., actor=...) -> dict[str, int]`` (label → count
of what the handler moved, e.g. pending approval tasks). Register in ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

HandoverHandler = Callable[..., dict[str, int]]

handover_handlers: list[HandoverHandler] = []


def register_handover_handler(handler: HandoverHandler) -> HandoverHandler:
    if handler not in handover_handlers:
        handover_handlers.append(handler)
    return handler


def run_handover_handlers(**kwargs: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for handler in handover_handlers:
        counts.update(handler(**kwargs) or {})
    return counts
