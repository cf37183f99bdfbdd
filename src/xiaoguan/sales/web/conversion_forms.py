"""The conversion form (R-CUS-4): the new customer's details, or an existing customer to
attach the lead to, and the opportunity to open. An allow-list; the service writes."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.web.forms import BootstrapForm
from xiaoguan.customers import divisions
from xiaoguan.customers.enums import Industry, SourceChannel
from xiaoguan.customers.models import Lead
from xiaoguan.customers.services import CustomerData
from xiaoguan.sales.services.conversion import ConversionData

CUSTOMER_FIELDS = (
    "customer_name",
    "credit_code",
    "customer_phone",
    "province",
    "city",
    "district",
    "street",
    "industry",
    "source",
    "referrer",
    "equipment_demand",
)
OPPORTUNITY_FIELDS = ("opportunity_name", "amount", "expected_close", "probability", "description")


def _blank(choices, label="—"):
    return [("", label), *choices]


class ConversionForm(BootstrapForm):
    mode = forms.ChoiceField(
        choices=[
            ("new", _("Create a new customer")),
            ("attach", _("Attach to an existing customer")),
        ],
        widget=forms.RadioSelect,
        initial="new",
    )
    attach_customer = forms.TypedChoiceField(
        label=_("Existing customer"), coerce=int, required=False, empty_value=None
    )
    customer_name = forms.CharField(label=_("customer name"), max_length=200, required=False)
    credit_code = forms.CharField(
        label=_("unified social credit code"), max_length=30, required=False
    )
    customer_phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    province = forms.ChoiceField(label=_("province"), required=False)
    city = forms.ChoiceField(label=_("city"), required=False)
    district = forms.ChoiceField(label=_("district"), required=False)
    street = forms.CharField(label=_("street address"), max_length=200, required=False)
    industry = forms.ChoiceField(
        label=_("industry"), required=False, choices=_blank(Industry.choices)
    )
    source = forms.ChoiceField(
        label=_("source channel"), required=False, choices=_blank(SourceChannel.choices)
    )
    referrer = forms.CharField(label=_("referrer"), max_length=100, required=False)
    equipment_demand = forms.CharField(
        label=_("fire equipment demand"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    opportunity_name = forms.CharField(label=_("opportunity name"), max_length=200)
    amount = forms.DecimalField(
        label=_("expected amount"), max_digits=16, decimal_places=2, min_value=0
    )
    expected_close = forms.DateField(
        label=_("expected close"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    probability = forms.IntegerField(
        label=_("probability (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Empty: the default of the first stage."),
    )
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, lead: Lead, attach_choices, **kwargs):
        if "initial" not in kwargs:
            kwargs["initial"] = {
                "mode": "new",
                "customer_name": lead.name,
                "customer_phone": lead.phone,
                "province": lead.province,
                "city": lead.city,
                "district": lead.district,
                "street": lead.street,
                "industry": lead.industry,
                "source": lead.source,
                "referrer": lead.referrer,
                "equipment_demand": lead.demand,
                "opportunity_name": lead.name,
                "expected_close": timezone.localdate() + timedelta(days=90),
                "description": lead.demand,
            }
        super().__init__(*args, **kwargs)
        self.fields["mode"].widget.attrs["class"] = "form-check-input"
        self.fields["attach_customer"].choices = _blank(
            [(c.pk, f"{c.name} · {c.owner or '—'}") for c in attach_choices]
        )
        source = self.data if self.is_bound else self.initial
        provinces, cities, districts = divisions.picker_choices(
            source.get("province") or "", source.get("city") or ""
        )
        self.fields["province"].choices = _blank(provinces, _("Province"))
        self.fields["city"].choices = _blank(cities, _("City"))
        self.fields["district"].choices = _blank(districts, _("District"))
        for key in ("province", "city", "district"):
            self.fields[key].widget.attrs["data-xg-division"] = key

    def clean(self):
        data = super().clean()
        if data.get("mode") == "attach" and not data.get("attach_customer"):
            self.add_error("attach_customer", _("Choose the customer to attach the lead to."))
        if data.get("mode") == "new" and not (data.get("customer_name") or "").strip():
            self.add_error("customer_name", _("A customer needs a name."))
        return data

    def customer_fields(self):
        return [self[name] for name in CUSTOMER_FIELDS]

    def opportunity_fields(self):
        return [self[name] for name in OPPORTUNITY_FIELDS]

    def to_data(self) -> ConversionData:
        d = self.cleaned_data
        attach = d.get("mode") == "attach"
        customer = None
        if not attach:
            customer = CustomerData(
                name=d["customer_name"],
                credit_code=d.get("credit_code") or "",
                phone=d.get("customer_phone") or "",
                province=d.get("province") or "",
                city=d.get("city") or "",
                district=d.get("district") or "",
                street=d.get("street") or "",
                industry=d.get("industry") or "",
                source=d.get("source") or "",
                referrer=d.get("referrer") or "",
                equipment_demand=d.get("equipment_demand") or "",
            )
        return ConversionData(
            opportunity_name=d["opportunity_name"],
            amount=d["amount"],
            expected_close=d["expected_close"],
            probability=d.get("probability"),
            description=d.get("description") or "",
            customer=customer,
            attach_customer_id=d.get("attach_customer") if attach else None,
        )
