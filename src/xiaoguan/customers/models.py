"""The customer database (客户档案, R-CUS-1): customers, their contacts and tags."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaoguan.customers.enums import (
    CustomerClass,
    CustomerGrade,
    EmployeeBand,
    Industry,
    RevenueBand,
    SourceChannel,
)
from xiaoguan.org.models import Owned


class Tag(models.Model):
    """A free label shared by everyone (e.g. 重点工程, 老客户)."""

    name = models.CharField(_("name"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Customer(Owned):
    """客户: a company we sell to, owned by a rep and their department."""

    name = models.CharField(_("customer name"), max_length=200)
    # The name as the duplicate check compares it (services.normalise_name); kept in step.
    name_normalized = models.CharField(max_length=200, db_index=True, editable=False)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, default=""
    )
    province = models.CharField(_("province"), max_length=12, blank=True, default="")
    city = models.CharField(_("city"), max_length=12, blank=True, default="")
    district = models.CharField(_("district"), max_length=12, blank=True, default="")
    street = models.CharField(_("street address"), max_length=200, blank=True, default="")
    phone = models.CharField(_("phone"), max_length=30, blank=True, default="")
    phone_normalized = models.CharField(
        max_length=20, blank=True, default="", db_index=True, editable=False
    )
    business_scope = models.TextField(_("business scope"), blank=True, default="")
    industry = models.CharField(
        _("industry"), max_length=20, choices=Industry.choices, blank=True, default=""
    )
    employee_band = models.CharField(
        _("employees"), max_length=12, choices=EmployeeBand.choices, blank=True, default=""
    )
    revenue_band = models.CharField(
        _("annual revenue"), max_length=12, choices=RevenueBand.choices, blank=True, default=""
    )
    equipment_demand = models.TextField(
        _("fire equipment demand"),
        blank=True,
        default="",
        help_text=_("What fire equipment the customer needs."),
    )
    site_count = models.PositiveIntegerField(_("number of sites"), null=True, blank=True)
    source = models.CharField(
        _("source channel"), max_length=20, choices=SourceChannel.choices, blank=True, default=""
    )
    referrer = models.CharField(_("referrer"), max_length=100, blank=True, default="")
    customer_class = models.CharField(
        _("customer class"), max_length=1, choices=CustomerClass.choices, blank=True, default=""
    )
    grade = models.CharField(
        _("grade"), max_length=1, choices=CustomerGrade.choices, blank=True, default=""
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="customers", verbose_name=_("tags"))
    notes = models.TextField(_("notes"), blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[tags], excluded_fields=["name_normalized"])

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="customer_credit_code_unique",
            )
        ]
        indexes = [
            models.Index(fields=["owner", "name_normalized"]),
            models.Index(fields=["department", "name_normalized"]),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """联系人: a person at a customer; owned through the customer."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("role or title"), max_length=100, blank=True, default="")
    phone = models.CharField(_("phone"), max_length=30, blank=True, default="")
    wechat = models.CharField(_("WeChat"), max_length=60, blank=True, default="")
    email = models.EmailField(_("e-mail"), blank=True, default="")
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    notes = models.TextField(_("notes"), blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name", "pk"]

    def __str__(self) -> str:
        return self.name
