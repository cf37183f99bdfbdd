"""Forms of the overdue list and the dunning pages: allow-lists of what a user writes; the
services decide (and refuse with field errors)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.web.forms import BootstrapForm
from xiaoguan.org.web.pickers import owner_filter_field
from xiaoguan.receivables.enums import DunningKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DunningForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("action"), choices=DunningKind.choices)
    done_on = forms.DateField(label=_("date"), widget=DATE)
    contact = forms.CharField(label=_("spoke with"), max_length=100, required=False)
    instalment_id = forms.TypedChoiceField(
        label=_("instalment"), coerce=int, empty_value=None, required=False, choices=()
    )
    outcome = forms.CharField(
        label=_("outcome"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    promised_on = forms.DateField(
        label=_("customer promised to pay by"), widget=DATE, required=False
    )
    promised_amount = forms.DecimalField(
        label=_("promised amount"),
        max_digits=16,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    next_step = forms.CharField(label=_("next step"), max_length=300, required=False)
    next_on = forms.DateField(label=_("next step on"), widget=DATE, required=False)

    def __init__(self, *args: Any, instalments: Any = (), **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("done_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["instalment_id"].choices = [("", _("The customer as a whole"))] + [
            (
                i.pk,
                f"{i.contract.number if i.contract_id else i.order.number} · {i.label} · "
                f"{i.due_date or ''} · ¥{i.left:,.2f}",
            )
            for i in instalments
        ]


class EscalateForm(BootstrapForm):
    reason = forms.CharField(
        label=_("reason"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "E.g. the customer refuses to pay although the goods were accepted, or has stopped "
            "answering. The legal department gets a task with what is overdue."
        ),
    )


class DunningFilterForm(BootstrapForm):
    q = forms.CharField(required=False, max_length=100)
    kind = forms.ChoiceField(required=False, choices=[("", _("All actions")), *DunningKind.choices])
    mine = forms.BooleanField(required=False, label=_("Recorded by me"))
    done_from = forms.DateField(required=False, widget=DATE, label=_("From"))
    done_to = forms.DateField(required=False, widget=DATE, label=_("Until"))
    customer = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    sort = forms.CharField(required=False, max_length=20)


class OverdueFilterForm(BootstrapForm):
    q = forms.CharField(required=False, max_length=100)
    dimension = forms.ChoiceField(
        required=False,
        choices=[("rep", _("Per rep")), ("team", _("Per team"))],
    )
    owner = owner_filter_field()
    department = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label=_("department")
    )
    customer = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    days_min = forms.IntegerField(
        required=False, min_value=1, max_value=36500, label=_("Overdue at least (days)")
    )
    amount_min = forms.DecimalField(
        required=False, min_value=0, max_digits=16, decimal_places=2, label=_("Owes at least ¥")
    )
    no_action = forms.BooleanField(required=False, label=_("No dunning yet"))
    sort = forms.CharField(required=False, max_length=20)

    def __init__(self, *args: Any, owners: Any, departments: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["department"].choices = [("", _("All departments")), *departments]

    def clean_owner(self) -> int | None:
        owner = self.cleaned_data.get("owner")
        return owner.pk if owner is not None else None
