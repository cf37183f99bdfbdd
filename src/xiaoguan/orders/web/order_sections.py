"""Sections other parts add to the order page (the shipping part's plans, shipments and
exceptions, for one): each registers a function ``section(request, order) -> str`` giving
the section's HTML (rendered with ``render_to_string(..., request=request)``), or "" when it
has nothing to show for this order and user::

    from xiaoguan.orders.web import order_sections

    order_sections.register(order_section)
"""

from __future__ import annotations

from xiaoguan.core.web.sections import PageSections, Section

_page = PageSections()
register = _page.register
sections_for = _page.sections_for

__all__ = ["Section", "register", "sections_for"]
