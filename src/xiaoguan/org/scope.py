"""The one data-scope gate (R-ORG-1): every queryset that reaches a user passes here.

``visible(queryset, user)`` keeps the records the user's roles let them see: own records,
the own department's, the own department's subtree's, or all. Models that inherit
``org.models.Owned`` are covered automatically; other models declare how they are owned
with :func:`register`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import models
from django.db.models import Q, QuerySet

from xiaoguan.org.enums import DataScope

if TYPE_CHECKING:
    from xiaoguan.org.models import Owned


@dataclass(frozen=True)
class ScopeSpec:
    owner: str | None  # lookup to the owning user's pk, e.g. "owner" or "pk"
    department: str  # lookup to the department, e.g. "department"


_specs: dict[type[models.Model], ScopeSpec] = {}


def register(model: type[models.Model], *, owner: str | None, department: str) -> None:
    _specs[model] = ScopeSpec(owner=owner, department=department)


def spec_for(model: type[models.Model]) -> ScopeSpec:
    from xiaoguan.org.models import Owned

    model = model._meta.concrete_model or model
    if model in _specs:
        return _specs[model]
    if issubclass(model, Owned):
        return ScopeSpec(owner="owner", department="department")
    raise LookupError(f"{model._meta.label} is not scoped; register it in org.scope")


def owned_models() -> list[type[Owned]]:
    """Every concrete model that inherits Owned: what handover moves."""
    from xiaoguan.org.models import Owned

    return [m for m in apps.get_models() if issubclass(m, Owned) and not m._meta.abstract]


def scope_q(model: type[models.Model], user) -> Q | None:
    """The filter for ``user`` on ``model``; None means everything, ``Q(pk__in=[])`` nothing."""
    nothing = Q(pk__in=[])
    if user is None or not user.is_authenticated or not user.is_active:
        return nothing
    scope = user.data_scope
    if scope is None:
        return nothing
    if scope == DataScope.ALL:
        return None
    spec = spec_for(model)
    dept = user.department
    if spec.department == "self":  # the Department model itself: one's own department at least
        if dept is None:
            return nothing
        return Q(path__startswith=dept.path) if scope == DataScope.SUBTREE else Q(pk=dept.pk)
    own = Q(**{spec.owner: user.pk}) if spec.owner else nothing
    if scope == DataScope.OWN or dept is None:
        return own
    if scope == DataScope.DEPARTMENT:
        by_dept = Q(**{spec.department: dept.pk})
    else:
        # The subtree as a list of department ids (a sub-select), not a join on the path: the
        # database can then use the department index of the scoped table.
        from xiaoguan.org.models import Department

        subtree = Department.objects.filter(path__startswith=dept.path).values("pk")
        by_dept = Q(**{f"{spec.department}__in": subtree})
    return own | by_dept


def visible(queryset: QuerySet, user) -> QuerySet:
    """The records of ``queryset`` that ``user`` may see; out of scope does not exist."""
    condition = scope_q(queryset.model, user)
    return queryset if condition is None else queryset.filter(condition)


def can_see(obj: models.Model, user) -> bool:
    return visible(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


def register_org_models() -> None:
    from xiaoguan.org.models import Department, User

    register(User, owner="pk", department="department")
    register(Department, owner=None, department="self")
