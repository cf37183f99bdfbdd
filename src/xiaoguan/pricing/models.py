"""The price system (R-PRC-1..3): base prices in force by date, the discount policy, promotion
prices, float ranges per role, price changes and price approval requests (价格审批表).

Confidential (R-ORG-2): cost prices, floor prices, the discount policy and the price list are
shown only to holders of ``pricing.confidential`` / ``pricing.view_list``; see
``pricing.selectors.visibility``.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaoguan.catalog.models import Product, ProductCategory, Unit
from xiaoguan.core.documents import Document
from xiaoguan.customers.enums import CustomerClass
from xiaoguan.org.models import Owned, Role
from xiaoguan.pricing.enums import (
    APPROVAL_DOC_TRANSITIONS,
    ApprovalDocStatus,
    DiscountKind,
    SubjectKind,
)

MONEY = {"max_digits": 16, "decimal_places": 2}
QUANTITY = {"max_digits": 14, "decimal_places": 3}
PERCENT = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
}


class ApprovalDocument(Owned, Document):
    """A pricing document that takes effect only once approved."""

    EDITABLE_STATUSES = (ApprovalDocStatus.DRAFT, ApprovalDocStatus.RETURNED)
    TRANSITIONS = APPROVAL_DOC_TRANSITIONS

    number = models.CharField(_("number"), max_length=30, unique=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ApprovalDocStatus.choices,
        default=ApprovalDocStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        abstract = True


class PriceChange(ApprovalDocument):
    """调价单: a change to the price list; it takes effect on ``effective_from`` once management
    approved it (R-PRC-2)."""

    reason = models.TextField(_("reason"))
    effective_from = models.DateField(_("effective from"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("price change")
        verbose_name_plural = _("price changes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.number


class PriceChangeLine(models.Model):
    change = models.ForeignKey(
        PriceChange, on_delete=models.CASCADE, related_name="lines", verbose_name=_("price change")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    old_price = models.DecimalField(_("old price"), null=True, blank=True, **MONEY)
    new_price = models.DecimalField(_("new price"), **MONEY)
    new_cost = models.DecimalField(_("new cost price"), null=True, blank=True, **MONEY)

    class Meta:
        verbose_name = _("price change line")
        verbose_name_plural = _("price change lines")
        constraints = [
            models.UniqueConstraint(
                fields=["change", "product", "unit"], name="price_change_line_once"
            ),
            models.CheckConstraint(
                condition=Q(new_price__gt=0), name="price_change_new_price_positive"
            ),
            models.CheckConstraint(
                condition=Q(new_cost__isnull=True) | Q(new_cost__gte=0),
                name="price_change_new_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}/{self.unit_id}: {self.new_price}"


class BasePrice(models.Model):
    """基准价: the list price of a product in a unit from a date on; the row with the latest
    ``valid_from`` on or before a day is the price of that day. Rows are only ever added."""

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="base_prices", verbose_name=_("product")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    price = models.DecimalField(_("base price"), **MONEY)
    cost_price = models.DecimalField(_("cost price"), null=True, blank=True, **MONEY)
    valid_from = models.DateField(_("valid from"))
    change = models.ForeignKey(
        PriceChange,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="prices",
        verbose_name=_("price change"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("base price")
        verbose_name_plural = _("base prices")
        ordering = ["product_id", "unit_id", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "unit", "valid_from"], name="base_price_once_per_day"
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="base_price_positive"),
            models.CheckConstraint(
                condition=Q(cost_price__isnull=True) | Q(cost_price__gte=0),
                name="base_price_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}/{self.unit_id} {self.price} @ {self.valid_from}"


class DiscountRule(models.Model):
    """折扣政策: a discount by customer class, quantity break or dealer tier, for all products,
    a category or one product. Confidential (R-ORG-2)."""

    kind = models.CharField(_("kind"), max_length=16, choices=DiscountKind.choices)
    customer_class = models.CharField(
        _("customer class"), max_length=1, choices=CustomerClass.choices, blank=True, default=""
    )
    dealer_tier = models.CharField(_("dealer tier"), max_length=20, blank=True, default="")
    min_quantity = models.DecimalField(_("from quantity"), null=True, blank=True, **QUANTITY)
    category = models.ForeignKey(
        ProductCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    percent = models.DecimalField(_("discount (%)"), **PERCENT)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("discount rule")
        verbose_name_plural = _("discount rules")
        ordering = ["kind", "customer_class", "min_quantity", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100), name="discount_percent_range"
            ),
            models.CheckConstraint(
                condition=~Q(kind="customer_class") | ~Q(customer_class=""),
                name="discount_class_needs_class",
            ),
            models.CheckConstraint(
                condition=~Q(kind="quantity") | Q(min_quantity__gt=0),
                name="discount_quantity_needs_break",
            ),
            models.CheckConstraint(
                condition=~Q(kind="dealer_tier") | ~Q(dealer_tier=""),
                name="discount_tier_needs_tier",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="discount_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.percent}%"


class Promotion(ApprovalDocument):
    """促销价: a promotion price for a product in a unit between two dates, in force once
    management approved it (R-PRC-1, R-MKT-2)."""

    name = models.CharField(_("name"), max_length=100)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="promotions", verbose_name=_("product")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    price = models.DecimalField(_("promotion price"), **MONEY)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    note = models.TextField(_("note"), blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("promotion price")
        verbose_name_plural = _("promotion prices")
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["product", "status", "starts_on"], name="promo_lookup")]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="promotion_price_positive"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="promotion_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FloatRange(models.Model):
    """浮动范围: how far (percent) a holder of the role may go below the effective price without
    a price approval request (R-PRC-2)."""

    role = models.OneToOneField(
        Role, on_delete=models.CASCADE, related_name="float_range", verbose_name=_("role")
    )
    max_discount = models.DecimalField(_("may go below by up to (%)"), **PERCENT)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("float range")
        verbose_name_plural = _("float ranges")
        ordering = ["role__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_discount__gte=0) & Q(max_discount__lte=100),
                name="float_range_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role_id}: {self.max_discount}%"


class PriceRequest(ApprovalDocument):
    """价格审批表: the rep's request to sell below the float range, bound to the exact lines of
    one quote or contract: if any of those lines changes, the approval no longer covers them
    (R-PRC-3)."""

    subject_kind = models.CharField(_("for"), max_length=10, choices=SubjectKind.choices)
    subject_id = models.PositiveBigIntegerField(_("document id"))
    subject_label = models.CharField(_("document"), max_length=200)
    customer_id = models.PositiveBigIntegerField(_("customer id"))
    customer_name = models.CharField(_("customer"), max_length=200)
    reason = models.TextField(_("reason"))
    max_discount = models.DecimalField(_("largest discount (%)"), **PERCENT)
    amount = models.DecimalField(_("amount of the lines"), **MONEY)
    # SHA-256 over the lines below range (product, unit, quantity, unit price) in a
    # canonical order: an approval covers exactly those lines.
    fingerprint = models.CharField(max_length=64, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("price approval request")
        verbose_name_plural = _("price approval requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["subject_kind", "subject_id", "status"], name="price_req_subject")
        ]

    def __str__(self) -> str:
        return self.number


class PriceRequestLine(models.Model):
    request = models.ForeignKey(
        PriceRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("request")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    effective_price = models.DecimalField(_("effective price"), **MONEY)
    floor_price = models.DecimalField(_("lowest price without approval"), **MONEY)
    requested_price = models.DecimalField(_("requested price"), **MONEY)
    discount = models.DecimalField(_("discount (%)"), **PERCENT)

    class Meta:
        verbose_name = _("price request line")
        verbose_name_plural = _("price request lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="price_req_qty_positive"),
            models.CheckConstraint(
                condition=Q(requested_price__gt=0), name="price_req_price_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.requested_price}"
