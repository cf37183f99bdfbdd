"""Forms of the catalog pages: allow-lists of fields; forms validate input, services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoguan.catalog.models import Product, ProductCategory, Unit
from xiaoguan.catalog.selectors import products as selectors
from xiaoguan.catalog.services.products import (
    MAX_INSPECTION_MONTHS,
    MAX_SERVICE_LIFE_YEARS,
    MAX_WARRANTY_MONTHS,
    CategoryData,
    ProductData,
    ProductUnitData,
    UnitData,
)
from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.web.forms import BootstrapForm, form_apply_error

ALT_ROWS = 4  # other units a product form offers at once (1 箱 = 4 具, 1 托 = 48 具 ...)

_YES_NO = [("", _("All")), ("1", _("yes")), ("0", _("no"))]


class ProductFilterForm(BootstrapForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.TypedChoiceField(label=_("category"), required=False, coerce=int)
    active = forms.ChoiceField(
        label=_("active"),
        required=False,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Inactive"))],
    )
    needs_installation = forms.ChoiceField(
        label=_("needs installation"), required=False, choices=_YES_NO
    )
    sort = forms.CharField(required=False, max_length=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            ("", _("All categories")),
            *[
                (c.pk, ("— " if c.depth else "") + c.name)  # type: ignore[attr-defined]
                for c in selectors.category_list()
            ],
        ]


def _category_choices(current: int | None = None) -> list[tuple[Any, str]]:
    rows = [
        c
        for c in selectors.category_list()
        if c.is_active or c.pk == current  # an inactive category stays on its products
    ]
    return [("", "—"), *[(c.pk, ("— " if c.depth else "") + c.name) for c in rows]]  # type: ignore[attr-defined]


def _unit_choices(current: set[int] | None = None) -> list[tuple[Any, str]]:
    current = current or set()
    return [("", "—")] + [
        (u.pk, u.name) for u in Unit.objects.order_by("name") if u.is_active or u.pk in current
    ]


class ProductForm(BootstrapForm):
    """New and edit: the product's fields and up to ``ALT_ROWS`` other units with how many
    base units each holds. The active flag has its own buttons."""

    code = forms.CharField(label=_("product code"), max_length=40)
    name = forms.CharField(label=_("product name"), max_length=120)
    model = forms.CharField(label=_("model"), max_length=60, required=False)
    spec = forms.CharField(label=_("specification"), max_length=200, required=False)
    category = forms.TypedChoiceField(label=_("category"), coerce=int)
    unit = forms.TypedChoiceField(label=_("base unit"), coerce=int)
    needs_installation = forms.BooleanField(label=_("needs installation"), required=False)
    warranty_months = forms.IntegerField(
        label=_("warranty (months)"), min_value=0, max_value=MAX_WARRANTY_MONTHS, initial=12
    )
    inspection_cycle_months = forms.IntegerField(
        label=_("inspection cycle (months)"),
        min_value=1,
        max_value=MAX_INSPECTION_MONTHS,
        required=False,
        help_text=_("How often after-sales inspects it (extinguishers: 12). Empty: never."),
    )
    service_life_years = forms.IntegerField(
        label=_("service life (years)"),
        min_value=1,
        max_value=MAX_SERVICE_LIFE_YEARS,
        required=False,
        help_text=_("When it must be replaced (extinguishers: 10). Empty: no limit."),
    )
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, product: Product | None = None, **kwargs: Any) -> None:
        if product is not None and "initial" not in kwargs:
            initial: dict[str, Any] = {
                "code": product.code,
                "name": product.name,
                "model": product.model,
                "spec": product.spec,
                "category": product.category_id,
                "unit": product.unit_id,
                "needs_installation": product.needs_installation,
                "warranty_months": product.warranty_months,
                "inspection_cycle_months": product.inspection_cycle_months,
                "service_life_years": product.service_life_years,
                "description": product.description,
            }
            for i, pu in enumerate(product.units.all()[:ALT_ROWS], start=1):
                initial[f"alt_unit_{i}"] = pu.unit_id
                initial[f"alt_factor_{i}"] = f"{pu.factor.normalize():f}"
            kwargs["initial"] = initial
        self.product = product
        current_units = {product.unit_id} if product else set()
        if product is not None:
            current_units |= {pu.unit_id for pu in product.units.all()}
        extra: dict[str, forms.Field] = {}
        for i in range(1, ALT_ROWS + 1):
            extra[f"alt_unit_{i}"] = forms.TypedChoiceField(
                label=_("other unit"), required=False, coerce=int, empty_value=None
            )
            extra[f"alt_factor_{i}"] = forms.DecimalField(
                label=_("base units per unit"),
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=3,
            )
        super().__init__(*args, **kwargs)
        self.fields.update(extra)
        for name, field in extra.items():
            field.widget.attrs["class"] = (
                "form-select form-select-sm"
                if name.startswith("alt_unit")
                else "form-control form-control-sm"
            )
        self.fields["category"].choices = _category_choices(
            product.category_id if product else None
        )
        unit_choices = _unit_choices(current_units)
        self.fields["unit"].choices = unit_choices
        for i in range(1, ALT_ROWS + 1):
            self.fields[f"alt_unit_{i}"].choices = unit_choices

    def main_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if not name.startswith("alt_")]

    def alt_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"alt_unit_{i}"], self[f"alt_factor_{i}"]) for i in range(1, ALT_ROWS + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(1, ALT_ROWS + 1):
            unit, factor = data.get(f"alt_unit_{i}"), data.get(f"alt_factor_{i}")
            if unit and factor is None:
                self.add_error(f"alt_factor_{i}", _("How many base units one of this unit holds."))
            elif factor is not None and not unit:
                self.add_error(f"alt_unit_{i}", _("Choose the unit."))
        return data

    def to_data(self) -> ProductData:
        d = self.cleaned_data
        return ProductData(
            code=d["code"],
            name=d["name"],
            model=d.get("model") or "",
            spec=d.get("spec") or "",
            category_id=d["category"],
            unit_id=d["unit"],
            needs_installation=bool(d.get("needs_installation")),
            warranty_months=d["warranty_months"],
            inspection_cycle_months=d.get("inspection_cycle_months"),
            service_life_years=d.get("service_life_years"),
            description=d.get("description") or "",
        )

    def to_units(self) -> list[ProductUnitData]:
        d = self.cleaned_data
        return [
            ProductUnitData(unit_id=d[f"alt_unit_{i}"], factor=d[f"alt_factor_{i}"])
            for i in range(1, ALT_ROWS + 1)
            if d.get(f"alt_unit_{i}")
        ]

    def apply_error(self, exc: ApplicationError) -> None:
        """A service refusal next to the field it concerns (the service names the data
        fields: ``category_id``, ``unit_id``, ``units``)."""
        renamed = {"category_id": "category", "unit_id": "unit", "units": "alt_unit_1"}
        exc.fields = {renamed.get(k, k): v for k, v in exc.fields.items()}
        form_apply_error(self, exc)


class CategoryForm(BootstrapForm):
    code = forms.CharField(label=_("code"), max_length=30)
    name = forms.CharField(label=_("name"), max_length=60)
    parent = forms.TypedChoiceField(
        label=_("parent category"), required=False, coerce=int, empty_value=None
    )
    position = forms.IntegerField(label=_("order"), min_value=0, initial=0, required=False)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args: Any, category: ProductCategory | None = None, **kwargs: Any):
        if category is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "code": category.code,
                "name": category.name,
                "parent": category.parent_id,
                "position": category.position,
                "is_active": category.is_active,
            }
        super().__init__(*args, **kwargs)
        self.category = category
        self.fields["parent"].choices = [
            ("", _("(top level)")),
            *[
                (c.pk, c.name)
                for c in selectors.category_parent_choices(
                    exclude_id=category.pk if category else None
                )
            ],
        ]

    def to_data(self) -> CategoryData:
        d = self.cleaned_data
        return CategoryData(
            code=d["code"],
            name=d["name"],
            parent_id=d.get("parent"),
            position=d.get("position") or 0,
            is_active=bool(d.get("is_active")),
        )

    def apply_error(self, exc: ApplicationError) -> None:
        exc.fields = {("parent" if k == "parent_id" else k): v for k, v in exc.fields.items()}
        form_apply_error(self, exc)


class UnitForm(BootstrapForm):
    code = forms.CharField(label=_("code"), max_length=20)
    name = forms.CharField(label=_("name"), max_length=20)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args: Any, unit: Unit | None = None, **kwargs: Any):
        if unit is not None and "initial" not in kwargs:
            kwargs["initial"] = {"code": unit.code, "name": unit.name, "is_active": unit.is_active}
        super().__init__(*args, **kwargs)
        self.unit = unit

    def to_data(self) -> UnitData:
        d = self.cleaned_data
        return UnitData(code=d["code"], name=d["name"], is_active=bool(d.get("is_active")))

    def apply_error(self, exc: ApplicationError) -> None:
        form_apply_error(self, exc)


class ProductImportForm(BootstrapForm):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
