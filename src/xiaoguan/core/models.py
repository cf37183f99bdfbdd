"""Shared kernel tables: numbering sequences, audit events, the inbox, idempotency records,
policy values and periodic job runs. No business terms live here.

Core refers to the user only through the swappable ``settings.AUTH_USER_MODEL`` (as
django.contrib.admin does) and never imports ``org`` (docs/decisions/0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Sequence(models.Model):
    """The last number issued per prefix and year (R-X-3)."""

    prefix = models.CharField(_("prefix"), max_length=16)
    year = models.PositiveIntegerField(_("year"))
    last = models.PositiveBigIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "year"], name="core_sequence_prefix_year_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class AuditKind(models.TextChoices):
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logout")
    LOCKED_OUT = "locked_out", _("Login locked out")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    EXPORT = "export", _("Export")
    ACCESS_DENIED = "access_denied", _("Access denied")
    CONFIDENTIAL_VIEW = "confidential_view", _("Confidential data viewed")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    HANDOVER = "handover", _("Handover")
    POLICY_CHANGED = "policy_changed", _("Policy changed")
    IMPORT = "import", _("Import")
    MERGE = "merge", _("Records merged")
    APPROVAL = "approval", _("Approval decision")


class AuditEvent(models.Model):
    """Append-only record of who did what from where (R-X-2). Never updated or deleted."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=32, choices=AuditKind.choices, db_index=True)
    # No foreign key on purpose: the trail outlives accounts and never blocks a change.
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    ip = models.CharField(_("address"), max_length=64, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind} {self.actor_name}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise RuntimeError("Audit events are append-only.")
        return super().save(*args, **kwargs)


class Notification(models.Model):
    """One inbox item for one person (R-X-4)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # Reminders are produced by periodic jobs; the key makes producing them idempotent.
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="core_notification_dedupe_uniq",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="core_notif_unread_idx")]

    def __str__(self) -> str:
        return self.title


class IdempotencyRecord(models.Model):
    """The stored answer to an API POST sent with an ``Idempotency-Key`` header."""

    user_id = models.BigIntegerField()
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    body_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.BinaryField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(
                fields=["user_id", "key"], name="core_idempotency_user_key_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class PolicyValue(models.Model):
    """The value in force of one configurable policy rule; defaults live in the registry."""

    key = models.CharField(_("rule"), max_length=100, unique=True)
    value = models.JSONField(_("value"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("policy value")
        verbose_name_plural = _("policy values")

    def __str__(self) -> str:
        return f"{self.key} = {self.value!r}"


class JobRun(models.Model):
    """When each periodic job runs next; claimed with a conditional update (one runner wins)."""

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return self.name


def _attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is random; the user's file name is kept in ``name`` only.
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:10]
    return f"attachments/{instance.content_type_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file attached to any record (a customer, a visit, a contract...). Access follows the
    record's: views check the owner record's scope before serving or listing attachments."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    content_type_header = models.CharField(max_length=100, blank=True, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.name
