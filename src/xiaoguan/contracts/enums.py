"""Contract statuses, payment triggers, termination kinds and timeline events (R-CON)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_APPROVAL = "in_approval", _("In approval")
    RETURNED = "returned", _("Returned for changes")
    REJECTED = "rejected", _("Rejected")
    APPROVED = "approved", _("Approved, to be signed")
    SIGNED = "signed", _("Signed, in force")
    SUPERSEDED = "superseded", _("Replaced by an amendment")
    TERMINATED = "terminated", _("Terminated")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


CONTRACT_TRANSITIONS: dict[str, set[str]] = {
    ContractStatus.DRAFT: {ContractStatus.IN_APPROVAL, ContractStatus.CANCELLED},
    ContractStatus.RETURNED: {ContractStatus.IN_APPROVAL, ContractStatus.CANCELLED},
    ContractStatus.IN_APPROVAL: {
        ContractStatus.APPROVED,
        ContractStatus.REJECTED,
        ContractStatus.RETURNED,
        ContractStatus.DRAFT,
    },
    ContractStatus.APPROVED: {ContractStatus.SIGNED, ContractStatus.CANCELLED},
    ContractStatus.SIGNED: {
        ContractStatus.SUPERSEDED,
        ContractStatus.TERMINATED,
        ContractStatus.COMPLETED,
    },
    ContractStatus.REJECTED: set(),
    ContractStatus.SUPERSEDED: set(),
    ContractStatus.TERMINATED: set(),
    ContractStatus.COMPLETED: set(),
    ContractStatus.CANCELLED: set(),
}

# Statuses in which a contract binds the company (the ledger's "in force").
IN_FORCE = (ContractStatus.SIGNED,)


class PaymentTrigger(models.TextChoices):
    """When an instalment falls due; ``days_after`` adds a delay to the event."""

    SIGNING = "signing", _("On signing")
    BEFORE_SHIPMENT = "before_shipment", _("Before shipment")
    DELIVERY = "delivery", _("On delivery")
    ACCEPTANCE = "acceptance", _("On acceptance")
    WARRANTY_END = "warranty_end", _("At the end of the warranty")


class TerminationKind(models.TextChoices):
    FORCE_MAJEURE = "force_majeure", _("Force majeure")
    CUSTOMER_BREACH = "customer_breach", _("Breach by the customer")
    COMPANY_BREACH = "company_breach", _("Breach by us")
    MUTUAL = "mutual", _("Mutual agreement")


class ContractSource(models.TextChoices):
    TEMPLATE = "template", _("From a template")
    QUOTE = "quote", _("From a quote")
    SCRATCH = "scratch", _("From scratch")


class EventKind(models.TextChoices):
    """Entries of a contract's execution timeline (R-CON-4)."""

    CREATED = "created", _("Drafted")
    EDITED = "edited", _("Edited")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVAL_STEP = "approval_step", _("Approval step decided")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")
    REJECTED = "rejected", _("Rejected")
    SIGNED = "signed", _("Signed")
    TASK = "task", _("Task for a department")
    TASK_DONE = "task_done", _("Task done")
    PROBLEM = "problem", _("Problem logged")
    PROBLEM_SOLVED = "problem_solved", _("Problem solved")
    AMENDMENT = "amendment", _("Amendment drafted")
    AMENDED = "amended", _("Amendment in force")
    TERMINATED = "terminated", _("Terminated")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")
    SHIPMENT = "shipment", _("Shipment")
    RECEIPT = "receipt", _("Receipt")
    INVOICE = "invoice", _("Invoice")
    NOTE = "note", pgettext_lazy("timeline", "Note")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SOLVED = "solved", _("Solved")
