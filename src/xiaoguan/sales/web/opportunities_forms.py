"""Forms of the opportunity pages: allow-lists of fields; forms validate input, services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.web.forms import BootstrapForm
from xiaoguan.customers.web.pickers import customer_picker_field
from xiaoguan.org.web.pickers import owner_filter_field
from xiaoguan.sales.enums import OPEN_STAGES, LostReason, Stage
from xiaoguan.sales.models import Opportunity
from xiaoguan.sales.services.opportunities import OpportunityData


def _blank(choices, label="—"):
    return [("", label), *choices]


class OpportunityForm(BootstrapForm):
    """New and edit. The customer is chosen among those the user may see; the stage only on
    entry (later it moves with the stage buttons); owner and department never."""

    customer = customer_picker_field()
    name = forms.CharField(label=_("opportunity name"), max_length=200)
    stage = forms.ChoiceField(
        label=_("stage"), choices=[(s.value, s.label) for s in OPEN_STAGES], required=False
    )
    amount = forms.DecimalField(
        label=_("expected amount"), max_digits=16, decimal_places=2, min_value=0
    )
    expected_close = forms.DateField(
        label=_("expected close"), widget=forms.DateInput(attrs={"type": "date"})
    )
    probability = forms.IntegerField(
        label=_("probability (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Leave empty for the stage's usual probability."),
    )
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, customers, opportunity: Opportunity | None = None, **kwargs):
        if opportunity is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "customer": opportunity.customer_id,
                "name": opportunity.name,
                "stage": opportunity.stage,
                "amount": opportunity.amount,
                "expected_close": opportunity.expected_close,
                "probability": opportunity.probability,
                "description": opportunity.description,
                "version": opportunity.version,
            }
        super().__init__(*args, **kwargs)
        self.opportunity = opportunity
        self.fields["customer"].queryset = customers
        if opportunity is not None:
            # The customer and the stage are fixed on an existing opportunity.
            del self.fields["customer"]
            del self.fields["stage"]

    def to_data(self) -> OpportunityData:
        d = self.cleaned_data
        return OpportunityData(
            customer_id=(self.opportunity.customer_id if self.opportunity else d["customer"].pk),
            name=d["name"],
            amount=d["amount"],
            expected_close=d["expected_close"],
            probability=d.get("probability"),
            stage=d.get("stage") or Stage.NEEDS,
            description=d.get("description") or "",
        )


class StageMoveForm(BootstrapForm):
    stage = forms.ChoiceField(label=_("stage"), choices=Stage.choices)
    lost_reason = forms.ChoiceField(
        label=_("reason lost"), choices=_blank(LostReason.choices), required=False
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class OpportunityFilterForm(BootstrapForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    stage = forms.ChoiceField(
        label=_("stage"),
        required=False,
        choices=[("", _("All stages")), ("open", _("Open")), *Stage.choices],
    )
    owner = owner_filter_field()
    team = forms.ModelChoiceField(label=_("team"), queryset=None, required=False)
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    close_from = forms.DateField(
        label=_("close from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    close_to = forms.DateField(
        label=_("close to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    amount_min = forms.DecimalField(
        label=_("amount from"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    amount_max = forms.DecimalField(
        label=_("amount to"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    sort = forms.CharField(required=False, max_length=20)
    group = forms.ChoiceField(
        required=False,
        choices=[("owner", _("per rep")), ("department", _("per team"))],
    )

    def __init__(self, *args, owners, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["team"].queryset = teams
