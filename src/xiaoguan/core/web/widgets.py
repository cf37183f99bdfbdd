"""The search picker: a text box that suggests records as the user types and
keeps the chosen id in a hidden input, instead of a <select> listing everything in scope.

The form field stays a ``ModelChoiceField`` over the user's scoped queryset, so a posted id
outside the scope is refused by the form; the widget only renders. Shown again with an id
(a redisplayed form, a filter in the address bar), it looks that one record up in the
field's queryset to show its label: one query, only when an id is set."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.http import JsonResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.search import PICKER_LIMIT


class SearchPicker(forms.Widget):
    """``SearchPicker(url_name="customers:picker_options", params="active=1")``.

    ``url_name`` answers ``?q=`` with JSON ``{"items": [{"id", "label", "detail"}], "more"}``
    (see ``static/xg/picker.js``). ``size="sm"`` for filter bars; ``autosubmit=True`` submits
    the form when a record is chosen or cleared; ``reload=True`` opens the page again with
    ``?<name>=<id>`` instead (a form whose other choices depend on this one)."""

    template_name = "core/_search_picker.html"

    def __init__(
        self,
        *,
        url_name: str,
        params: str = "",
        placeholder: Any = None,
        size: str = "",
        autosubmit: bool = False,
        reload: bool = False,
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.url_name = url_name
        self.params = params
        self.placeholder = placeholder
        self.size = size
        self.autosubmit = autosubmit
        self.reload = reload
        self.choices: Any = ()

    def format_value(self, value: Any) -> str:
        if value is None or value == "":
            return ""
        pk = getattr(value, "pk", value)
        return str(pk)

    def chosen_label(self, value: str) -> str:
        """The label of the chosen record, looked up in the field's (scoped) queryset; "" when
        there is none or it is out of reach (the form says why)."""
        if not value.isdigit():
            return ""
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            return ""
        record = queryset.filter(pk=int(value)).first()
        if record is None:
            return ""
        field = getattr(self.choices, "field", None)
        return str(field.label_from_instance(record) if field is not None else record)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen = context["widget"]["value"] or ""
        url = reverse(self.url_name)
        if self.params:
            url = f"{url}?{self.params}"
        context["picker"] = {
            "name": name,
            "value": chosen,
            "label": self.chosen_label(chosen),
            "url": url,
            "id": context["widget"]["attrs"].get("id") or f"id_{name}",
            "css": context["widget"]["attrs"].get("class", ""),
            "required": self.is_required,
            "placeholder": self.placeholder or _("Type to search"),
            "size": self.size,
            "autosubmit": self.autosubmit,
            "reload": self.reload,
        }
        return context

    def id_for_label(self, id_: str) -> str:
        return id_

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data


def picker_response(
    found: Sequence[Any], *, label: Callable[[Any], str], detail: Callable[[Any], Sequence[str]]
) -> JsonResponse:
    """A picker endpoint's answer ``{"items": [{"id", "label", "detail"}], "more": bool}``
    from the records a selector found (asked for ``PICKER_LIMIT + 1`` to know whether there
    are more); ``detail`` gives the parts shown under the label, empty ones left out."""
    items = [
        {
            "id": record.pk,
            "label": label(record),
            "detail": " · ".join(part for part in detail(record) if part),
        }
        for record in found[:PICKER_LIMIT]
    ]
    response = JsonResponse({"items": items, "more": len(found) > PICKER_LIMIT})
    add_never_cache_headers(response)
    return response
