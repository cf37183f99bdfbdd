"""Registrations of the orders part (R-ORD-1, R-ORD-2, R-RSK-1): rights, the credit policy
rules, navigation, the approvals document type "credit_hold" with its default chain
(finance), the data scope of credit holds, what a released hold does, and the contract page's
"Orders and shipments" section; called from ``AppConfig.ready()``."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SALES_ROLES = ("management", "sales_director", "sales_manager", "sales_rep", "sales_assistant")
VIEW_ROLES = (*SALES_ROLES, "finance", "logistics", "after_sales", "legal")
REVIEW_ROLES = ("management", "sales_director", "sales_manager", "sales_assistant")
CREDIT_ROLES = ("management", "sales_director", "sales_manager", "finance")


def _rights() -> None:
    from xiaoguan.org import rights

    group = _("Orders and shipping")
    for code, label, roles in (
        ("orders.view", _("See orders"), VIEW_ROLES),
        ("orders.edit", _("Take orders, edit drafts and submit them for review"), SALES_ROLES),
        ("orders.review", _("Review orders: return them or confirm them"), REVIEW_ROLES),
        (
            "orders.credit",
            _("See credit holds and ask finance to release them"),
            CREDIT_ROLES,
        ),
    ):
        if not rights.is_known(code):
            rights.register(rights.Right(code, label, group, roles))


def _policy() -> None:
    from xiaoguan.core import policy
    from xiaoguan.orders.selectors.credit import OVERDUE_AMOUNT_KEY, OVERDUE_DAYS_KEY

    section = _("Orders and credit control")
    policy.register(
        policy.PolicyRule(
            key=OVERDUE_DAYS_KEY,
            section=section,
            label=_("Overdue debt blocks orders when older than"),
            kind="int",
            default=60,
            unit=_("days"),
            min_value=0,
            max_value=3650,
            spec="R-ORD-2",
            help_text=_(
                "A customer whose oldest overdue instalment is older than this many days, with "
                "more overdue than the amount below, is blocked by credit control."
            ),
        )
    )
    policy.register(
        policy.PolicyRule(
            key=OVERDUE_AMOUNT_KEY,
            section=section,
            label=_("Overdue debt blocks orders only above this amount"),
            kind="decimal",
            default=Decimal("0"),
            unit=_("yuan"),
            min_value=Decimal("0"),
            max_value=Decimal("99999999999999.99"),
            spec="R-ORD-2",
            help_text=_(
                "Overdue debt up to this amount never blocks (0: any overdue amount counts)."
            ),
        )
    )


def _navigation() -> None:
    from xiaoguan.core.navigation import NavItem
    from xiaoguan.core.navigation import register as register_nav

    section = _("Orders and shipping")
    register_nav(
        NavItem(
            key="orders",
            label=pgettext_lazy("navigation", "Orders"),
            url_name="orders:order_list",
            icon="cart",
            right="orders.view",
            order=340,
            section=section,
        )
    )
    register_nav(
        NavItem(
            key="credit_holds",
            label=pgettext_lazy("navigation", "Credit holds"),
            url_name="orders:credit_hold_list",
            icon="shield-exclamation",
            right="orders.credit",
            order=341,
            section=section,
        )
    )


def _release_order(*, hold, actor) -> None:
    from xiaoguan.orders.services.orders import order_confirm_released

    order_confirm_released(hold=hold, actor=actor)


def register() -> None:
    from xiaoguan.approvals.enums import ApproverRule
    from xiaoguan.approvals.registries import DefaultStep, DocumentType, register_document_type
    from xiaoguan.orders.enums import CreditStage
    from xiaoguan.orders.models import CreditHold
    from xiaoguan.orders.services import credit
    from xiaoguan.org import scope

    _rights()
    _policy()
    _navigation()
    scope.register(CreditHold, owner="order__owner", department="order__department")
    register_document_type(
        DocumentType(
            code=credit.DOC_TYPE,
            label=_("Credit hold release"),
            model=CreditHold,
            get_title=credit.credit_hold_title,
            get_amount=lambda h: h.amount,
            url_for=credit.credit_hold_url,
            on_approved=credit.credit_hold_on_approved,
            on_rejected=credit.credit_hold_on_rejected,
            on_returned=credit.credit_hold_on_returned,
            on_cancelled=credit.credit_hold_on_cancelled,
            default_chain=(DefaultStep(name="财务放行", rule=ApproverRule.ROLE, role="finance"),),
        )
    )
    credit.register_release_handler(CreditStage.ORDER, _release_order)
    _register_contract_section()


def _register_contract_section() -> None:
    """The contract page's "Orders and shipments" section."""
    from xiaoguan.contracts.web import contract_sections
    from xiaoguan.orders.web.contract_section import contract_section

    contract_sections.register(contract_section)
