"""Registrations of the collection part (R-AR-3, the write-off of R-AR-4, R-AR-7): rights,
policy rules, navigation, the approvals document type "write_off", the legal department's task
kind and the customer panel of its tasks, the dunning panel of the customer page, the periodic reminder job; called from ``AppConfig.ready()``."""

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
DUNNING_ROLES = ("management", "sales_director", "sales_manager", "sales_rep", "finance", "legal")
INVOICE_REQUEST_ROLES = (
    "management",
    "sales_director",
    "sales_manager",
    "sales_rep",
    "sales_assistant",
    "finance",
)
SECTION = _("Receivables")


def _customer_dunning(customer: Any, user: Any) -> dict[str, Any]:
    from xiaoguan.receivables.selectors.dunning import customer_dunning_panel

    return customer_dunning_panel(customer=customer, user=user)


def _legal_done(*, task: Any, actor: Any) -> None:
    from xiaoguan.receivables.services.dunning import legal_task_completed

    legal_task_completed(task=task, actor=actor)


def _task_panel(request: Any, task: Any) -> str:
    from xiaoguan.receivables.web.legal_task_panel import legal_task_panel

    return legal_task_panel(request, task)


def _task_openable(user: Any, ids: list[int]) -> set[int]:
    from xiaoguan.receivables.selectors.legal_tasks import customers_openable

    return customers_openable(user=user, ids=ids)


def _rights() -> None:
    from xiaoguan.org import rights

    for right in (
        rights.Right(
            "receivables.view", _("See receipts and collection plans"), SECTION, VIEW_ROLES
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
    rights.register(
        rights.Right(
            "receivables.dunning",
            _("Log dunning actions on overdue customers and escalate them to legal"),
            SECTION,
            DUNNING_ROLES,
        )
    )
    rights.register(
        rights.Right(
            "receivables.invoice_request",
            _("Ask finance to invoice a signed contract"),
            SECTION,
            INVOICE_REQUEST_ROLES,
        )
    )


def _navigation() -> None:
    from xiaoguan.core.navigation import NavItem
    from xiaoguan.core.navigation import register as register_nav

    for item in (
        NavItem(
            key="overdue",
            label=_("Overdue list"),
            url_name="receivables:overdue_list",
            icon="exclamation-triangle",
            right="receivables.view",
            order=352,
            section=SECTION,
        ),
        NavItem(
            key="dunning",
            label=_("Dunning"),
            url_name="receivables:dunning_list",
            icon="telephone-outbound",
            right="receivables.dunning",
            order=353,
            section=SECTION,
        ),
        NavItem(
            key="invoices",
            label=_("Invoices"),
            url_name="receivables:invoice_list",
            icon="receipt",
            right="receivables.view",
            order=358,
            section=SECTION,
        ),
        NavItem(
            key="write_offs",
            label=_("Write-offs"),
            url_name="receivables:write_off_list",
            icon="x-octagon",
            right="receivables.view",
            order=359,
            section=SECTION,
        ),
    ):
        register_nav(item)


def _policy() -> None:
    from xiaoguan.core import policy
    from xiaoguan.receivables.services.dunning import LEGAL_DAYS_KEY, REMINDER_DAYS_KEY

    policy.register(
        policy.PolicyRule(
            key=REMINDER_DAYS_KEY,
            section=SECTION,
            label=_("The owner is reminded of an instalment this many days before it is due"),
            kind="int",
            default=7,
            unit=_("days"),
            min_value=0,
            max_value=90,
            spec="R-AR-3",
            help_text=_(
                "The owner of an open instalment gets an inbox reminder when its due date is "
                "this close; on the first day overdue the owner and the owner's manager are told."
            ),
        )
    )
    policy.register(
        policy.PolicyRule(
            key=LEGAL_DAYS_KEY,
            section=SECTION,
            label=_(
                "A customer goes to the legal department when an instalment is overdue more than"
            ),
            kind="int",
            default=180,
            unit=_("days"),
            min_value=1,
            max_value=3650,
            spec="R-AR-3",
            help_text=_(
                "The daily job sends the customer to the legal department's inbox (one open "
                "task per customer). Dunning users can also do it by hand at any time."
            ),
        )
    )


def register() -> None:
    from xiaoguan.approvals.enums import ApproverRule
    from xiaoguan.approvals.registries import DefaultStep, DocumentType, register_document_type
    from xiaoguan.customers.registries import DetailSection, register_detail_section
    from xiaoguan.org.registries import (
        TaskField,
        TaskKind,
        TaskSubject,
        register_task_kind,
        register_task_subject,
    )
    from xiaoguan.receivables import tasks  # noqa: F401  (registers the periodic job)
    from xiaoguan.receivables.models import WriteOff
    from xiaoguan.receivables.services import write_offs
    from xiaoguan.receivables.services.dunning import LEGAL_SUBJECT, LEGAL_TASK_KIND

    _rights()
    _navigation()
    _policy()
    register_document_type(
        DocumentType(
            code=write_offs.DOC_TYPE,
            label=_("Bad-debt write-off"),
            model=WriteOff,
            get_title=write_offs.write_off_title,
            get_amount=lambda w: w.amount,
            url_for=write_offs.write_off_url,
            on_approved=write_offs.write_off_on_approved,
            on_rejected=write_offs.write_off_on_rejected,
            on_returned=write_offs.write_off_on_returned,
            on_cancelled=write_offs.write_off_on_cancelled,
            default_chain=(
                DefaultStep(name="财务审核", rule=ApproverRule.ROLE, role="finance"),
                DefaultStep(name="总经理审批", rule=ApproverRule.ROLE, role="management"),
            ),
        )
    )
    register_task_kind(
        TaskKind(
            code=LEGAL_TASK_KIND,
            label=_("Overdue debt for legal action"),
            fields=(
                TaskField("action_taken", _("Action taken"), "text", required=True),
                TaskField(
                    "filed_on", _("Lawyer's letter sent or suit filed on"), "date", required=False
                ),
            ),
            on_completed=_legal_done,
        )
    )
    # The escalation shares the overdue customer with legal (whoever sees the task sees the
    # panel: the debt, where to send a letter, the dunning so far). Receivables creates every
    # task about a customer (subject type "customer"), so it owns the panel.
    register_task_subject(
        TaskSubject(code=LEGAL_SUBJECT, panel=_task_panel, openable=_task_openable)
    )
    register_detail_section(
        DetailSection(
            key="dunning",
            order=62,
            template="receivables/dunning_customer_section.html",
            context=_customer_dunning,
            right="receivables.view",
            column="main",
        )
    )
