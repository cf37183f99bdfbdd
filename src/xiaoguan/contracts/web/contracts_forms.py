"""Forms of the contract pages: the draft's header (an allow-list of what a user writes), the
lines and the payment schedule read from the line editor's repeated inputs, and signing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from xiaoguan.contracts.enums import PaymentTrigger
from xiaoguan.contracts.services.contracts import ContractData, ContractLineData
from xiaoguan.contracts.services.schedule import PaymentTermData
from xiaoguan.core.web.forms import BootstrapForm
from xiaoguan.customers.web.pickers import customer_picker_field

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_ROWS = 200


class ContractForm(BootstrapForm):
    customer = customer_picker_field()
    title = forms.CharField(label=_("subject"), max_length=200)
    template = forms.ModelChoiceField(
        label=_("template"),
        queryset=None,
        required=False,
        empty_label="—",
        help_text=_("The clauses are filled in from the template on every save of the draft."),
    )
    price_date = forms.DateField(label=_("prices as of"), required=False, widget=DATE)
    delivery_date = forms.DateField(label=_("delivery date"), required=False, widget=DATE)
    delivery_place = forms.CharField(label=_("place of delivery"), max_length=300, required=False)
    delivery_terms = forms.CharField(
        label=_("delivery terms"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    installation_required = forms.BooleanField(label=_("installation by us"), required=False)
    warranty_months = forms.IntegerField(
        label=_("warranty (months)"), required=False, min_value=0, max_value=240
    )
    inspection_cycle_months = forms.IntegerField(
        label=_("inspection every (months)"),
        required=False,
        min_value=0,
        max_value=240,
        help_text=_("0 = no periodic inspection."),
    )
    after_sales_terms = forms.CharField(
        label=_("after-sales terms"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    end_on = forms.DateField(label=_("contract term ends"), required=False, widget=DATE)
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, customers, templates, contract=None, **kwargs: Any) -> None:
        # Also when bound: a disabled field (the customer and price date of a contract drafted
        # from a quote) takes its value from ``initial``, never from the posted data.
        if contract is not None:
            kwargs.setdefault(
                "initial",
                {
                    "customer": contract.customer_id,
                    "title": contract.title,
                    "template": contract.template_id,
                    "price_date": contract.price_date,
                    "delivery_date": contract.delivery_date,
                    "delivery_place": contract.delivery_place,
                    "delivery_terms": contract.delivery_terms,
                    "installation_required": contract.installation_required,
                    "warranty_months": contract.warranty_months,
                    "inspection_cycle_months": contract.inspection_cycle_months,
                    "after_sales_terms": contract.after_sales_terms,
                    "end_on": contract.end_on,
                    "notes": contract.notes,
                    "version": contract.version,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        if contract is not None and contract.quote_id:
            # fixed by the quote: shown, not chosen (a disabled select of that one customer)
            self.fields["customer"].widget = forms.Select(attrs={"class": "form-select"})
            customers = customers.filter(pk=contract.customer_id)
            self.fields["customer"].disabled = True
            self.fields["price_date"].disabled = True
        self.fields["customer"].queryset = customers

    def to_data(self) -> ContractData:
        d = self.cleaned_data
        return ContractData(
            customer_id=d["customer"].pk,
            title=d["title"],
            price_date=d.get("price_date"),
            template_id=d["template"].pk if d.get("template") else None,
            delivery_date=d.get("delivery_date"),
            delivery_place=d.get("delivery_place") or "",
            delivery_terms=d.get("delivery_terms") or "",
            installation_required=bool(d.get("installation_required")),
            warranty_months=d.get("warranty_months"),
            inspection_cycle_months=d.get("inspection_cycle_months"),
            after_sales_terms=d.get("after_sales_terms") or "",
            end_on=d.get("end_on"),
            notes=d.get("notes") or "",
        )


def _column(post: QueryDict, name: str, rows: int) -> list[str]:
    values = post.getlist(name)[:MAX_ROWS]
    return [*values, *[""] * (rows - len(values))]


def lines_from_post(post: QueryDict) -> list[ContractLineData]:
    """The line editor's rows, in order; rows without a product are left out."""
    products = post.getlist("line_product")[:MAX_ROWS]
    rows = len(products)
    units = _column(post, "line_unit", rows)
    quantities = _column(post, "line_quantity", rows)
    prices = _column(post, "line_unit_price", rows)
    discounts = _column(post, "line_discount", rows)
    specs = _column(post, "line_spec", rows)
    lines = []
    for i, product in enumerate(products):
        if not product.strip():
            continue
        lines.append(
            ContractLineData(
                product_id=int(product) if product.strip().isdigit() else -1,
                unit_id=int(units[i]) if units[i].strip().isdigit() else -1,
                quantity=quantities[i].strip(),
                unit_price=prices[i].strip() or None,
                discount=discounts[i].strip() or None if not prices[i].strip() else None,
                spec=specs[i][:200],
            )
        )
    return lines


def terms_from_post(post: QueryDict) -> list[PaymentTermData]:
    """The schedule editor's rows, in order; empty rows are left out."""
    labels = post.getlist("term_label")[:MAX_ROWS]
    rows = len(labels)
    triggers = _column(post, "term_trigger", rows)
    days = _column(post, "term_days", rows)
    percents = _column(post, "term_percent", rows)
    amounts = _column(post, "term_amount", rows)
    retention = _column(post, "term_retention", rows)
    terms = []
    for i, label in enumerate(labels):
        if not (label.strip() or percents[i].strip() or amounts[i].strip()):
            continue
        day = days[i].strip()
        terms.append(
            PaymentTermData(
                label=label,
                trigger=triggers[i],
                days_after=int(day) if day.isdigit() else (0 if not day else -1),
                percent=percents[i].strip() or None,
                amount=amounts[i].strip() or None,
                is_retention=retention[i] == "1",
            )
        )
    return terms


TRIGGER_CHOICES = PaymentTrigger.choices


class SignForm(BootstrapForm):
    signed_on = forms.DateField(label=_("signing date"), widget=DATE)
    customer_signatory = forms.CharField(label=_("signed for the customer by"), max_length=100)
    company_signatory = forms.CharField(label=_("signed for us by"), max_length=100)
    scan = forms.FileField(
        label=_("scan of the signed contract"),
        help_text=_("PDF, JPG or PNG; required."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
