"""Forms of the approvals pages: allow-lists of what a user may send, nothing more."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoguan.approvals.enums import ApproverRule, Decision, StepMode
from xiaoguan.approvals.registries import document_type_choices
from xiaoguan.approvals.selectors import delegate_candidates
from xiaoguan.core.web.forms import BootstrapForm, BootstrapFormMixin
from xiaoguan.org.models import Department, Role, User


class DateInput(forms.DateInput):
    input_type = "date"


class DecisionForm(BootstrapForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ChainCreateForm(BootstrapForm):
    doc_type = forms.ChoiceField(label=_("Document type"), choices=document_type_choices)
    name = forms.CharField(label=_("Name"), max_length=100)


class ChainForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class StepForm(BootstrapForm):
    name = forms.CharField(label=_("Step name"), max_length=100)
    rule = forms.ChoiceField(label=_("Approver rule"), choices=ApproverRule.choices)
    mode = forms.ChoiceField(label=_("Mode"), choices=StepMode.choices, initial=StepMode.ANY)
    levels = forms.IntegerField(
        label=_("Levels"),
        min_value=1,
        max_value=10,
        initial=1,
        help_text=_("Only for “successive managers”."),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(is_active=True).order_by("path"),
        required=False,
        help_text=_("Only for “head of a department”."),
    )
    role = forms.ModelChoiceField(
        label=_("Role"),
        queryset=Role.objects.order_by("name"),
        required=False,
        help_text=_("Only for “everyone holding a role”."),
    )
    employee = forms.ModelChoiceField(
        label=_("Employee"),
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
        help_text=_("Only for “a named employee”."),
    )
    min_amount = forms.DecimalField(
        label=_("Only from amount"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    min_discount = forms.DecimalField(
        label=_("Only from discount (%)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=6,
        decimal_places=2,
    )


class _DelegationFields(forms.Form):
    to_user = forms.ModelChoiceField(label=_("Delegate"), queryset=User.objects.none())
    start_date = forms.DateField(label=_("From"), widget=DateInput, initial=timezone.localdate)
    end_date = forms.DateField(label=_("Until"), widget=DateInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Runs before BootstrapFormMixin validates: the choices are the user's candidates.
        if user is not None:
            self.fields["to_user"].queryset = delegate_candidates(user=user)


class DelegationForm(BootstrapFormMixin, _DelegationFields):
    pass
