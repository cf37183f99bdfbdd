"""The address picker's options: cities of a province, districts of a city (HTMX fragment)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from xiaoguan.core.web.decorators import require_right
from xiaoguan.customers import divisions

CACHE_SECONDS = 86400


@require_right(None)
@require_GET
def division_options(request: HttpRequest) -> HttpResponse:
    """``<option>`` elements: the provinces without ``parent``, else the children of the
    province or city ``parent``. An unknown or district code gives only the blank option."""
    parent = request.GET.get("parent", "").strip()
    if not parent:
        options = divisions.province_choices()
    else:
        division = divisions.get(parent)
        options = divisions.children(parent) if division and division.level < 3 else []
    # A fragment: rendered without the request, so without the page shell's context processors.
    html = render_to_string(
        "customers/_division_options.html",
        {"options": options, "selected": request.GET.get("selected", "")},
    )
    response = HttpResponse(html)
    patch_cache_control(response, max_age=CACHE_SECONDS, private=True)
    return response
