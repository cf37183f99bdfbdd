"""API authentication: a personal token in ``Authorization: Bearer …`` or the browser session
(with CSRF). Tokens are never accepted in a URL."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from xiaoguan.org import selectors


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = selectors.api_token_user(raw_token=token)
        if user is None:
            return None
        request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """The session of a signed-in, active employee (CSRF checked by ninja)."""

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


api_auth = [TokenAuth(), ActiveSessionAuth(csrf=True)]
