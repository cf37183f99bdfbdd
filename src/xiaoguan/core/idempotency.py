"""``Idempotency-Key`` for API POSTs that create receipts, submissions and approvals.

A client that retries a POST with the same key gets the first answer again instead of a
second receipt. Use it under the route decorator::

    @router.post("/receipts", response={201: ReceiptOut})
    @idempotent
    def receipt_create(request, payload: ReceiptIn): ...

Rules (per user and key):
- same key, same method, path and body: the stored status and JSON, the operation is not run again;
- same key with another body (or path): 422 ``idempotency_key_reused``;
- the first request still running: 409 ``idempotency_request_in_progress``;
- only successful answers (status < 400) are kept: after a refusal or an error the key is
  released, so the client may retry once it has fixed the cause;
- records older than 24 hours are purged by a periodic job (``core.tasks``);
- a record left in flight by a process that died is taken over after two minutes.

The key is claimed with a committed insert on a unique (user, key) constraint before the
operation runs, so two concurrent duplicates cannot both run it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.decorators import decorate_view
from ninja.signature.utils import get_typed_signature

from xiaoguan.core.errors import ApplicationError, Conflict
from xiaoguan.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
RETENTION = timedelta(hours=24)
# An in-flight record this old belongs to a request whose process died: it is taken over.
ABANDONED_AFTER = timedelta(minutes=2)
_KEY_FORMAT = re.compile(r"^[\x21-\x7e]{1,200}$")  # visible ASCII, 1-200 characters
_REQUEST_ATTR = "_xg_idempotency_record"


class IdempotencyKeyReused(ApplicationError):
    code = "idempotency_key_reused"
    status = 422

    def default_message(self) -> Any:
        return _(
            "This Idempotency-Key was already used for a different request. "
            "Use a new key for a new request."
        )


class IdempotencyKeyInvalid(ApplicationError):
    code = "idempotency_key_invalid"
    status = 422

    def default_message(self) -> Any:
        return _("The Idempotency-Key header must be 1 to 200 visible ASCII characters.")


class IdempotentRequestInProgress(Conflict):
    code = "idempotency_request_in_progress"

    def default_message(self) -> Any:
        return _(
            "A request with this Idempotency-Key is still being processed. Try again in a moment."
        )


def _request_user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "auth", None)
    if user is None or not getattr(user, "pk", None):
        user = getattr(request, "user", None)
    if (
        user is None
        or not getattr(user, "is_authenticated", False)
        or not isinstance(getattr(user, "pk", None), int)
    ):
        return None
    return int(user.pk)


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update((request.method or "").encode())
    digest.update(b"\0")
    digest.update(request.path.encode())
    digest.update(b"\0")
    digest.update(request.body or b"")
    return digest.hexdigest()


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.response_body or b""),
        status=record.status_code or 200,
        content_type=record.content_type or "application/json",
    )
    response["Idempotent-Replayed"] = "true"
    return response


def _claim(
    request: HttpRequest, *, user_id: int, key: str, retry: bool = True
) -> IdempotencyRecord | HttpResponse:
    """Insert the in-flight record, or answer from the one that exists."""
    fingerprint = _fingerprint(request)
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                user_id=user_id,
                key=key,
                method=request.method or "",
                path=request.path[:500],
                body_hash=fingerprint,
            )
    except IntegrityError:
        pass
    existing = IdempotencyRecord.objects.filter(user_id=user_id, key=key).first()
    if existing is None:  # released meanwhile by a failed first attempt: the client may retry
        raise IdempotentRequestInProgress()
    if existing.body_hash != fingerprint:
        raise IdempotencyKeyReused()
    if existing.status_code is None:
        abandoned = existing.created_at < timezone.now() - ABANDONED_AFTER
        if abandoned and retry:
            IdempotencyRecord.objects.filter(pk=existing.pk, status_code__isnull=True).delete()
            return _claim(request, user_id=user_id, key=key, retry=False)
        raise IdempotentRequestInProgress()
    return _replay(existing)


def _store(record: IdempotencyRecord, response: Any) -> None:
    status = getattr(response, "status_code", 500)
    if status >= 400 or getattr(response, "streaming", False):
        IdempotencyRecord.objects.filter(pk=record.pk, status_code__isnull=True).delete()
        return
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status_code=status,
        response_body=bytes(response.content),
        content_type=str(response.get("Content-Type", "application/json"))[:100],
    )


def _store_response(inner_run: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps the operation's ``run``: the stored answer is the serialized response."""

    @wraps(inner_run)
    def run(request: HttpRequest, **kw: Any) -> Any:
        try:
            response = inner_run(request, **kw)
        except BaseException:
            record = getattr(request, _REQUEST_ATTR, None)
            if record is not None:
                IdempotencyRecord.objects.filter(pk=record.pk, status_code__isnull=True).delete()
            raise
        record = getattr(request, _REQUEST_ATTR, None)
        if record is not None:
            _store(record, response)
            setattr(request, _REQUEST_ATTR, None)
        return response

    return run


def idempotent(func: Callable[..., Any]) -> Callable[..., Any]:
    """Make a django-ninja POST operation honour the ``Idempotency-Key`` header."""

    @wraps(func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return func(request, *args, **kwargs)
        if not _KEY_FORMAT.match(key):
            raise IdempotencyKeyInvalid()
        user_id = _request_user_id(request)
        if user_id is None:
            return func(request, *args, **kwargs)
        claimed = _claim(request, user_id=user_id, key=key)
        if isinstance(claimed, HttpResponse):
            return claimed
        setattr(request, _REQUEST_ATTR, claimed)
        return func(request, *args, **kwargs)

    # Resolve string annotations (``from __future__ import annotations``) in the operation's
    # own module: ninja would otherwise look them up in this module's globals.
    wrapper.__signature__ = get_typed_signature(func)  # type: ignore[attr-defined]
    return decorate_view(_store_response)(wrapper)


def idempotency_purge(*, now: Any = None, older_than: timedelta = RETENTION) -> int:
    """Forget answers older than the retention window (24 h); returns how many went."""
    cutoff = (now or timezone.now()) - older_than
    deleted, _details = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
