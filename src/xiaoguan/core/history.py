"""A record's change history (R-X-2) as readable rows: who, when, why, and each field's old
and new value with its translated label; foreign keys and choices shown by name. The why
(a stored English reason) is shown in the reader's language (``reason_display``)."""

from __future__ import annotations

import datetime
import functools
import re
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xiaoguan.core import history_reasons

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
        rows.append(
            {
                "record": record,
                "reason": reason_display(record.history_change_reason),
                "changes": shown,
            }
        )
    return rows


def _status_word(code: str) -> str:
    """A status code of a reason ("no_bid") as its word in the reader's language."""
    return pgettext(history_reasons.CONTEXT, code.replace("_", " "))


@functools.cache
def _written_translated() -> dict[str, str]:
    """The reasons some services stored already translated, found back to their English
    text: {"已申请放行": "Release requested", ...} for every language of the site."""
    found: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for msgid in history_reasons.TRANSLATED_AT_WRITE:
                found.setdefault(_(msgid)[:100], msgid)
    return found


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@functools.cache
def _written_translated_formats() -> list[tuple[re.Pattern[str], str]]:
    """The reasons with values stored already translated, as patterns of their text in
    every language of the site, each with its msgid."""
    found = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for msgid in history_reasons.FORMATS_TRANSLATED_AT_WRITE:
                parts = _PLACEHOLDER.split(_(msgid))  # words, name, words, name, ..., words
                regex = "".join(
                    re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)"
                    for i, part in enumerate(parts)
                )
                found.append((re.compile(regex, re.DOTALL), msgid))
    return found


def reason_display(reason: str | None) -> str:
    """A stored change reason in the reader's language: a reason the code writes ("planned",
    "approval: approved") is translated (context "history reason", its status words too);
    anything else, such as a note a user typed, is shown as it was written."""
    text = (reason or "").strip()
    if not text:
        return ""
    for pattern, template in history_reasons.PATTERNS:
        match = pattern.fullmatch(text)
        if match is not None:
            values = match.groupdict()
            if "status" in values:
                values["status"] = _status_word(values["status"])
            return str(template) % values
    for pattern, msgid in _written_translated_formats():
        match = pattern.fullmatch(text)
        if match is not None:
            return _(msgid) % match.groupdict()
    return pgettext(history_reasons.CONTEXT, _written_translated().get(text, text))


def track(obj: Any, actor: Any = None, reason: str = "", *, now: Any = None) -> None:
    """Who, why (and, for back-dated rows, when) for the next history row simple-history
    writes for ``obj``. Services call it right before ``save()``."""
    obj._history_user = actor
    if reason:
        obj._change_reason = reason[:100]
    if now is not None:
        obj._history_date = now
