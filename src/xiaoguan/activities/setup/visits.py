"""Registrations of the visits part of activities (R-CUS-6): rights, navigation, the
dashboard panel, the customer page section, the merge handler and the reminder job; called
from ``AppConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SALES = ("management", "sales_director", "sales_manager", "sales_rep", "sales_assistant")
FIELD = ("management", "sales_director", "sales_manager", "sales_rep")


def register() -> None:
    from xiaoguan.activities import jobs_visits  # noqa: F401  (registers the reminder job)
    from xiaoguan.core import navigation
    from xiaoguan.customers.registries import (
        DetailSection,
        register_detail_section,
        register_merge_handler,
    )
    from xiaoguan.org import rights

    group = _("Visits and trips")
    rights.register(rights.Right("activities.view", _("See visits and follow-ups"), group, SALES))
    rights.register(
        rights.Right(
            "activities.edit", _("Plan and record visits, manage follow-ups"), group, FIELD
        )
    )
    navigation.register(
        navigation.NavItem(
            key="visits",
            label=_("Visits"),
            url_name="activities:visit_list",
            icon="geo-alt",
            right="activities.view",
            order=140,
            section=_("Activities"),
        )
    )
    navigation.register(
        navigation.NavItem(
            key="followups",
            label=_("Follow-ups"),
            url_name="activities:followup_list",
            icon="list-check",
            right="activities.view",
            order=142,
            section=_("Activities"),
        )
    )
    navigation.register_panel(
        navigation.DashboardPanel(
            key="visits_today",
            template="activities/_visit_panel.html",
            render=_panel,
            order=30,
        )
    )
    register_detail_section(
        DetailSection(
            key="visits",
            order=40,
            template="activities/_visit_customer_section.html",
            context=_customer_section,
            right="activities.view",
            column="main",
        )
    )
    register_merge_handler(_merge)


def _panel(request):
    from xiaoguan.activities.selectors import visits as selectors

    user = request.user
    if not user.has_right("activities.view"):
        return None
    return selectors.dashboard(user=user)


def _customer_section(customer, user):
    from xiaoguan.activities.selectors import visits as selectors

    return {
        "visits": selectors.customer_recent_visits(customer=customer, user=user),
        "follow_ups": selectors.customer_open_followups(customer=customer, user=user),
        "can_edit": user.has_right("activities.edit"),
        "customer": customer,
    }


def _merge(*, source, target, actor):
    from xiaoguan.activities.services.visits import visits_merge_customer

    visits_merge_customer(source=source, target=target, actor=actor)
