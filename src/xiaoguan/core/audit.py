"""Audit events (R-X-2): logins, failed logins, exports, denied access and other acts that
are not a change of a record (record changes are in each model's history)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.http import HttpRequest

from xiaoguan.core.models import AuditEvent, AuditKind
from xiaoguan.core.net import client_ip

_SECRET_WORDS = ("password", "token", "secret", "key")


def _clean(detail: dict[str, Any] | None) -> dict[str, Any]:
    """No secrets in the trail, whatever a caller passes."""
    return {
        k: v for k, v in (detail or {}).items() if not any(w in k.lower() for w in _SECRET_WORDS)
    }


def audit_event_record(
    *,
    kind: str,
    actor: Any = None,
    request: HttpRequest | None = None,
    obj: models.Model | None = None,
    summary: str = "",
    detail: dict[str, Any] | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one audit event. ``actor`` may be None (failed login of an unknown name)."""
    event = AuditEvent(kind=kind, summary=str(summary)[:500], detail=_clean(detail))
    if actor is not None and getattr(actor, "pk", None):
        event.actor_id = actor.pk
        event.actor_name = actor.get_username()
    else:
        event.actor_name = actor_name[:150]
    if request is not None:
        event.ip = client_ip(request)[:64]
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
        event.request_id = getattr(request, "request_id", "")[:64]
    if obj is not None:
        event.object_type = obj._meta.label_lower
        event.object_id = str(obj.pk)
    event.save()
    return event


def _on_login(sender, request, user, **kwargs) -> None:
    audit_event_record(kind=AuditKind.LOGIN, actor=user, request=request)


def _on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_event_record(kind=AuditKind.LOGOUT, actor=user, request=request)


def _on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The name typed is kept (it may be unknown); the password never is.
    name = str(credentials.get("username", ""))[:150]
    audit_event_record(kind=AuditKind.LOGIN_FAILED, request=request, actor_name=name)


def connect_auth_signals() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="xg_audit_login")
    user_logged_out.connect(_on_logout, dispatch_uid="xg_audit_logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="xg_audit_login_failed")
