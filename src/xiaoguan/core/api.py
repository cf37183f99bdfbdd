"""The API's shared machinery: one NinjaAPI factory with errors as JSON ``{code, message}``
(translated) and field-by-field validation messages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import IntegrityError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from xiaoguan.core.errors import ApplicationError, PermissionDenied


def _field_name(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form")]
    return ".".join(parts) or "__all__"


def _translated(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("string_too_long",):
        return _("At most %(n)s characters.") % {"n": ctx.get("max_length", "")}
    if kind in ("string_too_short",):
        return _("At least %(n)s characters.") % {"n": ctx.get("min_length", "")}
    if kind.startswith("int_") or kind.startswith("decimal_") or kind.startswith("float_"):
        return _("Enter a valid number.")
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("Enter a valid date.")
    if kind.startswith("bool"):
        return _("Enter true or false.")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return _("Value out of range.")
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    if kind in ("enum", "literal_error"):
        return _("Not one of the allowed values.")
    if kind == "value_error":
        return str(error.get("msg", "")).removeprefix("Value error, ") or _("Not a valid value.")
    return _("Not a valid value.")


def build_api(**kwargs: Any) -> NinjaAPI:
    api = NinjaAPI(**kwargs)

    @api.exception_handler(ApplicationError)
    def _application_error(request: HttpRequest, exc: ApplicationError):
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def _validation_error(request: HttpRequest, exc: NinjaValidationError):
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            fields.setdefault(_field_name(list(error.get("loc", []))), []).append(
                _translated(error)
            )
        body = {
            "code": "validation_failed",
            "message": _("Some fields are not valid."),
            "fields": fields,
        }
        return api.create_response(request, body, status=422)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: Exception):
        body = {"code": "not_authenticated", "message": _("Sign in or send a valid API token.")}
        return api.create_response(request, body, status=401)

    @api.exception_handler(AuthorizationError)
    @api.exception_handler(DjangoPermissionDenied)
    def _forbidden(request: HttpRequest, exc: Exception):
        body = {"code": "permission_denied", "message": _("You do not have the right to do this.")}
        return api.create_response(request, body, status=403)

    @api.exception_handler(Http404)
    @api.exception_handler(ObjectDoesNotExist)
    def _not_found(request: HttpRequest, exc: Exception):
        return api.create_response(
            request, {"code": "not_found", "message": _("Not found.")}, status=404
        )

    @api.exception_handler(IntegrityError)
    def _integrity(request: HttpRequest, exc: Exception):
        body = {
            "code": "conflict",
            "message": _("The change conflicts with existing data; reload and try again."),
        }
        return api.create_response(request, body, status=409)

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError):
        return api.create_response(
            request, {"code": "error", "message": str(exc)}, status=exc.status_code
        )

    return api


def require_rights(request: HttpRequest, *rights: str) -> Any:
    """The authenticated API caller, if they hold every one of ``rights``; otherwise the
    request ends with 403. Every endpoint starts with this (object scope comes after, in the
    selectors)."""
    user = request.auth  # type: ignore[attr-defined]
    if not all(user.has_right(right) for right in rights):
        raise PermissionDenied()
    return user


def require_any_right(request: HttpRequest, *rights: str) -> Any:
    """The authenticated API caller, if they hold at least one of ``rights``; otherwise 403."""
    user = request.auth  # type: ignore[attr-defined]
    if not any(user.has_right(right) for right in rights):
        raise PermissionDenied()
    return user
