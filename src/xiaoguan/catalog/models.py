"""The product catalog (R-PRC-1, R-CON-1): categories, units, products with model and spec, and
the after-sales attributes (installation, warranty, inspection cycle, service life) that
contracts and after-sales read. Prices live in ``pricing``.

Stock (R-ORD-3): warehouses, the stock level of each product in each warehouse (on hand,
reserved for orders; available is the difference) and the movement ledger every change writes.
Quantities are in the product's base unit; callers convert order units with the unit factor."""

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


QUANTITY = {"max_digits": 14, "decimal_places": 3}


class Warehouse(models.Model):
    """仓库: where stock is kept and shipments leave from."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    address = models.CharField(_("address"), max_length=300, blank=True, default="")
    keeper = models.ForeignKey(
        "org.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("warehouse keeper"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class StockLevel(models.Model):
    """The stock of one product in one warehouse, in the product's base unit. Only the stock
    services change it, with the row locked, and each change writes a ``StockMovement``.
    ``reorder_point`` set by hand overrides the one derived from recent sales."""

    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="levels", verbose_name=_("warehouse")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="stock_levels", verbose_name=_("product")
    )
    on_hand = models.DecimalField(_("on hand"), default=0, **QUANTITY)
    reserved = models.DecimalField(_("reserved"), default=0, **QUANTITY)
    reorder_point = models.DecimalField(
        _("reorder point (set by hand)"), null=True, blank=True, **QUANTITY
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["warehouse_id", "product_id"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "product"], name="stock_level_once"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0), name="stock_reserved_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=models.F("on_hand")), name="stock_reserved_within_on_hand"
            ),
            models.CheckConstraint(
                condition=Q(reorder_point__isnull=True) | Q(reorder_point__gte=0),
                name="stock_reorder_point_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["product", "warehouse"], name="stock_level_product")]

    def __str__(self) -> str:
        return f"{self.warehouse_id}/{self.product_id}: {self.on_hand}"

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Goods received")
    ISSUE = "issue", _("Shipped out")
    RESERVE = "reserve", _("Reserved for an order")
    RELEASE = "release", _("Reservation released")
    ADJUST = "adjust", _("Stock count adjustment")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    RETURN = "return", _("Returned by the customer")


class StockMovement(models.Model):
    """One line of the stock ledger (库存流水): what changed on hand and reserved, the levels
    after it, why (``reference``: an order or shipment number) and who did it. Append-only."""

    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="+", verbose_name=_("warehouse")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    kind = models.CharField(_("movement"), max_length=12, choices=MovementKind.choices)
    on_hand_change = models.DecimalField(_("on hand change"), default=0, **QUANTITY)
    reserved_change = models.DecimalField(_("reserved change"), default=0, **QUANTITY)
    on_hand_after = models.DecimalField(_("on hand after"), **QUANTITY)
    reserved_after = models.DecimalField(_("reserved after"), **QUANTITY)
    reference = models.CharField(_("reference"), max_length=40, blank=True, default="")
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    actor = models.ForeignKey(
        "org.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["product", "warehouse", "at"], name="stock_movement_product"),
            models.Index(fields=["kind", "at"], name="stock_movement_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.product_id} {self.on_hand_change}"
