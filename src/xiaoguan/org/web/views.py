"""Org pages: the tree, departments, the employee directory, roles, handover and the user's
own API tokens. Thin: selectors read (scoped), services write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.history import history_rows
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.core.xlsx import xlsx_response
from xiaoguan.org import selectors, services
from xiaoguan.org.models import ApiToken, Department, Handover, Role, User
from xiaoguan.org.web.forms import (
    DepartmentForm,
    DepartmentMoveForm,
    EmployeeFilterForm,
    EmployeeForm,
    HandoverForm,
    PasswordSetForm,
    RoleForm,
    TokenForm,
)

PAGE_SIZE = 25


def _department(request: HttpRequest, department_id: int) -> Department:
    try:
        return selectors.department_get(user=request.user, department_id=department_id)
    except Department.DoesNotExist:
        raise Http404 from None


def _employee(request: HttpRequest, employee_id: int) -> User:
    try:
        return selectors.employee_get(user=request.user, employee_id=employee_id)
    except User.DoesNotExist:
        raise Http404 from None


def _role(role_id: int) -> Role:
    try:
        return selectors.role_get(role_id=role_id)
    except Role.DoesNotExist:
        raise Http404 from None


# --- the tree and departments ---------------------------------------------------------


@require_right("org.view")
def tree(request: HttpRequest) -> HttpResponse:
    show_inactive = request.GET.get("inactive") == "1" and request.user.has_right("org.manage")
    nodes = selectors.department_tree(user=request.user, include_inactive=show_inactive)
    return render(
        request,
        "org/tree.html",
        {
            "nodes": nodes,
            "can_manage": request.user.has_right("org.manage"),
            "show_inactive": show_inactive,
        },
    )


@require_right("org.manage")
def department_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("parent", "").isdigit():
        initial["parent"] = int(request.GET["parent"])
    form = DepartmentForm(request.POST or None, user=request.user, creating=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.department_create(
                actor=request.user,
                name=data["name"],
                code=data["code"],
                kind=data["kind"],
                parent=data["parent"],
                head=data["head"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Department created."))
            return redirect("org:tree")
    return render(request, "org/department_form.html", {"form": form, "department": None})


@require_right("org.manage")
def department_edit(request: HttpRequest, department_id: int) -> HttpResponse:
    department = _department(request, department_id)
    form = DepartmentForm(
        request.POST or None, instance=department, user=request.user, creating=False
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.department_update(
                department=department,
                actor=request.user,
                name=data["name"],
                code=data["code"],
                kind=data["kind"],
                head=data["head"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Department saved."))
            return redirect("org:tree")
    department.refresh_from_db()
    return render(
        request,
        "org/department_form.html",
        {"form": form, "department": department, "history": history_rows(department)},
    )


@require_right("org.manage")
def department_move(request: HttpRequest, department_id: int) -> HttpResponse:
    department = _department(request, department_id)
    form = DepartmentMoveForm(request.POST or None, user=request.user, department=department)
    if request.method == "POST" and form.is_valid():
        try:
            services.department_move(
                department=department,
                new_parent=form.cleaned_data["new_parent"],
                actor=request.user,
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Department moved."))
            return redirect("org:tree")
    return render(request, "org/department_move.html", {"form": form, "department": department})


@require_right("org.manage")
@require_POST
def department_deactivate(request: HttpRequest, department_id: int) -> HttpResponse:
    department = _department(request, department_id)
    try:
        services.department_deactivate(department=department, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("org:department_edit", department_id=department.pk)
    messages.success(request, _("Department deactivated."))
    return redirect("org:tree")


@require_right("org.manage")
@require_POST
def department_reactivate(request: HttpRequest, department_id: int) -> HttpResponse:
    department = _department(request, department_id)
    try:
        services.department_reactivate(department=department, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Department reactivated."))
    return redirect("org:department_edit", department_id=department.pk)


# --- employees ------------------------------------------------------------------------


def _employee_search(request: HttpRequest) -> tuple[Any, dict[str, Any]]:
    """The employee list's filters (an allow-list) and the scoped result."""
    filters = EmployeeFilterForm(request.GET or None)
    q, department_id, active = "", None, "active"
    if filters.is_valid():
        q = filters.cleaned_data["q"] or ""
        department_id = filters.cleaned_data["department"]
        active = filters.cleaned_data["active"] or "active"
    qs = selectors.employee_search(
        user=request.user, q=q, department_id=department_id, active=active
    )
    return qs, {"q": q, "department_id": department_id, "active": active}


