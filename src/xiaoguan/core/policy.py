"""The policy-settings registry: every number the sales policy names is a rule here, with a
default from SPEC.md, a value in force editable by management, and its change history.

Apps register their rules in ``AppConfig.ready()``::

    policy.register(PolicyRule(key="customers.referral_followup_hours", section=..., ...))

and read them with ``policy.value("customers.referral_followup_hours")``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.errors import ValidationFailed
from xiaoguan.core.models import AuditKind, PolicyValue

KINDS = ("int", "decimal", "percent", "bool", "choice", "text", "int_list")
_CACHE_KEY = "xg:policy:values"


@dataclass(frozen=True)
class PolicyRule:
    key: str
    section: Any
    label: Any
    kind: str
    default: Any
    help_text: Any = ""
    spec: str = ""
    min_value: Decimal | int | None = None
    max_value: Decimal | int | None = None
    choices: Sequence[tuple[str, Any]] = field(default_factory=tuple)
    unit: Any = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown policy kind {self.kind!r} for {self.key}")

    def parse(self, raw: Any) -> Any:
        """Turn form or API input into the typed value, or raise ValidationFailed."""
        try:
            value = self._coerce(raw)
        except (TypeError, ValueError, InvalidOperation):
            raise ValidationFailed(
                _("%(rule)s: not a valid value.") % {"rule": self.label},
                fields={self.key: _("Not a valid value.")},
            ) from None
        self._check_range(value)
        return value

    def _coerce(self, raw: Any) -> Any:
        if self.kind == "int":
            if isinstance(raw, bool):
                raise TypeError
            if isinstance(raw, str):
                raw = raw.strip()
            if isinstance(raw, float) and not raw.is_integer():
                raise ValueError
            return int(raw)
        if self.kind in ("decimal", "percent"):
            if isinstance(raw, bool | float):
                raw = str(raw)
            value = Decimal(str(raw).strip())
            if not value.is_finite():
                raise ValueError
            return value
        if self.kind == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "on", "yes"):
                return True
            if text in ("0", "false", "off", "no", ""):
                return False
            raise ValueError
        if self.kind == "choice":
            text = str(raw)
            if text not in {c for c, _label in self.choices}:
                raise ValueError
            return text
        if self.kind == "int_list":
            items = raw if isinstance(raw, list | tuple) else str(raw).replace("，", ",").split(",")
            values = [int(str(i).strip()) for i in items if str(i).strip()]
            if not values or values != sorted(set(values)):
                raise ValueError
            return values
        return str(raw).strip()

    def _check_range(self, value: Any) -> None:
        items = (
            value
            if isinstance(value, list)
            else [value]
            if self.kind in ("int", "decimal", "percent")
            else []
        )
        for item in items:
            if self.min_value is not None and item < self.min_value:
                raise ValidationFailed(
                    _("%(rule)s must be at least %(min)s.")
                    % {"rule": self.label, "min": self.min_value},
                    fields={self.key: _("Too small.")},
                )
            if self.max_value is not None and item > self.max_value:
                raise ValidationFailed(
                    _("%(rule)s must be at most %(max)s.")
                    % {"rule": self.label, "max": self.max_value},
                    fields={self.key: _("Too large.")},
                )

    def to_json(self, value: Any) -> Any:
        return str(value) if isinstance(value, Decimal) else value

    def from_json(self, stored: Any) -> Any:
        if self.kind in ("decimal", "percent"):
            return Decimal(str(stored))
        return stored


_registry: dict[str, PolicyRule] = {}


def register(rule: PolicyRule) -> PolicyRule:
    existing = _registry.get(rule.key)
    if existing is not None and existing != rule:
        raise ValueError(f"Policy rule {rule.key} is registered twice")
    rule.parse(rule.to_json(rule.default))  # a default outside its own range is a bug
    _registry[rule.key] = rule
    return rule


def rules() -> list[PolicyRule]:
    return list(_registry.values())


def rule(key: str) -> PolicyRule:
    try:
        return _registry[key]
    except KeyError:
        raise KeyError(f"No policy rule {key!r} is registered") from None


def _stored_values() -> dict[str, Any]:
    values = cache.get(_CACHE_KEY)
    if values is None:
        values = dict(PolicyValue.objects.values_list("key", "value"))
        cache.set(_CACHE_KEY, values, 300)
    return values


def value(key: str) -> Any:
    """The value in force of a rule: the stored one, else the registered default."""
    r = rule(key)
    stored = _stored_values()
    return r.from_json(stored[key]) if key in stored else r.default


@transaction.atomic
def policy_set(
    *, key: str, raw: Any, actor: Any, reason: str = "", request: Any = None
) -> PolicyValue:
    """Management changes one rule; the change is in its history and the audit trail."""
    from xiaoguan.core.audit import audit_event_record

    r = rule(key)
    parsed = r.parse(raw)
    obj = PolicyValue.objects.select_for_update().filter(key=key).first()
    before = r.from_json(obj.value) if obj else r.default
    if obj is None:
        obj = PolicyValue(key=key)
    obj.value = r.to_json(parsed)
    obj.updated_by = actor
    obj.reason = reason[:300]
    obj._change_reason = reason[:100] or None  # type: ignore[attr-defined]  # simple-history
    obj.save()
    audit_event_record(
        kind=AuditKind.POLICY_CHANGED,
        actor=actor,
        request=request,
        obj=obj,
        summary=f"{key}: {r.to_json(before)} → {r.to_json(parsed)}",
        detail={"rule": key, "before": r.to_json(before), "after": r.to_json(parsed)},
    )
    transaction.on_commit(lambda: cache.delete(_CACHE_KEY))
    cache.delete(_CACHE_KEY)
    return obj


def register_core_policies() -> None:
    register(
        PolicyRule(
            key="inbox.email_copies",
            section=_("Reminders and inbox"),
            label=_("Send an e-mail copy of every inbox notification"),
            kind="bool",
            default=False,
            help_text=_(
                "Reminders always appear in the in-app inbox; this adds an e-mail to the person."
            ),
            spec="R-X-4",
        )
    )
