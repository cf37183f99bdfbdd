"""Writes of contract templates (合同范本, R-CON-1), managed by legal: a template with its
ordered clauses. A clause may only use the allowed placeholders (``services.text``); every
save raises the template's ``version`` (the editor's version is checked: no lost update) and
simple-history keeps each version of the template and its clauses."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xiaoguan.contracts.errors import TemplateInvalid
from xiaoguan.contracts.models import ContractTemplate, TemplateClause
from xiaoguan.contracts.services.text import PLACEHOLDERS, unknown_placeholders
from xiaoguan.core.errors import StaleEdit
from xiaoguan.core.history import track
from xiaoguan.org.models import User

CODE = re.compile(r"^[A-Za-z0-9_-]{1,30}$")
MAX_CLAUSES = 100
MAX_BODY = 20000


@dataclass(frozen=True)
class TemplateData:
    code: str
    name: str
    description: str = ""
    is_active: bool = True


@dataclass(frozen=True)
class ClauseData:
    title: str
    body: str


def _unknown_message(names: list[str]) -> str:
    return _("Unknown placeholders: %(unknown)s. Allowed: %(allowed)s.") % {
        "unknown": "、".join("{{" + n + "}}" for n in names),
        "allowed": " ".join("{{" + n + "}}" for n in PLACEHOLDERS),
    }


def _clean(
    data: TemplateData, clauses: Sequence[ClauseData]
) -> tuple[dict[str, object], list[ClauseData]]:
    errors: dict[str, str] = {}
    code = (data.code or "").strip()
    if not CODE.match(code):
        errors["code"] = _("1 to 30 letters, digits, - or _.")
    name = " ".join((data.name or "").split())
    if not name:
        errors["name"] = _("This field is required.")
    elif len(name) > 100:
        errors["name"] = _("At most %(n)s characters.") % {"n": 100}
    description = (data.description or "").strip()
    if len(description) > 2000:
        errors["description"] = _("At most %(n)s characters.") % {"n": 2000}
    cleaned: list[ClauseData] = []
    if not clauses:
        errors["clauses"] = _("Add at least one clause.")
    elif len(clauses) > MAX_CLAUSES:
        errors["clauses"] = _("At most %(n)s clauses.") % {"n": MAX_CLAUSES}
    unknown: list[str] = []
    for index, clause in enumerate(clauses, start=1):
        title = " ".join((clause.title or "").split())
        body = (clause.body or "").strip().replace("\r\n", "\n")
        key = f"clauses.{index}"
        if not title:
            errors[key] = _("Clause %(n)s: give it a title.") % {"n": index}
        elif len(title) > 100:
            errors[key] = _("Clause %(n)s: at most 100 characters in the title.") % {"n": index}
        elif not body:
            errors[key] = _("Clause %(n)s: write its text.") % {"n": index}
        elif len(body) > MAX_BODY:
            errors[key] = _("Clause %(n)s: at most %(max)s characters.") % {
                "n": index,
                "max": MAX_BODY,
            }
        bad = unknown_placeholders(title) + unknown_placeholders(body)
        if bad:
            unknown.extend(b for b in bad if b not in unknown)
            errors.setdefault(key, _unknown_message(bad))
        cleaned.append(ClauseData(title=title, body=body))
    if unknown:
        errors["clauses"] = _unknown_message(unknown)
    if errors:
        message = errors.get("clauses") or next(iter(errors.values()))
        raise TemplateInvalid(message, fields=errors)
    return {
        "code": code,
        "name": name,
        "description": description,
        "is_active": bool(data.is_active),
    }, cleaned


def _code_taken(code: str, exclude: int | None = None) -> bool:
    qs = ContractTemplate.objects.filter(code__iexact=code)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.exists()


def _set_clauses(template: ContractTemplate, clauses: list[ClauseData], actor: User) -> None:
    existing = {c.position: c for c in template.clauses.select_for_update()}
    for position, clause in enumerate(clauses, start=1):
        row = existing.pop(position, None)
        if row is None:
            row = TemplateClause(template=template, position=position)
        elif row.title == clause.title and row.body == clause.body:
            continue
        row.title = clause.title
        row.body = clause.body
        track(row, actor=actor)
        row.save()
    for row in existing.values():
        track(row, actor=actor)
        row.delete()


@transaction.atomic
def template_create(
    *, actor: User, data: TemplateData, clauses: Sequence[ClauseData]
) -> ContractTemplate:
    values, cleaned = _clean(data, clauses)
    if _code_taken(str(values["code"])):
        raise TemplateInvalid(fields={"code": _("This code is already used.")})
    template = ContractTemplate(updated_by=actor, version=1, **values)
    track(template, actor=actor)
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:
        raise TemplateInvalid(fields={"code": _("This code is already used.")}) from None
    _set_clauses(template, cleaned, actor)
    return template


@transaction.atomic
def template_update(
    *,
    actor: User,
    template: ContractTemplate,
    expected_version: int,
    data: TemplateData,
    clauses: Sequence[ClauseData],
) -> ContractTemplate:
    """A new version of the template; contracts already drafted keep their clauses until
    their next draft save (submitted ones never change)."""
    locked = ContractTemplate.objects.select_for_update().get(pk=template.pk)
    if locked.version != expected_version:
        raise StaleEdit()
    values, cleaned = _clean(data, clauses)
    if _code_taken(str(values["code"]), exclude=locked.pk):
        raise TemplateInvalid(fields={"code": _("This code is already used.")})
    for key, value in values.items():
        setattr(locked, key, value)
    locked.updated_by = actor
    locked.version = expected_version + 1
    track(locked, actor=actor)
    locked.save()
    _set_clauses(locked, cleaned, actor)
    return locked
