"""Attachments (附件) of any record: upload, list, download, remove (R-CUS-1 and later apps).

Core never imports business apps. An app that lets users attach files to its records
registers the model once in its setup, with who may see and who may change the record::

    attachments.register_owner(
        Customer,
        can_view=lambda user, obj: customers_visible(user, obj),
        can_edit=lambda user, obj: user.has_right("customers.edit") and ...,
        label=_("customer"),
    )

Every read goes through the owner record: an attachment of a record the user may not see
does not exist for them (404). Files are stored under a random name (``Attachment.file``);
the user's file name is kept in ``name`` and given back only in the download's
Content-Disposition. Size and allowed extensions are policy rules.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoguan.core import policy
from xiaoguan.core.errors import NotFound, PermissionDenied, ValidationFailed
from xiaoguan.core.models import Attachment

MAX_SIZE_KEY = "attachments.max_size_mb"
EXTENSIONS_KEY = "attachments.extensions"
DEFAULT_EXTENSIONS = (
    "pdf, jpg, jpeg, png, gif, webp, doc, docx, xls, xlsx, ppt, pptx, txt, csv, zip, rar, 7z, dwg"
)
MAX_PER_RECORD = 200


@dataclass(frozen=True)
class OwnerSpec:
    model: type[models.Model]
    can_view: Callable[[Any, models.Model], bool]
    can_edit: Callable[[Any, models.Model], bool]
    label: Any = ""


_owners: dict[str, OwnerSpec] = {}
_policies_registered = False


def owner_key(model: type[models.Model]) -> str:
    return model._meta.label_lower  # e.g. "customers.customer"


def register_owner(
    model: type[models.Model],
    *,
    can_view: Callable[[Any, models.Model], bool],
    can_edit: Callable[[Any, models.Model], bool],
    label: Any = "",
) -> None:
    register_policies()
    _owners[owner_key(model)] = OwnerSpec(model, can_view, can_edit, label)


def owner_spec(key: str) -> OwnerSpec:
    try:
        return _owners[key]
    except KeyError:
        raise NotFound() from None


def register_policies() -> None:
    global _policies_registered
    if _policies_registered:
        return
    _policies_registered = True
    section = gettext_lazy("Attachments")
    policy.register(
        policy.PolicyRule(
            key=MAX_SIZE_KEY,
            section=section,
            label=gettext_lazy("Largest file that may be attached"),
            kind="int",
            default=20,
            unit="MB",
            min_value=1,
            max_value=500,
            spec="R-CUS-1",
        )
    )
    policy.register(
        policy.PolicyRule(
            key=EXTENSIONS_KEY,
            section=section,
            label=gettext_lazy("File types that may be attached"),
            kind="text",
            default=DEFAULT_EXTENSIONS,
            help_text=gettext_lazy("File name extensions, separated by commas."),
            spec="R-CUS-1",
        )
    )


def allowed_extensions() -> set[str]:
    raw = str(policy.value(EXTENSIONS_KEY) or "")
    return {e.strip().lower().lstrip(".") for e in raw.replace("，", ",").split(",") if e.strip()}


def max_size() -> int:
    return int(policy.value(MAX_SIZE_KEY)) * 1024 * 1024


def _clean_name(name: str) -> str:
    """The user's file name without a path, control characters or surrounding spaces."""
    name = PurePath(str(name or "").replace("\\", "/")).name
    name = "".join(
        c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C"
    )
    return name.strip()[:200]


def _owner_object(key: str, object_id: int) -> tuple[OwnerSpec, models.Model]:
    spec = owner_spec(key)
    obj = spec.model._default_manager.filter(pk=object_id).first()
    if obj is None:
        raise NotFound()
    return spec, obj


# --- reads ---------------------------------------------------------------------------


def attachments_for(
    *, user: Any, obj: models.Model, already_checked: bool = False
) -> QuerySet[Attachment]:
    """The attachments of a record, newest first; empty if the user may not see it.
    ``already_checked``: the caller fetched ``obj`` through the user's scope (a detail page),
    so the owner's ``can_view`` is not asked again."""
    spec = owner_spec(owner_key(type(obj)))
    if not already_checked and not spec.can_view(user, obj):
        return Attachment.objects.none()
    return (
        Attachment.objects.filter(
            content_type__app_label=obj._meta.app_label,
            content_type__model=obj._meta.model_name,
            object_id=obj.pk,
            removed_at__isnull=True,
        )
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-pk")
    )


def attachment_get(*, user: Any, attachment_id: int, for_edit: bool = False) -> Attachment:
    """One attachment whose record the user may see (``for_edit``: may change); otherwise
    NotFound, whether it is missing, removed or out of scope."""
    attachment = (
        Attachment.objects.select_related("content_type")
        .filter(pk=attachment_id, removed_at__isnull=True)
        .first()
    )
    if attachment is None:
        raise NotFound()
    ct = attachment.content_type
    spec = _owners.get(f"{ct.app_label}.{ct.model}")
    if spec is None:
        raise NotFound()
    obj = spec.model._default_manager.filter(pk=attachment.object_id).first()
    if obj is None or not spec.can_view(user, obj):
        raise NotFound()
    if for_edit and not spec.can_edit(user, obj):
        raise PermissionDenied()
    attachment.owner_object = obj  # type: ignore[attr-defined]
    return attachment


# --- writes --------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, actor: Any, owner: str, object_id: int, upload: UploadedFile) -> Attachment:
    """Attach an uploaded file to a record the actor may change; refused when the file is
    empty, too large or of a type the policy does not allow."""
    spec, obj = _owner_object(owner, object_id)
    if not spec.can_view(actor, obj):
        raise NotFound()
    if not spec.can_edit(actor, obj):
        raise PermissionDenied()
    name = _clean_name(upload.name or "")
    extension = PurePath(name).suffix.lower().lstrip(".")
    if not name or not extension or extension not in allowed_extensions():
        msg = _("This type of file cannot be attached. Allowed: %(types)s.") % {
            "types": ", ".join(sorted(allowed_extensions()))
        }
        raise ValidationFailed(msg, fields={"file": msg})
    size = upload.size or 0
    if size <= 0:
        msg = _("The file is empty.")
        raise ValidationFailed(msg, fields={"file": msg})
    if size > max_size():
        msg = _("The file is too large (at most %(mb)d MB).") % {
            "mb": int(policy.value(MAX_SIZE_KEY))
        }
        raise ValidationFailed(msg, fields={"file": msg})
    content_type = ContentType.objects.get_for_model(type(obj))
    if (
        Attachment.objects.filter(
            content_type=content_type, object_id=obj.pk, removed_at__isnull=True
        ).count()
        >= MAX_PER_RECORD
    ):
        raise ValidationFailed(_("This record has too many attachments; remove some first."))
    attachment = Attachment(
        content_type=content_type,
        object_id=obj.pk,
        name=name,
        size=size,
        content_type_header=(getattr(upload, "content_type", "") or "")[:100],
        uploaded_by=actor,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_remove(*, actor: Any, attachment_id: int) -> Attachment:
    """Remove an attachment (kept, marked removed: history stays) from a record the actor may
    change."""
    attachment = attachment_get(user=actor, attachment_id=attachment_id, for_edit=True)
    Attachment.objects.filter(pk=attachment.pk, removed_at__isnull=True).update(
        removed_at=timezone.now()
    )
    attachment.refresh_from_db()
    return attachment
