"""The product catalog (R-PRC-1, R-CON-1): categories, units, products with model and spec, and
the after-sales attributes (installation, warranty, inspection cycle, service life) that
contracts and after-sales read. Prices live in ``pricing``; stock comes with orders."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Unit(models.Model):
    """计量单位: 具, 个, 套, 米, 箱 ..."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=20, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProductCategory(models.Model):
    """产品类别, one level of nesting is enough for a catalog (灭火器 → 干粉灭火器)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """产品: one sellable item with its model (型号) and specification (规格)."""

    code = models.CharField(_("product code"), max_length=40, unique=True)
    name = models.CharField(_("product name"), max_length=120)
    model = models.CharField(_("model"), max_length=60, blank=True, default="")
    spec = models.CharField(_("specification"), max_length=200, blank=True, default="")
    category = models.ForeignKey(
        ProductCategory,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("category"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="products", verbose_name=_("base unit")
    )
    description = models.TextField(_("description"), blank=True, default="")
    needs_installation = models.BooleanField(_("needs installation"), default=False)
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), default=12)
    inspection_cycle_months = models.PositiveSmallIntegerField(
        _("inspection cycle (months)"), null=True, blank=True
    )
    service_life_years = models.PositiveSmallIntegerField(
        _("service life (years)"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code"]
        indexes = [models.Index(fields=["category", "code"], name="product_category_code")]

    def __str__(self) -> str:
        return f"{self.name} {self.model}".strip()


class ProductUnit(models.Model):
    """Another unit a product is sold in, with how many base units it holds (1 箱 = 4 具)."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="units", verbose_name=_("product")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    factor = models.DecimalField(
        _("base units per unit"),
        max_digits=12,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )

    class Meta:
        verbose_name = _("product unit")
        verbose_name_plural = _("product units")
        constraints = [
            models.UniqueConstraint(fields=["product", "unit"], name="product_unit_once"),
            models.CheckConstraint(condition=Q(factor__gt=0), name="product_unit_factor_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product.code} / {self.unit.name}"

    @property
    def factor_text(self) -> str:
        """The factor without trailing zeros: "4", "0.05"."""
        return f"{self.factor.normalize():f}"
