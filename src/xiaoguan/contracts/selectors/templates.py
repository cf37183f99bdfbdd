"""Reads of contract templates: the list legal manages, one template with its clauses, the
active ones a draft may use. Templates are company documents (no owner): any user with a
contracts right may read them."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from xiaoguan.contracts.errors import TemplateNotFound
from xiaoguan.contracts.models import ContractTemplate, TemplateClause


def template_list(*, active_only: bool = False) -> QuerySet[ContractTemplate]:
    qs = ContractTemplate.objects.select_related("updated_by").annotate(
        clause_count=Count("clauses")
    )
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("code")


def template_get(*, template_id: int) -> ContractTemplate:
    template = ContractTemplate.objects.select_related("updated_by").filter(pk=template_id).first()
    if template is None:
        raise TemplateNotFound()
    return template


def template_clauses(*, template: ContractTemplate) -> QuerySet[TemplateClause]:
    return TemplateClause.objects.filter(template=template).order_by("position")


def template_choices() -> QuerySet[ContractTemplate]:
    return ContractTemplate.objects.filter(is_active=True).order_by("code")
