"""Public pool pages (公海, R-CUS-5): the pool list with claims and a manager's bulk
assignment, the rep's warnings, release and lock forms, and the pools' set-up. Thin: the
pool selectors read (members and scope), the pool services write and refuse."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.core.web.listing import sort_columns
from xiaoguan.core.xlsx import xlsx_response
from xiaoguan.customers import selectors
from xiaoguan.customers.models import Customer, Pool
from xiaoguan.customers.selectors import pool as pool_selectors
from xiaoguan.customers.services import pool as pool_services
from xiaoguan.customers.web.pool_forms import (
    AssignForm,
    PoolCreateForm,
    PoolEditForm,
    PoolFilterForm,
    ReasonForm,
    selected_ids,
)
from xiaoguan.org import selectors as org_selectors
from xiaoguan.org.models import User
from xiaoguan.org.scope import can_see

PAGE_SIZE = 25


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _customer(request: HttpRequest, customer_id: int) -> Customer:
    """A customer in the user's scope (the owner's or a manager's view)."""
    try:
        return selectors.customer_get(user=request.user, customer_id=customer_id)
    except Customer.DoesNotExist:
        raise Http404 from None


def _search(request: HttpRequest) -> dict[str, Any]:
    """The pool list's filters (an allow-list) and the result: the pool's customers, or for a
    manager ("view=owned") the customers owned by reps in their scope."""
    user = request.user
    can_assign = user.has_right("customers.pool_assign")
    owners = org_selectors.employee_choices(user=user) if can_assign else User.objects.none()
    form = PoolFilterForm(
        request.GET or None, pools=pool_selectors.pool_choices(user=user), owners=owners
    )
    view, q, filters, sort = "pool", "", {}, ""
    if form.is_valid():
        data = form.cleaned_data
        view = data["view"] or "pool"
        q = data["q"] or ""
        filters = {k: data[k] for k in ("customer_class", "industry", "pool", "owner") if data[k]}
        sort = data["sort"] or ""
    if view == "owned" and can_assign:
        sort = sort if sort in pool_selectors.OWNED_SORTS else "name"
        qs = pool_selectors.owned_customer_list(user=user, q=q, filters=filters, sort=sort)
        columns = sort_columns(sort, ("name", "class", "last_contact"))
    else:
        view = "pool"
        sort = sort if sort in pool_selectors.POOL_SORTS else pool_selectors.POOL_DEFAULT_SORT
        qs = pool_selectors.pool_customer_list(user=user, q=q, filters=filters, sort=sort)
        columns = sort_columns(sort, ("name", "class", "entered"))
    return {
        "qs": qs,
        "filter_form": form,
        "view": view,
        "q": q,
        "sort": sort,
        "columns": columns,
        "can_assign": can_assign,
    }


