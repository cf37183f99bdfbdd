"""Registrations of the opportunities part of sales (rights, policy rules, navigation, scope, jobs,
approvals document types, handover handlers), called from ``AppConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

SALES_ROLES = ("management", "sales_director", "sales_manager", "sales_rep", "sales_assistant")


def _customer_section(customer, user) -> dict:
    from xiaoguan.sales.selectors.opportunities import customer_opportunities

    return {
        "opportunities": customer_opportunities(customer=customer, user=user),
        "can_add_opportunity": user.has_right("sales.opportunities_edit") and customer.is_active,
    }


def _merge_opportunities(*, source, target, actor) -> None:
    from xiaoguan.sales.services.opportunities import opportunities_move_customer

    opportunities_move_customer(source=source, target=target, actor=actor)


def register() -> None:
    from xiaoguan.core.navigation import NavItem
    from xiaoguan.core.navigation import register as register_nav
    from xiaoguan.customers.registries import (
        DetailSection,
        register_detail_section,
        register_merge_handler,
    )
    from xiaoguan.org import rights

    group = _("Sales")
    rights.register(
        rights.Right(
            "sales.opportunities_view",
            _("See opportunities and the sales pipeline"),
            group,
            SALES_ROLES,
        )
    )
    rights.register(
        rights.Right(
            "sales.opportunities_edit",
            _("Add opportunities, edit them and move their stage"),
            group,
            SALES_ROLES,
        )
    )
    register_nav(
        NavItem(
            key="opportunities",
            label=_("Opportunities"),
            url_name="sales:opportunity_list",
            icon="briefcase",
            right="sales.opportunities_view",
            order=300,
            section=_("Sales"),
        )
    )
    register_nav(
        NavItem(
            key="pipeline",
            label=_("Pipeline"),
            url_name="sales:pipeline",
            icon="kanban",
            right="sales.opportunities_view",
            order=301,
            section=_("Sales"),
        )
    )
    register_nav(
        NavItem(
            key="pipeline_report",
            label=_("Weighted pipeline"),
            url_name="sales:pipeline_report",
            icon="bar-chart",
            right="sales.opportunities_view",
            order=302,
            section=_("Sales"),
        )
    )
    register_detail_section(
        DetailSection(
            key="opportunities",
            order=50,
            template="sales/opportunity_customer_section.html",
            context=_customer_section,
            right="sales.opportunities_view",
            column="main",
        )
    )
    register_merge_handler(_merge_opportunities)