@require_right("org.view")
def employee_list(request: HttpRequest) -> HttpResponse:
    qs, chosen = _employee_search(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "org/employee_list.html",
        {
            "page": page,
            **chosen,
            "departments": selectors.department_choices(user=request.user),
            "can_manage": request.user.has_right("org.manage"),
        },
    )


@require_right("org.view")
def employee_export(request: HttpRequest) -> HttpResponse:
    """The filtered employee list as xlsx: exactly the rows the list shows, all pages."""
    qs, _chosen = _employee_search(request)
    # The user name is shown to those who manage accounts only, as on the pages.
    login_column = [(_("User name"), "username")] if request.user.has_right("org.manage") else []
    return xlsx_response(
        filename="employees.xlsx",
        sheet_title=_("Employees"),
        columns=[
            *login_column,
            (_("full name"), "full_name"),
            (_("employee number"), "employee_no"),
            (_("department"), "department__name"),
            (_("job title"), "title"),
            (_("manager"), lambda e: str(e.manager) if e.manager_id else ""),
            (_("roles"), lambda e: "、".join(r.name for r in e.roles.all())),
            (_("phone"), "phone"),
            (_("E-mail"), "email"),
            (_("active"), "is_active"),
            (_("left on"), "left_on"),
        ],
        rows=qs,
        actor=request.user,
        request=request,
        what="org.employees",
    )


@require_right("org.view")
def employee_detail(request: HttpRequest, employee_id: int) -> HttpResponse:
    employee = _employee(request, employee_id)
    can_manage = request.user.has_right("org.manage")
    context: dict[str, Any] = {
        "employee": employee,
        "can_manage": can_manage,
        "roles": employee.roles.all(),
    }
    if can_manage:
        context["history"] = history_rows(employee)
        context["handovers"] = selectors.employee_handovers(employee=employee)
    return render(request, "org/employee_detail.html", context)


def _show_password_once(request: HttpRequest, employee: User, password: str) -> HttpResponse:
    response = render(
        request, "org/password_once.html", {"employee": employee, "password": password}
    )
    response["Cache-Control"] = "no-store"
    return response


