"""A record's change history (R-X-2) as readable rows: who, when, why, and each field's old
and new value with its translated label; foreign keys and choices shown by name."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

HIDDEN_FIELDS = frozenset(
    {"path", "depth", "numchild", "password", "last_login", "version", "updated_at"}
)


def _field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name)  # type: ignore[return-value]
    except FieldDoesNotExist:  # a field removed since: shown by its name
        return None


def _m2m_ids(value: Any, field: models.Field) -> list[Any]:
    """simple-history gives m2m values as [{"<source>": id, "<target>": id}, ...]."""
    target = field.related_model._meta.model_name  # type: ignore[union-attr]
    return [row.get(target) for row in value or [] if isinstance(row, dict)]


def history_rows(obj: models.Model, *, limit: int = 30) -> list[dict[str, Any]]:
    """The newest ``limit`` changes of ``obj``, each with what changed since the one before."""
    model = type(obj)
    # simple-history adds the ``history`` manager at runtime; the stubs cannot see it.
    history = obj.history  # type: ignore[attr-defined]
    records = list(
        history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    raw_rows: list[tuple[Any, list[tuple[str, Any, Any]]]] = []
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for newer, older in zip(records, [*records[1:], None], strict=False):
        if len(raw_rows) == limit:
            break
        changes = []
        if older is not None:
            for change in newer.diff_against(older).changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                field = _field(model, change.field)
                if field is not None and field.is_relation and field.related_model is not None:
                    ids = (
                        _m2m_ids(change.old, field) + _m2m_ids(change.new, field)
                        if field.many_to_many
                        else [change.old, change.new]
                    )
                    wanted[field.related_model].update(i for i in ids if i is not None)
                changes.append((change.field, change.old, change.new))
        raw_rows.append((newer, changes))
    names = {
        m: {pk: str(o) for pk, o in m._default_manager.in_bulk(list(ids)).items()}
        for m, ids in wanted.items()
    }

    def show(field: models.Field | None, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "—"
        if field is None:
            return str(value)
        if field.many_to_many:
            known = names.get(field.related_model, {})  # type: ignore[arg-type]
            return "、".join(known.get(i, str(i)) for i in _m2m_ids(value, field)) or "—"
        if field.is_relation:
            return names.get(field.related_model, {}).get(value, str(value))  # type: ignore[arg-type]
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, datetime.datetime):
            return date_format(timezone.localtime(value), "DATETIME_FORMAT")
        if isinstance(value, datetime.date):
            return date_format(value, "DATE_FORMAT")
        return str(value)

    rows = []
    for record, changes in raw_rows:
        shown = []
        for name, old, new in changes:
            field = _field(model, name)
            label = field.verbose_name if field is not None else name
            shown.append({"field": label, "old": show(field, old), "new": show(field, new)})
        rows.append({"record": record, "changes": shown})
    return rows


def track(obj: Any, actor: Any = None, reason: str = "", *, now: Any = None) -> None:
    """Who, why (and, for back-dated rows, when) for the next history row simple-history
    writes for ``obj``. Services call it right before ``save()``."""
    obj._history_user = actor
    if reason:
        obj._change_reason = reason[:100]
    if now is not None:
        obj._history_date = now
