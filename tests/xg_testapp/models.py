from django.db import models
from simple_history.models import HistoricalRecords

from xiaoguan.core.documents import Document
from xiaoguan.org.models import Owned


class ExpenseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_APPROVAL = "in_approval", "In approval"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Expense(Owned, Document):
    """A test-only document: an expense claim with an amount, owned and approvable."""

    EDITABLE_STATUSES = ("draft", "returned")
    TRANSITIONS = {
        "draft": {"in_approval"},
        "returned": {"in_approval"},
        "in_approval": {"approved", "rejected", "returned", "draft"},
    }

    title = models.CharField(max_length=100)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    discount = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ExpenseStatus.choices, default=ExpenseStatus.DRAFT
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.title
