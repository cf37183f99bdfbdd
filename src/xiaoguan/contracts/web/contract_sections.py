"""Sections higher parts add to the contract page (what happened downstream: the orders and
shipments of the contract, its collection plan, its invoices). The contracts part cannot
import those parts, so each registers, from its ``AppConfig.ready()``, a function
``section(request, contract) -> str`` giving the section's HTML (rendered with
``render_to_string(..., request=request)``), or "" when it has nothing to show for this
contract and user (no right, nothing in the user's scope)::

    from xiaoguan.contracts.web import contract_sections

    contract_sections.register(contract_section)

A section covers the contract's whole family (every version: read it with
``xiaoguan.contracts.selectors.family.in_family``), whichever version the page shows, and
reads a fixed number of queries however many rows it lists."""

from __future__ import annotations

from xiaoguan.core.web.sections import PageSections, Section

_page = PageSections()
register = _page.register
sections_for = _page.sections_for

__all__ = ["Section", "register", "sections_for"]
