"""The policy in force (printable, editable by management) and the audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoguan.core import policy, selectors
from xiaoguan.core.errors import ValidationFailed
from xiaoguan.core.models import AuditKind
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import AuditFilterForm, PolicyValueForm
from xiaoguan.core.xlsx import xlsx_response


@require_right("policy.view")
def policy_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/policy.html",
        {
            "sections": selectors.policy_sections(),
            # require_right has already signed the user in; the check narrows the type.
            "can_manage": request.user.is_authenticated and request.user.has_right("policy.manage"),
            "printed_at": timezone.now(),
        },
    )


def _row_or_404(key: str) -> selectors.PolicyRow:
    row = selectors.policy_row(key=key)
    if row is None:
        raise Http404
    return row


@require_right("policy.view")
def policy_rule(request: HttpRequest, key: str) -> HttpResponse:
    row = _row_or_404(key)
    return render(
        request,
        "core/policy_rule.html",
        {
            "row": row,
            "history": selectors.policy_history(key=key),
            # require_right has already signed the user in; the check narrows the type.
            "can_manage": request.user.is_authenticated and request.user.has_right("policy.manage"),
        },
    )


@require_right("policy.manage")
def policy_rule_edit(request: HttpRequest, key: str) -> HttpResponse:
    row = _row_or_404(key)
    if request.method == "POST":
        form = PolicyValueForm(request.POST, rule=row.rule, initial_value=row.value)
        if form.is_valid():
            try:
                policy.policy_set(
                    key=key,
                    raw=form.cleaned_data["value"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationFailed as exc:
                form.add_error("value", [str(m) for m in exc.fields.values()] or str(exc.message))
                form.mark_invalid()
            else:
                messages.success(
                    request, _("The rule “%(rule)s” was changed.") % {"rule": row.rule.label}
                )
                return redirect("policy_rule", key=key)
        else:
            form.mark_invalid()
    else:
        form = PolicyValueForm(rule=row.rule, initial_value=row.value)
    return render(request, "core/policy_edit.html", {"row": row, "form": form})


@require_right("audit.view")
def audit_page(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = selectors.audit_event_list(**form.filters())
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request, "core/audit.html", {"form": form, "page": page, "kinds": dict(AuditKind.choices)}
    )


@require_right("audit.view")
def audit_export(request: HttpRequest) -> HttpResponseBase:
    form = AuditFilterForm(request.GET or None)
    filters = form.filters()
    kinds = dict(AuditKind.choices)
    return xlsx_response(
        filename=f"audit-{timezone.localdate():%Y%m%d}.xlsx",
        sheet_title=_("Audit trail"),
        columns=[
            (_("Time"), "created_at"),
            (_("Kind"), lambda e: str(kinds.get(e.kind, e.kind))),
            (_("Actor"), "actor_name"),
            (_("Address"), "ip"),
            (_("Object type"), "object_type"),
            (_("Object id"), "object_id"),
            (_("Summary"), "summary"),
            (_("Request id"), "request_id"),
        ],
        rows=selectors.audit_event_list(**filters),
        actor=request.user,
        request=request,
        what="audit_events " + " ".join(f"{k}={v}" for k, v in sorted(filters.items())),
    )
