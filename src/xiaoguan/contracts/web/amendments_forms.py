"""Forms of the amendment, termination and problem pages: allow-lists of what a user writes;
the services decide (and refuse with field errors)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoguan.contracts.enums import TerminationKind
from xiaoguan.core.web.forms import BootstrapForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AmendStartForm(BootstrapForm):
    reason = forms.CharField(
        label=_("reason for the change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "E.g. the customer adds 20 extinguishers, or the delivery date moves. "
            "The change goes through the same approval as the contract."
        ),
    )


class DiscardForm(BootstrapForm):
    reason = forms.CharField(label=_("reason"), max_length=300, required=False)


class TerminateForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("termination"), choices=TerminationKind.choices)
    reason = forms.CharField(
        label=_("reason for termination"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    terminated_on = forms.DateField(label=_("terminated on"), widget=DATE)
    settlement_amount = forms.DecimalField(
        label=_("settlement amount"),
        max_digits=16,
        decimal_places=2,
        help_text=_("What is paid to settle the contract (0 if nothing)."),
    )
    settlement_note = forms.CharField(
        label=_("settlement"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who pays whom, by when, and what happens to goods already delivered."),
    )


class ProblemForm(BootstrapForm):
    title = forms.CharField(label=_("problem"), max_length=200)
    description = forms.CharField(
        label=_("details"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    department_id = forms.TypedChoiceField(label=_("routed to"), coerce=int, choices=())

    def __init__(self, *args: Any, departments: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department_id"].choices = [("", "—")] + [
            (d.pk, f"{'· ' * max(d.depth - 1, 0)}{d.name}") for d in departments
        ]


class SolveForm(BootstrapForm):
    resolution = forms.CharField(
        label=_("How it was solved"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
