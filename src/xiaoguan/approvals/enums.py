"""Statuses and choices of the approval engine (R-X-1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApproverRule(models.TextChoices):
    """How a step finds its approvers."""

    OWNER_MANAGER = "owner_manager", _("Manager of the owner")
    MANAGER_LEVELS = "manager_levels", _("Successive managers, N levels up")
    DEPARTMENT_HEAD = "department_head", _("Head of a department")
    ROLE = "role", _("Everyone holding a role")
    EMPLOYEE = "employee", _("A named employee")


class StepMode(models.TextChoices):
    ANY = "any", _("Any one of them")
    ALL = "all", _("All of them")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for changes")
    CANCELLED = "cancelled", _("Cancelled")


class TaskStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for changes")
    SKIPPED = "skipped", _("Skipped")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    RETURN = "return", _("Return for changes")


DECISION_TO_TASK_STATUS = {
    Decision.APPROVE: TaskStatus.APPROVED,
    Decision.REJECT: TaskStatus.REJECTED,
    Decision.RETURN: TaskStatus.RETURNED,
}
