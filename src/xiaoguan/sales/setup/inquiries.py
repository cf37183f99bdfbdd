"""Registrations of the inquiries part of sales (rights, policy rules, navigation, scope, approvals
document types, task kinds), called from ``AppConfig.ready()``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

SALES_ROLES = ("management", "sales_director", "sales_manager", "sales_rep", "sales_assistant")
DECIDERS = ("management", "sales_director", "sales_manager")


def _customer_section(customer: Any, user: Any) -> dict[str, Any]:
    from xiaoguan.sales.selectors.inquiries import customer_open_inquiries

    return {
        "inquiries": customer_open_inquiries(customer=customer, user=user),
        "can_add_inquiry": user.has_right("sales.inquiries_edit") and customer.is_active,
    }


def _can_view(user: Any, inquiry: Any) -> bool:
    from xiaoguan.org.scope import can_see

    return bool(user.has_right("sales.inquiries_view")) and can_see(inquiry, user)


def _can_edit(user: Any, inquiry: Any) -> bool:
    from xiaoguan.org.scope import can_see

    return bool(user.has_right("sales.inquiries_edit")) and can_see(inquiry, user)


def _task_panel(request: Any, task: Any) -> str:
    from xiaoguan.sales.web.inquiry_task_panel import inquiry_task_panel

    return inquiry_task_panel(request, task)


def _task_openable(user: Any, ids: list[int]) -> set[int]:
    from xiaoguan.sales.selectors.inquiry_tasks import inquiries_openable

    return inquiries_openable(user=user, ids=ids)


def _task_files_owner(task: Any) -> Any:
    from xiaoguan.sales.selectors.inquiry_tasks import inquiry_of_task

    return inquiry_of_task(task=task)


def _title(inquiry: Any) -> str:
    return f"{inquiry.number} {inquiry.customer.name} {inquiry.title}"[:200]


def register() -> None:
    from django.urls import reverse

    from xiaoguan.approvals.enums import ApproverRule
    from xiaoguan.approvals.registries import DefaultStep, DocumentType, register_document_type
    from xiaoguan.core import attachments, navigation, policy
    from xiaoguan.customers.registries import DetailSection, register_detail_section
    from xiaoguan.org import rights
    from xiaoguan.org.registries import (
        TaskField,
        TaskKind,
        TaskSubject,
        register_task_kind,
        register_task_subject,
    )
    from xiaoguan.sales import jobs_inquiries  # noqa: F401  (registers the deadline reminders)
    from xiaoguan.sales.models import Inquiry
    from xiaoguan.sales.services import inquiries as services

    group = _("Sales")
    rights.register(
        rights.Right("sales.inquiries_view", _("See inquiries and tenders"), group, (*SALES_ROLES,))
    )
    rights.register(
        rights.Right(
            "sales.inquiries_edit",
            _("Register inquiries and tenders; request technical parameters and cost"),
            group,
            SALES_ROLES,
        )
    )
    rights.register(
        rights.Right(
            "sales.bid_decide",
            _("Decide whether to bid on an inquiry or tender"),
            group,
            DECIDERS,
        )
    )
    policy.register(
        policy.PolicyRule(
            key=services.ESCALATION_RULE,
            section=_("Inquiries and quotes"),
            label=_("Bid decisions above this estimated amount go to management"),
            kind="decimal",
            default=Decimal("500000"),
            min_value=Decimal("0"),
            unit=_("yuan"),
            spec="R-QUO-1",
            help_text=_(
                "A manager's decision to bid on an inquiry whose estimated amount is above this "
                "amount is approved by management (approvals document type “bid decision”)."
            ),
        )
    )
    navigation.register(
        navigation.NavItem(
            key="inquiries",
            label=_("Inquiries and tenders"),
            url_name="sales:inquiry_list",
            icon="envelope-paper",
            right="sales.inquiries_view",
            order=305,
            section=_("Sales"),
        )
    )
    register_document_type(
        DocumentType(
            code="bid_decision",
            label=_("Bid decision"),
            model=Inquiry,
            get_title=_title,
            get_amount=lambda i: i.estimated_amount,
            url_for=lambda i: reverse("sales:inquiry_detail", args=[i.pk]),
            on_approved=services.inquiry_on_approved,
            on_rejected=services.inquiry_on_rejected,
            on_returned=services.inquiry_on_returned,
            on_cancelled=services.inquiry_on_cancelled,
            default_chain=(
                DefaultStep(name="总经理审批", rule=ApproverRule.ROLE, role="management"),
            ),
        )
    )
    register_task_kind(
        TaskKind(
            code=services.TASK_TECHNICAL,
            label=_("Technical parameters for an inquiry"),
            fields=(TaskField("parameters", _("Technical parameters"), "text"),),
            on_completed=services.on_task_completed,
        )
    )
    register_task_kind(
        TaskKind(
            code=services.TASK_COST,
            label=_("Material cost and lead time for an inquiry"),
            fields=(
                TaskField(
                    "material_cost",
                    _("Material cost (yuan)"),
                    "decimal",
                    right="pricing.confidential",
                ),
                TaskField("lead_time_days", _("Lead time (days)"), "int"),
            ),
            on_completed=services.on_task_completed,
        )
    )
    # A task about an inquiry shows it to the department asked, with its tender documents.
    register_task_subject(
        TaskSubject(
            code=services.SUBJECT_TYPE,
            panel=_task_panel,
            openable=_task_openable,
            attachment_owner=_task_files_owner,
        )
    )
    attachments.register_owner(Inquiry, can_view=_can_view, can_edit=_can_edit, label=_("inquiry"))
    register_detail_section(
        DetailSection(
            key="inquiries",
            order=55,
            template="sales/inquiry_customer_section.html",
            context=_customer_section,
            right="sales.inquiries_view",
            column="main",
        )
    )
