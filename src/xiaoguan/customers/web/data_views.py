"""Pages of the data part of customers: Excel import with its dry run (R-X-5) and the merge
of duplicates (R-CUS-2). Thin: the services check and write, the selectors read (scoped).

Between the check and the import the uploaded file is kept on the server
(``core.xlsx_import.upload_keep``, under ``var/imports/<user id>/`` with a random name); the
import step posts back only that name and reads and checks the file again in full."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.core.errors import ApplicationError, NotFound
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.core.xlsx_import import upload_discard, upload_keep, upload_load
from xiaoguan.customers import selectors
from xiaoguan.customers.models import Customer
from xiaoguan.customers.selectors.data import merge_candidates
from xiaoguan.customers.services import importing
from xiaoguan.customers.services.importing import ImportInvalid, RowProblem
from xiaoguan.customers.services.merge import customer_merge
from xiaoguan.customers.web.data_forms import (
    KIND_LABELS,
    ImportConfirmForm,
    ImportUploadForm,
    MergeForm,
    kind_choices,
)

_DONE_URL = {
    "customers": "customers:list",
    "contacts": "customers:list",
    "leads": "customers:lead_list",
}


def _owner_key(request: HttpRequest) -> str:
    return str(request.user.pk)


def _problems(exc: ApplicationError) -> list[RowProblem]:
    return [RowProblem(**e) for e in exc.extra.get("errors", [])]


def _page(request: HttpRequest, **context: Any) -> HttpResponse:
    kinds = kind_choices(request.user)
    return render(request, "customers/import_page.html", {"kinds": kinds, **context})


@require_right("customers.import")
def import_page(request: HttpRequest) -> HttpResponse:
    """Step 1: choose what, where to, and the file; the check (dry run) runs on upload."""
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"kind": request.GET.get("kind", "customers")},
    )
    if request.method != "POST" or not form.is_valid():
        return _page(request, form=form)
    kind = form.cleaned_data["kind"]
    upload = form.cleaned_data["file"]
    try:
        result = importing.import_dry_run(
            kind=kind, actor=request.user, upload=upload, target=form.target()
        )
    except ApplicationError as exc:
        form_apply_error(form, exc)
        return _page(request, form=form)
    token = ""
    if result.ok:
        upload.seek(0)
        token = upload_keep(upload.read(), owner_key=_owner_key(request))
    confirm = ImportConfirmForm(
        initial={
            "kind": kind,
            "owner": form.cleaned_data.get("owner"),
            "pool": form.cleaned_data.get("pool"),
            "token": token,
        },
        user=request.user,
    )
    return _page(
        request,
        form=form,
        result=result,
        confirm=confirm,
        kind_label=KIND_LABELS[kind],
        file_name=upload.name,
    )


@require_right("customers.import")
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: import the kept file; it is read and checked again, then written at once."""
    form = ImportConfirmForm(request.POST, user=request.user)
    upload_form = ImportUploadForm(user=request.user)
    if not form.is_valid():
        messages.error(request, _("The import could not start. Upload the file again."))
        return redirect("customers:import")
    kind = form.cleaned_data["kind"]
    token = form.cleaned_data["token"]
    try:
        data = upload_load(token, owner_key=_owner_key(request))
        result = importing.import_run(
            kind=kind, actor=request.user, upload=data, target=form.target(), request=request
        )
    except ImportInvalid as exc:
        return _page(
            request,
            form=upload_form,
            result=importing.ImportResult(
                kind=kind, rows=exc.extra.get("rows", 0), problems=_problems(exc)
            ),
            kind_label=KIND_LABELS[kind],
            failed=True,
        )
    except ApplicationError as exc:
        return _page(request, form=upload_form, file_error=str(exc.message))
    upload_discard(token, owner_key=_owner_key(request))
    messages.success(
        request,
        _("%(count)s records imported.") % {"count": result.created},
    )
    return redirect(reverse(_DONE_URL[kind]))


@require_right("customers.import")
def import_template(request: HttpRequest, import_kind: str) -> HttpResponse:
    """The template of a kind, to fill in and upload."""
    if import_kind not in dict(kind_choices(request.user)):
        raise Http404
    response = HttpResponse(
        importing.import_template(import_kind),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="import-{import_kind}.xlsx"'
    return response


# --- merge --------------------------------------------------------------------------------


def _customer(request: HttpRequest, customer_id: int | str | None) -> Customer:
    try:
        return selectors.customer_get(user=request.user, customer_id=int(customer_id or 0))
    except (Customer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


_COMPARED = (
    "name",
    "credit_code",
    "phone",
    "province",
    "city",
    "district",
    "street",
    "industry",
    "source",
    "customer_class",
    "grade",
    "notes",
)


def _comparison(a: Customer, b: Customer) -> list[dict[str, Any]]:
    rows = []
    for key in _COMPARED:
        field = Customer._meta.get_field(key)
        va = getattr(a, f"get_{key}_display")() if field.choices else getattr(a, key)
        vb = getattr(b, f"get_{key}_display")() if field.choices else getattr(b, key)
        rows.append({"label": field.verbose_name, "a": va, "b": vb, "same": va == vb})
    rows.append(
        {
            "label": _("owner"),
            "a": a.owner or _("Public pool"),
            "b": b.owner or _("Public pool"),
            "same": a.owner_id == b.owner_id,
        }
    )
    rows.append(
        {
            "label": _("Contacts"),
            "a": a.contacts.count(),
            "b": b.contacts.count(),
            "same": False,
        }
    )
    return rows


@require_right("customers.merge")
def customer_merge_page(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The duplicates of a customer; with ``other`` chosen, both side by side and the merge."""
    customer = _customer(request, customer_id)
    candidates = merge_candidates(user=request.user, customer=customer)
    other_id = request.POST.get("other") or request.GET.get("other")
    if not other_id:
        return render(
            request,
            "customers/merge_page.html",
            {"customer": customer, "candidates": candidates},
        )
    other = _customer(request, other_id)
    if other.pk == customer.pk:
        raise Http404
    pair = (customer, other)
    form = MergeForm(request.POST or None, pair=pair, initial={"survivor": str(customer.pk)})
    if request.method == "POST" and form.is_valid():
        survivor, duplicate = (
            pair if form.cleaned_data["survivor"] == str(customer.pk) else pair[::-1]
        )
        try:
            merged = customer_merge(
                survivor=survivor, duplicate=duplicate, actor=request.user, request=request
            )
        except NotFound:
            raise Http404 from None
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(
                request,
                _("%(duplicate)s was merged into %(survivor)s.")
                % {"duplicate": duplicate.name, "survivor": merged.name},
            )
            return redirect("customers:detail", customer_id=merged.pk)
    return render(
        request,
        "customers/merge_page.html",
        {
            "customer": customer,
            "other": other,
            "candidates": candidates,
            "form": form,
            "rows": _comparison(customer, other),
        },
    )
