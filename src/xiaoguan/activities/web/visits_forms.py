"""Forms of the visit and follow-up pages: allow-lists; forms validate input, services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoguan.activities.enums import VisitKind, VisitResult, VisitStatus
from xiaoguan.activities.services.visits import VisitData
from xiaoguan.core.web.forms import BootstrapForm
from xiaoguan.org.models import User


def _blank(choices, label="—"):
    return [("", label), *choices]


class VisitPlanForm(BootstrapForm):
    planned_for = forms.DateField(
        label=_("planned for"), widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(label=_("kind"), choices=VisitKind.choices)
    purpose = forms.CharField(label=_("purpose"), max_length=200, required=False)


class VisitRecordForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("kind"), choices=VisitKind.choices)
    visited_at = forms.DateTimeField(
        label=_("visited at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    contacts = forms.MultipleChoiceField(
        label=_("contacts met"), required=False, widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.CharField(label=_("purpose"), max_length=200, required=False)
    feedback = forms.CharField(
        label=_("customer feedback"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    demand_change = forms.CharField(
        label=_("change in demand"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    result = forms.ChoiceField(label=_("result"), choices=_blank(VisitResult.choices))
    next_step = forms.CharField(label=_("next step"), max_length=300, required=False)
    followup_title = forms.CharField(
        label=_("follow-up: what to do"), max_length=200, required=False
    )
    followup_due = forms.DateField(
        label=_("follow-up due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    latitude = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        required=False, max_digits=10, decimal_places=6, widget=forms.HiddenInput
    )

    def __init__(self, *args, contacts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].choices = [
            (str(c.pk), f"{c.name} {c.title}".strip()) for c in contacts
        ]
        # The contacts are check boxes, not a text input.
        self.fields["contacts"].widget.attrs["class"] = "form-check-input"

    def to_data(self) -> VisitData:
        d = self.cleaned_data
        return VisitData(
            kind=d["kind"],
            visited_at=d["visited_at"],
            result=d["result"],
            purpose=d["purpose"],
            feedback=d["feedback"],
            demand_change=d["demand_change"],
            next_step=d["next_step"],
            contact_ids=[int(i) for i in d["contacts"]],
            latitude=d["latitude"],
            longitude=d["longitude"],
            followup_title=d["followup_title"],
            followup_due=d["followup_due"],
        )


class VisitFilterForm(BootstrapForm):
    """The list's filters: an allow-list, never the raw query string."""

    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(
        required=False, choices=_blank(VisitStatus.choices, _("All statuses"))
    )
    kind = forms.ChoiceField(required=False, choices=_blank(VisitKind.choices, _("All kinds")))
    result = forms.ChoiceField(
        required=False, choices=_blank(VisitResult.choices, _("All results"))
    )
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    customer = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    date_from = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label=_("From")
    )
    date_to = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label=_("To")
    )
    mine = forms.BooleanField(required=False)
    sort = forms.CharField(required=False, max_length=20)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].empty_label = _("All owners")


class FollowUpForm(BootstrapForm):
    title = forms.CharField(label=_("what to do"), max_length=200)
    due_date = forms.DateField(label=_("due"), widget=forms.DateInput(attrs={"type": "date"}))


class FollowUpDoneForm(BootstrapForm):
    outcome = forms.CharField(label=_("outcome"), max_length=300)
