"""Core pages: home, inbox, policy in force, audit trail."""

from __future__ import annotations


def register_navigation() -> None:
    from django.utils.translation import gettext_lazy as _

    from xiaoguan.core.navigation import NavItem, register

    section = _("Administration")
    register(
        NavItem(
            key="core.policy",
            label=_("Policy in force"),
            url_name="policy",
            icon="journal-text",
            right="policy.view",
            order=900,
            section=section,
        )
    )
    register(
        NavItem(
            key="core.audit",
            label=_("Audit trail"),
            url_name="audit",
            icon="shield-check",
            right="audit.view",
            order=910,
            section=section,
        )
    )
