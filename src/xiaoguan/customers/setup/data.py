"""Registrations of the data part of customers: Excel import (R-X-5) and the merge of
duplicates (R-CUS-2); called from ``AppConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from xiaoguan.core import navigation, policy
    from xiaoguan.customers import registries
    from xiaoguan.org import rights

    group = _("Customers")
    rights.register(
        rights.Right(
            "customers.import",
            _("Import customers, contacts and leads from Excel"),
            group,
            ("management", "sales_director", "sales_manager", "sales_rep", "sales_assistant"),
        )
    )
    rights.register(
        rights.Right(
            "customers.merge",
            _("Merge duplicate customers"),
            group,
            ("management", "sales_director", "sales_manager"),
        )
    )
    policy.register(
        policy.PolicyRule(
            key="customers.import_max_rows",
            section=_("Import"),
            label=_("Rows an import file may hold at most"),
            kind="int",
            default=20_000,
            unit=_("rows"),
            min_value=1,
            max_value=100_000,
            spec="R-X-5",
            help_text=_("A larger file is refused as a whole; split it into several files."),
        )
    )
    navigation.register(
        navigation.NavItem(
            key="customers_import",
            label=_("Import from Excel"),
            url_name="customers:import",
            icon="file-earmark-arrow-up",
            right="customers.import",
            order=118,
            section=_("Customers"),
        )
    )
    registries.register_detail_section(
        registries.DetailSection(
            key="duplicates",
            order=5,
            template="customers/merge_section.html",
            context=_merge_section,
            column="side",
        )
    )


def _merge_section(customer: Any, user: Any) -> dict[str, Any]:
    """Where a merged customer went, or (for a manager) the duplicates to merge."""
    from xiaoguan.customers.models import Customer
    from xiaoguan.customers.selectors.data import merge_candidates
    from xiaoguan.org.scope import visible

    if customer.merged_into_id:
        target = visible(Customer.objects.filter(pk=customer.merged_into_id), user).first()
        return {"merged_into": target, "candidates": [], "customer_id": customer.pk}
    candidates = []
    if customer.is_active and user.has_right("customers.merge"):
        candidates = merge_candidates(user=user, customer=customer)
    return {"merged_into": None, "candidates": candidates, "customer_id": customer.pk}
