"""Forms of the quote pages: the header fields, the lines (posted as parallel lists, one row
per line, so the page works without JavaScript), the customer's answer and the list filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.web.forms import BootstrapForm
from xiaoguan.customers.web.pickers import customer_picker_field
from xiaoguan.sales.enums import LostReason, QuoteStatus
from xiaoguan.sales.services.quotes import QuoteData, QuoteLineData

LINE_FIELDS = ("product", "unit", "quantity", "unit_price", "discount", "spec")
BLANK_ROWS = 3


class QuoteCustomerForm(BootstrapForm):
    """The first step of a new quote: the customer, found by typing (``?customer=<id>``), not
    a list of every customer in scope. The field checks the user's scoped active customers,
    so an id outside them is refused with a message."""

    customer = customer_picker_field(reload=True)  # choosing opens the quote form for them

    def __init__(self, *args: Any, customers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers


class QuoteForm(BootstrapForm):
    title = forms.CharField(label=_("subject"), max_length=200)
    valid_until = forms.DateField(
        label=_("valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Empty: the default validity from the policy."),
    )
    opportunity = forms.TypedChoiceField(
        label=_("opportunity"), required=False, coerce=int, empty_value=None
    )
    delivery_lead_days = forms.IntegerField(
        label=_("delivery lead time (days)"), required=False, min_value=0, max_value=3650
    )
    payment_terms = forms.CharField(
        label=_("payment terms"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    technical_notes = forms.CharField(
        label=_("technical parameters"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    cost_estimate = forms.DecimalField(
        label=_("material cost estimate"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
    )
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, opportunities=(), may_see_cost: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["opportunity"].choices = [("", "—")] + [
            (o.pk, f"{o.number} {o.name}") for o in opportunities
        ]
        if not may_see_cost:
            del self.fields["cost_estimate"]

    def to_data(self, *, customer_id: int, inquiry_id: int | None = None) -> QuoteData:
        d = self.cleaned_data
        return QuoteData(
            customer_id=customer_id,
            title=d["title"],
            valid_until=d.get("valid_until"),
            inquiry_id=inquiry_id,
            opportunity_id=d.get("opportunity"),
            delivery_lead_days=d.get("delivery_lead_days"),
            payment_terms=d.get("payment_terms") or "",
            technical_notes=d.get("technical_notes") or "",
            cost_estimate=d.get("cost_estimate"),
            notes=d.get("notes") or "",
        )


def posted_lines(post: Any, *, base_units: dict[int, int]) -> tuple[list[QuoteLineData], list]:
    """The lines of the posted rows (rows without a product are skipped), and the rows as
    dicts to show the form again. An empty unit means the product's base unit."""
    columns = {name: post.getlist(f"line-{name}") for name in LINE_FIELDS}
    count = max((len(v) for v in columns.values()), default=0)
    lines: list[QuoteLineData] = []
    rows: list[dict[str, str]] = []
    for i in range(count):
        row = {
            name: (columns[name][i] if i < len(columns[name]) else "").strip()
            for name in LINE_FIELDS
        }
        if not row["product"]:
            continue
        rows.append(row)
        product_id = int(row["product"]) if row["product"].isdigit() else -1
        unit = row["unit"]
        unit_id = int(unit) if unit.isdigit() else base_units.get(product_id, -1)
        lines.append(
            QuoteLineData(
                product_id=product_id,
                unit_id=unit_id,
                quantity=row["quantity"],
                unit_price=row["unit_price"] or None,
                discount=row["discount"] or None,
                spec=row["spec"],
            )
        )
    return lines, rows


class AnswerForm(BootstrapForm):
    """The customer's answer to an approved quote."""

    lost_reason = forms.ChoiceField(
        label=_("reason lost"), required=False, choices=[("", "—"), *LostReason.choices]
    )
    note = forms.CharField(label=_("note"), required=False, max_length=300)


class QuoteFilterForm(BootstrapForm):
    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(
        required=False,
        choices=[("", _("All statuses")), ("open", _("Open")), *QuoteStatus.choices],
    )
    customer = forms.IntegerField(required=False, min_value=1)
    expiring = forms.BooleanField(required=False)
    sort = forms.CharField(required=False, max_length=20)
