"""The owner filter of other apps' lists (ledger, aging, overdue, opportunities): a search
picker over ``org:employee_picker`` instead of a <select> of every employee in scope (683 for
a director at scale: a third of the ledger page). The form sets the field's queryset to the
employees in the user's scope, so an owner outside it is refused."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from xiaoguan.core.web.widgets import SearchPicker


def owner_filter_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=gettext_lazy("owner"),
        queryset=None,
        required=False,
        widget=SearchPicker(
            url_name="org:employee_picker", placeholder=gettext_lazy("All owners"), size="sm"
        ),
        error_messages={
            "invalid_choice": gettext_lazy("This employee is not in your scope: choose another.")
        },
    )
