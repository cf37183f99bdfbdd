"""Opportunity stages and close reasons (R-CUS-8)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Stage(models.TextChoices):
    NEEDS = "needs", _("Need confirmed")
    SOLUTION = "solution", _("Solution")
    QUOTE = "quote", _("Quotation")
    NEGOTIATION = "negotiation", _("Negotiation")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


OPEN_STAGES = (Stage.NEEDS, Stage.SOLUTION, Stage.QUOTE, Stage.NEGOTIATION)
CLOSED_STAGES = (Stage.WON, Stage.LOST)

# Default win probability per stage (percent); the rep may set another on the opportunity.
DEFAULT_PROBABILITY = {
    Stage.NEEDS: 20,
    Stage.SOLUTION: 40,
    Stage.QUOTE: 60,
    Stage.NEGOTIATION: 80,
    Stage.WON: 100,
    Stage.LOST: 0,
}


class LostReason(models.TextChoices):
    PRICE = "price", _("Price too high")
    COMPETITOR = "competitor", _("Went to a competitor")
    NO_BUDGET = "no_budget", _("Budget cancelled")
    PRODUCT = "product", _("Product does not fit")
    NO_DECISION = "no_decision", _("Project shelved")
    RELATIONSHIP = "relationship", _("Relationship")
    OTHER = "other", pgettext_lazy("lost reason", "Other")


class InquiryKind(models.TextChoices):
    INQUIRY = "inquiry", _("Inquiry")
    TENDER = "tender", _("Tender")


class InquirySource(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    WEBSITE = "website", _("Website")
    TENDER_PLATFORM = "tender_platform", _("Tender platform")
    VISIT = "visit", _("Visit")
    REFERRAL = "referral", _("Referral")
    OTHER = "other", pgettext_lazy("inquiry source", "Other")


class InquiryStatus(models.TextChoices):
    """询价/招标: registered → (escalated) → bidding or no bid → won / lost."""

    NEW = "new", _("Awaiting decision")
    ESCALATED = "escalated", _("Bid decision with management")
    BIDDING = "bidding", _("Bidding")
    NO_BID = "no_bid", _("No bid")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    CANCELLED = "cancelled", _("Cancelled")


INQUIRY_TRANSITIONS: dict[str, set[str]] = {
    InquiryStatus.NEW: {
        InquiryStatus.ESCALATED,
        InquiryStatus.BIDDING,
        InquiryStatus.NO_BID,
        InquiryStatus.CANCELLED,
    },
    InquiryStatus.ESCALATED: {InquiryStatus.BIDDING, InquiryStatus.NO_BID, InquiryStatus.NEW},
    InquiryStatus.BIDDING: {InquiryStatus.WON, InquiryStatus.LOST, InquiryStatus.CANCELLED},
    InquiryStatus.NO_BID: set(),
    InquiryStatus.WON: set(),
    InquiryStatus.LOST: set(),
    InquiryStatus.CANCELLED: set(),
}


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_APPROVAL = "in_approval", _("In approval")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ACCEPTED = "accepted", _("Accepted by the customer")
    LOST = "lost", _("Lost")
    CANCELLED = "cancelled", _("Cancelled")


QUOTE_TRANSITIONS: dict[str, set[str]] = {
    QuoteStatus.DRAFT: {QuoteStatus.IN_APPROVAL, QuoteStatus.CANCELLED},
    QuoteStatus.RETURNED: {QuoteStatus.IN_APPROVAL, QuoteStatus.CANCELLED},
    QuoteStatus.IN_APPROVAL: {
        QuoteStatus.APPROVED,
        QuoteStatus.REJECTED,
        QuoteStatus.RETURNED,
        QuoteStatus.DRAFT,
    },
    QuoteStatus.APPROVED: {QuoteStatus.ACCEPTED, QuoteStatus.LOST, QuoteStatus.CANCELLED},
    QuoteStatus.REJECTED: set(),
    QuoteStatus.ACCEPTED: set(),
    QuoteStatus.LOST: set(),
    QuoteStatus.CANCELLED: set(),
}
