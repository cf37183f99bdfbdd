"""Registrations of the promotions part of pricing (navigation, the promotion approvals
document type), called from ``AppConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from django.urls import reverse

    from xiaoguan.approvals.enums import ApproverRule
    from xiaoguan.approvals.registries import DefaultStep, DocumentType, register_document_type
    from xiaoguan.core import navigation
    from xiaoguan.pricing.models import Promotion
    from xiaoguan.pricing.services import promotions as services

    navigation.register(
        navigation.NavItem(
            key="promotions",
            label=_("Promotions"),
            url_name="pricing:promotion_list",
            icon="megaphone",
            right="pricing.view",
            order=403,
            section=_("Products and prices"),
        )
    )
    register_document_type(
        DocumentType(
            code="promotion",
            label=_("Promotion price"),
            model=Promotion,
            get_title=lambda p: f"{p.number} {p.name}",
            get_amount=lambda p: p.price,
            url_for=lambda p: reverse("pricing:promotion_detail", args=[p.pk]),
            on_approved=services.promotion_on_approved,
            on_rejected=services.promotion_on_rejected,
            on_returned=services.promotion_on_returned,
            on_cancelled=services.promotion_on_cancelled,
            default_chain=(DefaultStep(name="总经理", rule=ApproverRule.ROLE, role="management"),),
        )
    )
