"""Forms of the import and merge pages: allow-lists of what the user chooses."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.web.forms import BootstrapForm
from xiaoguan.customers.selectors.data import import_owner_choices, import_pool_choices
from xiaoguan.customers.services.importing import ImportTarget

KIND_LABELS = {
    "customers": _("Customers"),
    "contacts": _("Contacts"),
    "leads": _("Leads"),
}


def kind_choices(user: Any) -> list[tuple[str, Any]]:
    kinds = ["customers", "contacts"]
    if user.has_right("leads.edit"):
        kinds.append("leads")
    return [(k, KIND_LABELS[k]) for k in kinds]


class ImportTargetForm(BootstrapForm):
    """What is imported and where it goes; the file comes with the check (upload) step."""

    kind = forms.ChoiceField(label=_("What to import"), choices=())
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=None,
        required=False,
        help_text=_("For rows without an owner; blank: yourself."),
    )
    pool = forms.ModelChoiceField(
        label=_("Or into the public pool"),
        queryset=None,
        required=False,
        help_text=_("Customers only: they go to the pool without an owner."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices(user)
        self.fields["owner"].queryset = import_owner_choices(user=user)
        pools = import_pool_choices(user=user)
        self.fields["pool"].queryset = pools
        if not pools.exists():
            del self.fields["pool"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("owner") and data.get("pool"):
            self.add_error("pool", _("Choose an owner or a pool, not both."))
        if data.get("pool") and data.get("kind") != "customers":
            self.add_error("pool", _("Only customers can be imported into a pool."))
        return data

    def target(self) -> ImportTarget:
        return ImportTarget(
            owner=self.cleaned_data.get("owner"), pool=self.cleaned_data.get("pool")
        )


class ImportUploadForm(ImportTargetForm):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class ImportConfirmForm(ImportTargetForm):
    token = forms.RegexField(regex=r"^[A-Za-z0-9_-]{20,64}$", widget=forms.HiddenInput)


class MergeForm(BootstrapForm):
    """Which of the two stays; the other is merged into it."""

    survivor = forms.ChoiceField(label=_("Customer that stays"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, pair: tuple[Any, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = [(str(c.pk), f"{c.name} (#{c.pk})") for c in pair]
