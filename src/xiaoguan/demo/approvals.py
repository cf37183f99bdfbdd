"""Demo approval chains: one sensible default chain per document type registered with the
approval engine (R-X-1), made by ``approvals.services.chains.default_chains_ensure`` — the
same defaults ``xiaoguan serve`` gives a new installation. Types that already have a chain
are left alone."""

from __future__ import annotations

from typing import Any

from xiaoguan.approvals.models import ApprovalChain
from xiaoguan.approvals.services.chains import default_chains_ensure


def load(company: Any = None, **_offered: Any) -> list[ApprovalChain]:
    """Create the default chains; returns those created (none when no type is registered)."""
    return default_chains_ensure()
