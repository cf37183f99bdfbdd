"""Forms of the classification part: allow-lists; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.web.forms import BootstrapForm
from xiaoguan.customers.enums import CreditRating, CustomerClass, CustomerGrade


def _blank(choices, label="—"):
    return [("", label), *choices]


class ClassOverrideForm(BootstrapForm):
    customer_class = forms.ChoiceField(label=_("customer class"), choices=CustomerClass.choices)
    reason = forms.CharField(
        label=_("reason for the override"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GradeForm(BootstrapForm):
    grade = forms.ChoiceField(
        label=_("grade"), required=False, choices=_blank(CustomerGrade.choices)
    )


class CreditForm(BootstrapForm):
    credit_rating = forms.ChoiceField(
        label=_("credit rating"), required=False, choices=_blank(CreditRating.choices)
    )
    credit_limit = forms.DecimalField(
        label=_("credit limit"), required=False, max_digits=16, decimal_places=2, min_value=0
    )
    reason = forms.CharField(label=_("reason"), max_length=100, required=False)


class CreditNoteForm(BootstrapForm):
    investigated_on = forms.DateField(
        label=_("investigated on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    content = forms.CharField(
        label=_("findings"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    rating = forms.ChoiceField(
        label=_("credit rating"), required=False, choices=_blank(CreditRating.choices)
    )


class VisitsDueFilterForm(BootstrapForm):
    owner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    grade = forms.ChoiceField(
        required=False, choices=_blank(CustomerGrade.choices, _("All grades"))
    )
    sort = forms.CharField(required=False, max_length=10)

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = _blank(list(owners), _("All owners"))
