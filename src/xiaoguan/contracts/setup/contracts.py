"""Registrations of the contracts part of contracts (R-CON-1..3): rights, the approvals
document type "contract" with its default chain, the department task kinds of a signed
contract and the panel of a task about a contract, the signed scan as an attachment, and the loader through which pricing reads a
contract's lines for price approval requests; called from ``AppConfig.ready()``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

SALES_ROLES = ("management", "sales_director", "sales_manager", "sales_rep", "sales_assistant")
VIEW_ROLES = (*SALES_ROLES, "legal", "finance", "logistics", "after_sales")
EDIT_ROLES = SALES_ROLES
SIGN_ROLES = ("management", "sales_director", "sales_manager", "sales_rep", "legal")
# Above this amount management approves a contract too (the default chain's third step).
MANAGEMENT_AMOUNT = Decimal("500000")


def _task_done(*, task: Any, actor: Any) -> None:
    from xiaoguan.contracts.services.contracts import contract_task_done

    contract_task_done(task=task, actor=actor)


def _contract_title(contract: Any) -> str:
    return f"{contract.number} {contract.customer.name} {contract.title}"


def _contract_url(contract: Any) -> str:
    return reverse("contracts:contract_detail", args=[contract.pk])


def _can_view(user: Any, contract: Any) -> bool:
    from xiaoguan.org.scope import can_see

    return bool(user.has_right("contracts.view") and can_see(contract, user))


def _can_edit(user: Any, contract: Any) -> bool:
    """Files of a contract are added by those who draft it (while it is a draft) and by those
    who record its signing (the signed scan)."""
    if not _can_view(user, contract):
        return False
    if user.has_right("contracts.sign"):
        return True
    return bool(user.has_right("contracts.edit") and contract.is_editable)


def _task_panel(request: Any, task: Any) -> str:
    from xiaoguan.contracts.web.contract_task_panel import contract_task_panel

    return contract_task_panel(request, task)


def _task_openable(user: Any, ids: list[int]) -> set[int]:
    from xiaoguan.contracts.selectors.contract_tasks import contracts_openable

    return contracts_openable(user=user, ids=ids)


def _price_subject(subject_id: int, user: Any) -> Any:
    from xiaoguan.contracts.models import Contract
    from xiaoguan.contracts.services.contracts import contract_priced_lines
    from xiaoguan.org.scope import visible
    from xiaoguan.pricing.registries import PriceSubject

    contract = (
        visible(Contract.objects.select_related("customer", "owner", "department"), user)
        .filter(pk=subject_id)
        .first()
    )
    if contract is None:
        return None
    return PriceSubject(
        label=f"{contract.number} {contract.title}"[:200],
        customer_id=contract.customer_id,
        customer_name=contract.customer.name,
        owner=contract.owner,
        department=contract.department,
        lines=contract_priced_lines(contract=contract),
        url=_contract_url(contract),
    )


def register() -> None:
    from xiaoguan.approvals.enums import ApproverRule
    from xiaoguan.approvals.registries import DefaultStep, DocumentType, register_document_type
    from xiaoguan.contracts.models import Contract
    from xiaoguan.contracts.services import contracts as services
    from xiaoguan.core import attachments
    from xiaoguan.org import rights
    from xiaoguan.org.registries import (
        TaskField,
        TaskKind,
        TaskSubject,
        register_task_kind,
        register_task_subject,
    )
    from xiaoguan.pricing.registries import register_price_subject

    group = _("Contracts")
    if not rights.is_known("contracts.view"):
        rights.register(
            rights.Right(
                "contracts.view", _("See contracts and the contract ledger"), _("Sales"), VIEW_ROLES
            )
        )
    rights.register(
        rights.Right(
            "contracts.edit",
            _("Draft contracts, edit drafts and submit them for approval"),
            group,
            EDIT_ROLES,
        )
    )
    rights.register(
        rights.Right(
            "contracts.sign",
            _("Record the signing of approved contracts"),
            group,
            SIGN_ROLES,
        )
    )
    register_document_type(
        DocumentType(
            code=services.DOC_TYPE,
            label=_("Contract"),
            model=Contract,
            get_title=_contract_title,
            get_amount=lambda c: c.total,
            get_discount=services.contract_largest_discount,
            url_for=_contract_url,
            on_approved=services.contract_on_approved,
            on_rejected=services.contract_on_rejected,
            on_returned=services.contract_on_returned,
            on_cancelled=services.contract_on_cancelled,
            default_chain=(
                DefaultStep(name="销售部门负责人审核", rule=ApproverRule.OWNER_MANAGER),
                DefaultStep(name="法务审核", rule=ApproverRule.ROLE, role="legal"),
                DefaultStep(
                    name="总经理审批",
                    rule=ApproverRule.ROLE,
                    role="management",
                    min_amount=MANAGEMENT_AMOUNT,
                ),
            ),
        )
    )
    register_task_kind(
        TaskKind(
            code=services.PRODUCTION_TASK,
            label=_("Production for a signed contract"),
            fields=(TaskField("planned_completion", _("planned completion date"), "date"),),
            on_completed=_task_done,
        )
    )
    register_task_kind(
        TaskKind(
            code=services.LOGISTICS_TASK,
            label=_("Shipping for a signed contract"),
            fields=(TaskField("planned_shipping", _("planned shipping date"), "date"),),
            on_completed=_task_done,
        )
    )
    # A task about a contract (production and logistics on signing, a routed problem) shows
    # its delivery and lines to the department; the signed scan is not shared.
    register_task_subject(
        TaskSubject(code=services.SUBJECT_TYPE, panel=_task_panel, openable=_task_openable)
    )
    attachments.register_owner(
        Contract, can_view=_can_view, can_edit=_can_edit, label=_("contract")
    )
    register_price_subject("contract", _price_subject)
