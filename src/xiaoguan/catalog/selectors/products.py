"""Reads of the product catalog (R-PRC-1). Products, categories and units are master data,
not owned records: every employee with ``catalog.view`` sees all of them (the views and API
check the right), so there is no data scope here.

For the line editors of quotes and contracts: :func:`product_choices` (active products with
the units each is sold in, in a constant number of queries) and :func:`product_unit_options`
(the allowed units and their factors of given products, to validate a line's unit)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from xiaoguan.catalog.models import Product, ProductCategory, ProductUnit, Unit
from xiaoguan.org.models import User

SORTS: dict[str, tuple[str, ...]] = {
    "code": ("code",),
    "-code": ("-code",),
    "name": ("name", "code"),
    "-name": ("-name", "-code"),
    "category": ("category__position", "category__code", "code"),
    "-category": ("-category__position", "-category__code", "code"),
    "updated": ("updated_at", "pk"),
    "-updated": ("-updated_at", "-pk"),
}
DEFAULT_SORT = "category"
FILTER_KEYS = ("q", "category", "active", "needs_installation")
MAX_CHOICES = 50


def _search(qs: QuerySet[Product], q: str) -> QuerySet[Product]:
    """Every word must match the code, name, model or spec ("ABC4 干粉" finds MFZ/ABC4)."""
    for word in q.split()[:5]:
        qs = qs.filter(
            Q(code__icontains=word)
            | Q(name__icontains=word)
            | Q(model__icontains=word)
            | Q(spec__icontains=word)
        )
    return qs


def _category_ids(category: Any) -> list[int] | None:
    """The category and its sub-categories (a filter on 灭火器 lists 干粉灭火器 too)."""
    pk = category.pk if isinstance(category, ProductCategory) else category
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return [pk, *ProductCategory.objects.filter(parent_id=pk).values_list("pk", flat=True)]


def product_list(
    *, user: User, filters: dict[str, Any] | None = None, sort: str = DEFAULT_SORT
) -> QuerySet[Product]:
    """Products filtered by the allow-listed ``FILTER_KEYS``: ``q`` (code, name, model, spec),
    ``category`` (with its sub-categories), ``active`` ("1" / "0" / True / False; default:
    all) and ``needs_installation``; sorted by ``SORTS``."""
    filters = filters or {}
    qs = Product.objects.all()
    q = str(filters.get("q") or "").strip()
    if q:
        qs = _search(qs, q[:100])
    if filters.get("category"):
        ids = _category_ids(filters["category"])
        qs = qs.filter(category_id__in=ids) if ids else qs.none()
    active = filters.get("active")
    if active in (True, "1", "true", "yes"):
        qs = qs.filter(is_active=True)
    elif active in (False, "0", "false", "no"):
        qs = qs.filter(is_active=False)
    installation = filters.get("needs_installation")
    if installation in (True, "1", "true", "yes"):
        qs = qs.filter(needs_installation=True)
    elif installation in (False, "0", "false", "no"):
        qs = qs.filter(needs_installation=False)
    ordering = SORTS.get(sort) or SORTS[DEFAULT_SORT]
    return qs.select_related("category", "unit").order_by(*ordering)


def _units_prefetch() -> Prefetch:
    return Prefetch(
        "units",
        queryset=ProductUnit.objects.select_related("unit").order_by("factor", "unit__name"),
    )


def product_list_with_units(
    *, user: User, filters: dict[str, Any] | None = None, sort: str = DEFAULT_SORT
) -> QuerySet[Product]:
    """:func:`product_list` with the other units prefetched (pages, API, export)."""
    return product_list(user=user, filters=filters, sort=sort).prefetch_related(_units_prefetch())


def product_get(*, user: User, product_id: int) -> Product:
    """One product with its category, base unit and other units; Product.DoesNotExist
    otherwise (a 404)."""
    return (
        Product.objects.select_related("category", "category__parent", "unit")
        .prefetch_related(_units_prefetch())
        .get(pk=product_id)
    )


def product_by_code(*, user: User, code: str) -> Product | None:
    """The product of this code (any case), or None."""
    return Product.objects.filter(code__iexact=(code or "").strip()).first()


# --- pickers for quote and contract lines -------------------------------------------------


@dataclass(frozen=True)
class UnitOption:
    """A unit a product may be sold in: its base unit (factor 1) or another unit."""

    id: int
    name: str
    factor: Decimal
    is_base: bool

    @property
    def factor_text(self) -> str:
        """The factor without trailing zeros: "4", "0.05"."""
        return f"{self.factor.normalize():f}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "factor": self.factor_text,
            "is_base": self.is_base,
        }


@dataclass(frozen=True)
class ProductChoice:
    id: int
    code: str
    name: str
    model: str
    spec: str
    category: str
    unit_id: int  # the base unit
    units: tuple[UnitOption, ...]
    needs_installation: bool
    warranty_months: int
    inspection_cycle_months: int | None
    service_life_years: int | None

    @property
    def label(self) -> str:
        """ "MFZ-ABC4 手提式干粉灭火器 MFZ/ABC4" as a picker shows it."""
        return " ".join(p for p in (self.code, self.name, self.model) if p)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "model": self.model,
            "spec": self.spec,
            "category": self.category,
            "label": self.label,
            "unit_id": self.unit_id,
            "units": [u.as_dict() for u in self.units],
            "needs_installation": self.needs_installation,
            "warranty_months": self.warranty_months,
            "inspection_cycle_months": self.inspection_cycle_months,
            "service_life_years": self.service_life_years,
        }


def _options(product: Product) -> tuple[UnitOption, ...]:
    base = UnitOption(id=product.unit_id, name=product.unit.name, factor=Decimal(1), is_base=True)
    others = [
        UnitOption(id=pu.unit_id, name=pu.unit.name, factor=pu.factor, is_base=False)
        for pu in product.units.all()
        if pu.unit.is_active
    ]
    return (base, *others)


def _choice(product: Product) -> ProductChoice:
    return ProductChoice(
        id=product.pk,
        code=product.code,
        name=product.name,
        model=product.model,
        spec=product.spec,
        category=product.category.name,
        unit_id=product.unit_id,
        units=_options(product),
        needs_installation=product.needs_installation,
        warranty_months=product.warranty_months,
        inspection_cycle_months=product.inspection_cycle_months,
        service_life_years=product.service_life_years,
    )


def product_choices(
    *,
    user: User | None = None,
    q: str = "",
    category_id: int | None = None,
    ids: Iterable[int] | None = None,
    limit: int | None = MAX_CHOICES,
) -> list[ProductChoice]:
    """Active products for a picker, each with the units it may be sold in (base unit first,
    then the others by factor), in three queries. ``q`` searches code, name, model and spec;
    ``ids`` restricts to those products (e.g. to show the lines already on a quote);
    ``limit`` None lists every match."""
    qs = Product.objects.filter(is_active=True)
    if q.strip():
        qs = _search(qs, q.strip()[:100])
    if category_id:
        cats = _category_ids(category_id)
        qs = qs.filter(category_id__in=cats) if cats else qs.none()
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    qs = (
        qs.select_related("category", "unit")
        .prefetch_related(_units_prefetch())
        .order_by("category__position", "category__code", "code")
    )
    if limit is not None:
        qs = qs[:limit]
    return [_choice(p) for p in qs]


def product_unit_options(*, product_ids: Iterable[int]) -> dict[int, tuple[UnitOption, ...]]:
    """For each given product (active or not), the units it may be sold in with their
    factors; a line service checks a line's unit against these. Two queries."""
    products = (
        Product.objects.filter(pk__in=list(product_ids))
        .select_related("unit")
        .prefetch_related(_units_prefetch())
    )
    return {p.pk: _options(p) for p in products}


