"""Which address a request came from, the one way (throttling, audit)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client address, trusting X-Forwarded-For only as far as our own proxies append to it.

    With ``XG_TRUSTED_PROXY_COUNT = n`` the n-th entry from the right is the address our
    outermost proxy saw; anything a client wrote to the left of it is ignored, so a forged
    header cannot dodge throttling. With 0 the header is ignored altogether.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = int(getattr(settings, "XG_TRUSTED_PROXY_COUNT", 0))
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]


def client_ip_for_axes(request: HttpRequest) -> str:
    return client_ip(request)
