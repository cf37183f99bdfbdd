"""Writes to the product catalog (R-PRC-1, R-CON-1): units, product categories, products and
the other units a product is sold in (1 箱 = 4 具).

Decisions (see docs/user/*/catalog.md):
- Nothing in the catalog is ever deleted: quotes, contracts and prices point at products and
  units (PROTECT). A product, category or unit is deactivated instead; a deactivated product
  is no longer offered in quote and contract pickers, documents that have it keep it.
- Codes are unique without regard to case ("mfz-abc4" is "MFZ-ABC4"); two people saving the
  same code at once get ``code_taken`` (409), never a server error.
- A category is one level deep (灭火器 → 干粉灭火器): a parent is a top-level category.
  A category still holding active products (or active sub-categories) cannot be deactivated;
  nor can a unit that is the base unit of an active product.
- The alternative units of a product are replaced as a whole on each save; the change is
  written as the reason of the product's history row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from xiaoguan.catalog.errors import (
    CategoryInvalid,
    CodeTaken,
    ProductInvalid,
    ProductNotFound,
    UnitInvalid,
)
from xiaoguan.catalog.models import Product, ProductCategory, ProductUnit, Unit
from xiaoguan.core.errors import NotFound
from xiaoguan.core.history import track
from xiaoguan.org.models import User

_CODE = re.compile(r"^[^\s]+$")
MAX_FACTOR = Decimal("999999999.999")
MAX_WARRANTY_MONTHS = 240
MAX_INSPECTION_MONTHS = 120
MAX_SERVICE_LIFE_YEARS = 100
MAX_ALTERNATIVE_UNITS = 10


# --- small helpers ------------------------------------------------------------------------


def _line(value: Any) -> str:
    """One line of text with runs of whitespace collapsed."""
    return " ".join(str(value or "").split())


def _too_long(n: int) -> str:
    return _("At most %(n)s characters.") % {"n": n}


def _check_code(value: Any, *, max_length: int, errors: dict[str, str]) -> str:
    code = str(value or "").strip()
    if not code:
        errors["code"] = _("Enter a code.")
    elif len(code) > max_length:
        errors["code"] = _too_long(max_length)
    elif not _CODE.match(code):
        errors["code"] = _("A code has no spaces.")
    return code


def _small_int(
    value: Any, *, key: str, low: int, high: int, optional: bool, errors: dict[str, str]
) -> int | None:
    if value is None or value == "":
        if optional:
            return None
        errors[key] = _("This field is required.")
        return None
    try:
        number = int(value)
        if isinstance(value, float | Decimal) and number != value:
            raise ValueError
    except (TypeError, ValueError, InvalidOperation):
        errors[key] = _("Enter a whole number.")
        return None
    if not low <= number <= high:
        errors[key] = _("Between %(low)s and %(high)s.") % {"low": low, "high": high}
        return None
    return number


def _others(qs: QuerySet[Any], pk: int | None) -> QuerySet[Any]:
    """The other rows than the one being edited (all of them on creation)."""
    return qs.exclude(pk=pk) if pk is not None else qs


def _save_unique(obj: Any, *, actor: User | None, reason: str = "", history: bool = True) -> None:
    """Save in a savepoint: a unique code saved by someone else meanwhile is a CodeTaken
    (the surrounding transaction stays usable), not a 500."""
    if history:
        track(obj, actor=actor, reason=reason)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise CodeTaken(fields={"code": _("This code is already used.")}) from None


# --- units --------------------------------------------------------------------------------


@dataclass
class UnitData:
    code: str
    name: str
    is_active: bool = True


def _unit_clean(data: UnitData, *, unit_id: int | None) -> UnitData:
    errors: dict[str, str] = {}
    data.code = _check_code(data.code, max_length=20, errors=errors)
    data.name = _line(data.name)
    if not data.name:
        errors["name"] = _("Enter a name.")
    elif len(data.name) > 20:
        errors["name"] = _too_long(20)
    others = _others(Unit.objects.all(), unit_id)
    if "code" not in errors and others.filter(code__iexact=data.code).exists():
        errors["code"] = _("This code is already used.")
    if "name" not in errors and others.filter(name=data.name).exists():
        errors["name"] = _("A unit of this name exists.")
    if errors:
        raise UnitInvalid(fields=errors)
    data.is_active = bool(data.is_active)
    return data


@transaction.atomic
def unit_create(*, actor: User, data: UnitData) -> Unit:
    """A new unit of measure (具, 箱 ...) with a unique code and name."""
    data = _unit_clean(data, unit_id=None)
    unit = Unit(code=data.code, name=data.name, is_active=data.is_active)
    _save_unique(unit, actor=actor)
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit_id: int, data: UnitData) -> Unit:
    """Rename a unit or (de)activate it. A unit that is the base unit of an active product
    stays active: deactivate or change those products first."""
    unit = Unit.objects.select_for_update().filter(pk=unit_id).first()
    if unit is None:
        raise NotFound(_("Unit not found."))
    data = _unit_clean(data, unit_id=unit.pk)
    if unit.is_active and not data.is_active:
        used = Product.objects.filter(unit=unit, is_active=True).count()
        if used:
            raise UnitInvalid(
                _("%(n)s active products are counted in this unit; it stays active.") % {"n": used},
                fields={"is_active": _("Still the base unit of active products.")},
            )
    unit.code, unit.name, unit.is_active = data.code, data.name, data.is_active
    _save_unique(unit, actor=actor)
    return unit


# --- categories ---------------------------------------------------------------------------


@dataclass
class CategoryData:
    code: str
    name: str
    parent_id: int | None = None
    position: int = 0
    is_active: bool = True


def _category_clean(data: CategoryData, *, category: ProductCategory | None) -> CategoryData:
    errors: dict[str, str] = {}
    data.code = _check_code(data.code, max_length=30, errors=errors)
    data.name = _line(data.name)
    if not data.name:
        errors["name"] = _("Enter a name.")
    elif len(data.name) > 60:
        errors["name"] = _too_long(60)
    position = _small_int(
        data.position or 0, key="position", low=0, high=100000, optional=False, errors=errors
    )
    data.position = position or 0
    pk = category.pk if category else None
    if (
        "code" not in errors
        and _others(ProductCategory.objects.all(), pk).filter(code__iexact=data.code).exists()
    ):
        errors["code"] = _("This code is already used.")
    if data.parent_id:
        parent = ProductCategory.objects.filter(pk=data.parent_id).first()
        if parent is None or (pk is not None and parent.pk == pk):
            errors["parent_id"] = _("Choose another parent category.")
        elif parent.parent_id is not None:
            errors["parent_id"] = _("A sub-category cannot hold sub-categories.")
        elif category is not None and category.children.exists():
            errors["parent_id"] = _("This category has sub-categories; it stays at the top level.")
        elif data.is_active and not parent.is_active:
            errors["parent_id"] = _("The parent category is inactive.")
    else:
        data.parent_id = None
    if errors:
        raise CategoryInvalid(fields=errors)
    data.is_active = bool(data.is_active)
    return data


@transaction.atomic
def category_create(*, actor: User, data: CategoryData) -> ProductCategory:
    """A new product category, at the top level or under a top-level one."""
    data = _category_clean(data, category=None)
    category = ProductCategory(
        code=data.code,
        name=data.name,
        parent_id=data.parent_id,
        position=data.position,
        is_active=data.is_active,
    )
    _save_unique(category, actor=actor)
    return category


@transaction.atomic
def category_update(*, actor: User, category_id: int, data: CategoryData) -> ProductCategory:
    """Rename, move or (de)activate a category. It stays active while it holds active
    products or active sub-categories."""
    category = ProductCategory.objects.select_for_update().filter(pk=category_id).first()
    if category is None:
        raise NotFound(_("Category not found."))
    data = _category_clean(data, category=category)
    if category.is_active and not data.is_active:
        products = Product.objects.filter(category=category, is_active=True).count()
        children = category.children.filter(is_active=True).count()
        if products or children:
            raise CategoryInvalid(
                _(
                    "This category still holds %(products)s active products and "
                    "%(children)s active sub-categories; it stays active."
                )
                % {"products": products, "children": children},
                fields={"is_active": _("Still holds active products or sub-categories.")},
            )
    category.code = data.code
    category.name = data.name
    category.parent_id = data.parent_id
    category.position = data.position
    category.is_active = data.is_active
    _save_unique(category, actor=actor)
    return category


# --- products -----------------------------------------------------------------------------


@dataclass
class ProductUnitData:
    """Another unit the product is sold in and how many base units one of it holds."""

    unit_id: int
    factor: Decimal | str | int


@dataclass
class ProductData:
    """What a user may write on a product: an allow-list (no active flag: that is
    :func:`product_deactivate` / :func:`product_activate`)."""

    code: str
    name: str
    category_id: int
    unit_id: int
    model: str = ""
    spec: str = ""
    description: str = ""
    needs_installation: bool = False
    warranty_months: int = 12
    inspection_cycle_months: int | None = None
    service_life_years: int | None = None


def _factor(value: Any) -> Decimal | None:
    try:
        factor = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        return None
    if not factor.is_finite() or factor <= 0 or factor > MAX_FACTOR:
        return None
    if factor != factor.quantize(Decimal("0.001")):
        return None
    return factor.quantize(Decimal("0.001"))


def _units_clean(
    units: Sequence[ProductUnitData], *, base_unit_id: int | None, errors: dict[str, str]
) -> list[tuple[Unit, Decimal]]:
    """The alternative units checked: known and active, not the base unit, each once, with a
    positive factor of at most three decimals."""
    if len(units) > MAX_ALTERNATIVE_UNITS:
        errors["units"] = _("At most %(n)s other units.") % {"n": MAX_ALTERNATIVE_UNITS}
        return []
    wanted = [u.unit_id for u in units]
    found = Unit.objects.in_bulk([i for i in wanted if isinstance(i, int)])
    out: list[tuple[Unit, Decimal]] = []
    seen: set[int] = set()
    for item in units:
        unit = found.get(item.unit_id) if isinstance(item.unit_id, int) else None
        if unit is None or not unit.is_active:
            errors["units"] = _("Choose an active unit.")
            continue
        if unit.pk == base_unit_id:
            errors["units"] = _("The base unit is not also an other unit.")
            continue
        if unit.pk in seen:
            errors["units"] = _("Unit %(unit)s is listed twice.") % {"unit": unit.name}
            continue
        seen.add(unit.pk)
        factor = _factor(item.factor)
        if factor is None:
            errors["units"] = _(
                "How many base units one %(unit)s holds: a number above 0 with at most "
                "three decimals."
            ) % {"unit": unit.name}
            continue
        out.append((unit, factor))
    return out


def _product_clean(
    data: ProductData,
    units: Sequence[ProductUnitData] | None,
    *,
    product: Product | None,
) -> tuple[ProductData, list[tuple[Unit, Decimal]] | None]:
    errors: dict[str, str] = {}
    data.code = _check_code(data.code, max_length=40, errors=errors)
    data.name = _line(data.name)
    if not data.name:
        errors["name"] = _("Enter the product name.")
    elif len(data.name) > 120:
        errors["name"] = _too_long(120)
    data.model = _line(data.model)
    if len(data.model) > 60:
        errors["model"] = _too_long(60)
    data.spec = _line(data.spec)
    if len(data.spec) > 200:
        errors["spec"] = _too_long(200)
    data.description = str(data.description or "").strip()
    if len(data.description) > 5000:
        errors["description"] = _too_long(5000)
    data.needs_installation = bool(data.needs_installation)
    data.warranty_months = _small_int(  # type: ignore[assignment]
        data.warranty_months,
        key="warranty_months",
        low=0,
        high=MAX_WARRANTY_MONTHS,
        optional=False,
        errors=errors,
    )
    data.inspection_cycle_months = _small_int(
        data.inspection_cycle_months,
        key="inspection_cycle_months",
        low=1,
        high=MAX_INSPECTION_MONTHS,
        optional=True,
        errors=errors,
    )
    data.service_life_years = _small_int(
        data.service_life_years,
        key="service_life_years",
        low=1,
        high=MAX_SERVICE_LIFE_YEARS,
        optional=True,
        errors=errors,
    )
    pk = product.pk if product else None
    if (
        "code" not in errors
        and _others(Product.objects.all(), pk).filter(code__iexact=data.code).exists()
    ):
        errors["code"] = _("This code is already used.")
    # A product keeps an inactive category or unit it already has; a new choice must be active.
    category = ProductCategory.objects.filter(pk=data.category_id).first()
    if category is None or (
        not category.is_active and (product is None or product.category_id != category.pk)
    ):
        errors["category_id"] = _("Choose an active category.")
    unit = Unit.objects.filter(pk=data.unit_id).first()
    if unit is None or (not unit.is_active and (product is None or product.unit_id != unit.pk)):
        errors["unit_id"] = _("Choose an active unit.")
    cleaned_units = None
    if units is not None:
        cleaned_units = _units_clean(units, base_unit_id=unit.pk if unit else None, errors=errors)
    if errors:
        raise ProductInvalid(fields=errors)
    return data, cleaned_units


def _units_line(pairs: Sequence[tuple[Unit, Decimal]], base: Unit) -> str:
    """ "other units: 1箱=4具" for the history row's reason."""
    listed = "、".join(f"1{u.name}={f.normalize():f}{base.name}" for u, f in pairs) or "—"
    return _("other units: %(units)s") % {"units": listed}


