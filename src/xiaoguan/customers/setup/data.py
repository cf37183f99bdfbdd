"""Registrations of the data part of customers: Excel import (R-X-5) and the merge of
duplicates (R-CUS-2); called from ``AppConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from xiaoguan.core import policy
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
