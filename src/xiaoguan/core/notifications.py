"""The in-app inbox (R-X-4): services to notify, selectors to read."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from xiaoguan.core import policy
from xiaoguan.core.models import Notification


def notify(
    *, recipient: Any, kind: str, title: str, url: str = "", body: str = "", dedupe_key: str = ""
) -> Notification | None:
    """Put one item in a person's inbox. With a ``dedupe_key`` the same reminder is made once
    however often a job runs; returns None when it already existed."""
    if recipient is None or not recipient.is_active:
        return None
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                title=str(title)[:300],
                url=url,
                body=str(body),
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        if dedupe_key:
            return None
        raise
    if policy.value("inbox.email_copies") and recipient.email:
        address, subject, text = recipient.email, str(title), f"{body}\n\n{url}".strip()
        transaction.on_commit(
            lambda: send_mail(
                subject, text, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True
            )
        )
    return note


def notification_list(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(*, user: Any) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_mark_read(*, user: Any, notification_id: int) -> Notification | None:
    """Mark one of the user's own notifications read; another person's is not found."""
    note = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if note is not None and note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return note


def notification_mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
