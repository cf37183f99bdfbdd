"""Choices and transitions of visits, follow-ups, trips and reports (R-CUS-6, R-CUS-7, R-TGT-5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VisitKind(models.TextChoices):
    ONSITE = "onsite", _("On-site visit")
    PHONE = "phone", _("Phone call")
    VIDEO = "video", _("Video or WeChat call")
    EXHIBITION = "exhibition", _("Exhibition")
    RECEPTION = "reception", _("Customer visited us")
    OTHER = "other", pgettext_lazy("visit kind", "Other")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class VisitResult(models.TextChoices):
    """Whether the visit moved the customer forward; three visits in a row without progress
    trigger the trip rule (R-CUS-7)."""

    PROGRESS = "progress", _("Progress made")
    NO_PROGRESS = "no_progress", _("No progress")
    DEAL = "deal", _("Deal reached")
    LOST = "lost", _("Customer lost")


class TripStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_APPROVAL = "in_approval", _("In approval")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    REPORTED = "reported", _("Reported")
    CANCELLED = "cancelled", _("Cancelled")


TRIP_TRANSITIONS: dict[str, set[str]] = {
    TripStatus.DRAFT: {TripStatus.IN_APPROVAL, TripStatus.CANCELLED},
    TripStatus.RETURNED: {TripStatus.IN_APPROVAL, TripStatus.CANCELLED},
    TripStatus.IN_APPROVAL: {
        TripStatus.APPROVED,
        TripStatus.REJECTED,
        TripStatus.RETURNED,
        TripStatus.DRAFT,
    },
    TripStatus.APPROVED: {TripStatus.REPORTED, TripStatus.CANCELLED},
    TripStatus.REJECTED: set(),
    TripStatus.REPORTED: set(),
    TripStatus.CANCELLED: set(),
}