# --- categories and units ----------------------------------------------------------------


def category_list(*, user: User | None = None, active_only: bool = False) -> list[ProductCategory]:
    """Categories in tree order (each top-level one followed by its sub-categories), each
    with ``product_count`` (its own products) and ``depth`` (0 or 1)."""
    qs = ProductCategory.objects.annotate(product_count=Count("products")).select_related("parent")
    if active_only:
        qs = qs.filter(is_active=True)
    rows = list(qs.order_by("position", "code"))
    children: dict[int | None, list[ProductCategory]] = defaultdict(list)
    for c in rows:
        children[c.parent_id].append(c)
    known = {c.pk for c in rows}
    out: list[ProductCategory] = []
    for top in rows:
        if top.parent_id is not None and top.parent_id in known:
            continue
        top.depth = 0  # type: ignore[attr-defined]
        out.append(top)
        for child in children.get(top.pk, []):
            child.depth = 1  # type: ignore[attr-defined]
            out.append(child)
    return out


def category_parent_choices(*, exclude_id: int | None = None) -> QuerySet[ProductCategory]:
    """Top-level active categories a category may be put under."""
    qs = ProductCategory.objects.filter(parent__isnull=True, is_active=True)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return qs.order_by("position", "code")


def category_get(*, user: User | None = None, category_id: int) -> ProductCategory:
    return ProductCategory.objects.get(pk=category_id)


def unit_list(*, user: User | None = None, active_only: bool = False) -> QuerySet[Unit]:
    """Units with ``product_count`` (products counted in them) and ``other_count`` (products
    also sold in them)."""
    others = (
        ProductUnit.objects.filter(unit=OuterRef("pk"))
        .values("unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = Unit.objects.annotate(
        product_count=Count("products"),
        other_count=Coalesce(Subquery(others, output_field=IntegerField()), 0),
    )
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("name")


def unit_get(*, user: User | None = None, unit_id: int) -> Unit:
    return Unit.objects.get(pk=unit_id)
