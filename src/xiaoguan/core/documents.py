"""The document base: a status with explicit transitions, immutability once submitted, and a
``version`` for optimistic locking (no lost update).

A concrete document declares::

    class Expense(Document):
        EDITABLE_STATUSES = ("draft", "returned")
        status = models.CharField(choices=ExpenseStatus.choices, default="draft")

Services change a draft with :func:`document_update` (checks the version the editor saw)
and move it with :func:`ensure_transition` + ``save(update_fields=[...])``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.errors import DocumentImmutable, InvalidTransition, StaleEdit

# Fields a service may still write on a document that is no longer editable.
WORKFLOW_FIELDS = frozenset({"status", "updated_at", "version", "submitted_at", "decided_at"})


class Document(models.Model):
    EDITABLE_STATUSES: ClassVar[tuple[str, ...]] = ("draft",)
    # {from_status: {to_status, ...}}; a transition not listed is refused.
    TRANSITIONS: ClassVar[Mapping[str, Iterable[str]]] = {}
    # Extra fields a transition may write on a locked document (e.g. "signed_at").
    EXTRA_WORKFLOW_FIELDS: ClassVar[frozenset[str]] = frozenset()

    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = getattr(instance, "status", None)
        return instance

    def save(self, *args: Any, **kwargs: Any) -> None:  # noqa: DJ012 - from_db belongs with it
        loaded = getattr(self, "_loaded_status", None)
        if not self._state.adding and loaded is not None and loaded not in self.EDITABLE_STATUSES:
            allowed = WORKFLOW_FIELDS | self.EXTRA_WORKFLOW_FIELDS
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= allowed:
                raise DocumentImmutable()
        super().save(*args, **kwargs)
        self._loaded_status = getattr(self, "status", None)

    @property
    def is_editable(self) -> bool:
        return getattr(self, "status", None) in self.EDITABLE_STATUSES


def ensure_transition(document: Document, *, to: str) -> None:
    """Refuse a status change the document type does not allow from its current status."""
    current = document.status  # type: ignore[attr-defined]
    if to not in set(document.TRANSITIONS.get(current, ())):
        raise InvalidTransition()


def document_update(
    document: Document, *, expected_version: int, changes: Mapping[str, Any]
) -> Document:
    """Apply a draft edit only if nobody saved the document since the editor loaded it.

    The row is locked and its version compared inside the caller's transaction, so of two
    editors racing with the same version exactly one wins; the other gets ``StaleEdit``.
    The save goes through the model, so the edit is in the document's history.
    """
    model = type(document)
    fields = dict(changes)
    forbidden = set(fields) & {"status", "version", "id", "pk"}
    if forbidden:
        raise ValueError(f"document_update cannot write {sorted(forbidden)}")
    locked = model._default_manager.select_for_update().get(pk=document.pk)
    if locked.version != expected_version:
        raise StaleEdit()
    if not locked.is_editable:
        raise DocumentImmutable()
    for name, val in fields.items():
        setattr(locked, name, val)
    locked.full_clean(exclude=[f.name for f in model._meta.fields if f.name not in fields])
    locked.version = expected_version + 1
    locked.save()
    return locked
