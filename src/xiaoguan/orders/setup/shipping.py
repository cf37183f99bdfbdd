"""Registrations of the shipping part (R-ORD-4, R-ORD-5): rights, the late-shipment policy
rules, navigation, the late-shipment reminder job, the contracts' shipped-quantities floor and
the order page's shipping section; called from ``AppConfig.ready()``."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from xiaoguan.core import jobs

SHIP_ROLES = ("management", "logistics")
SALES_ROLES = ("management", "sales_director", "sales_manager", "sales_rep", "sales_assistant")
DELIVER_ROLES = (*SALES_ROLES, "logistics", "after_sales")


@jobs.periodic("orders.remind_late_shipments", every=timedelta(hours=6))
@shared_task(name="orders.remind_late_shipments")
def remind_late_shipments() -> int:
    from xiaoguan.orders.services.shipping import late_shipments_remind

    return late_shipments_remind()


def _can_view_shipment(user, shipment) -> bool:
    from xiaoguan.org.scope import can_see

    return bool(user.has_right("orders.view") and can_see(shipment, user))


def _can_edit_shipment(user, shipment) -> bool:
    """The signed delivery note (签收单) is attached by whoever confirms deliveries or ships."""
    return _can_view_shipment(user, shipment) and (
        user.has_right("orders.deliver") or user.has_right("orders.ship")
    )


def register() -> None:
    from xiaoguan.contracts.registries import register_shipped_quantities
    from xiaoguan.core import attachments, policy
    from xiaoguan.core.navigation import NavItem
    from xiaoguan.core.navigation import register as register_nav
    from xiaoguan.orders.models import Shipment
    from xiaoguan.orders.services.shipping import contract_shipped_quantities
    from xiaoguan.org import rights

    group = _("Orders and shipping")
    rights.register(
        rights.Right(
            "orders.ship",
            _("Plan shipments, prepare and ship them with the waybill"),
            group,
            SHIP_ROLES,
        )
    )
    rights.register(
        rights.Right(
            "orders.deliver",
            _(
                "Record the customer's delivery confirmation and acceptance, and log and "
                "resolve order exceptions"
            ),
            group,
            DELIVER_ROLES,
        )
    )
    section = _("Orders and shipping")
    policy.register(
        policy.PolicyRule(
            key="orders.late_shipment_grace_days",
            section=section,
            label=_("An order is late when its shipping date has passed by more than"),
            kind="int",
            default=0,
            unit=_("days"),
            min_value=0,
            max_value=60,
            spec="R-ORD-4",
            help_text=_(
                "The shipping date is the earliest active shipping plan not yet shipped, or "
                "the customer's requested delivery date. Late orders are listed on the late "
                "page and their owner and logistics are reminded once a day."
            ),
        )
    )
    policy.register(
        policy.PolicyRule(
            key="orders.delivery_confirm_days",
            section=section,
            label=_("A shipment is flagged when the customer has not confirmed delivery after"),
            kind="int",
            default=7,
            unit=_("days"),
            min_value=1,
            max_value=90,
            spec="R-ORD-4",
            help_text=_("Counted from the shipping date."),
        )
    )
    for item in (
        NavItem(
            key="orders_shipping",
            label=_("Shipping plans"),
            url_name="orders:shipping_board",
            icon="calendar-week",
            right="orders.view",
            order=343,
            section=section,
        ),
        NavItem(
            key="orders_shipments",
            label=_("Shipments"),
            url_name="orders:shipment_list",
            icon="truck",
            right="orders.view",
            order=344,
            section=section,
        ),
        NavItem(
            key="orders_exceptions",
            label=_("Order exceptions"),
            url_name="orders:exception_list",
            icon="exclamation-octagon",
            right="orders.view",
            order=345,
            section=section,
        ),
        NavItem(
            key="orders_late",
            label=_("Late shipments"),
            url_name="orders:shipping_late",
            icon="alarm",
            right="orders.view",
            order=348,
            section=section,
        ),
    ):
        register_nav(item)
    register_shipped_quantities(contract_shipped_quantities)
    attachments.register_owner(
        Shipment,
        can_view=_can_view_shipment,
        can_edit=_can_edit_shipment,
        label=_("shipment"),
    )
    from xiaoguan.orders.services.credit import register_release_handler
    from xiaoguan.orders.services.shipping import shipment_hold_released

    register_release_handler("shipment", shipment_hold_released)
    from xiaoguan.orders.registries import order_cancelled
    from xiaoguan.orders.services.shipping import shipping_order_cancelled

    order_cancelled.connect(shipping_order_cancelled)
    _register_order_section()


def _register_order_section() -> None:
    """The shipping section of the order page (plans, shipments, exceptions, actions)."""
    try:
        from xiaoguan.orders.web import order_sections
    except ImportError:  # pragma: no cover - the orders part adds the module
        return
    from xiaoguan.orders.web.shipping_views import order_section

    order_sections.register(order_section)
