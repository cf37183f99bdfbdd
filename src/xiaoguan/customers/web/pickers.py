"""The customer field of other apps' forms: a search picker over ``customers:picker`` instead
of a <select> of every customer in scope. The form sets the field's queryset to the user's
scoped customers, which is what decides whether a posted id is accepted."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from xiaoguan.core.web.widgets import SearchPicker

CUSTOMER_NOT_IN_SCOPE = gettext_lazy(
    "This customer is outside your scope or not available here: choose one from the suggestions."
)


def customer_picker_field(
    *, required: bool = True, inactive: bool = False, label: Any = None, **widget_options: Any
) -> forms.ModelChoiceField:
    """``inactive``: deactivated customers are suggested too (receipts, statements).
    ``widget_options``: ``reload`` / ``autosubmit`` of :class:`SearchPicker`."""
    return forms.ModelChoiceField(
        label=label or gettext_lazy("customer"),
        queryset=None,
        required=required,
        widget=SearchPicker(
            url_name="customers:picker",
            params="inactive=1" if inactive else "",
            placeholder=gettext_lazy("Type the customer's name, initials or phone"),
            **widget_options,
        ),
        error_messages={"invalid_choice": CUSTOMER_NOT_IN_SCOPE},
    )
