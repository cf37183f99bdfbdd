"""Registrations of the leads part of customers (R-CUS-4): rights, the referral follow-up
rule, the sidebar entry, the dashboard panel and the referral reminder job."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SALES_ROLES = ("management", "sales_director", "sales_manager", "sales_rep", "sales_assistant")


def register() -> None:
    from xiaoguan.core import navigation, policy
    from xiaoguan.customers import tasks_leads  # noqa: F401  (registers the periodic job)
    from xiaoguan.org import rights

    group = _("Leads")
    rights.register(
        rights.Right("leads.view", _("See sales leads"), group, (*SALES_ROLES, "marketing"))
    )
    rights.register(
        rights.Right(
            "leads.edit",
            _("Add and work sales leads (contact, qualify, disqualify)"),
            group,
            (*SALES_ROLES, "marketing"),
        )
    )
    rights.register(
        rights.Right(
            "leads.assign",
            _("Assign sales leads to reps"),
            group,
            ("management", "sales_director", "sales_manager", "sales_assistant"),
        )
    )
    policy.register(
        policy.PolicyRule(
            key="customers.referral_followup_hours",
            section=_("Leads"),
            label=_("Contact a referral lead within"),
            kind="int",
            default=24,
            unit=_("hours"),
            min_value=1,
            max_value=720,
            spec="R-CUS-4",
            help_text=_(
                "Counted from the assignment of the lead (or its creation). The owner is "
                "reminded when half of the time is gone; the manager is told at the breach."
            ),
        )
    )
    navigation.register(
        navigation.NavItem(
            key="leads",
            label=_("Leads"),
            url_name="customers:lead_list",
            icon="funnel",
            right="leads.view",
            order=105,
            section=_("Customers"),
        )
    )
    from xiaoguan.customers.registries import DetailSection, register_detail_section

    register_detail_section(
        DetailSection(
            key="leads",
            order=90,
            template="customers/lead_customer_section.html",
            context=_customer_leads,
            right="leads.view",
            column="side",
        )
    )
    navigation.register_panel(
        navigation.DashboardPanel(
            key="leads_referral_breaches",
            template="customers/lead_panel.html",
            render=_panel,
            order=40,
        )
    )


def _panel(request):
    from xiaoguan.customers.selectors import leads as lead_selectors

    user = request.user
    if not user.has_right("leads.view"):
        return None
    counts = lead_selectors.referral_counts(user=user)
    can_assign = user.has_right("leads.assign")
    if not can_assign and not any(counts.values()):
        return None
    return {**counts, "can_assign": can_assign}


def _customer_leads(customer, user):
    from xiaoguan.customers.selectors import leads as lead_selectors

    return {"leads": lead_selectors.customer_leads(customer=customer, user=user)}
