"""Reads for core's own pages: the policy in force and the audit trail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from xiaoguan.core import policy
from xiaoguan.core.models import AuditEvent, PolicyValue


def policy_format(rule: policy.PolicyRule, value: Any) -> str:
    """A rule's value as people read it: yes/no, choice labels, numbers in the locale, units."""
    if rule.kind == "bool":
        text = _("Yes") if value else _("No")
    elif rule.kind == "choice":
        text = str(dict(rule.choices).get(value, value))
    elif rule.kind == "int_list":
        text = ", ".join(number_format(v, use_l10n=True) for v in value)
    elif rule.kind in ("decimal", "percent", "int"):
        text = number_format(Decimal(value) if rule.kind != "int" else value, use_l10n=True)
        if rule.kind == "percent":
            text += " %"
    else:
        text = str(value)
    unit = str(rule.unit) if rule.unit else ""
    return f"{text} {unit}".strip() if unit and rule.kind != "percent" else text


@dataclass
class PolicyRow:
    rule: policy.PolicyRule
    value: Any
    value_text: str
    default_text: str
    is_default: bool
    changed_by: Any
    changed_at: dt.datetime | None
    reason: str


def policy_rows() -> list[PolicyRow]:
    """Every registered rule with its value in force, default and last change (one query)."""
    stored = {pv.key: pv for pv in PolicyValue.objects.select_related("updated_by")}
    rows = []
    for rule in policy.rules():
        pv = stored.get(rule.key)
        current = rule.from_json(pv.value) if pv is not None else rule.default
        rows.append(
            PolicyRow(
                rule=rule,
                value=current,
                value_text=policy_format(rule, current),
                default_text=policy_format(rule, rule.default),
                is_default=rule.to_json(current) == rule.to_json(rule.default),
                changed_by=pv.updated_by if pv else None,
                changed_at=pv.updated_at if pv else None,
                reason=pv.reason if pv else "",
            )
        )
    return rows


def policy_sections() -> list[tuple[str, list[PolicyRow]]]:
    """Rules grouped by section, sections and rules in a stable order."""
    rows = sorted(policy_rows(), key=lambda r: (str(r.rule.section), r.rule.spec, r.rule.key))
    return [
        (section, list(items))
        for section, items in groupby(rows, key=lambda r: str(r.rule.section))
    ]


def policy_row(*, key: str) -> PolicyRow | None:
    return next((row for row in policy_rows() if row.rule.key == key), None)


def policy_history(*, key: str) -> list[dict[str, Any]]:
    """Every stored change of one rule, newest first, with who made it and why."""
    rule = policy.rule(key)
    pv = PolicyValue.objects.filter(key=key).first()
    if pv is None:
        return []
    out = []
    for h in pv.history.select_related("updated_by").order_by("-history_date", "-history_id"):
        out.append(
            {
                "value_text": policy_format(rule, rule.from_json(h.value)),
                "changed_by": h.updated_by,
                "changed_at": h.history_date,
                "reason": h.reason,
            }
        )
    return out


def audit_event_list(
    *,
    kind: str = "",
    actor: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    obj: str = "",
) -> QuerySet[AuditEvent]:
    """The audit trail filtered by allow-listed criteria, newest first (dates in local time)."""
    qs = AuditEvent.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    if actor:
        qs = qs.filter(actor_name__icontains=actor)
    if date_from:
        start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min))
        qs = qs.filter(created_at__gte=start)
    if date_to:
        end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min))
        qs = qs.filter(created_at__lt=end)
    if obj:
        qs = qs.filter(Q(object_type__icontains=obj) | Q(object_id=obj) | Q(summary__icontains=obj))
    return qs.order_by("-created_at", "-id")
