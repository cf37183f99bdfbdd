"""The customer database (客户档案, R-CUS-1): customers, their contacts and tags."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaoguan.customers.enums import (
    CreditRating,
    CustomerClass,
    CustomerGrade,
    DisqualifyReason,
    EmployeeBand,
    Industry,
    LeadStatus,
    OwnerChangeKind,
    Potential,
    PurchaseHistory,
    RevenueBand,
    SourceChannel,
)
from xiaoguan.org.models import Department, Owned, User


class Tag(models.Model):
    """A free label shared by everyone (e.g. 重点工程, 老客户)."""

    name = models.CharField(_("name"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Pool(models.Model):
    """公海 (R-CUS-5): where customers without an owner wait to be claimed. One pool per region
    (a department); its members may see and claim what is in it."""

    name = models.CharField(_("name"), max_length=60)
    department = models.OneToOneField(
        Department, on_delete=models.PROTECT, related_name="pool", verbose_name=_("region")
    )
    members = models.ManyToManyField(
        User, blank=True, related_name="pools", verbose_name=_("members")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("customer pool")
        verbose_name_plural = _("customer pools")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Customer(Owned):
    """客户: a company we sell to, owned by a rep and their department. A customer in the public
    pool has no owner; its department is then the pool's region."""

    owner = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("owner"),
    )
    name = models.CharField(_("customer name"), max_length=200)
    # Pinyin initials of the name (杭州消防 -> hzxf), for search; kept in step by the services.
    name_initials = models.CharField(max_length=200, blank=True, default="", editable=False)
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
    # Scoring inputs (R-CUS-3) besides the bands above, judged by the rep.
    purchase_potential = models.CharField(
        _("purchase potential"), max_length=10, choices=Potential.choices, blank=True, default=""
    )
    purchase_intent = models.CharField(
        _("purchase intent"), max_length=10, choices=Potential.choices, blank=True, default=""
    )
    purchase_history = models.CharField(
        _("purchase history"),
        max_length=10,
        choices=PurchaseHistory.choices,
        blank=True,
        default="",
    )
    # What the scoring rule proposed, and why; customer_class is what is in force.
    class_score = models.PositiveSmallIntegerField(_("class score"), null=True, blank=True)
    class_proposed = models.CharField(
        _("proposed class"), max_length=1, choices=CustomerClass.choices, blank=True, default=""
    )
    class_breakdown = models.JSONField(_("score breakdown"), default=dict, blank=True)
    class_override_reason = models.TextField(_("reason for the override"), blank=True, default="")
    class_overridden_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("class overridden by"),
    )
    # Public pool (R-CUS-5)
    pool = models.ForeignKey(
        Pool,
        on_delete=models.PROTECT,
        related_name="customers",
        null=True,
        blank=True,
        verbose_name=_("pool"),
    )
    pool_entered_at = models.DateTimeField(_("in the pool since"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("owned since"), null=True, blank=True)
    last_deal_at = models.DateTimeField(_("last deal"), null=True, blank=True)
    return_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    locked_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("locked by"),
    )
    locked_reason = models.CharField(
        _("reason for the lock"), max_length=200, blank=True, default=""
    )
    # Credit file (R-CUS-9), set by finance
    credit_rating = models.CharField(
        _("credit rating"), max_length=3, choices=CreditRating.choices, blank=True, default=""
    )
    credit_limit = models.DecimalField(
        _("credit limit"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    credit_set_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("credit set by"),
    )
    credit_set_at = models.DateTimeField(_("credit set"), null=True, blank=True)
    # A duplicate merged into another customer is deactivated and points at the survivor.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(
        m2m_fields=[tags],
        excluded_fields=["name_normalized", "name_initials", "return_warned_at", "class_breakdown"],
    )

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
            models.Index(fields=["department", "created_at"]),
            models.Index(fields=["owner", "created_at"]),
            # The list filtered by class in a manager's subtree (docs/benchmarks.md).
            models.Index(
                fields=["department", "customer_class", "created_at"],
                name="customer_dept_class_created",
            ),
            models.Index(fields=["pool", "pool_entered_at"]),
            models.Index(fields=["name_initials"]),
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


class OwnerChange(models.Model):
    """Every change of a customer's owner (R-CUS-5): claims, assignments, returns to the pool,
    handovers. The claim limits and the reclaim ban are queries over this log."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="owner_changes", verbose_name=_("customer")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=OwnerChangeKind.choices)
    from_owner = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("previous owner"),
    )
    to_owner = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("new owner"),
    )
    by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("changed by"),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True, default="")
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("owner change")
        verbose_name_plural = _("owner changes")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["to_owner", "kind", "at"]),
            models.Index(fields=["customer", "from_owner", "kind", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.get_kind_display()}"


class CreditNote(models.Model):
    """资信调查 (R-CUS-9): an investigation note in the customer's credit file."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="credit_notes", verbose_name=_("customer")
    )
    author = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    investigated_on = models.DateField(_("investigated on"))
    content = models.TextField(_("findings"))
    rating = models.CharField(
        _("credit rating"), max_length=3, choices=CreditRating.choices, blank=True, default=""
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit investigation")
        verbose_name_plural = _("credit investigations")
        ordering = ["-investigated_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.customer} · {self.investigated_on}"


class SavedFilter(models.Model):
    """A user's named filter of a list page (the query string, allow-listed on use)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="saved_filters", verbose_name=_("user")
    )
    page = models.CharField(max_length=40)  # e.g. "customers", "leads"
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(max_length=1000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "page", "name"], name="saved_filter_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Lead(Owned):
    """线索 (R-CUS-4): a possible customer not yet qualified. Referral leads must be contacted
    within the policy's hours."""

    name = models.CharField(_("company or person"), max_length=200)
    name_normalized = models.CharField(max_length=200, db_index=True, editable=False)
    contact_name = models.CharField(_("contact"), max_length=100, blank=True, default="")
    phone = models.CharField(_("phone"), max_length=30, blank=True, default="")
    phone_normalized = models.CharField(
        max_length=20, blank=True, default="", db_index=True, editable=False
    )
    email = models.EmailField(_("e-mail"), blank=True, default="")
    province = models.CharField(_("province"), max_length=12, blank=True, default="")
    city = models.CharField(_("city"), max_length=12, blank=True, default="")
    district = models.CharField(_("district"), max_length=12, blank=True, default="")
    street = models.CharField(_("street address"), max_length=200, blank=True, default="")
    industry = models.CharField(
        _("industry"), max_length=20, choices=Industry.choices, blank=True, default=""
    )
    source = models.CharField(
        _("source channel"), max_length=20, choices=SourceChannel.choices, blank=True, default=""
    )
    referrer = models.CharField(_("referrer"), max_length=100, blank=True, default="")
    demand = models.TextField(_("demand"), blank=True, default="")
    status = models.CharField(
        _("status"), max_length=12, choices=LeadStatus.choices, default=LeadStatus.NEW
    )
    disqualify_reason = models.CharField(
        _("reason"), max_length=12, choices=DisqualifyReason.choices, blank=True, default=""
    )
    disqualify_note = models.CharField(_("note"), max_length=200, blank=True, default="")
    first_contacted_at = models.DateTimeField(_("first contacted"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    converted_customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="leads",
        null=True,
        blank=True,
        verbose_name=_("customer"),
    )
    converted_at = models.DateTimeField(_("converted"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True, default="")
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["name_normalized", "reminded_at"])

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "status", "created_at"]),
            models.Index(fields=["department", "status", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.name
