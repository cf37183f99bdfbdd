"""Registrations of the receipts part (R-AR-1, R-AR-2): rights, navigation, the customer
page's credit panel and the handlers that keep the collection plan (contract signed, amended,
terminated; direct order confirmed, cancelled, delivered; contract delivered, accepted),
called from ``AppConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

VIEW_ROLES = (
    "management",
    "sales_director",
    "sales_manager",
    "sales_rep",
    "sales_assistant",
    "finance",
    "legal",
)
MANAGE_ROLES = ("management", "finance")
SECTION = _("Receivables")


def _customer_credit(customer: Any, user: Any) -> dict[str, Any]:
    from xiaoguan.receivables.selectors.receipts import customer_credit_panel

    return customer_credit_panel(customer=customer, user=user)


def _connect_handlers() -> None:
    from xiaoguan.contracts import registries as contract_points
    from xiaoguan.orders import registries as order_points
    from xiaoguan.receivables.services import plans

    contract_points.contract_signed.connect(plans.collection_plan_build)
    contract_points.contract_amended.connect(plans.collection_plan_rebuild)
    contract_points.contract_terminated.connect(plans.collection_plan_terminate)
    order_points.order_confirmed.connect(plans.order_plan_build)
    order_points.order_cancelled.connect(plans.order_plan_close)
    order_points.order_delivered.connect(plans.order_plan_delivered)
    order_points.contract_delivered.connect(plans.contract_plan_delivered)
    order_points.contract_accepted.connect(plans.contract_plan_accepted)


def register() -> None:
    from xiaoguan.core.navigation import NavItem
    from xiaoguan.core.navigation import register as register_nav
    from xiaoguan.customers.registries import DetailSection, register_detail_section
    from xiaoguan.org import rights

    for right in (
        rights.Right(
            "receivables.view",
            _("See receipts and collection plans"),
            SECTION,
            VIEW_ROLES,
        ),
        rights.Right(
            "receivables.manage",
            _("Record, allocate and reverse receipts; manage bills"),
            SECTION,
            MANAGE_ROLES,
        ),
    ):
        if not rights.is_known(right.code):
            rights.register(right)

    for item in (
        NavItem(
            key="receipts",
            label=_("Receipts"),
            url_name="receivables:receipt_list",
            icon="cash-coin",
            right="receivables.view",
            order=350,
            section=SECTION,
        ),
        NavItem(
            key="instalments",
            label=_("Collection plan"),
            url_name="receivables:instalment_list",
            icon="calendar-check",
            right="receivables.view",
            order=351,
            section=SECTION,
        ),
        NavItem(
            key="bills",
            label=_("Bills"),
            url_name="receivables:bill_list",
            icon="file-earmark-text",
            right="receivables.view",
            order=360,
            section=SECTION,
        ),
    ):
        register_nav(item)

    register_detail_section(
        DetailSection(
            key="receivables_credit",
            order=70,
            template="receivables/receipt_customer_panel.html",
            context=_customer_credit,
            right="receivables.view",
            column="side",
        )
    )
    _connect_handlers()
