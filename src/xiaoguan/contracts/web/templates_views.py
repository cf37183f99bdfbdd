"""Contract template pages (R-CON-1), for legal: the list, one template with its clauses and
history, entry and edit with the clause editor and the list of allowed placeholders.
Thin: selectors read, services write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from xiaoguan.contracts.errors import TemplateNotFound
from xiaoguan.contracts.models import ContractTemplate
from xiaoguan.contracts.selectors import templates as selectors
from xiaoguan.contracts.services import templates as services
from xiaoguan.contracts.services.text import allowed_placeholders
from xiaoguan.contracts.web.templates_forms import TemplateForm, clauses_from_post
from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.history import history_rows
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error


def _template(template_id: int) -> ContractTemplate:
    try:
        return selectors.template_get(template_id=template_id)
    except TemplateNotFound:
        raise Http404 from None


@require_right("contracts.templates")
def template_list(request: HttpRequest) -> HttpResponse:
    return render(request, "contracts/template_list.html", {"templates": selectors.template_list()})


@require_right("contracts.templates")
def template_detail(request: HttpRequest, template_id: int) -> HttpResponse:
    template = _template(template_id)
    return render(
        request,
        "contracts/template_detail.html",
        {
            "template": template,
            "clauses": selectors.template_clauses(template=template),
            "history": history_rows(template),
            "can_draft": request.user.has_right("contracts.edit"),
        },
    )


def _form_page(
    request: HttpRequest,
    form: TemplateForm,
    template: ContractTemplate | None,
    clauses: list[dict[str, Any]],
    error: ApplicationError | None = None,
) -> HttpResponse:
    clause_errors: list[str] = []
    if error is not None:
        # Each message once: the one already shown above the form is not repeated here.
        seen = {str(error.message)}
        for key, message in error.fields.items():
            if key.startswith("clauses") and str(message) not in seen:
                seen.add(str(message))
                clause_errors.append(str(message))
    return render(
        request,
        "contracts/template_form.html",
        {
            "form": form,
            "template": template,
            "clauses": clauses or [{"title": "", "body": ""}],
            "clause_errors": clause_errors,
            "placeholders": allowed_placeholders(),
        },
        status=422 if error is not None else 200,
    )


def _save(request: HttpRequest, template: ContractTemplate | None) -> HttpResponse:
    form = TemplateForm(request.POST, template=template)
    clauses = clauses_from_post(request.POST)
    rows = [{"title": c.title, "body": c.body} for c in clauses]
    if not form.is_valid():
        return _form_page(request, form, template, rows)
    try:
        if template is None:
            template = services.template_create(
                actor=request.user, data=form.to_data(), clauses=clauses
            )
        else:
            template = services.template_update(
                actor=request.user,
                template=template,
                expected_version=form.cleaned_data.get("version") or 0,
                data=form.to_data(),
                clauses=clauses,
            )
    except ApplicationError as exc:
        form_apply_error(form, exc)
        return _form_page(request, form, template, rows, error=exc)
    messages.success(request, _("Template saved (version %(v)s).") % {"v": template.version})
    return redirect("contracts:template_detail", template_id=template.pk)


@require_right("contracts.templates")
def template_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _save(request, None)
    return _form_page(request, TemplateForm(), None, [])


@require_right("contracts.templates")
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    template = _template(template_id)
    if request.method == "POST":
        return _save(request, template)
    rows = [
        {"title": c.title, "body": c.body} for c in selectors.template_clauses(template=template)
    ]
    return _form_page(request, TemplateForm(template=template), template, rows)


@require_right("contracts.templates")
def template_clause_row(request: HttpRequest) -> HttpResponse:
    """One empty clause of the editor (HTMX "add a clause")."""
    return render(
        request, "contracts/template_form.html#clause_row", {"clause": {"title": "", "body": ""}}
    )
