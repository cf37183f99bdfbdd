"""Registrations of the ledger part of contracts (R-CON-6): the navigation entry of the
contract ledger and the policy rule of its "expiring" flag, called from
``AppConfig.ready()``."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

VIEW_ROLES = (
    "management",
    "sales_director",
    "sales_manager",
    "sales_rep",
    "sales_assistant",
    "legal",
    "finance",
    "logistics",
    "after_sales",
)


def register() -> None:
    from xiaoguan.contracts.selectors.ledger import EXPIRING_DAYS_KEY
    from xiaoguan.core import policy
    from xiaoguan.core.navigation import NavItem
    from xiaoguan.core.navigation import register as register_nav
    from xiaoguan.org import rights

    # ``contracts.view`` belongs to the contracts part (registered before this one); the
    # ledger only needs it to exist, so it registers it when that part does not.
    if not rights.is_known("contracts.view"):
        rights.register(
            rights.Right(
                "contracts.view", _("See contracts and the contract ledger"), _("Sales"), VIEW_ROLES
            )
        )
    register_nav(
        NavItem(
            key="contract_ledger",
            label=pgettext_lazy("navigation", "Contracts"),
            url_name="contracts:ledger",
            icon="journal-text",
            right="contracts.view",
            order=330,
            section=_("Sales"),
        )
    )
    policy.register(
        policy.PolicyRule(
            key=EXPIRING_DAYS_KEY,
            section=_("Contracts"),
            label=_("A contract is flagged as expiring when its term ends within"),
            kind="int",
            default=30,
            unit=_("days"),
            min_value=1,
            max_value=365,
            spec="R-CON-6",
            help_text=_(
                "Signed contracts whose term ends between today and this many days from today "
                "are flagged in the contract ledger."
            ),
        )
    )
