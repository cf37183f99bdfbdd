"""Refusals of the customer services; each has a stable code for the API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from xiaoguan.core.errors import ApplicationError


class CustomerInvalid(ApplicationError):
    code = "customer_invalid"
    status = 422

    def default_message(self) -> Any:
        return _("Some fields are not valid.")


class CustomerDuplicate(ApplicationError):
    """The customer seems to exist already (R-CUS-2). ``extra`` carries the matches the actor
    may see (``matches``) and how many others exist outside their scope (``hidden_count``)."""

    code = "customer_duplicate"
    status = 409

    def default_message(self) -> Any:
        return _("This customer seems to exist already.")


class ContactInvalid(ApplicationError):
    code = "contact_invalid"
    status = 422

    def default_message(self) -> Any:
        return _("Some fields are not valid.")
