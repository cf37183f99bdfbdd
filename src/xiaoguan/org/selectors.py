"""Reads of the organisation, always through the data scope."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet
from django.utils import timezone

from xiaoguan.org.models import ApiToken, Department, User
from xiaoguan.org.scope import visible


def token_digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


def api_token_user(*, raw_token: str) -> User | None:
    """The active employee a usable token belongs to, else None (expired, revoked, unknown)."""
    if not raw_token or len(raw_token) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__department")
        .filter(digest=token_digest(raw_token), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active or not token.user.has_right("api.use"):
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def department_list(*, user: User) -> QuerySet[Department]:
    return visible(Department.objects.select_related("head"), user).order_by("path")


def department_get(*, user: User, department_id: int) -> Department:
    """A department the user may see; otherwise Department.DoesNotExist (a 404)."""
    return department_list(user=user).get(pk=department_id)


def employee_list(*, user: User, include_inactive: bool = False) -> QuerySet[User]:
    qs = User.objects.select_related("department", "manager").prefetch_related("roles")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return visible(qs, user).order_by("department__path", "username")


def employee_get(*, user: User, employee_id: int) -> User:
    return visible(User.objects.select_related("department", "manager"), user).get(pk=employee_id)
