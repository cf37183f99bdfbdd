"""PDF documents (quotes, contracts, statements) rendered from HTML templates by WeasyPrint.

The fonts come from the system (Debian's ``fonts-noto-cjk``), so Chinese text is embedded as
text, not as images: a test extracts it again. Templates extend ``core/pdf/base.html`` which
sets the page size, margins, fonts and the page-number footer. Images and stylesheets are
read from the static files only; nothing is fetched over the network.

Laying out and writing a two-page Chinese PDF costs a few hundred milliseconds of CPU, and the
same document is opened again and again (a signed contract by the rep, legal, finance and the
customer). The bytes are therefore kept in the cache under a hash of the HTML they were made
from: the same HTML gives the same PDF, and any change to the document (its data, its
template, the company's details, the language) changes the HTML and so the key. Nothing has
to be invalidated by hand.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.encoding import iri_to_uri


def _static_only_fetcher(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Let a PDF template use ``static:`` files only (no file system, no network)."""
    from weasyprint.urls import default_url_fetcher

    if url.startswith("static:"):
        path = finders.find(url.removeprefix("static:"))
        if path:
            return default_url_fetcher("file://" + iri_to_uri(str(path)), *args, **kwargs)
    raise ValueError(f"PDF templates may not load {url!r}")


CACHE_SECONDS = 24 * 3600
CACHE_MAX_BYTES = 5 * 1024 * 1024


def _cache_key(html: str) -> str:
    import weasyprint

    # The templates inline their styles (no static file is read today); the renderer's
    # version is part of the key, as an upgrade may lay the same HTML out differently.
    seed = f"{weasyprint.__version__}|{html}"
    return "pdf:" + hashlib.sha256(seed.encode()).hexdigest()


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a template to PDF bytes (from the cache when the same HTML was rendered)."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    key = _cache_key(html)
    cached = cache.get(key)
    if isinstance(cached, bytes):
        return cached
    content = HTML(string=html, url_fetcher=_static_only_fetcher, base_url="static:").write_pdf()
    if len(content) <= CACHE_MAX_BYTES:
        cache.set(key, content, CACHE_SECONDS)
    return content


def pdf_response(content: bytes, *, filename: str, inline: bool = True) -> HttpResponse:
    """A PDF download; the name may be Chinese (RFC 6266 ``filename*``)."""
    from urllib.parse import quote

    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = (
        f"{disposition}; filename=\"document.pdf\"; filename*=UTF-8''{quote(filename)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
