"""The context of a contract's execution partials (timeline, versions, problems).

Placeholder: helper "amendments" replaces it with the real timeline, versions and problems."""

from __future__ import annotations

from typing import Any

from xiaoguan.contracts.models import Contract
from xiaoguan.org.models import User


def contract_execution_context(*, contract: Contract, user: User) -> dict[str, Any]:
    return {}
