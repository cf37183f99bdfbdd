"""Forms of the lead pages: allow-lists; forms validate input, services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.web.forms import BootstrapForm
from xiaoguan.customers import divisions
from xiaoguan.customers.enums import DisqualifyReason, Industry, LeadStatus, SourceChannel
from xiaoguan.customers.models import Lead
from xiaoguan.customers.services.leads import LeadData
from xiaoguan.org.models import User


def _blank(choices, label="—"):
    return [("", label), *choices]


class LeadForm(BootstrapForm):
    name = forms.CharField(label=_("company or person"), max_length=200)
    source = forms.ChoiceField(label=_("source channel"), choices=_blank(SourceChannel.choices))
    referrer = forms.CharField(label=_("referrer"), max_length=100, required=False)
    contact_name = forms.CharField(label=_("contact"), max_length=100, required=False)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    province = forms.ChoiceField(label=_("province"), required=False)
    city = forms.ChoiceField(label=_("city"), required=False)
    district = forms.ChoiceField(label=_("district"), required=False)
    street = forms.CharField(label=_("street address"), max_length=200, required=False)
    industry = forms.ChoiceField(
        label=_("industry"), required=False, choices=_blank(Industry.choices)
    )
    demand = forms.CharField(
        label=_("demand"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What fire equipment the lead needs, and when."),
    )
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, lead: Lead | None = None, **kwargs):
        if lead is not None and "initial" not in kwargs:
            kwargs["initial"] = {k: getattr(lead, k) for k in LeadData.__dataclass_fields__}
        super().__init__(*args, **kwargs)
        source = self.data if self.is_bound else self.initial
        provinces, cities, districts = divisions.picker_choices(
            source.get("province") or "", source.get("city") or ""
        )
        self.fields["province"].choices = _blank(provinces, _("Province"))
        self.fields["city"].choices = _blank(cities, _("City"))
        self.fields["district"].choices = _blank(districts, _("District"))
        for key in ("province", "city", "district"):
            self.fields[key].widget.attrs["data-xg-division"] = key
        self.fields["phone"].widget.attrs["inputmode"] = "tel"

    def to_data(self) -> LeadData:
        return LeadData(
            **{k: self.cleaned_data.get(k) or "" for k in LeadData.__dataclass_fields__}
        )


class LeadFilterForm(BootstrapForm):
    """The list's filters: an allow-list, never the raw query string."""

    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(
        required=False, choices=_blank(LeadStatus.choices, _("All statuses"))
    )
    source = forms.ChoiceField(
        required=False, choices=_blank(SourceChannel.choices, _("All sources"))
    )
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    open = forms.BooleanField(required=False)
    sort = forms.CharField(required=False, max_length=20)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].empty_label = _("All owners")


class DisqualifyForm(BootstrapForm):
    reason = forms.ChoiceField(label=_("reason"), choices=_blank(DisqualifyReason.choices))
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class AssignForm(BootstrapForm):
    owner = forms.ModelChoiceField(label=_("Assign to"), queryset=User.objects.none())

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users


class BulkAssignForm(BootstrapForm):
    owner = forms.ModelChoiceField(label=_("Assign to"), queryset=User.objects.none())
    lead = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users
        raw = self.data.getlist("lead") if self.is_bound else []
        self.fields["lead"].choices = [(v, v) for v in raw if str(v).isdigit()][:500]
