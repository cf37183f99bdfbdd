"""Demo approval chains: one sensible default chain per document type registered with the
approval engine when the demo loads (R-X-1).

Nothing is registered by the approval engine itself; the business apps (pricing, sales,
contracts, activities, ...) register their types in later issues and, with them, get a
default chain here: the owner's manager, then management from 100,000 or from a 10 %
discount. Types that already have a chain are left alone.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from xiaoguan.approvals.enums import ApproverRule, StepMode
from xiaoguan.approvals.models import ApprovalChain, ApprovalStep
from xiaoguan.approvals.registries import document_types
from xiaoguan.org.models import Role

LARGE_AMOUNT = Decimal("100000")
LARGE_DISCOUNT = Decimal("10")


def load(company: Any = None, **_offered: Any) -> list[ApprovalChain]:
    """Create the default chains; returns those created (none when no type is registered)."""
    management = Role.objects.filter(code="management").first()
    created: list[ApprovalChain] = []
    for doc_type in document_types():
        if ApprovalChain.objects.filter(doc_type=doc_type.code).exists():
            continue
        chain = ApprovalChain.objects.create(
            doc_type=doc_type.code, name=f"{doc_type.label}审批", is_active=False
        )
        ApprovalStep.objects.create(
            chain=chain,
            position=1,
            name="直属上级",
            rule=ApproverRule.OWNER_MANAGER,
            mode=StepMode.ANY,
        )
        if management is not None and management.members.filter(is_active=True).exists():
            ApprovalStep.objects.create(
                chain=chain,
                position=2,
                name="总经理（大额）",
                rule=ApproverRule.ROLE,
                role=management,
                mode=StepMode.ANY,
                min_amount=LARGE_AMOUNT,
            )
        chain.is_active = True
        chain.save(update_fields=["is_active", "updated_at"])
        created.append(chain)
    return created
