"""Registrations of the templates part of contracts (R-CON-1): the right of legal to manage
contract templates and its navigation entry; called from ``AppConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from xiaoguan.core import navigation
    from xiaoguan.org import rights

    rights.register(
        rights.Right(
            "contracts.templates",
            _("Manage contract templates and their clauses"),
            _("Contracts"),
            ("legal", "management"),
        )
    )
    navigation.register(
        navigation.NavItem(
            key="contract_templates",
            label=_("Contract templates"),
            url_name="contracts:template_list",
            icon="file-earmark-text",
            right="contracts.templates",
            order=335,
            section=_("Sales"),
        )
    )
