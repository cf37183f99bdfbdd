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

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

Section = Callable[[Any, Any], str]
_sections: list[Section] = []


def register(section: Section) -> Section:
    if section not in _sections:
        _sections.append(section)
    return section


def sections_for(request: Any, contract: Any) -> list[SafeString]:
    """The sections' HTML for ``contract`` as ``request.user`` sees it, in registration order."""
    out = []
    for section in _sections:
        html = section(request, contract)
        if html:
            out.append(mark_safe(html))  # noqa: S308 - rendered by the section's template
    return out
