"""Registrations of the stock part (rights, policy rules, navigation, the replenishment job),
called from ``AppConfig.ready()``. Stock is master data: no owner, no data scope."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from xiaoguan.core import jobs

VIEW_ROLES = (
    "management",
    "sales_director",
    "sales_manager",
    "sales_rep",
    "sales_assistant",
    "finance",
    "logistics",
    "production",
)
MANAGE_ROLES = ("management", "logistics")

REORDER_HISTORY_DAYS = "catalog.reorder_history_days"
REORDER_LEAD_DAYS = "catalog.reorder_lead_days"
REORDER_SAFETY_DAYS = "catalog.reorder_safety_days"


@jobs.periodic("catalog.stock_reorder_alerts", every=timedelta(hours=6))
@shared_task(name="catalog.stock_reorder_alerts")
def stock_reorder_alerts() -> int:
    from xiaoguan.catalog.services.stock import reorder_alerts_notify

    return reorder_alerts_notify()


def register() -> None:
    from xiaoguan.core import policy
    from xiaoguan.org import rights

    group = _("Orders and shipping")
    rights.register(
        rights.Right(
            "catalog.stock_view",
            _("See stock levels, movements, warehouses and replenishment alerts"),
            group,
            VIEW_ROLES,
        )
    )
    rights.register(
        rights.Right(
            "catalog.stock_manage",
            _("Receive goods, count and transfer stock, manage warehouses and reorder points"),
            group,
            MANAGE_ROLES,
        )
    )
    section = _("Stock")
    for key, label, default, low, high, help_text in (
        (
            REORDER_HISTORY_DAYS,
            _("Reorder point: sales history considered"),
            90,
            7,
            730,
            _("The average daily quantity shipped out is taken over this many past days."),
        ),
        (
            REORDER_LEAD_DAYS,
            _("Reorder point: replenishment lead time"),
            15,
            0,
            365,
            _("Days between ordering goods from the factory and receiving them."),
        ),
        (
            REORDER_SAFETY_DAYS,
            _("Reorder point: safety stock"),
            7,
            0,
            365,
            _("Extra days of sales kept in stock on top of the lead time."),
        ),
    ):
        policy.register(
            policy.PolicyRule(
                key=key,
                section=section,
                label=label,
                kind="int",
                default=default,
                unit=_("days"),
                min_value=low,
                max_value=high,
                spec="R-ORD-3",
                help_text=help_text,
            )
        )
    _register_navigation()


def _register_navigation() -> None:
    from xiaoguan.core.navigation import NavItem
    from xiaoguan.core.navigation import register as register_nav

    section = _("Orders and shipping")
    register_nav(
        NavItem(
            key="stock",
            label=_("Stock"),
            url_name="catalog:stock_levels",
            icon="boxes",
            right="catalog.stock_view",
            order=346,
            section=section,
        )
    )
    register_nav(
        NavItem(
            key="warehouses",
            label=_("Warehouses"),
            url_name="catalog:warehouse_list",
            icon="building",
            right="catalog.stock_view",
            order=347,
            section=section,
        )
    )
