"""Departments (a tree), employees (the user model), roles with rights and a data scope,
the ``Owned`` base for every owned record, API tokens and handovers (R-ORG-1..4)."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node

from xiaoguan.org.enums import SCOPE_RANK, DataScope, DepartmentKind, TaskStatus


class Department(MP_Node):
    """A node of the org tree: company → sales centre → regions → teams, and the other
    departments (legal, finance, logistics, after-sales, marketing, HR, ...)."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=32, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=DepartmentKind.choices, default=DepartmentKind.TEAM
    )
    head = models.ForeignKey(
        "org.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
        verbose_name=_("head"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(excluded_fields=["path", "depth", "numchild"])

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """A set of rights and a data scope. A person may hold several roles; the widest scope
    among them applies."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    scope = models.CharField(_("data scope"), max_length=20, choices=DataScope.choices)
    rights = models.JSONField(_("rights"), default=list, blank=True)
    is_system = models.BooleanField(_("built-in"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=[s.value for s in DataScope]),
                name="org_role_scope_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name


class EmployeeManager(UserManager):
    pass


class User(AbstractUser):
    """An employee (员工) and the login account."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    employee_no = models.CharField(_("employee number"), max_length=32, blank=True)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("department"),
    )
    manager = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("manager"),
    )
    roles = models.ManyToManyField(
        Role, blank=True, related_name="members", verbose_name=_("roles")
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[roles], excluded_fields=["last_login", "password"])

    objects = EmployeeManager()

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username

    # Rights and scope are read once per request (a user object lives for one request).
    @cached_property
    def _role_rows(self) -> list[tuple[str, str, str, list[str]]]:
        if not self.pk or not self.is_active:
            return []
        return list(self.roles.order_by("name").values_list("code", "name", "scope", "rights"))

    @cached_property
    def rights(self) -> frozenset[str]:
        return frozenset(r for _c, _n, _s, rights in self._role_rows for r in (rights or []))

    @cached_property
    def role_codes(self) -> frozenset[str]:
        return frozenset(code for code, _n, _s, _r in self._role_rows)

    @cached_property
    def role_names(self) -> list[str]:
        return [name for _c, name, _s, _r in self._role_rows]

    @cached_property
    def data_scope(self) -> str | None:
        scopes = [s for _c, _n, s, _r in self._role_rows]
        if not scopes:
            return None
        return max(scopes, key=lambda s: SCOPE_RANK[DataScope(s)])

    def has_right(self, code: str) -> bool:
        return self.is_active and code in self.rights


class Owned(models.Model):
    """Base of every owned record (R-ORG-1): it belongs to an owner and the owner's
    department. Scope (``org.scope.visible``) and handover find these models automatically."""

    owner = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )

    class Meta:
        abstract = True


class ApiToken(models.Model):
    """A personal API token: random, shown once, stored as a SHA-256 digest, expiring."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class Handover(models.Model):
    """One handover (交接) of everything an employee owned to a successor (R-ORG-3)."""

    from_employee = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="handovers_given",
        verbose_name=pgettext_lazy("handover", "from"),
    )
    to_employee = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="handovers_received",
        verbose_name=pgettext_lazy("handover", "to"),
    )
    performed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("performed by")
    )
    performed_at = models.DateTimeField(_("performed"), auto_now_add=True)
    deactivated = models.BooleanField(_("employee deactivated"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    counts = models.JSONField(_("records handed over"), default=dict)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-performed_at"]

    def __str__(self) -> str:
        return f"{self.from_employee} → {self.to_employee}"


class KnownRight(models.Model):
    """Rights already offered to the built-in roles once; a right an administrator removed
    from a role is not added back by a later upgrade."""

    code = models.CharField(max_length=80, unique=True)

    class Meta:
        verbose_name = _("known right")
        verbose_name_plural = _("known rights")

    def __str__(self) -> str:
        return self.code


class DepartmentTask(models.Model):
    """A piece of work routed to a department's inbox (R-ORG-4): technical parameters and cost
    for a quote, production and shipping of a signed contract, a problem to solve. The kind is
    registered by the app that creates it (``org.registries.task_kinds``), which also says what
    the department fills in and is told when the task is done."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("department")
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="")
    # The document the task is about, named by the registering app (no upward foreign key).
    subject_type = models.CharField(max_length=40, blank=True, default="")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject_label = models.CharField(_("about"), max_length=200, blank=True, default="")
    subject_url = models.CharField(max_length=500, blank=True, default="")
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    assignee = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignee"),
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    response = models.TextField(_("response"), blank=True, default="")
    response_data = models.JSONField(_("figures"), default=dict, blank=True)
    completed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department task")
        verbose_name_plural = _("department tasks")
        ordering = ["status", "due_on", "pk"]
        indexes = [
            models.Index(fields=["department", "status", "due_on"], name="dept_task_inbox"),
            models.Index(fields=["subject_type", "subject_id"], name="dept_task_subject"),
        ]

    def __str__(self) -> str:
        return self.title