@require_right("org.manage")
def employee_create(request: HttpRequest) -> HttpResponse:
    form = EmployeeForm(request.POST or None, user=request.user, creating=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            employee, generated = services.employee_create(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                department=data["department"],
                password=data["password"] or None,
                manager=data["manager"],
                roles=data["roles"],
                title=data["title"],
                phone=data["phone"],
                email=data["email"],
                employee_no=data["employee_no"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Employee created."))
            if generated:
                return _show_password_once(request, employee, generated)
            return redirect("org:employee_detail", employee_id=employee.pk)
    return render(request, "org/employee_form.html", {"form": form, "employee": None})


@require_right("org.manage")
def employee_edit(request: HttpRequest, employee_id: int) -> HttpResponse:
    employee = _employee(request, employee_id)
    form = EmployeeForm(
        request.POST or None,
        instance=employee,
        user=request.user,
        creating=False,
        initial={"roles": list(employee.roles.all())},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.employee_update(
                employee=employee,
                actor=request.user,
                full_name=data["full_name"],
                title=data["title"],
                phone=data["phone"],
                email=data["email"],
                employee_no=data["employee_no"],
                department=data["department"],
                manager=data["manager"],
                roles=data["roles"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Employee saved."))
            return redirect("org:employee_detail", employee_id=employee.pk)
    employee = _employee(request, employee_id)
    return render(request, "org/employee_form.html", {"form": form, "employee": employee})


@require_right("org.manage")
def employee_password(request: HttpRequest, employee_id: int) -> HttpResponse:
    employee = _employee(request, employee_id)
    form = PasswordSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            generated = services.employee_set_password(
                employee=employee,
                actor=request.user,
                password=form.cleaned_data["password"] or None,
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Password set."))
            if generated:
                return _show_password_once(request, employee, generated)
            return redirect("org:employee_detail", employee_id=employee.pk)
    return render(request, "org/employee_password.html", {"form": form, "employee": employee})


@require_right("org.manage")
@require_POST
def employee_reactivate(request: HttpRequest, employee_id: int) -> HttpResponse:
    employee = _employee(request, employee_id)
    try:
        services.employee_reactivate(employee=employee, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Employee reactivated."))
    return redirect("org:employee_detail", employee_id=employee.pk)


# --- handover -------------------------------------------------------------------------


@require_right("org.manage")
def employee_handover(request: HttpRequest, employee_id: int) -> HttpResponse:
    """Step 1: choose the successor (the counts of what moves are shown). Step 2: confirm.
    Step 3: the result page."""
    employee = _employee(request, employee_id)
    form = HandoverForm(request.POST or None, user=request.user, employee=employee)
    preview = selectors.handover_preview(employee=employee)
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") == "1":
            data = form.cleaned_data
            try:
                handover = services.employee_handover(
                    employee=employee,
                    successor=data["successor"],
                    actor=request.user,
                    deactivate=data["deactivate"],
                    note=data["note"],
                )
            except ApplicationError as exc:
                form_apply_error(form, exc)
            else:
                messages.success(request, _("Handover done."))
                return redirect("org:handover_detail", handover_id=handover.pk)
        else:
            confirming = True
    return render(
        request,
        "org/handover.html",
        {
            "employee": employee,
            "form": form,
            "preview": preview,
            "confirming": confirming,
            "total": sum(row["count"] for row in preview),
        },
    )


@require_right("org.manage")
def handover_detail(request: HttpRequest, handover_id: int) -> HttpResponse:
    try:
        handover = selectors.handover_get(user=request.user, handover_id=handover_id)
    except Handover.DoesNotExist:
        raise Http404 from None
    labels = {
        row["key"]: row["label"]
        for row in selectors.handover_preview(employee=handover.from_employee)
    }
    rows = [{"label": labels.get(key, key), "count": n} for key, n in handover.counts.items()]
    return render(request, "org/handover_detail.html", {"handover": handover, "rows": rows})


# --- roles ----------------------------------------------------------------------------


@require_right("org.view")
def role_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "org/role_list.html",
        {"roles": selectors.role_list(), "can_manage": request.user.has_right("org.manage")},
    )


def _role_form_context(form: RoleForm, role: Role | None) -> dict[str, Any]:
    if form.is_bound:
        selected = set(form.data.getlist("rights"))
    else:
        selected = set(form.initial.get("rights", []))
    groups = [
        (group, [{"code": r.code, "label": r.label, "checked": r.code in selected} for r in rights])
        for group, rights in selectors.rights_grouped()
    ]
    return {
        "form": form,
        "role": role,
        "groups": groups,
        "history": history_rows(role) if role else [],
    }


@require_right("org.manage")
def role_create(request: HttpRequest) -> HttpResponse:
    form = RoleForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.role_create(
                actor=request.user,
                code=data["code"],
                name=data["name"],
                scope=data["scope"],
                rights=data["rights"],
                description=data["description"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Role created."))
            return redirect("org:roles")
    return render(request, "org/role_form.html", _role_form_context(form, None))


@require_right("org.manage")
def role_edit(request: HttpRequest, role_id: int) -> HttpResponse:
    role = _role(role_id)
    initial = {
        "name": role.name,
        "description": role.description,
        "scope": role.scope,
        "rights": role.rights,
    }
    form = RoleForm(request.POST or None, creating=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.role_update(
                role=role,
                actor=request.user,
                name=data["name"],
                scope=data["scope"],
                rights=data["rights"],
                description=data["description"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Role saved."))
            return redirect("org:roles")
    return render(request, "org/role_form.html", _role_form_context(form, role))


# --- my API tokens --------------------------------------------------------------------


@require_right("api.use")
def my_tokens(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    form = TokenForm(request.POST or None, initial={"days": settings.XG_API_TOKEN_DAYS})
    raw = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, raw = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            form = TokenForm(initial={"days": settings.XG_API_TOKEN_DAYS})
    response = render(
        request,
        "org/tokens.html",
        {"form": form, "raw_token": raw, "tokens": selectors.api_token_list(user=request.user)},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_right("api.use")
@require_POST
def my_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = selectors.api_token_get(user=request.user, token_id=token_id)
    except ApiToken.DoesNotExist:
        raise Http404 from None
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("org:my_tokens")
