"""Reads of contracts for the contract pages and API: one contract in the user's scope (404
otherwise), its lines, its payment schedule, the customers and quotes one may draft from."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xiaoguan.contracts.errors import ContractNotFound
from xiaoguan.contracts.models import Contract, ContractLine, PaymentTerm
from xiaoguan.customers.models import Customer
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible


def contract_get(*, user: User, contract_id: int) -> Contract:
    """One contract (any version) the user may see; ContractNotFound (404) otherwise."""
    contract = (
        visible(Contract.objects.all(), user)
        .select_related(
            "customer", "owner", "department", "template", "quote", "opportunity", "amends"
        )
        .filter(pk=contract_id)
        .first()
    )
    if contract is None:
        raise ContractNotFound()
    return contract


def contract_lines(*, contract: Contract) -> QuerySet[ContractLine]:
    return ContractLine.objects.filter(contract=contract).select_related("product", "unit")


def contract_terms(*, contract: Contract) -> QuerySet[PaymentTerm]:
    return PaymentTerm.objects.filter(contract=contract).order_by("position")


def contract_customers(*, user: User) -> QuerySet[Customer]:
    """Active customers the user may draft a contract for."""
    return visible(Customer.objects.filter(is_active=True), user).order_by("name_normalized", "pk")


def contract_signed_scan(*, contract: Contract) -> Any:
    """The attachment recorded as the signed scan on the signing's timeline entry, if any."""
    from xiaoguan.contracts.enums import EventKind
    from xiaoguan.contracts.models import ContractEvent
    from xiaoguan.core.models import Attachment

    event = (
        ContractEvent.objects.filter(contract=contract, kind=EventKind.SIGNED)
        .order_by("-at", "-pk")
        .first()
    )
    attachment_id = (event.detail or {}).get("scan_attachment_id") if event else None
    if not attachment_id:
        return None
    return Attachment.objects.filter(pk=attachment_id, removed_at__isnull=True).first()


def contract_for_quote(*, quote_id: int) -> Contract | None:
    """The live contract drafted from a quote (not cancelled or rejected), if any."""
    from xiaoguan.contracts.services.contracts import LIVE_STATUSES

    return (
        Contract.objects.filter(quote_id=quote_id, status__in=LIVE_STATUSES).order_by("-pk").first()
    )
