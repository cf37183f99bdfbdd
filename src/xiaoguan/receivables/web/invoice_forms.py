"""Forms of the invoice record pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.web.forms import BootstrapForm
from xiaoguan.receivables.enums import InvoiceKind, InvoiceStatus
from xiaoguan.receivables.services.invoices import TAX_RATES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InvoiceRequestForm(BootstrapForm):
    contract_id = forms.TypedChoiceField(label=_("contract"), coerce=int, choices=())
    kind = forms.ChoiceField(label=_("invoice type"), choices=InvoiceKind.choices)
    amount = forms.DecimalField(
        label=_("amount incl. tax"), max_digits=16, decimal_places=2, min_value=0
    )
    tax_rate = forms.TypedChoiceField(
        label=_("tax rate (%)"),
        coerce=str,
        choices=[(str(r), f"{r}%") for r in TAX_RATES],
        initial="13",
    )
    note = forms.CharField(
        label=_("note"),
        max_length=300,
        required=False,
        help_text=_("Invoice title, tax number or address if they differ from the customer file."),
    )

    def __init__(self, *args: Any, contracts: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract_id"].choices = [("", "---------")] + [
            (c.pk, f"{c.number} {c.customer.name} ¥{c.total:,.2f}") for c in contracts
        ]


class InvoiceIssueForm(BootstrapForm):
    invoice_no = forms.CharField(label=_("invoice number"), max_length=40)
    issued_on = forms.DateField(label=_("issued on"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("issued_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class InvoiceReasonForm(BootstrapForm):
    reason = forms.CharField(label=_("reason"), max_length=300, required=False)


class InvoiceFilterForm(BootstrapForm):
    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(
        required=False, choices=[("", _("All statuses")), *InvoiceStatus.choices]
    )
    kind = forms.ChoiceField(required=False, choices=[("", _("All types")), *InvoiceKind.choices])
    contract = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    issued_from = forms.DateField(required=False, widget=DATE, label=_("Issued from"))
    issued_to = forms.DateField(required=False, widget=DATE, label=_("Issued until"))
    sort = forms.CharField(required=False, max_length=20)
