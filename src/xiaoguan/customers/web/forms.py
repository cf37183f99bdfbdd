"""Forms of the customer pages: allow-lists of fields; forms validate input, services write."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.web.forms import BootstrapForm
from xiaoguan.customers import divisions
from xiaoguan.customers.enums import (
    CustomerClass,
    CustomerGrade,
    EmployeeBand,
    Industry,
    Potential,
    PurchaseHistory,
    RevenueBand,
    SourceChannel,
)
from xiaoguan.customers.models import Contact, Customer
from xiaoguan.customers.services import ContactData, CustomerData

_TAG_SEPARATORS = re.compile(r"[,，、;；]")


def _blank(choices, label="—"):
    return [("", label), *choices]


class CustomerForm(BootstrapForm):
    name = forms.CharField(label=_("customer name"), max_length=200)
    credit_code = forms.CharField(
        label=_("unified social credit code"), max_length=30, required=False
    )
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    province = forms.ChoiceField(label=_("province"), required=False)
    city = forms.ChoiceField(label=_("city"), required=False)
    district = forms.ChoiceField(label=_("district"), required=False)
    street = forms.CharField(label=_("street address"), max_length=200, required=False)
    industry = forms.ChoiceField(
        label=_("industry"), required=False, choices=_blank(Industry.choices)
    )
    employee_band = forms.ChoiceField(
        label=_("employees"), required=False, choices=_blank(EmployeeBand.choices)
    )
    revenue_band = forms.ChoiceField(
        label=_("annual revenue"), required=False, choices=_blank(RevenueBand.choices)
    )
    # Scoring inputs of the classification (R-CUS-3)
    purchase_potential = forms.ChoiceField(
        label=_("purchase potential"), required=False, choices=_blank(Potential.choices)
    )
    purchase_intent = forms.ChoiceField(
        label=_("purchase intent"), required=False, choices=_blank(Potential.choices)
    )
    purchase_history = forms.ChoiceField(
        label=_("purchase history"), required=False, choices=_blank(PurchaseHistory.choices)
    )
    business_scope = forms.CharField(
        label=_("business scope"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    equipment_demand = forms.CharField(
        label=_("fire equipment demand"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What fire equipment the customer needs."),
    )
    site_count = forms.IntegerField(label=_("number of sites"), required=False, min_value=0)
    source = forms.ChoiceField(
        label=_("source channel"), required=False, choices=_blank(SourceChannel.choices)
    )
    referrer = forms.CharField(label=_("referrer"), max_length=100, required=False)
    tags = forms.CharField(
        label=_("tags"),
        max_length=300,
        required=False,
        help_text=_("Separate tags with commas."),
    )
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, customer: Customer | None = None, **kwargs):
        if customer is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{
                    k: getattr(customer, k)
                    for k in CustomerData.__dataclass_fields__
                    if k != "tags"
                },
                "tags": "、".join(t.name for t in customer.tags.all()),
            }
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

    def to_data(self) -> CustomerData:
        data = dict(self.cleaned_data)
        data["tags"] = [t for t in _TAG_SEPARATORS.split(data.get("tags") or "") if t.strip()]
        return CustomerData(**{k: v if v is not None else None for k, v in data.items()})


class _IntListField(forms.Field):
    """Several positive integers (``?tags=3&tags=5``); at most 20."""

    widget = forms.SelectMultiple

    def to_python(self, value):
        if value in (None, "", []):
            return []
        values = value if isinstance(value, list | tuple) else [value]
        out = []
        for v in values[:20]:
            try:
                n = int(v)
            except (TypeError, ValueError):
                raise forms.ValidationError(_("Choose valid tags.")) from None
            if n < 1:
                raise forms.ValidationError(_("Choose valid tags."))
            out.append(n)
        return out


class CustomerFilterForm(BootstrapForm):
    """The list's filters: an allow-list, never the raw query string. Saved filters are
    re-read through this form when used."""

    q = forms.CharField(required=False, max_length=100)
    customer_class = forms.ChoiceField(
        required=False, choices=_blank(CustomerClass.choices, _("All classes"))
    )
    grade = forms.ChoiceField(
        required=False, choices=_blank(CustomerGrade.choices, _("All grades"))
    )
    owner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    region = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    province = forms.ChoiceField(required=False)
    source = forms.ChoiceField(
        required=False, choices=_blank(SourceChannel.choices, _("All sources"))
    )
    industry = forms.ChoiceField(
        required=False, choices=_blank(Industry.choices, _("All industries"))
    )
    contact_after = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    contact_before = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    never_contacted = forms.BooleanField(required=False)
    tag = forms.IntegerField(required=False, min_value=1)
    tags = _IntListField(required=False)
    active = forms.ChoiceField(
        required=False,
        choices=[("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))],
    )
    sort = forms.CharField(required=False, max_length=20)

    def __init__(self, *args, owners=(), regions=(), **kwargs):
        """``owners`` and ``regions``: (id, label) pairs the user may pick (already scoped)."""
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = _blank(list(owners), _("All owners"))
        self.fields["region"].choices = _blank(list(regions), _("All regions"))
        self.fields["province"].choices = _blank(divisions.province_choices(), _("All provinces"))

    def clean(self):
        data = super().clean()
        after, before = data.get("contact_after"), data.get("contact_before")
        if after and before and after >= before:
            self.add_error("contact_before", _("The end of the period must come after its start."))
        return data


class ContactForm(BootstrapForm):
    name = forms.CharField(label=_("name"), max_length=100)
    title = forms.CharField(label=_("role or title"), max_length=100, required=False)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    wechat = forms.CharField(label=_("WeChat"), max_length=60, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    birthday = forms.DateField(
        label=_("birthday"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    is_primary = forms.BooleanField(label=_("primary contact"), required=False)
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, contact: Contact | None = None, **kwargs):
        if contact is not None and "initial" not in kwargs:
            kwargs["initial"] = {k: getattr(contact, k) for k in ContactData.__dataclass_fields__}
        super().__init__(*args, **kwargs)

    def to_data(self) -> ContactData:
        return ContactData(**self.cleaned_data)
