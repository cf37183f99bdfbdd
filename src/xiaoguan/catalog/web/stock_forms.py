"""Forms of the stock pages: allow-lists of fields; forms check the shape, services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoguan.catalog.models import Product, Warehouse
from xiaoguan.catalog.selectors import products as product_selectors
from xiaoguan.catalog.services.stock import WarehouseData
from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.web.forms import BootstrapForm, form_apply_error
from xiaoguan.org.models import User


def apply_error(form: forms.Form, exc: ApplicationError) -> None:
    """The refusal next to the fields it names, and its sentence at the top when it says more
    than "some fields are not valid" (a shortage names the product and what is available)."""
    form_apply_error(form, exc)
    if exc.fields and str(exc.message) != str(exc.default_message()):
        form.add_error(None, str(exc.message))


def warehouse_choices(*, active_only: bool = True, blank: Any = "—") -> list[tuple[Any, str]]:
    qs = Warehouse.objects.order_by("code")
    if active_only:
        qs = qs.filter(is_active=True)
    return [("", blank), *[(w.pk, f"{w.code} {w.name}") for w in qs]]


def product_choices() -> list[tuple[Any, str]]:
    rows = Product.objects.filter(is_active=True).select_related("unit").order_by("code")
    return [("", "—"), *[(p.pk, f"{p.code} {p.name} {p.model} ({p.unit.name})") for p in rows]]


class StockFilterForm(BootstrapForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    warehouse = forms.TypedChoiceField(label=_("warehouse"), required=False, coerce=int)
    category = forms.TypedChoiceField(label=_("category"), required=False, coerce=int)
    below = forms.BooleanField(label=_("Below reorder point only"), required=False)
    sort = forms.CharField(required=False, max_length=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = warehouse_choices(blank=_("All warehouses"))
        self.fields["category"].choices = [
            ("", _("All categories")),
            *[
                (c.pk, ("— " if c.depth else "") + c.name)  # type: ignore[attr-defined]
                for c in product_selectors.category_list()
            ],
        ]


class AlertFilterForm(BootstrapForm):
    warehouse = forms.TypedChoiceField(label=_("warehouse"), required=False, coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = warehouse_choices(blank=_("All warehouses"))


def _quantity_field(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=14, decimal_places=3, min_value=0, localize=False
    )


class ReceiveForm(BootstrapForm):
    """Goods receipt (入库): into which warehouse, which product, how many base units."""

    warehouse = forms.TypedChoiceField(label=_("warehouse"), coerce=int)
    product = forms.TypedChoiceField(label=_("product"), coerce=int)
    quantity = _quantity_field(_("Quantity (base unit)"))
    reference = forms.CharField(
        label=_("reference"),
        max_length=40,
        required=False,
        help_text=_("Delivery note or purchase order number."),
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    field_map = {"warehouse_id": "warehouse", "product_id": "product"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = warehouse_choices()
        self.fields["product"].choices = product_choices()


class AdjustForm(BootstrapForm):
    """Stock count (盘点): the counted quantity and why it differs."""

    warehouse = forms.TypedChoiceField(label=_("warehouse"), coerce=int)
    product = forms.TypedChoiceField(label=_("product"), coerce=int)
    counted = _quantity_field(_("Counted quantity (base unit)"))
    reason = forms.CharField(label=_("reason"), max_length=300)

    field_map = {"warehouse_id": "warehouse", "product_id": "product"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = warehouse_choices()
        self.fields["product"].choices = product_choices()


class TransferForm(BootstrapForm):
    """Transfer (调拨) of available stock between two warehouses."""

    from_warehouse = forms.TypedChoiceField(label=_("from warehouse"), coerce=int)
    to_warehouse = forms.TypedChoiceField(label=_("to warehouse"), coerce=int)
    product = forms.TypedChoiceField(label=_("product"), coerce=int)
    quantity = _quantity_field(_("Quantity (base unit)"))
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    field_map = {
        "from_warehouse_id": "from_warehouse",
        "to_warehouse_id": "to_warehouse",
        "product_id": "product",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_warehouse"].choices = warehouse_choices()
        self.fields["to_warehouse"].choices = warehouse_choices()
        self.fields["product"].choices = product_choices()


class ReorderPointForm(BootstrapForm):
    warehouse = forms.TypedChoiceField(label=_("warehouse"), coerce=int)
    reorder_point = forms.DecimalField(
        label=_("reorder point (set by hand)"),
        max_digits=14,
        decimal_places=3,
        min_value=0,
        required=False,
        help_text=_("Leave empty to use the point derived from recent shipments."),
    )

    field_map = {"warehouse_id": "warehouse"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = warehouse_choices()


class WarehouseForm(BootstrapForm):
    code = forms.CharField(label=_("code"), max_length=20)
    name = forms.CharField(label=_("name"), max_length=60)
    address = forms.CharField(label=_("address"), max_length=300, required=False)
    keeper = forms.TypedChoiceField(
        label=_("warehouse keeper"), coerce=int, required=False, empty_value=None
    )

    field_map = {"keeper_id": "keeper"}

    def __init__(self, *args: Any, warehouse: Warehouse | None = None, **kwargs: Any) -> None:
        if warehouse is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = {
                "code": warehouse.code,
                "name": warehouse.name,
                "address": warehouse.address,
                "keeper": warehouse.keeper_id,
            }
        super().__init__(*args, **kwargs)
        current = warehouse.keeper_id if warehouse is not None else None
        users = User.objects.filter(is_active=True) | User.objects.filter(pk=current or 0)
        self.fields["keeper"].choices = [
            ("", "—"),
            *[(u.pk, u.full_name or u.username) for u in users.order_by("username").distinct()],
        ]

    def to_data(self) -> WarehouseData:
        d = self.cleaned_data
        return WarehouseData(
            code=d["code"], name=d["name"], address=d.get("address") or "", keeper_id=d["keeper"]
        )


def map_fields(form: forms.Form, exc: ApplicationError) -> ApplicationError:
    """Service field names (``warehouse_id``) renamed to the form's (``warehouse``)."""
    mapping = getattr(form, "field_map", {})
    if mapping and exc.fields:
        exc.fields = {mapping.get(k, k): v for k, v in exc.fields.items()}
    return exc
