"""Errors raised by services; pages turn them into messages, the API into JSON with a code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A business rule refused an action. ``message`` is user-facing and translated."""

    code: str = "invalid"
    status: int = 400

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        fields: Mapping[str, Any] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message()
        if code:
            self.code = code
        self.fields = dict(fields or {})
        self.extra = dict(extra or {})
        super().__init__(str(self.message))

    def default_message(self) -> Any:
        return _("The request could not be completed.")

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.fields:
            body["fields"] = {
                k: [str(m) for m in (v if isinstance(v, list | tuple) else [v])]
                for k, v in self.fields.items()
            }
        if self.extra:
            body.update({k: v for k, v in self.extra.items() if k not in body})
        return body


class ValidationFailed(ApplicationError):
    code = "validation_failed"
    status = 422

    def default_message(self) -> Any:
        return _("Some fields are not valid.")


class NotFound(ApplicationError):
    """Missing and forbidden look the same (R-ORG-1)."""

    code = "not_found"
    status = 404

    def default_message(self) -> Any:
        return _("Not found.")


class PermissionDenied(ApplicationError):
    code = "permission_denied"
    status = 403

    def default_message(self) -> Any:
        return _("You do not have the right to do this.")


class Conflict(ApplicationError):
    code = "conflict"
    status = 409

    def default_message(self) -> Any:
        return _("The record was changed meanwhile; reload it and try again.")


class StaleEdit(Conflict):
    code = "stale_edit"

    def default_message(self) -> Any:
        return _(
            "Someone else changed this record after you opened it. "
            "Reload it and apply your change again."
        )


class InvalidTransition(Conflict):
    code = "invalid_transition"

    def default_message(self) -> Any:
        return _("This action is not possible in the document's current status.")


class DocumentImmutable(Conflict):
    code = "document_immutable"

    def default_message(self) -> Any:
        return _("A submitted or approved document cannot be edited.")
