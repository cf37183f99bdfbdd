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
