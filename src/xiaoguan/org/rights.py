"""The rights registry. Each app registers the rights its pages and endpoints need, with the
built-in roles that get them by default (SPEC.md §1); role definitions are editable."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Right:
    code: str
    label: Any
    group: Any
    default_roles: tuple[str, ...] = field(default_factory=tuple)


_registry: dict[str, Right] = {}


def register(right: Right) -> Right:
    if right.code in _registry and _registry[right.code] != right:
        raise ValueError(f"Right {right.code} is registered twice")
    _registry[right.code] = right
    return right


def all_rights() -> list[Right]:
    return list(_registry.values())


def is_known(code: str) -> bool:
    return code in _registry


ALL_STAFF = (
    "management",
    "sales_director",
    "sales_manager",
    "sales_rep",
    "sales_assistant",
    "legal",
    "finance",
    "logistics",
    "after_sales",
    "marketing",
    "hr",
)

# Everyone who works in a department that receives tasks (R-ORG-4): all staff and the
# production and technical departments' roles, which have no other rights by default.
TASK_STAFF = (*ALL_STAFF, "production", "technical")


def register_org_rights() -> None:
    group = _("Organisation")
    register(Right("org.view", _("See the org tree and the employee directory"), group, ALL_STAFF))
    register(
        Right(
            "org.manage",
            _("Edit departments, employees and roles; hand over"),
            group,
            ("management", "hr"),
        )
    )
    register(Right("audit.view", _("See the audit trail"), _("Administration"), ("management",)))
    register(Right("policy.view", _("See the policy in force"), _("Administration"), ALL_STAFF))
    register(
        Right(
            "policy.manage", _("Change the policy in force"), _("Administration"), ("management",)
        )
    )
    register(
        Right(
            "org.tasks",
            _("See the department task inbox and complete the department's tasks"),
            group,
            TASK_STAFF,
        )
    )
    register(
        Right("api.use", _("Use the API with personal tokens"), _("Administration"), ALL_STAFF)
    )