def _units_replace(product: Product, pairs: list[tuple[Unit, Decimal]]) -> tuple[bool, str]:
    """Replace the product's alternative units; whether anything changed, and a summary."""
    current = {pu.unit_id: pu.factor for pu in product.units.all()}
    wanted = {u.pk: f for u, f in pairs}
    if current == wanted:
        return False, ""
    product.units.exclude(unit_id__in=list(wanted)).delete()
    for unit, factor in pairs:
        ProductUnit.objects.update_or_create(
            product=product, unit=unit, defaults={"factor": factor}
        )
    return True, _units_line(pairs, product.unit)


def _apply(product: Product, data: ProductData) -> None:
    product.code = data.code
    product.name = data.name
    product.model = data.model
    product.spec = data.spec
    product.description = data.description
    product.category_id = data.category_id
    product.unit_id = data.unit_id
    product.needs_installation = data.needs_installation
    product.warranty_months = data.warranty_months
    product.inspection_cycle_months = data.inspection_cycle_months
    product.service_life_years = data.service_life_years


@transaction.atomic
def product_create(
    *, actor: User, data: ProductData, units: Sequence[ProductUnitData] = ()
) -> Product:
    """A new active product with its base unit and the other units it is sold in."""
    data, pairs = _product_clean(data, units, product=None)
    product = Product()
    _apply(product, data)
    base = Unit.objects.get(pk=data.unit_id)
    # The first history row says which other units the product started with.
    reason = _units_line(pairs or [], base) if pairs else ""
    _save_unique(product, actor=actor, reason=reason)
    for unit, factor in pairs or []:
        ProductUnit.objects.create(product=product, unit=unit, factor=factor)
    return product


