"""Registrations of the price requests part of pricing (R-PRC-2, R-PRC-3): rights,
navigation and the approvals document type with its default chain (the requester's manager,
then management); called from ``AppConfig.ready()``. Quotes and contracts register their
documents as price subjects in their own setup (``pricing.registries``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

SALES_ROLES = ("sales_director", "sales_manager", "sales_rep")


def register() -> None:
    from xiaoguan.approvals.enums import ApproverRule
    from xiaoguan.approvals.registries import DefaultStep, DocumentType, register_document_type
    from xiaoguan.core import navigation
    from xiaoguan.org import rights
    from xiaoguan.pricing.models import PriceRequest
    from xiaoguan.pricing.services import price_requests as services

    group = _("Prices")
    rights.register(
        rights.Right(
            "pricing.request",
            _("File price approval requests for prices below the range"),
            group,
            SALES_ROLES,
        )
    )
    rights.register(
        rights.Right(
            "pricing.requests_view",
            _("See price approval requests (in the data scope)"),
            group,
            ("management", *SALES_ROLES, "sales_assistant", "finance"),
        )
    )
    navigation.register(
        navigation.NavItem(
            key="price_requests",
            label=_("Price approvals"),
            url_name="pricing:price_request_list",
            icon="clipboard-check",
            right="pricing.requests_view",
            order=406,
            section=_("Products and prices"),
        )
    )
    register_document_type(
        DocumentType(
            code=services.DOC_TYPE,
            label=_("Price approval request"),
            model=PriceRequest,
            get_title=lambda r: f"{r.number} {r.subject_label} −{r.max_discount}%",
            get_amount=lambda r: r.amount,
            get_discount=lambda r: r.max_discount,
            url_for=lambda r: reverse("pricing:price_request_detail", args=[r.pk]),
            on_approved=services.price_request_on_approved,
            on_rejected=services.price_request_on_rejected,
            on_returned=services.price_request_on_returned,
            on_cancelled=services.price_request_on_cancelled,
            default_chain=(
                DefaultStep(name="销售经理审核", rule=ApproverRule.OWNER_MANAGER),
                DefaultStep(name="总经理审批", rule=ApproverRule.ROLE, role="management"),
            ),
        )
    )
