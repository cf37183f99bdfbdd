"""API of the products part of catalog, mounted on the catalog router
(``/api/v1/catalog/products``): the same rules and messages as the pages. Reading needs
``catalog.view``, writing ``catalog.manage``. No prices here: those are in pricing."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from xiaoguan.catalog.models import Product
from xiaoguan.catalog.selectors import products as selectors
from xiaoguan.catalog.services import products as services
from xiaoguan.core.api import require_rights

router = Router()


class Ref(Schema):
    id: int
    code: str
    name: str


class UnitOut(Schema):
    id: int
    name: str
    factor: Decimal  # base units per one of this unit; 1 for the base unit
    is_base: bool


class ProductOut(Schema):
    id: int
    code: str
    name: str
    model: str
    spec: str
    description: str
    category: Ref
    unit: Ref  # the base unit
    units: list[UnitOut]  # every unit it is sold in, base unit first
    needs_installation: bool
    warranty_months: int
    inspection_cycle_months: int | None
    service_life_years: int | None
    is_active: bool
    created_at: datetime
    updated_at: datetime


def _out(p: Product) -> ProductOut:
    units = [UnitOut(id=p.unit_id, name=p.unit.name, factor=Decimal(1), is_base=True)]
    units += [
        UnitOut(id=pu.unit_id, name=pu.unit.name, factor=pu.factor, is_base=False)
        for pu in p.units.all()
    ]
    return ProductOut(
        id=p.pk,
        code=p.code,
        name=p.name,
        model=p.model,
        spec=p.spec,
        description=p.description,
        category=Ref(id=p.category_id, code=p.category.code, name=p.category.name),
        unit=Ref(id=p.unit_id, code=p.unit.code, name=p.unit.name),
        units=units,
        needs_installation=p.needs_installation,
        warranty_months=p.warranty_months,
        inspection_cycle_months=p.inspection_cycle_months,
        service_life_years=p.service_life_years,
        is_active=p.is_active,
        created_at=p.created_at,
        updated_at=p.updated_at,
    )


class ProductPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ProductOut]


class ProductFilters(Schema):
    q: str = Field("", max_length=100)
    category: int | None = None
    active: str = Field("", pattern="^(|0|1)$")
    needs_installation: str = Field("", pattern="^(|0|1)$")
    sort: str = Field(selectors.DEFAULT_SORT, max_length=20)
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/", response=ProductPage, summary="Products (paginated; filters as on the page)")
def product_list(request, filters: Query[ProductFilters]):
    user = require_rights(request, "catalog.view")
    sort = filters.sort if filters.sort in selectors.SORTS else selectors.DEFAULT_SORT
    chosen = {
        k: getattr(filters, k)
        for k in selectors.FILTER_KEYS
        if getattr(filters, k, None) not in (None, "")
    }
    qs = selectors.product_list_with_units(user=user, filters=chosen, sort=sort)
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    items = [_out(p) for p in qs[start : start + filters.page_size]]
    return ProductPage(count=count, page=filters.page, page_size=filters.page_size, items=items)


@router.get("/{product_id}", response=ProductOut, summary="One product with its units")
def product_detail(request, product_id: int):
    user = require_rights(request, "catalog.view")
    return _out(selectors.product_get(user=user, product_id=product_id))


class ProductUnitIn(Schema):
    unit_id: int
    factor: Decimal = Field(..., gt=0, max_digits=12, decimal_places=3)

    model_config = {"extra": "forbid"}


class ProductIn(Schema):
    """A product's fields and its other units (the whole list; empty: none)."""

    code: str = Field(..., max_length=40)
    name: str = Field(..., max_length=120)
    model: str = Field("", max_length=60)
    spec: str = Field("", max_length=200)
    description: str = Field("", max_length=5000)
    category_id: int
    unit_id: int
    needs_installation: bool = False
    warranty_months: int = Field(12, ge=0, le=services.MAX_WARRANTY_MONTHS)
    inspection_cycle_months: int | None = Field(None, ge=1, le=services.MAX_INSPECTION_MONTHS)
    service_life_years: int | None = Field(None, ge=1, le=services.MAX_SERVICE_LIFE_YEARS)
    units: list[ProductUnitIn] = Field(default_factory=list, max_length=10)
    is_active: bool | None = None  # on update: deactivate (false) or offer again (true)

    model_config = {"extra": "forbid"}


def _data(payload: ProductIn) -> tuple[services.ProductData, list[services.ProductUnitData]]:
    data = payload.model_dump(exclude={"units", "is_active"})
    units = [services.ProductUnitData(unit_id=u.unit_id, factor=u.factor) for u in payload.units]
    return services.ProductData(**data), units


@router.post("/", response={201: ProductOut}, summary="Create a product (catalog.manage)")
def product_create(request, payload: ProductIn):
    user = require_rights(request, "catalog.manage")
    data, units = _data(payload)
    with transaction.atomic():  # the product and its active flag, or nothing
        product = services.product_create(actor=user, data=data, units=units)
        if payload.is_active is False:
            services.product_deactivate(actor=user, product_id=product.pk)
    return Status(201, _out(selectors.product_get(user=user, product_id=product.pk)))


@router.put(
    "/{product_id}",
    response=ProductOut,
    summary="Edit a product and replace its other units (catalog.manage)",
)
def product_update(request, product_id: int, payload: ProductIn):
    user = require_rights(request, "catalog.manage")
    product = selectors.product_get(user=user, product_id=product_id)
    data, units = _data(payload)
    with transaction.atomic():  # the edit and the active flag, or nothing
        services.product_update(actor=user, product_id=product.pk, data=data, units=units)
        if payload.is_active is False:
            services.product_deactivate(actor=user, product_id=product.pk)
        elif payload.is_active is True:
            services.product_activate(actor=user, product_id=product.pk)
    return _out(selectors.product_get(user=user, product_id=product.pk))


# --- categories and units (read): the ids a product is written with -----------------------

categories_router = Router()
units_router = Router()


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None
    position: int
    is_active: bool
    product_count: int


class UnitListOut(Schema):
    id: int
    code: str
    name: str
    is_active: bool


@categories_router.get("/", response=list[CategoryOut], summary="Product categories in tree order")
def category_list(request):
    user = require_rights(request, "catalog.view")
    return [
        CategoryOut(
            id=c.pk,
            code=c.code,
            name=c.name,
            parent_id=c.parent_id,
            position=c.position,
            is_active=c.is_active,
            product_count=c.product_count,  # type: ignore[attr-defined]
        )
        for c in selectors.category_list(user=user)
    ]


@units_router.get("/", response=list[UnitListOut], summary="Units of measure")
def unit_list(request):
    user = require_rights(request, "catalog.view")
    return [
        UnitListOut(id=u.pk, code=u.code, name=u.name, is_active=u.is_active)
        for u in selectors.unit_list(user=user)
    ]
