"""The sidebar: apps register their modules with the right a user needs to see them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any
    url_name: str
    icon: str = "circle"
    right: str | None = None  # None: every signed-in user
    order: int = 100
    section: Any = ""
    # A count shown beside the entry (open department tasks, say): the URL name of a view
    # answering the badge's HTML. The page fetches it after loading, so a count costs no
    # query in the page's own request.
    badge_url_name: str | None = None


_items: dict[str, NavItem] = {}


def register(item: NavItem) -> NavItem:
    _items[item.key] = item
    return item


@cache
def _url(url_name: str) -> str:
    """Sidebar addresses do not depend on the request; resolve each once per process."""
    return reverse(url_name)


def items_for(user, path: str = "") -> list[dict[str, Any]]:
    """The sidebar entries the user may use; the one whose address is the longest prefix of
    the current path is marked active (``/org/employees/`` is Employees, not the org tree)."""
    if user is None or not user.is_authenticated:
        return []
    out = []
    for item in sorted(_items.values(), key=lambda i: (i.order, i.key)):
        if item.right is None or user.has_right(item.right):
            out.append(
                {
                    "key": item.key,
                    "label": item.label,
                    "url": _url(item.url_name),
                    "icon": item.icon,
                    "section": item.section,
                    "badge_url": _url(item.badge_url_name) if item.badge_url_name else "",
                    "active": False,
                }
            )
    matches = [entry for entry in out if path and path.startswith(entry["url"])]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["active"] = True
    return out


@dataclass(frozen=True)
class DashboardPanel:
    """A panel on the home page; ``render(request)`` returns a context dict or None to hide it."""

    key: str
    template: str
    render: Any
    order: int = 100


_panels: dict[str, DashboardPanel] = {}


def register_panel(panel: DashboardPanel) -> DashboardPanel:
    _panels[panel.key] = panel
    return panel


def panels() -> list[DashboardPanel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.key))
