"""PDFs are cached under a hash of their HTML: the same document is laid out once."""

from __future__ import annotations

import pytest
import weasyprint
from django.core.cache import cache

from xiaoguan.core import pdf


def _refuse(*args, **kwargs):
    raise AssertionError("WeasyPrint was called")


def test_the_same_html_is_rendered_once(monkeypatch):
    cache.clear()
    first = pdf.render_pdf("core/pdf/base.html", {})
    assert first.startswith(b"%PDF")
    monkeypatch.setattr(weasyprint, "HTML", _refuse)
    # when: the same document again
    again = pdf.render_pdf("core/pdf/base.html", {})
    # then: the cached bytes, no layout
    assert again == first
    cache.clear()
    with pytest.raises(AssertionError, match="WeasyPrint was called"):
        pdf.render_pdf("core/pdf/base.html", {})


def test_a_different_document_has_a_different_key():
    assert pdf._cache_key("<p>甲</p>") != pdf._cache_key("<p>乙</p>")
    assert pdf._cache_key("<p>甲</p>") == pdf._cache_key("<p>甲</p>")
