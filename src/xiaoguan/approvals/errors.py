"""Errors of the approval engine; each carries a stable code and a translated message."""

from django.utils.translation import gettext_lazy as _

from xiaoguan.core.errors import (
    ApplicationError,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)


class ApprovalChainUnresolvable(ApplicationError):
    """No active chain for the type, or a step finds nobody to approve."""

    code = "approval_chain_unresolvable"
    status = 422

    def default_message(self):
        return _(
            "No approver could be found for this document; "
            "ask management to check the approval chain."
        )


class ApprovalAlreadyDecided(Conflict):
    code = "approval_already_decided"

    def default_message(self):
        return _("This approval step has already been decided; reload the page to see the outcome.")


class ApprovalAlreadyPending(Conflict):
    code = "approval_already_pending"

    def default_message(self):
        return _("This document is already waiting for approval.")


class SelfApprovalRefused(PermissionDenied):
    code = "self_approval_refused"

    def default_message(self):
        return _("Nobody approves their own request.")


class ApprovalNotYours(PermissionDenied):
    code = "approval_not_yours"

    def default_message(self):
        return _("This approval task is not assigned to you or to someone you stand in for.")


class ApprovalNotFound(NotFound):
    code = "approval_not_found"


class ApprovalInvalid(ValidationFailed):
    code = "approval_invalid"


class ChainInvalid(ValidationFailed):
    code = "approval_chain_invalid"


class DelegationInvalid(ValidationFailed):
    code = "delegation_invalid"


class UnknownDocumentType(ApplicationError):
    code = "unknown_document_type"

    def default_message(self):
        return _("This document type is not registered with the approval engine.")