@require_right("customers.pool")
def pool_list(request: HttpRequest) -> HttpResponse:
    """The pool's customers (limited view for members); a manager also picks customers owned
    by reps in their scope ("view=owned") and assigns the ticked ones in bulk."""
    user = request.user
    found = _search(request)
    page = Paginator(found.pop("qs"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/pool_list.html",
        {
            **found,
            "page": page,
            "can_manage": user.has_right("customers.pool_manage"),
            "member_pools": set(pool_selectors.pool_member_ids(user=user)),
            "assign_form": AssignForm(reps=pool_selectors.assignable_reps(user=user))
            if found["can_assign"]
            else None,
            "next": request.get_full_path(),
        },
    )


@require_right("customers.pool")
def pool_export(request: HttpRequest) -> HttpResponse:
    """The filtered pool list as xlsx, with the same (limited) columns as the page."""
    found = _search(request)
    if found["view"] == "owned":
        columns: list[tuple[Any, Any]] = [
            (_("customer name"), "name"),
            (_("customer class"), "customer_class"),
            (_("region"), "department__name"),
            (_("industry"), "get_industry_display"),
            (_("owner"), lambda c: str(c.owner)),
            (_("last contact"), "last_contact_at"),
            (_("locked against return"), lambda c: c.locked_by_id is not None),
        ]
    else:
        columns = [
            (_("customer name"), "name"),
            (_("customer class"), "customer_class"),
            (_("region"), "department__name"),
            (_("industry"), "get_industry_display"),
            (_("in the pool since"), "pool_entered_at"),
            (_("previous owner"), lambda c: c.previous_owner_name or ""),
        ]
    return xlsx_response(
        filename="customer-pool.xlsx",
        sheet_title=_("Public pool"),
        columns=columns,
        rows=found["qs"],
        actor=request.user,
        request=request,
        what="customers.pool",
    )


@require_right("customers.pool")
@require_POST
def pool_claim(request: HttpRequest, customer_id: int) -> HttpResponse:
    try:
        customer = pool_selectors.pool_customer_get(user=request.user, customer_id=customer_id)
    except Customer.DoesNotExist:
        raise Http404 from None
    try:
        pool_services.customer_claim(customer_id=customer.pk, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(_back(request, reverse("customers:pool_list")))
    messages.success(request, _("%(name)s is now your customer.") % {"name": customer.name})
    return redirect("customers:detail", customer_id=customer.pk)


@require_right("customers.pool")
def pool_release(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The owner gives a customer back to the pool, saying why."""
    customer = _customer(request, customer_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pool_services.customer_release(
                customer_id=customer.pk, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(
                request, _("%(name)s is back in the public pool.") % {"name": customer.name}
            )
            if can_see(customer, request.user):
                return redirect("customers:detail", customer_id=customer.pk)
            return redirect("customers:pool_list")
    return render(request, "customers/pool_release.html", {"form": form, "customer": customer})


@require_right("customers.pool_assign")
@require_POST
def pool_assign(request: HttpRequest) -> HttpResponse:
    """A manager gives the ticked customers to a rep in their scope."""
    user = request.user
    back = _back(request, reverse("customers:pool_list"))
    form = AssignForm(request.POST, reps=pool_selectors.assignable_reps(user=user))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        changed = pool_services.customers_assign(
            customer_ids=selected_ids(request.POST),
            to_owner=form.cleaned_data["owner"],
            actor=user,
            reason=form.cleaned_data["reason"] or "",
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    messages.success(
        request,
        ngettext(
            "%(n)d customer assigned to %(owner)s.",
            "%(n)d customers assigned to %(owner)s.",
            len(changed),
        )
        % {"n": len(changed), "owner": form.cleaned_data["owner"]},
    )
    return redirect(back)


@require_right("customers.pool_assign")
@require_POST
def pool_lock(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    try:
        # The service checks the reason (required, at most 200 characters).
        pool_services.customer_lock(
            customer_id=customer.pk, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Locked: this customer will not return to the pool."))
    return redirect("customers:detail", customer_id=customer.pk)


@require_right("customers.pool_assign")
@require_POST
def pool_unlock(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    try:
        # The service checks the reason (required, at most 200 characters).
        pool_services.customer_unlock(
            customer_id=customer.pk, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Unlocked: the usual return rules apply again."))
    return redirect("customers:detail", customer_id=customer.pk)


@require_right("customers.pool")
def pool_warnings(request: HttpRequest) -> HttpResponse:
    """Customers in the user's scope (a rep: their own) about to return to the pool."""
    qs = pool_selectors.pool_warning_list(user=request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"customer": c, "forecast": pool_selectors.return_forecast(c)} for c in page]
    return render(request, "customers/pool_warnings.html", {"page": page, "rows": rows})


@require_right("customers.pool_manage")
def pool_manage(request: HttpRequest) -> HttpResponse:
    """The pools of the regions, and a new pool for a region without one."""
    form = PoolCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            pool = pool_services.pool_create(
                department=form.cleaned_data["department"],
                actor=request.user,
                name=form.cleaned_data["name"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Pool created; check its members."))
            return redirect("customers:pool_edit", pool_id=pool.pk)
    return render(
        request,
        "customers/pool_manage.html",
        {"pools": pool_selectors.pool_manage_list(user=request.user), "form": form},
    )


@require_right("customers.pool_manage")
def pool_edit(request: HttpRequest, pool_id: int) -> HttpResponse:
    try:
        pool = pool_selectors.pool_manage_get(user=request.user, pool_id=pool_id)
    except Pool.DoesNotExist:
        raise Http404 from None
    form = PoolEditForm(request.POST or None, pool=pool)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pool_services.pool_update(
                pool=pool,
                actor=request.user,
                name=data["name"],
                members=data["members"],
                is_active=data["is_active"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Pool saved."))
            return redirect("customers:pool_manage")
    return render(request, "customers/pool_edit.html", {"form": form, "pool": pool})
