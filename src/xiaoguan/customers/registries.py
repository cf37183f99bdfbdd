"""Extension points the customer app offers to the parts of issue 3 and to higher apps.

``detail_sections``: a panel on the customer page. A part registers it once in its setup::

    register_detail_section(DetailSection(
        key="visits", order=40, template="activities/_customer_visits.html",
        context=lambda customer, user: {"visits": visits_for(customer, user)},
        right="activities.view",            # hidden without the right
        column="main",                      # "main" (left, wide) or "side" (right)
    ))

The context function receives a customer the user may see (scope already applied) and
must itself keep to the user's scope and rights for what it adds.

``customer_merged``: handlers called inside the merge transaction as
``handler(source=..., target=..., actor=...)`` to move a higher app's rows from the merged
duplicate to the surviving customer (visits, opportunities...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DetailSection:
    key: str
    order: int
    template: str
    context: Callable[[Any, Any], dict[str, Any]]
    right: str | None = None
    column: str = "main"


_sections: dict[str, DetailSection] = {}
_merge_handlers: list[Callable[..., Any]] = []


def register_detail_section(section: DetailSection) -> DetailSection:
    _sections[section.key] = section
    return section


def detail_sections(user: Any) -> list[DetailSection]:
    return sorted(
        (s for s in _sections.values() if s.right is None or user.has_right(s.right)),
        key=lambda s: (s.order, s.key),
    )


def register_merge_handler(handler: Callable[..., Any]) -> Callable[..., Any]:
    if handler not in _merge_handlers:
        _merge_handlers.append(handler)
    return handler


def merge_handlers() -> list[Callable[..., Any]]:
    return list(_merge_handlers)
