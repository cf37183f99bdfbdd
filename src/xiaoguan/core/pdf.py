"""PDF documents (quotes, contracts, statements) rendered from HTML templates by WeasyPrint.

The fonts come from the system (Debian's ``fonts-noto-cjk``), so Chinese text is embedded as
text, not as images: a test extracts it again. Templates extend ``core/pdf/base.html`` which
sets the page size, margins, fonts and the page-number footer. Images and stylesheets are
read from the static files only; nothing is fetched over the network.
"""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
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


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a template to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    return HTML(string=html, url_fetcher=_static_only_fetcher, base_url="static:").write_pdf()


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
