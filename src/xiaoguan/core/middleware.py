"""Request id for structured logs, and the absolute session lifetime."""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("xg_request_id", default="-")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Takes a sane ``X-Request-ID`` from the proxy or makes one; echoes it on the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        # Read back with getattr (core.audit); HttpRequest declares no such attribute.
        request.request_id = rid  # type: ignore[attr-defined]
        token = _request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


SESSION_STARTED_KEY = "xg_session_started"
SESSION_TOUCHED_KEY = "xg_session_touched"
TOUCH_INTERVAL_SECONDS = 60


class SessionLifetimeMiddleware:
    """Ends a session after its absolute lifetime, however active it is, and keeps the idle
    timeout sliding.

    The idle timeout is Django's ``SESSION_COOKIE_AGE``; activity renews it by saving the
    session, which this does at most once a minute rather than on every request (a database
    write per page would cost more than the page).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            now = int(time.time())
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - int(started) > settings.XG_SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return self.get_response(request)
            touched = int(request.session.get(SESSION_TOUCHED_KEY, 0))
            if now - touched >= TOUCH_INTERVAL_SECONDS:
                request.session[SESSION_TOUCHED_KEY] = (
                    now  # marks the session modified: saved, expiry renewed
                )
        return self.get_response(request)
