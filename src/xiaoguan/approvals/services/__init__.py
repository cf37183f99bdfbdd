"""Writes of the approval engine (R-X-1): submissions and decisions (``requests``), chain
configuration (``chains``), delegations (``delegations``). Import from here."""

from xiaoguan.approvals.services.chains import (
    approval_chain_create,
    chain_create,
    chain_update,
    step_add,
    step_move,
    step_remove,
)
from xiaoguan.approvals.services.delegations import delegation_create, delegation_end
from xiaoguan.approvals.services.requests import (
    approval_decide,
    approval_request_cancel,
    approval_request_create,
    approvals_handover,
)

__all__ = [
    "approval_chain_create",
    "approval_decide",
    "approval_request_cancel",
    "approval_request_create",
    "approvals_handover",
    "chain_create",
    "chain_update",
    "delegation_create",
    "delegation_end",
    "step_add",
    "step_move",
    "step_remove",
]
