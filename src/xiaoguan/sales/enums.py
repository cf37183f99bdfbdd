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
