"""Registrations of the reports part of receivables (R-AR-4, R-AR-5, R-AR-6, R-CUS-9): the
right to the reports, the aging policy rules, the navigation entries of aging, statements and
collection rate, the payment-behaviour panel of the customer page and the weekly-report
figures of collection; called from ``AppConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

REPORT_ROLES = (
    "management",
    "sales_director",
    "sales_manager",
    "sales_rep",
    "finance",
    "legal",
)
VIEW_ROLES = (
    "management",
    "sales_director",
    "sales_manager",
    "sales_rep",
    "sales_assistant",
    "finance",
    "legal",
)


def _behaviour_section(customer: Any, user: Any) -> dict[str, Any]:
    from xiaoguan.receivables.selectors.behaviour import payment_behaviour

    return {
        "behaviour": payment_behaviour(customer_ids=[customer.pk]).get(customer.pk),
        "can_statement": user.has_right("receivables.reports"),
    }


def _collection_figures(user: Any, start: Any, end: Any) -> list[tuple[Any, Any]]:
    from xiaoguan.receivables.selectors.collection_rate import person_week_figures

    return person_week_figures(user=user, start=start, end=end)


def register() -> None:
    from xiaoguan.core import navigation, period_figures, policy
    from xiaoguan.customers.registries import DetailSection, register_detail_section
    from xiaoguan.org import rights
    from xiaoguan.receivables.selectors.aging import (
        BAD_DEBT_DAYS_KEY,
        BUCKETS_KEY,
        DEFAULT_BAD_DEBT_DAYS,
        DEFAULT_BUCKETS,
    )

    group = _("Receivables")
    rights.register(
        rights.Right(
            "receivables.reports",
            _("See aging, reconciliation statements and collection rates"),
            group,
            REPORT_ROLES,
        )
    )
    # ``receivables.view`` belongs to the receipts part (registered before this one); the
    # payment-behaviour panel only needs it to exist.
    if not rights.is_known("receivables.view"):
        rights.register(
            rights.Right(
                "receivables.view",
                _("See instalments, receipts and the collection plan"),
                group,
                VIEW_ROLES,
            )
        )
    section = _("Receivables")
    policy.register(
        policy.PolicyRule(
            key=BUCKETS_KEY,
            section=section,
            label=_("Aging buckets (upper bounds in days past due)"),
            kind="int_list",
            default=list(DEFAULT_BUCKETS),
            min_value=1,
            max_value=3650,
            unit=_("days"),
            spec="R-AR-4",
            help_text=_(
                "Rising numbers separated by commas: 30,60,90,180,365 gives the columns "
                "0-30, 31-60, 61-90, 91-180, 181-365 and over 365 days past due."
            ),
        )
    )
    policy.register(
        policy.PolicyRule(
            key=BAD_DEBT_DAYS_KEY,
            section=section,
            label=_("Bad-debt risk: debt overdue for more than"),
            kind="int",
            default=DEFAULT_BAD_DEBT_DAYS,
            min_value=30,
            max_value=3650,
            unit=_("days"),
            spec="R-AR-4",
            help_text=_(
                "An aging row is flagged as a bad-debt risk when part of it is overdue longer "
                "than this, or when the customer has had a lawyer's letter or a lawsuit."
            ),
        )
    )
    period_figures.register("40.receivables.collection", _collection_figures)
    for key, label, url_name, icon, order in (
        ("receivables_aging", _("Aging"), "receivables:aging", "hourglass-split", 355),
        (
            "receivables_statements",
            _("Reconciliation statements"),
            "receivables:statement_search",
            "file-earmark-ruled",
            356,
        ),
        (
            "receivables_collection_rate",
            _("Collection rate"),
            "receivables:collection_rate",
            "percent",
            357,
        ),
    ):
        navigation.register(
            navigation.NavItem(
                key=key,
                label=label,
                url_name=url_name,
                icon=icon,
                right="receivables.reports",
                order=order,
                section=section,
            )
        )
    register_detail_section(
        DetailSection(
            key="payment_behaviour",
            order=22,
            template="receivables/_customer_payment.html",
            context=_behaviour_section,
            right="receivables.view",
            column="side",
        )
    )
