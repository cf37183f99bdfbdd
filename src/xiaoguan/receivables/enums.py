"""Choices and transitions of receivables (R-AR-1..7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InstalmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PAID = "paid", _("Paid")
    WRITTEN_OFF = "written_off", _("Written off")
    # Replaced by the plan of an amendment, or stopped by termination / cancellation.
    CLOSED = "closed", _("Closed")


# Instalments that still count as receivable (aging, overdue, exposure).
RECEIVABLE_STATUSES = (InstalmentStatus.OPEN,)


class ReceiptMethod(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    BANK_BILL = "bank_bill", _("Bank acceptance bill")
    COMMERCIAL_BILL = "commercial_bill", _("Commercial acceptance bill")


BILL_METHODS = (ReceiptMethod.BANK_BILL, ReceiptMethod.COMMERCIAL_BILL)


class ReceiptStatus(models.TextChoices):
    POSTED = "posted", _("Posted")
    REVERSED = "reversed", _("Reversed")


class BillStatus(models.TextChoices):
    HELD = "held", _("Held")
    ENDORSED = "endorsed", _("Endorsed to a third party")
    DISCOUNTED = "discounted", _("Discounted at a bank")
    MATURED = "matured", _("Matured and paid")
    DISHONOURED = "dishonoured", _("Dishonoured")


BILL_TRANSITIONS: dict[str, set[str]] = {
    BillStatus.HELD: {
        BillStatus.ENDORSED,
        BillStatus.DISCOUNTED,
        BillStatus.MATURED,
        BillStatus.DISHONOURED,
    },
    BillStatus.ENDORSED: set(),
    BillStatus.DISCOUNTED: set(),
    BillStatus.MATURED: set(),
    BillStatus.DISHONOURED: set(),
}


class DunningKind(models.TextChoices):
    PHONE = "phone", _("Phone call")
    LETTER = "letter", _("Reminder letter")
    VISIT = "visit", _("Visit")
    LAWYERS_LETTER = "lawyers_letter", _("Lawyer's letter")
    LAWSUIT = "lawsuit", _("Lawsuit")


class WriteOffStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_APPROVAL = "in_approval", _("In approval")
    APPROVED = "approved", _("Written off")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


WRITE_OFF_TRANSITIONS: dict[str, set[str]] = {
    WriteOffStatus.DRAFT: {WriteOffStatus.IN_APPROVAL, WriteOffStatus.CANCELLED},
    WriteOffStatus.IN_APPROVAL: {
        WriteOffStatus.APPROVED,
        WriteOffStatus.REJECTED,
        WriteOffStatus.DRAFT,
        WriteOffStatus.CANCELLED,
    },
    WriteOffStatus.APPROVED: set(),
    WriteOffStatus.REJECTED: set(),
    WriteOffStatus.CANCELLED: set(),
}


class InvoiceKind(models.TextChoices):
    VAT_SPECIAL = "vat_special", _("VAT special invoice")
    VAT_NORMAL = "vat_normal", _("VAT general invoice")


class InvoiceStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ISSUED = "issued", _("Issued")
    CANCELLED = "cancelled", _("Cancelled")
    VOIDED = "voided", _("Voided after issue")


INVOICE_TRANSITIONS: dict[str, set[str]] = {
    InvoiceStatus.REQUESTED: {InvoiceStatus.ISSUED, InvoiceStatus.CANCELLED},
    InvoiceStatus.ISSUED: {InvoiceStatus.VOIDED},
    InvoiceStatus.CANCELLED: set(),
    InvoiceStatus.VOIDED: set(),
}
