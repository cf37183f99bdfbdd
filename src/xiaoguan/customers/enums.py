"""Choices of the customer database (R-CUS-1, R-CUS-3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")
    CONSTRUCTION = "construction", _("Construction and engineering")
    REAL_ESTATE = "real_estate", _("Real estate and property management")
    PETROCHEMICAL = "petrochemical", _("Petrochemical and chemical")
    ENERGY = "energy", _("Energy and power")
    TRANSPORT = "transport", _("Transport and logistics")
    RETAIL = "retail", _("Commerce and retail")
    HOSPITALITY = "hospitality", _("Hotels and catering")
    HEALTHCARE = "healthcare", _("Healthcare")
    EDUCATION = "education", _("Education")
    PUBLIC = "public", _("Government and public institutions")
    OTHER = "other", pgettext_lazy("industry", "Other")


class EmployeeBand(models.TextChoices):
    UNDER_50 = "lt50", _("Fewer than 50")
    FROM_50 = "50_199", _("50–199")
    FROM_200 = "200_999", _("200–999")
    FROM_1000 = "1000_plus", _("1,000 or more")


class RevenueBand(models.TextChoices):
    UNDER_10M = "lt10m", _("Under ¥10 million")
    FROM_10M = "10m_50m", _("¥10–50 million")
    FROM_50M = "50m_200m", _("¥50–200 million")
    FROM_200M = "200m_1b", _("¥200 million – ¥1 billion")
    OVER_1B = "1b_plus", _("Over ¥1 billion")


class SourceChannel(models.TextChoices):
    WEB_SEARCH = "web_search", _("Web search")
    TRADE_SHOW = "trade_show", _("Trade show")
    REFERRAL = "referral", _("Referral")
    PHONE = "phone", _("Phone")
    CAMPAIGN = "campaign", _("Marketing campaign")
    DEALER = "dealer", _("Dealer")
    OTHER = "other", pgettext_lazy("source channel", "Other")


class CustomerClass(models.TextChoices):
    """客户分类 (R-CUS-3): key, secondary, potential."""

    A = "A", _("A – key customer")
    B = "B", _("B – secondary customer")
    C = "C", _("C – potential customer")


class CustomerGrade(models.TextChoices):
    """客户分级 (R-CUS-3): importance and cooperation value; drives visit frequency."""

    A = "A", _("Grade A")
    B = "B", _("Grade B")
    C = "C", _("Grade C")


class Potential(models.TextChoices):
    """Purchase potential and intent, as the rep judges them (R-CUS-3 scoring inputs)."""

    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class PurchaseHistory(models.TextChoices):
    NONE = "none", _("No purchase yet")
    ONCE = "once", _("Bought once")
    REPEAT = "repeat", _("Repeat buyer")


class CreditRating(models.TextChoices):
    """资信等级 (R-CUS-9), set by finance."""

    AAA = "AAA", "AAA"
    AA = "AA", "AA"
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class OwnerChangeKind(models.TextChoices):
    """How a customer came to (or left) its owner; every change is logged (R-CUS-5)."""

    CREATED = "created", _("Created")
    CLAIMED = "claimed", _("Claimed from the pool")
    ASSIGNED = "assigned", _("Assigned by a manager")
    RETURNED = "returned", _("Returned to the pool (not followed up)")
    RELEASED = "released", _("Released to the pool")
    HANDOVER = "handover", _("Handed over")
    MERGED = "merged", _("Merged")
    CONVERTED = "converted", _("Converted from a lead")
    IMPORTED = "imported", _("Imported")


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    QUALIFIED = "qualified", _("Qualified")
    DISQUALIFIED = "disqualified", _("Disqualified")
    CONVERTED = "converted", _("Converted")


LEAD_TRANSITIONS: dict[str, set[str]] = {
    LeadStatus.NEW: {
        LeadStatus.CONTACTED,
        LeadStatus.QUALIFIED,
        LeadStatus.DISQUALIFIED,
        LeadStatus.CONVERTED,
    },
    LeadStatus.CONTACTED: {LeadStatus.QUALIFIED, LeadStatus.DISQUALIFIED, LeadStatus.CONVERTED},
    LeadStatus.QUALIFIED: {LeadStatus.DISQUALIFIED, LeadStatus.CONVERTED},
    LeadStatus.DISQUALIFIED: {LeadStatus.NEW},
    LeadStatus.CONVERTED: set(),
}


class DisqualifyReason(models.TextChoices):
    NO_NEED = "no_need", _("No need")
    NO_BUDGET = "no_budget", _("No budget")
    UNREACHABLE = "unreachable", _("Cannot be reached")
    COMPETITOR = "competitor", _("Bought from a competitor")
    DUPLICATE = "duplicate", _("Duplicate of an existing customer or lead")
    INVALID = "invalid", _("Invalid information")
    OTHER = "other", pgettext_lazy("disqualify reason", "Other")
