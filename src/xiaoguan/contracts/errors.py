"""Refusals of the contracts services; each has a stable code for the API.

Parts of the app append their own errors here (templates and contracts first, then
amendments and the ledger)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from xiaoguan.core.errors import ApplicationError, InvalidTransition, NotFound


class ContractNotFound(NotFound):
    code = "contract_not_found"

    def default_message(self) -> Any:
        return _("Contract not found.")


class TemplateNotFound(NotFound):
    code = "contract_template_not_found"

    def default_message(self) -> Any:
        return _("Contract template not found.")


class TemplateInvalid(ApplicationError):
    """A template or clause that cannot be saved, e.g. an unknown placeholder."""

    code = "contract_template_invalid"
    status = 422

    def default_message(self) -> Any:
        return _("Some fields are not valid.")


class ContractInvalid(ApplicationError):
    code = "contract_invalid"
    status = 422

    def default_message(self) -> Any:
        return _("Some fields are not valid.")


class ScheduleInvalid(ApplicationError):
    """The payment schedule does not add up to the contract total (or 100 %)."""

    code = "schedule_invalid"
    status = 422

    def default_message(self) -> Any:
        return _("The payment schedule does not add up to the contract total.")


class TermsMissing(ApplicationError):
    """Submission refused while a mandatory term is missing (R-CON-1)."""

    code = "contract_terms_missing"
    status = 422

    def default_message(self) -> Any:
        return _("Some mandatory terms of the contract are missing.")


class DeliveryBeforeSigning(ApplicationError):
    code = "delivery_before_signing"
    status = 422

    def default_message(self) -> Any:
        return _("The delivery date cannot be before the signing date.")


class ContractNotEditable(InvalidTransition):
    code = "contract_not_editable"

    def default_message(self) -> Any:
        return _("Only a draft or a returned contract can be edited.")


class ContractExistsForQuote(ApplicationError):
    code = "contract_exists_for_quote"
    status = 409

    def default_message(self) -> Any:
        return _("A contract has already been drafted from this quote.")


class QuoteNotAccepted(ApplicationError):
    code = "quote_not_accepted"
    status = 422

    def default_message(self) -> Any:
        return _("Only an accepted quote can become a contract.")


class SignInvalid(ApplicationError):
    code = "contract_sign_invalid"
    status = 422

    def default_message(self) -> Any:
        return _("The signing could not be recorded.")


# Amendments, termination and problems (R-CON-4, R-CON-5) ---------------------------------


class AmendmentNotAllowed(InvalidTransition):
    """Only the current, signed version of a contract can be amended."""

    code = "amendment_not_allowed"

    def default_message(self) -> Any:
        return _("Only the signed version in force of a contract can be amended.")


class AmendmentOpen(ApplicationError):
    """A contract has at most one amendment on the way (draft, in approval or approved)."""

    code = "amendment_open"
    status = 409

    def default_message(self) -> Any:
        return _("This contract already has an amendment on the way; finish or discard it first.")


class AmendmentInvalid(ApplicationError):
    code = "amendment_invalid"
    status = 422

    def default_message(self) -> Any:
        return _("Some fields are not valid.")


class AmendmentBelowShipped(ApplicationError):
    """An amendment may not cut a line below what was already shipped (R-CON-5)."""

    code = "amendment_below_shipped"
    status = 422

    def default_message(self) -> Any:
        return _("The amendment cuts a quantity below what was already shipped.")


class AmendmentBelowCollected(ApplicationError):
    """An amendment may not bring the contract amount below what was already collected."""

    code = "amendment_below_collected"
    status = 422

    def default_message(self) -> Any:
        return _("The new contract amount is below what the customer has already paid.")


class TerminationNotAllowed(InvalidTransition):
    code = "termination_not_allowed"

    def default_message(self) -> Any:
        return _("Only the signed version in force of a contract can be terminated.")


class TerminationInvalid(ApplicationError):
    code = "termination_invalid"
    status = 422

    def default_message(self) -> Any:
        return _("Some fields are not valid.")


class ProblemNotFound(NotFound):
    code = "contract_problem_not_found"

    def default_message(self) -> Any:
        return _("Problem not found.")


class ProblemInvalid(ApplicationError):
    code = "contract_problem_invalid"
    status = 422

    def default_message(self) -> Any:
        return _("Some fields are not valid.")


class ProblemAlreadySolved(InvalidTransition):
    code = "contract_problem_solved"

    def default_message(self) -> Any:
        return _("This problem is already solved.")


class ProblemNotAllowed(InvalidTransition):
    code = "contract_problem_not_allowed"

    def default_message(self) -> Any:
        return _("Problems are logged on the signed version in force of a contract.")
