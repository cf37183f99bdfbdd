"""Statuses and kinds of the price system (R-PRC-1..3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApprovalDocStatus(models.TextChoices):
    """The life of a pricing document that needs approval (price change, promotion, price
    request)."""

    DRAFT = "draft", _("Draft")
    IN_APPROVAL = "in_approval", _("In approval")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


APPROVAL_DOC_TRANSITIONS: dict[str, set[str]] = {
    ApprovalDocStatus.DRAFT: {ApprovalDocStatus.IN_APPROVAL, ApprovalDocStatus.CANCELLED},
    ApprovalDocStatus.RETURNED: {ApprovalDocStatus.IN_APPROVAL, ApprovalDocStatus.CANCELLED},
    ApprovalDocStatus.IN_APPROVAL: {
        ApprovalDocStatus.APPROVED,
        ApprovalDocStatus.REJECTED,
        ApprovalDocStatus.RETURNED,
        ApprovalDocStatus.DRAFT,
    },
    # An approved promotion or price request can still be withdrawn; an approved price
    # change has taken effect and is undone only by another change.
    ApprovalDocStatus.APPROVED: {ApprovalDocStatus.CANCELLED},
    ApprovalDocStatus.REJECTED: set(),
    ApprovalDocStatus.CANCELLED: set(),
}


class DiscountKind(models.TextChoices):
    CUSTOMER_CLASS = "customer_class", _("By customer class")
    QUANTITY = "quantity", _("Quantity break")
    DEALER_TIER = "dealer_tier", _("By dealer tier")


class SubjectKind(models.TextChoices):
    """What a price approval request is for: the document whose lines it binds."""

    QUOTE = "quote", _("Quote")
    CONTRACT = "contract", _("Contract")
