"""Refusals of the activities services (visits, follow-ups, trips, reports); each has a
stable code for the API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from xiaoguan.core.errors import ApplicationError


class ActivityInvalid(ApplicationError):
    """Base class of the activities refusals: some input is not valid."""

    code = "activity_invalid"
    status = 422

    def default_message(self) -> Any:
        return _("Some fields are not valid.")


class VisitInvalid(ActivityInvalid):
    code = "visit_invalid"


class FollowUpInvalid(ActivityInvalid):
    code = "followup_invalid"


class TripInvalid(ActivityInvalid):
    code = "trip_invalid"


class TripBlocked(ActivityInvalid):
    """Submission refused by the three-visit rule; ``extra["blocked"]`` lists the customers."""

    code = "trip_blocked"
    status = 409


class ReportInvalid(ActivityInvalid):
    """A work log, weekly report, comment or minutes refused (reports part, R-TGT-5)."""

    code = "report_invalid"


class ReportLocked(ActivityInvalid):
    """A work log outside the edit window, or a submitted weekly report: read-only."""

    code = "report_locked"
    status = 409

    def default_message(self) -> Any:
        return _("This record is locked and can no longer be changed.")
