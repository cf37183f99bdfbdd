"""Forms of the receipt pages: allow-lists of what a user writes; the services decide (and
refuse with field errors)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.web.forms import BootstrapForm
from xiaoguan.customers.web.pickers import customer_picker_field
from xiaoguan.receivables.enums import ReceiptMethod, ReceiptStatus
from xiaoguan.receivables.selectors.receipts import RECEIPT_SORTS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReceiptFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=40)
    method = forms.ChoiceField(
        required=False, choices=[("", _("All methods")), *ReceiptMethod.choices]
    )
    status = forms.ChoiceField(
        required=False, choices=[("", _("All statuses")), *ReceiptStatus.choices]
    )
    received_from = forms.DateField(required=False, label=_("Received from"))
    received_to = forms.DateField(required=False, label=_("Received until"))
    customer = forms.CharField(required=False, max_length=100, label=_("customer"))
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in RECEIPT_SORTS])

    def clean_customer(self) -> Any:
        value = (self.cleaned_data.get("customer") or "").strip()
        return int(value) if value.isdigit() else value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and end < start:
            self.add_error("received_to", _("The end of the range is before its start."))
        return data


class ReceiptForm(BootstrapForm):
    customer = customer_picker_field(inactive=True, reload=True)
    contract = forms.ModelChoiceField(
        label=_("for contract"),
        queryset=None,
        required=False,
        help_text=_(
            "Optional, among the chosen customer's signed contracts. With a contract the money "
            "pays only that contract's instalments; without one it pays the customer's oldest "
            "instalments first."
        ),
    )
    method = forms.ChoiceField(label=_("method"), choices=ReceiptMethod.choices)
    amount = forms.CharField(label=_("amount"), max_length=20)
    received_on = forms.DateField(label=_("received on"), widget=DATE)
    payer = forms.CharField(label=_("payer"), max_length=200, required=False)
    reference = forms.CharField(
        label=_("bank reference / cheque number"), max_length=60, required=False
    )
    bill_no = forms.CharField(label=_("bill number"), max_length=40, required=False)
    bill_bank = forms.CharField(label=_("accepting bank"), max_length=100, required=False)
    bill_maturity = forms.DateField(label=_("bill maturity"), widget=DATE, required=False)
    note = forms.CharField(label=_("note"), max_length=300, required=False)
    allocate = forms.ChoiceField(
        label=_("allocation"),
        choices=[
            ("auto", _("Allocate oldest first now")),
            ("none", _("Keep as unallocated credit")),
        ],
        initial="auto",
    )

    def __init__(self, *args: Any, customers: Any, contracts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers
        self.fields["contract"].queryset = contracts
        self.fields["contract"].label_from_instance = lambda c: (
            f"{c.number} v{c.version_no} · {c.customer.name} · {c.title}"
            if c.version_no > 1
            else f"{c.number} · {c.customer.name} · {c.title}"
        )
        self.fields["amount"].widget.attrs.update({"inputmode": "decimal"})


class AllocateForm(forms.Form):
    """By hand: one amount per open instalment (``amount_<id>``); blank ones are skipped."""

    def __init__(self, *args: Any, instalments: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instalments = instalments
        for instalment in instalments:
            self.fields[f"amount_{instalment.pk}"] = forms.CharField(required=False, max_length=20)

    def allocations(self) -> list[tuple[int, str]]:
        rows = []
        for instalment in self.instalments:
            value = (self.cleaned_data.get(f"amount_{instalment.pk}") or "").strip()
            if value:
                rows.append((instalment.pk, value))
        return rows


class ReverseForm(BootstrapForm):
    reason = forms.CharField(
        label=_("reason for the reversal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "E.g. the amount was entered wrongly, or the money came from another customer."
        ),
    )
