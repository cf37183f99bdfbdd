"""Registrations of the prices part of pricing (rights, navigation, the price change approvals
document type), called from ``AppConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SALES_ROLES = ("management", "sales_director", "sales_manager", "sales_rep", "sales_assistant")


def register_rights() -> None:
    from xiaoguan.org import rights

    group = _("Prices")
    rights.register(
        rights.Right(
            "pricing.view",
            _("See list prices and effective prices"),
            group,
            (*SALES_ROLES, "finance", "legal"),
        )
    )
    rights.register(
        rights.Right(
            "pricing.confidential",
            _("See cost prices, floor prices, the discount policy and margins"),
            group,
            ("management", "sales_director", "finance"),
        )
    )
    rights.register(
        rights.Right(
            "pricing.manage",
            _("Propose price changes and promotions"),
            group,
            ("management", "sales_director", "sales_manager"),
        )
    )
    rights.register(
        rights.Right(
            "pricing.policy",
            _("Edit the discount policy and the float ranges; load price lists"),
            group,
            ("management",),
        )
    )


def register() -> None:
    from django.urls import reverse

    from xiaoguan.approvals.enums import ApproverRule
    from xiaoguan.approvals.registries import DefaultStep, DocumentType, register_document_type
    from xiaoguan.core import navigation
    from xiaoguan.pricing.models import PriceChange
    from xiaoguan.pricing.services import prices as services

    register_rights()
    section = _("Products and prices")
    for key, label, url_name, icon, right, order in [
        ("price_list", _("Price list"), "pricing:price_list", "tags", "pricing.view", 400),
        (
            "effective_price",
            _("Price calculator"),
            "pricing:effective_price",
            "calculator",
            "pricing.view",
            401,
        ),
        (
            "price_changes",
            _("Price changes"),
            "pricing:price_change_list",
            "pencil-square",
            "pricing.manage",
            402,
        ),
        (
            "discount_rules",
            _("Discount policy"),
            "pricing:discount_rules",
            "percent",
            "pricing.confidential",
            404,
        ),
        (
            "float_ranges",
            _("Float ranges"),
            "pricing:float_ranges",
            "sliders",
            "pricing.policy",
            405,
        ),
    ]:
        navigation.register(
            navigation.NavItem(
                key=key,
                label=label,
                url_name=url_name,
                icon=icon,
                right=right,
                order=order,
                section=section,
            )
        )
    register_document_type(
        DocumentType(
            code="price_change",
            label=_("Price change"),
            model=PriceChange,
            get_title=lambda c: f"{c.number} {c.reason[:60]}",
            url_for=lambda c: reverse("pricing:price_change_detail", args=[c.pk]),
            on_approved=services.price_change_on_approved,
            on_rejected=services.price_change_on_rejected,
            on_returned=services.price_change_on_returned,
            on_cancelled=services.price_change_on_cancelled,
            default_chain=(DefaultStep(name="总经理", rule=ApproverRule.ROLE, role="management"),),
        )
    )
