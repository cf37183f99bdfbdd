"""Sections that higher parts add to a lower part's detail page (a contract's orders and
collection plan, an order's shipments): the lower part keeps a :class:`PageSections` and
renders ``sections_for(request, record)``; each higher part registers, from its
``AppConfig.ready()``, a function ``section(request, record) -> str`` giving the section's
HTML (rendered with ``render_to_string(..., request=request)``), or "" when it has nothing to
show for this record and user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

Section = Callable[[Any, Any], str]


class PageSections:
    def __init__(self) -> None:
        self._sections: list[Section] = []

    def register(self, section: Section) -> Section:
        if section not in self._sections:
            self._sections.append(section)
        return section

    def sections_for(self, request: Any, record: Any) -> list[SafeString]:
        """The sections' HTML for ``record`` as ``request.user`` sees it, in registration
        order."""
        out = []
        for section in self._sections:
            html = section(request, record)
            if html:
                out.append(mark_safe(html))  # noqa: S308 - rendered by the section's template
        return out
