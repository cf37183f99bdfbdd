"""Forms of the trip pages: allow-lists (never owner, status or approval fields)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoguan.activities.enums import TripStatus
from xiaoguan.activities.services.trips import TripData
from xiaoguan.core.web.forms import BootstrapForm


class TripForm(BootstrapForm):
    customers = forms.MultipleChoiceField(
        label=_("customers to visit"), widget=forms.CheckboxSelectMultiple
    )
    destination = forms.CharField(label=_("destination"), max_length=100)
    purpose = forms.CharField(label=_("purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    start_date = forms.DateField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("to"), widget=forms.DateInput(attrs={"type": "date"}))
    budget = forms.DecimalField(label=_("budget"), max_digits=16, decimal_places=2, min_value=0)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, customer_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customers"].choices = [(str(c.pk), c.name) for c in customer_choices]
        self.fields["customers"].widget.attrs["class"] = "form-check-input"

    def to_data(self) -> TripData:
        d = self.cleaned_data
        return TripData(
            destination=d["destination"],
            purpose=d["purpose"],
            start_date=d["start_date"],
            end_date=d["end_date"],
            budget=d["budget"],
            customer_ids=[int(i) for i in d["customers"]],
        )


class TripOverrideForm(BootstrapForm):
    customer = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("reason for the override"), max_length=300)


class TripReportForm(BootstrapForm):
    report = forms.CharField(label=_("trip report"), widget=forms.Textarea(attrs={"rows": 6}))
    actual_cost = forms.DecimalField(
        label=_("actual cost"), max_digits=16, decimal_places=2, min_value=0
    )


class TripCancelForm(BootstrapForm):
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)


def status_choices():
    return [("", _("All statuses")), *TripStatus.choices]
