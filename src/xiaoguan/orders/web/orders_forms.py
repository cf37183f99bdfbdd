"""Forms of the order pages: the list's filters, the order header (an allow-list of what a
user writes), the lines read from repeated inputs, and the review and cancel forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from xiaoguan.catalog.models import Warehouse
from xiaoguan.core.web.forms import BootstrapForm
from xiaoguan.core.web.widgets import SearchPicker
from xiaoguan.customers.web.pickers import customer_picker_field
from xiaoguan.orders.enums import OrderChannel, OrderStatus
from xiaoguan.orders.services.orders import DIRECT_CHANNELS, OrderData, OrderLineData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_ROWS = 200


def contract_label(contract: Any) -> str:
    """How a contract is named in the contract picker (its suggestions and its box)."""
    version = f" v{contract.version_no}" if contract.version_no > 1 else ""
    return f"{contract.number}{version} · {contract.title}"


class ContractChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return contract_label(obj)


class ContractPickForm(BootstrapForm):
    """The first step of "order from a contract": a search picker over the signed contracts
    in the user's scope (``?contract=<id>``), not a list of them all. The field checks the
    scoped queryset, so an id outside it is refused with a message."""

    contract = ContractChoiceField(
        label=_("Signed contract"),
        queryset=None,
        widget=SearchPicker(
            url_name="orders:contract_picker",
            reload=True,
            placeholder=_("Type the contract number, subject or customer"),
        ),
        error_messages={
            "invalid_choice": _(
                "This contract is outside your scope or cannot take orders: "
                "choose one from the suggestions."
            )
        },
    )

    def __init__(self, *args: Any, contracts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts


class OrderFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    status = forms.MultipleChoiceField(
        required=False, choices=OrderStatus.choices, label=_("status")
    )
    channel = forms.ChoiceField(
        required=False, choices=[("", _("All channels")), *OrderChannel.choices]
    )
    customer = forms.CharField(required=False, max_length=100, label=_("customer"))
    date_from = forms.DateField(required=False, label=_("Ordered from"))
    date_to = forms.DateField(required=False, label=_("Ordered until"))
    sort = forms.CharField(required=False, max_length=20)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the range is before its start."))
        return data


class OrderForm(BootstrapForm):
    """The header of an order; ``customer`` and ``channel`` only for a new direct order."""

    channel = forms.ChoiceField(
        label=_("received by"),
        choices=[(c, label) for c, label in OrderChannel.choices if c in DIRECT_CHANNELS],
        required=False,
    )
    customer = customer_picker_field(required=False)
    order_date = forms.DateField(label=_("order date"), required=False, widget=DATE)
    requested_date = forms.DateField(
        label=_("requested delivery date"), required=False, widget=DATE
    )
    warehouse = forms.ModelChoiceField(
        label=_("ships from"), queryset=Warehouse.objects.none(), required=False
    )
    ship_to = forms.CharField(label=_("delivery address"), max_length=300, required=False)
    consignee = forms.CharField(label=_("consignee"), max_length=60, required=False)
    consignee_phone = forms.CharField(label=_("consignee phone"), max_length=30, required=False)
    payment_days = forms.IntegerField(
        label=_("payment due days after delivery"), required=False, min_value=0, max_value=365
    )
    payment_terms = forms.CharField(label=_("payment terms"), max_length=200, required=False)
    customer_reference = forms.CharField(
        label=_("customer's order reference"), max_length=60, required=False
    )
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, customers: Any = None, direct: bool, new: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = Warehouse.objects.filter(is_active=True).order_by(
            "code"
        )
        if direct and new:
            self.fields["customer"].queryset = customers
            self.fields["customer"].required = True
            self.fields["channel"].required = True
        else:
            del self.fields["customer"]
            del self.fields["channel"]
        if not direct:
            del self.fields["payment_days"]

    def to_data(
        self, *, channel: str, contract_id: Any = None, customer_id: Any = None
    ) -> OrderData:
        d = self.cleaned_data
        customer = d.get("customer")
        return OrderData(
            channel=d.get("channel") or channel,
            contract_id=contract_id,
            customer_id=customer.pk if customer is not None else customer_id,
            order_date=d.get("order_date"),
            requested_date=d.get("requested_date"),
            warehouse_id=d["warehouse"].pk if d.get("warehouse") else None,
            ship_to=d.get("ship_to") or "",
            consignee=d.get("consignee") or "",
            consignee_phone=d.get("consignee_phone") or "",
            payment_days=d.get("payment_days"),
            payment_terms=d.get("payment_terms") or "",
            customer_reference=d.get("customer_reference") or "",
            notes=d.get("notes") or "",
        )


def _column(post: QueryDict, name: str, rows: int) -> list[str]:
    values = post.getlist(name)[:rows]
    return values + [""] * (rows - len(values))


def direct_lines_from_post(post: QueryDict) -> list[OrderLineData]:
    """The direct order's line rows, in order; rows without a product are left out."""
    products = post.getlist("line_product")[:MAX_ROWS]
    rows = len(products)
    units = _column(post, "line_unit", rows)
    quantities = _column(post, "line_quantity", rows)
    prices = _column(post, "line_unit_price", rows)
    discounts = _column(post, "line_discount", rows)
    lines = []
    for i, product in enumerate(products):
        if not product.strip():
            continue
        lines.append(
            OrderLineData(
                product_id=int(product) if product.strip().isdigit() else -1,
                unit_id=int(units[i]) if units[i].strip().isdigit() else -1,
                quantity=quantities[i].strip(),
                unit_price=prices[i].strip() or None,
                discount=(discounts[i].strip() or None) if not prices[i].strip() else None,
            )
        )
    return lines


def contract_lines_from_post(post: QueryDict) -> list[OrderLineData]:
    """The contract order's rows: one quantity per contract line (``qty_<line id>``)."""
    lines = []
    for key in list(post.keys())[: MAX_ROWS * 2]:
        if key.startswith("qty_") and key[4:].isdigit():
            lines.append(
                OrderLineData(contract_line_id=int(key[4:]), quantity=post.get(key, "").strip())
            )
    return lines


class ReviewForm(BootstrapForm):
    action = forms.ChoiceField(
        choices=[("confirm", _("Confirm")), ("return", _("Return for changes"))],
        widget=forms.HiddenInput,
    )
    confirmation_note = forms.CharField(
        label=_("How was the order confirmed with the customer?"),
        max_length=300,
        required=False,
        help_text=_("Who, when and how, e.g. “phone with Mr Zhang, 10:30”."),
    )
    review_note = forms.CharField(
        label=_("Review note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when returning the order: what should be changed."),
    )


class CancelForm(BootstrapForm):
    reason = forms.CharField(
        label=_("reason for cancelling"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReleaseForm(BootstrapForm):
    reason = forms.CharField(
        label=_("why release it"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
