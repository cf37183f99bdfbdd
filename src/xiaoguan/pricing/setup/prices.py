"""Registrations of the prices part of pricing (rights, navigation, the price change approvals
document type), called from ``AppConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SALES_ROLES = ("management", "sales_director", "sales_manager", "sales_rep", "sales_assistant")


def register_rights() -> None:
    from xiaoguan.org import rights

    group = _("Prices")
    rights.register(
        rights.Right(
            "pricing.view",
            _("See list prices and effective prices"),
            group,
            (*SALES_ROLES, "finance", "legal"),
        )
    )
    rights.register(
        rights.Right(
            "pricing.confidential",
            _("See cost prices, floor prices, the discount policy and margins"),
            group,
            ("management", "sales_director", "finance"),
        )
    )
    rights.register(
        rights.Right(
            "pricing.manage",
            _("Propose price changes and promotions"),
            group,
            ("management", "sales_director", "sales_manager"),
        )
    )
    rights.register(
        rights.Right(
            "pricing.policy",
            _("Edit the discount policy and the float ranges; load price lists"),
            group,
            ("management",),
        )
    )


def register() -> None:
    register_rights()
