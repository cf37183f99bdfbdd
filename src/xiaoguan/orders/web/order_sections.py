"""Sections other parts add to the order page (the shipping part's plans, shipments and
exceptions, for one): each registers a function ``section(request, order) -> str`` giving
the section's HTML (rendered with ``render_to_string(..., request=request)``), or "" when it
has nothing to show for this order and user::

    from xiaoguan.orders.web import order_sections

    order_sections.register(order_section)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

Section = Callable[[Any, Any], str]
_sections: list[Section] = []


def register(section: Section) -> Section:
    if section not in _sections:
        _sections.append(section)
    return section


def sections_for(request: Any, order: Any) -> list[SafeString]:
    """The sections' HTML for ``order`` as ``request.user`` sees it, in registration order."""
    out = []
    for section in _sections:
        html = section(request, order)
        if html:
            out.append(mark_safe(html))  # noqa: S308 - rendered by the section's template
    return out
