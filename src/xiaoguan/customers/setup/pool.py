"""Registrations of the public pool (公海, R-CUS-5): rights, policy rules, navigation, the
customer page section, the periodic return job and the handover handler; called from
``AppConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from xiaoguan.core import navigation, policy
    from xiaoguan.customers import (
        registries,
        tasks_pool,  # noqa: F401  (registers the periodic job)
    )
    from xiaoguan.org import rights
    from xiaoguan.org.registries import register_handover_handler

    group = _("Customers")
    rights.register(
        rights.Right(
            "customers.pool",
            _("See the public pool, claim and release customers"),
            group,
            ("management", "sales_director", "sales_manager", "sales_rep"),
        )
    )
    rights.register(
        rights.Right(
            "customers.pool_assign",
            _("Assign and reassign customers in bulk; lock customers against return"),
            group,
            ("management", "sales_director", "sales_manager"),
        )
    )
    rights.register(
        rights.Right(
            "customers.pool_manage",
            _("Set up the public pools of the regions and their members"),
            group,
            ("management", "sales_director"),
        )
    )

    section = _("Public pool")
    days = _("days")
    for key, label, default in (
        ("A", _("Class A customers return to the pool after this many days without follow-up"), 90),
        ("B", _("Class B customers return to the pool after this many days without follow-up"), 60),
        ("C", _("Class C customers return to the pool after this many days without follow-up"), 30),
        (
            "none",
            _("Unclassified customers return to the pool after this many days without follow-up"),
            30,
        ),
    ):
        policy.register(
            policy.PolicyRule(
                key=f"customers.pool_return_days_{key.lower()}",
                section=section,
                label=label,
                kind="int",
                default=default,
                unit=days,
                min_value=0,
                max_value=3650,
                spec="R-CUS-5",
                help_text=_(
                    "Counted from the last contact, or from when the owner got the customer. "
                    "0: never returns for lack of follow-up."
                ),
            )
        )
    policy.register(
        policy.PolicyRule(
            key="customers.pool_return_days_no_deal",
            section=section,
            label=_("Customers return to the pool after this many days without a deal"),
            kind="int",
            # Off by default: deals are recorded from signed contracts (issue 4); until then
            # this rule would send back every customer, however well followed up.
            default=0,
            unit=days,
            min_value=0,
            max_value=3650,
            spec="R-CUS-5",
            help_text=_(
                "Counted from the last deal, or from when the owner got the customer. "
                "0: this rule is off."
            ),
        )
    )
    policy.register(
        policy.PolicyRule(
            key="customers.pool_warning_days",
            section=section,
            label=_("Warn the owner this many days before a customer returns to the pool"),
            kind="int",
            default=7,
            unit=days,
            min_value=0,
            max_value=365,
            spec="R-CUS-5",
            help_text=_("A customer never returns before its owner has had this much notice."),
        )
    )
    policy.register(
        policy.PolicyRule(
            key="customers.pool_daily_claims",
            section=section,
            label=_("Customers a rep may claim from the pool per day"),
            kind="int",
            default=5,
            min_value=0,
            max_value=1000,
            spec="R-CUS-5",
        )
    )
    policy.register(
        policy.PolicyRule(
            key="customers.pool_held_cap",
            section=section,
            label=_("Most active customers a rep may hold when claiming"),
            kind="int",
            default=300,
            min_value=0,
            max_value=100000,
            spec="R-CUS-5",
        )
    )
    policy.register(
        policy.PolicyRule(
            key="customers.pool_reclaim_ban_days",
            section=section,
            label=_("A rep cannot reclaim a customer they lost to the pool for"),
            kind="int",
            default=30,
            unit=days,
            min_value=0,
            max_value=3650,
            spec="R-CUS-5",
        )
    )

    navigation.register(
        navigation.NavItem(
            key="customers_pool",
            label=_("Public pool"),
            url_name="customers:pool_list",
            icon="inboxes",
            right="customers.pool",
            order=110,
            section=_("Customers"),
        )
    )
    navigation.register_panel(
        navigation.DashboardPanel(
            key="customers_pool_warnings",
            template="customers/pool_panel.html",
            render=_panel,
            order=40,
        )
    )
    registries.register_detail_section(
        registries.DetailSection(
            key="pool",
            order=20,
            template="customers/pool_section.html",
            context=_section,
            right="customers.pool",
            column="side",
        )
    )
    register_handover_handler(_handover)


def _panel(request: Any) -> dict[str, Any] | None:
    from xiaoguan.customers.selectors import pool as pool_selectors

    user = request.user
    if not user.has_right("customers.pool"):
        return None
    count = pool_selectors.pool_warning_list(user=user).count()
    return {"count": count} if count else None


def _section(customer: Any, user: Any) -> dict[str, Any]:
    from xiaoguan.customers.selectors import pool as pool_selectors

    return pool_selectors.pool_section(customer=customer, user=user)


def _handover(**kwargs: Any) -> dict[str, int]:
    from xiaoguan.customers.services import pool as pool_services

    return pool_services.pool_handover(**kwargs)
