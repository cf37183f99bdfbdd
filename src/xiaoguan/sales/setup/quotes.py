"""Registrations of the quotes part of sales (R-QUO-2, R-QUO-3): rights, the validity policy,
navigation, the approvals document type with its default chain, and the price subject loader
through which a rep files a price approval request for a quote; called from
``AppConfig.ready()``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

QUOTE_ROLES = ("management", "sales_director", "sales_manager", "sales_rep", "sales_assistant")
MAJOR_QUOTE = Decimal("500000")


def quote_price_subject(subject_id: int, user: Any) -> Any:
    """The quote as pricing sees it (for a price approval request), or None when it does not
    exist or the user may not see it."""
    from xiaoguan.org.scope import visible
    from xiaoguan.pricing.registries import PriceSubject
    from xiaoguan.sales.models import Quote
    from xiaoguan.sales.services.quotes import quote_priced_lines

    quote = (
        visible(Quote.objects.filter(pk=subject_id), user)
        .select_related("customer", "owner", "department")
        .first()
    )
    if quote is None:
        return None
    return PriceSubject(
        label=f"{quote.number} {quote.title}"[:200],
        customer_id=quote.customer_id,
        customer_name=quote.customer.name,
        owner=quote.owner,
        department=quote.department,
        lines=quote_priced_lines(quote=quote),
        # No link for those who may not open quotes (finance approves prices, not quotes).
        url=(
            reverse("sales:quote_detail", args=[quote.pk])
            if user.has_right("sales.quotes_view")
            else ""
        ),
    )


def _customer_section(customer: Any, user: Any) -> dict:
    from xiaoguan.sales.selectors.quotes import customer_quotes

    return {
        "quotes": customer_quotes(customer=customer, user=user),
        "can_add_quote": user.has_right("sales.quotes_edit") and customer.is_active,
    }


def register() -> None:
    from xiaoguan.approvals.enums import ApproverRule
    from xiaoguan.approvals.registries import DefaultStep, DocumentType, register_document_type
    from xiaoguan.core import navigation, policy
    from xiaoguan.customers.registries import DetailSection, register_detail_section
    from xiaoguan.org import rights
    from xiaoguan.pricing.registries import register_price_subject
    from xiaoguan.sales.models import Quote
    from xiaoguan.sales.services import quotes as services

    group = _("Sales")
    rights.register(
        rights.Right("sales.quotes_view", _("See quotes and print them"), group, QUOTE_ROLES)
    )
    rights.register(
        rights.Right(
            "sales.quotes_edit",
            _("Write quotes, submit them and record the customer's answer"),
            group,
            QUOTE_ROLES,
        )
    )
    policy.register(
        policy.PolicyRule(
            key=services.VALIDITY_POLICY,
            section=_("Quotes"),
            label=_("Default validity of a quote"),
            kind="int",
            default=30,
            min_value=1,
            max_value=365,
            unit=_("days"),
            spec="R-QUO-2",
            help_text=_("A new quote is valid this many days from its price date unless set."),
        )
    )
    navigation.register(
        navigation.NavItem(
            key="quotes",
            label=_("Quotes"),
            url_name="sales:quote_list",
            icon="file-earmark-text",
            right="sales.quotes_view",
            order=311,
            section=_("Sales"),
        )
    )
    register_document_type(
        DocumentType(
            code="quote",
            label=_("Quote"),
            model=Quote,
            get_title=lambda q: f"{q.number} {q.title}",
            get_amount=lambda q: q.total,
            get_discount=services.quote_largest_discount,
            url_for=lambda q: reverse("sales:quote_detail", args=[q.pk]),
            on_approved=services.quote_on_approved,
            on_rejected=services.quote_on_rejected,
            on_returned=services.quote_on_returned,
            on_cancelled=services.quote_on_cancelled,
            default_chain=(
                DefaultStep(name="直属上级", rule=ApproverRule.OWNER_MANAGER),
                DefaultStep(
                    name="总经理（重大报价）",
                    rule=ApproverRule.ROLE,
                    role="management",
                    min_amount=MAJOR_QUOTE,
                ),
            ),
        )
    )
    register_price_subject("quote", quote_price_subject)
    register_detail_section(
        DetailSection(
            key="quotes",
            order=57,
            template="sales/quote_customer_section.html",
            context=_customer_section,
            right="sales.quotes_view",
            column="main",
        )
    )