def _lock(product_id: int) -> Product:
    product = (
        Product.objects.select_for_update().select_related("unit").filter(pk=product_id).first()
    )
    if product is None:
        raise ProductNotFound()
    return product


@transaction.atomic
def product_update(
    *,
    actor: User,
    product_id: int,
    data: ProductData,
    units: Sequence[ProductUnitData] | None = None,
) -> Product:
    """Edit a product (its code too); ``units`` (when given) replaces its other units.
    The row is locked, so two editors saving at once are applied one after the other."""
    product = _lock(product_id)
    data, pairs = _product_clean(data, units, product=product)
    _apply(product, data)
    product.unit = Unit.objects.get(pk=data.unit_id)
    reason = ""
    if pairs is None:
        # Without a new list, the kept units must still differ from the (new) base unit.
        product.units.filter(unit_id=product.unit_id).delete()
    else:
        changed, summary = _units_replace(product, pairs)
        if changed:
            reason = summary
    _save_unique(product, actor=actor, reason=reason)
    return product


@transaction.atomic
def product_deactivate(*, actor: User, product_id: int, reason: str = "") -> Product:
    """Take a product out of the offer: pickers and the product search no longer list it.
    Documents and prices that name it keep it."""
    product = _lock(product_id)
    if not product.is_active:
        return product
    product.is_active = False
    track(product, actor=actor, reason=_line(reason))
    product.save(update_fields=["is_active", "updated_at"])
    return product


@transaction.atomic
def product_activate(*, actor: User, product_id: int) -> Product:
    """Offer a deactivated product again; its category and unit must be active."""
    product = _lock(product_id)
    if product.is_active:
        return product
    if not ProductCategory.objects.filter(pk=product.category_id, is_active=True).exists():
        raise ProductInvalid(
            _("The product's category is inactive; choose another category first."),
            fields={"category_id": _("Choose an active category.")},
        )
    if not product.unit.is_active:
        raise ProductInvalid(
            _("The product's unit is inactive; choose another unit first."),
            fields={"unit_id": _("Choose an active unit.")},
        )
    product.is_active = True
    track(product, actor=actor)
    product.save(update_fields=["is_active", "updated_at"])
    return product
