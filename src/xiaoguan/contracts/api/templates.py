"""API of contract templates (``/api/v1/contracts/templates/``): read-only list and one
template with its clauses, for those who draft contracts or manage templates. Legal edits
templates on the pages (with the placeholder check shown next to the clauses)."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from xiaoguan.contracts.models import ContractTemplate
from xiaoguan.contracts.selectors import templates as selectors
from xiaoguan.core.api import require_any_right

router = Router()


class ClauseOut(Schema):
    position: int
    title: str
    body: str


class TemplateOut(Schema):
    id: int
    code: str
    name: str
    description: str
    is_active: bool
    version: int
    updated_at: datetime


class TemplateDetailOut(TemplateOut):
    clauses: list[ClauseOut]


def _out(t: ContractTemplate) -> dict:
    return {
        "id": t.pk,
        "code": t.code,
        "name": t.name,
        "description": t.description,
        "is_active": t.is_active,
        "version": t.version,
        "updated_at": t.updated_at,
    }


@router.get("/", response=list[TemplateOut], summary="Contract templates")
def template_list(request, active_only: bool = False):
    require_any_right(request, "contracts.edit", "contracts.templates")
    return [_out(t) for t in selectors.template_list(active_only=active_only)]


@router.get("/{template_id}", response=TemplateDetailOut, summary="One template with its clauses")
def template_detail(request, template_id: int):
    require_any_right(request, "contracts.edit", "contracts.templates")
    template = selectors.template_get(template_id=template_id)
    return {
        **_out(template),
        "clauses": [
            {"position": c.position, "title": c.title, "body": c.body}
            for c in selectors.template_clauses(template=template)
        ],
    }
