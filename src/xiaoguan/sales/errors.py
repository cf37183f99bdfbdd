"""Refusals of the sales services; each has a stable code for the API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from xiaoguan.core.errors import ApplicationError, InvalidTransition


class OpportunityInvalid(ApplicationError):
    code = "opportunity_invalid"
    status = 422

    def default_message(self) -> Any:
        return _("Some fields are not valid.")


class OpportunityClosed(InvalidTransition):
    """A won or lost opportunity is read-only until it is reopened."""

    code = "opportunity_closed"

    def default_message(self) -> Any:
        return _("This opportunity is closed; reopen it first.")


class StageMoveInvalid(InvalidTransition):
    code = "stage_move_invalid"

    def default_message(self) -> Any:
        return _("This stage change is not possible.")
