"""Forms of the price list, the price calculator, price changes and the discount policy."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.web.forms import BootstrapFormMixin
from xiaoguan.customers.enums import CustomerClass
from xiaoguan.pricing.enums import DiscountKind
from xiaoguan.pricing.services.policy import DiscountRuleData
from xiaoguan.pricing.services.prices import PriceChangeData, PriceChangeLineData


class PriceFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(required=False, max_length=100)
    category = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    sort = forms.CharField(required=False, max_length=20)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories")), *categories]


class EffectivePriceForm(BootstrapFormMixin, forms.Form):
    customer = forms.TypedChoiceField(
        label=_("customer"), required=False, coerce=int, empty_value=None
    )
    customer_class = forms.ChoiceField(
        label=_("or customer class"),
        required=False,
        choices=[("", "—"), *CustomerClass.choices],
    )
    product = forms.TypedChoiceField(label=_("product"), coerce=int)
    unit = forms.TypedChoiceField(label=_("unit"), coerce=int)
    quantity = forms.DecimalField(
        label=_("quantity"), min_value=0.001, max_digits=14, decimal_places=3, initial=1
    )
    on = forms.DateField(
        label=_("date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, customers=(), products=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].choices = [("", "—"), *customers]
        self.fields["product"].choices = [("", "—"), *products]
        self.fields["unit"].choices = [("", "—"), *units]

    def clean(self):
        data = super().clean()
        if not data.get("customer") and not data.get("customer_class"):
            raise forms.ValidationError(_("Choose a customer or a customer class."))
        return data


class PriceChangeForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    effective_from = forms.DateField(
        label=_("effective from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def to_data(self) -> PriceChangeData:
        d = self.cleaned_data
        return PriceChangeData(reason=d["reason"], effective_from=d["effective_from"])


def lines_from_post(post, *, with_cost: bool) -> list[PriceChangeLineData]:
    """The line rows of the editor (``line-N-product`` …); empty rows are skipped, the rest
    go to the service, which checks them."""
    lines = []
    indexes = sorted(
        {
            int(k.split("-")[1])
            for k in post
            if k.startswith("line-") and k.count("-") == 2 and k.split("-")[1].isdigit()
        }
    )
    for i in indexes[:500]:
        product = post.get(f"line-{i}-product", "").strip()
        price = post.get(f"line-{i}-new_price", "").strip()
        if not product and not price:
            continue
        lines.append(
            PriceChangeLineData(
                product_id=product,
                unit_id=post.get(f"line-{i}-unit", "").strip(),
                new_price=price,
                new_cost=post.get(f"line-{i}-new_cost", "").strip() if with_cost else None,
            )
        )
    return lines


class DiscountRuleForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=DiscountKind.choices)
    customer_class = forms.ChoiceField(
        label=_("customer class"), required=False, choices=[("", "—"), *CustomerClass.choices]
    )
    min_quantity = forms.DecimalField(
        label=_("from quantity"), required=False, max_digits=14, decimal_places=3
    )
    dealer_tier = forms.CharField(label=_("dealer tier"), required=False, max_length=20)
    category = forms.TypedChoiceField(
        label=_("category"), required=False, coerce=int, empty_value=None
    )
    product = forms.TypedChoiceField(
        label=_("product"), required=False, coerce=int, empty_value=None
    )
    percent = forms.DecimalField(label=_("discount (%)"), max_digits=5, decimal_places=2)
    valid_from = forms.DateField(
        label=_("valid from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    valid_to = forms.DateField(
        label=_("valid to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)
    note = forms.CharField(label=_("note"), required=False, max_length=200)

    def __init__(self, *args, categories=(), products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All products")), *categories]
        self.fields["product"].choices = [("", "—"), *products]

    def to_data(self) -> DiscountRuleData:
        d = self.cleaned_data
        return DiscountRuleData(
            kind=d["kind"],
            percent=d["percent"],
            customer_class=d.get("customer_class") or "",
            dealer_tier=d.get("dealer_tier") or "",
            min_quantity=d.get("min_quantity"),
            category_id=d.get("category"),
            product_id=d.get("product"),
            valid_from=d.get("valid_from"),
            valid_to=d.get("valid_to"),
            is_active=bool(d.get("is_active")),
            note=d.get("note") or "",
        )
