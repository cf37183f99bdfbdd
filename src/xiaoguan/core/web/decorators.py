"""Every page declares the right it needs; the access-control tests read ``required_right``."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def require_right(code: str | None):
    """Sign-in required; with a code, also that right (403 otherwise). ``None``: any employee."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if code is not None and not user.has_right(code):
                from xiaoguan.core.audit import audit_event_record
                from xiaoguan.core.models import AuditKind

                audit_event_record(
                    kind=AuditKind.ACCESS_DENIED,
                    actor=user,
                    request=request,
                    summary=request.path[:300],
                    detail={"right": code},
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_right = code  # type: ignore[attr-defined]
        wrapper.login_required = True  # type: ignore[attr-defined]
        return wrapper

    return decorate


def public(view):
    """Marks a page that needs no sign-in (login, health check, language switch)."""
    view.login_required = False
    view.required_right = None
    return view
