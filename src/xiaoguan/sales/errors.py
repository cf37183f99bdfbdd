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


# --- quotes (R-QUO-2, R-QUO-3) --------------------------------------------------------------


class QuoteInvalid(ApplicationError):
    """A quote's fields or lines are not valid; ``fields`` names them (lines as ``lines.N``)."""

    code = "quote_invalid"
    status = 422

    def default_message(self) -> Any:
        return _("Some fields of the quote are not valid.")


class QuoteEmpty(ApplicationError):
    code = "quote_empty"
    status = 422

    def default_message(self) -> Any:
        return _("A quote needs at least one line before it is submitted.")


class QuoteExpired(ApplicationError):
    code = "quote_expired"
    status = 422

    def default_message(self) -> Any:
        return _("The quote's validity date has passed; extend it before submitting.")


# --- inquiries and tenders (R-QUO-1) ---------------------------------------------------------


class InquiryInvalid(ApplicationError):
    """An inquiry's fields are not valid; ``fields`` names them."""

    code = "inquiry_invalid"
    status = 422

    def default_message(self) -> Any:
        return _("Some fields of the inquiry are not valid.")


class InquiryStateInvalid(InvalidTransition):
    code = "inquiry_state_invalid"

    def default_message(self) -> Any:
        return _("This is not possible in the inquiry's current status.")
