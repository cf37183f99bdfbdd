"""The customer list (R-CUS-1): search, filters, sorting, saved filters and the xlsx export
of exactly what is filtered. Thin: the selector reads (scoped), the services write.

Pagination does not count every matching row: the page fetches one row more than it shows
(to know whether there is a next page); the first page counts the matches only up to
``COUNT_CAP`` (shown as "more than 1,000"), deeper pages show "page N" with previous / next
(and the last page knows its total). A full ``COUNT(*)`` of a manager's region cost as much
as the page itself and grows with the table; see docs/benchmarks.md."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.listing import sort_columns
from xiaoguan.core.xlsx import xlsx_response
from xiaoguan.customers import divisions, selectors
from xiaoguan.customers.models import Customer, SavedFilter
from xiaoguan.customers.selectors import savedfilters as saved_selectors
from xiaoguan.customers.services import savedfilters as saved_services
from xiaoguan.customers.web.forms import CustomerFilterForm
from xiaoguan.org import selectors as org_selectors

PAGE_SIZE = 25
COUNT_CAP = 1000
MAX_PAGE = 10_000
SAVED_PAGE = "customers"
# Sortable column headers; the selector's allow-list decides what is valid.
SORT_COLUMNS = ("name", "created", "class", "last_contact")


@dataclass
class ListPage:
    """One page of a list without a full count (see the module's docstring)."""

    object_list: list[Any]
    number: int
    has_next: bool
    count: int | None
    count_capped: bool

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.object_list else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + len(self.object_list)


def page_number(raw: str | None) -> int:
    try:
        number = int(raw or 1)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


def list_page(qs, number: int, *, size: int = PAGE_SIZE, cap: int = COUNT_CAP) -> ListPage:
    """Rows ``size`` of page ``number`` (one more fetched to know if a next page exists) and
    the number of rows counted up to ``cap``: two statements whatever the table's size."""
    start = (number - 1) * size
    rows = list(qs[start : start + size + 1])
    has_next = len(rows) > size
    rows = rows[:size]
    if not has_next:
        count = start + len(rows)  # the last page: no need to count
    elif number == 1:
        count = qs.order_by().values("pk")[: cap + 1].count()
    else:
        count = None  # deeper pages show "page N" and previous / next only
    return ListPage(
        object_list=rows,
        number=number,
        has_next=has_next,
        count=None if count is None else min(count, cap),
        count_capped=count is not None and count > cap,
    )


def _choices(user) -> dict[str, list[tuple[int, str]]]:
    owners = [
        (u.pk, str(u))
        for u in org_selectors.employee_choices(user=user).only(
            "pk", "full_name", "username", "department__path"
        )
    ]
    regions = [
        (d.pk, "\u3000" * max(d.depth - 1, 0) + d.name)
        for d in org_selectors.department_choices(user=user).only("pk", "name", "depth", "path")
    ]
    return {"owners": owners, "regions": regions}


def filter_form(request: HttpRequest, data=None) -> CustomerFilterForm:
    return CustomerFilterForm(
        data if data is not None else (request.GET or None), **_choices(request.user)
    )


def search(request: HttpRequest, data=None) -> tuple[Any, dict[str, Any]]:
    """The list's filters (an allow-list) and the scoped, sorted result."""
    form = filter_form(request, data)
    q, filters, sort = "", {"active": "active"}, selectors.DEFAULT_SORT
    if form.is_bound:
        form.is_valid()
        # The valid fields count even when another one is not (it is shown as ignored).
        cleaned = form.cleaned_data
        q = cleaned.get("q") or ""
        filters = {k: cleaned.get(k) for k in selectors.LIST_FILTER_KEYS if cleaned.get(k)}
        filters.setdefault("active", "active")
        if cleaned.get("sort") in selectors.SORTS:
            sort = cleaned["sort"]
    qs = selectors.customer_list(user=request.user, q=q, filters=filters, sort=sort)
    return qs, {"filter_form": form, "q": q, "sort": sort, "filters": filters}


@require_right("customers.view")
def customer_list(request: HttpRequest) -> HttpResponse:
    qs, chosen = search(request)
    page = list_page(qs, page_number(request.GET.get("page")))
    sort = chosen["sort"]
    columns = sort_columns(sort, SORT_COLUMNS)
    current = saved_services.clean_query(
        request.GET.urlencode(), allowed=CustomerFilterForm.base_fields
    )
    return render(
        request,
        "customers/customer_list.html",
        {
            "page": page,
            "columns": columns,
            "can_edit": request.user.has_right("customers.edit"),
            "tags": selectors.tag_choices(),
            "saved_filters": list(
                saved_selectors.saved_filters(user=request.user, page=SAVED_PAGE)
            ),
            "current_query": current,
            "more_filters": any(
                chosen["filters"].get(k)
                for k in (
                    "region",
                    "province",
                    "source",
                    "industry",
                    "contact_after",
                    "contact_before",
                    "never_contacted",
                    "tag",
                    "tags",
                )
            )
            or chosen["filters"].get("active") != "active",
            **chosen,
        },
    )


def _address(customer: Customer) -> str:
    return divisions.full_address(
        customer.province, customer.city, customer.district, customer.street
    )


@require_right("customers.view")
def customer_export(request: HttpRequest) -> HttpResponse:
    """The filtered customer list as xlsx: exactly the rows the list shows, all pages."""
    qs, _chosen = search(request)
    return xlsx_response(
        filename="customers.xlsx",
        sheet_title=_("Customers"),
        columns=[
            (_("customer name"), "name"),
            (_("unified social credit code"), "credit_code"),
            (_("customer class"), "get_customer_class_display"),
            (_("grade"), "get_grade_display"),
            (_("phone"), "phone"),
            (_("address"), _address),
            (_("industry"), "get_industry_display"),
            (_("source channel"), "get_source_display"),
            (_("referrer"), "referrer"),
            (_("tags"), lambda c: "、".join(t.name for t in c.tags.all())),
            (_("owner"), lambda c: str(c.owner) if c.owner_id else ""),
            (_("department"), "department__name"),
            (_("last contact"), "last_contact_at"),
            (_("created"), "created_at"),
            (_("active"), "is_active"),
        ],
        rows=qs,
        actor=request.user,
        request=request,
        what="customers.customers",
    )


# --- saved filters ---------------------------------------------------------------------


@require_right("customers.view")
@require_POST
def saved_filter_create(request: HttpRequest) -> HttpResponse:
    query = request.POST.get("query", "")
    try:
        saved = saved_services.saved_filter_save(
            user=request.user,
            page=SAVED_PAGE,
            name=request.POST.get("name", ""),
            query=query,
            allowed=CustomerFilterForm.base_fields,
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(f"{reverse('customers:list')}?{query}" if query else "customers:list")
    messages.success(request, _("Filter saved."))
    return redirect(f"{reverse('customers:list')}?{saved.query}")


@require_right("customers.view")
def saved_filter_use(request: HttpRequest, filter_id: int) -> HttpResponse:
    """Open the list with a saved filter; its query is validated again by the filter form
    and only the valid, allow-listed values are used."""
    try:
        saved = saved_selectors.saved_filter_get(user=request.user, filter_id=filter_id)
    except SavedFilter.DoesNotExist:
        raise Http404 from None
    form = filter_form(request, QueryDict(saved.query))
    form.is_valid()
    valid = {k: v for k, v in form.data.lists() if k in form.fields and k not in form.errors}
    data = QueryDict(mutable=True)
    for key, values in valid.items():
        data.setlist(key, values)
    query = saved_services.clean_query(data.urlencode(), allowed=CustomerFilterForm.base_fields)
    if form.errors:
        messages.warning(request, _("Some values of this saved filter no longer apply."))
    return redirect(f"{reverse('customers:list')}?{query}&saved={saved.pk}")


@require_right("customers.view")
@require_POST
def saved_filter_delete(request: HttpRequest, filter_id: int) -> HttpResponse:
    try:
        saved_services.saved_filter_delete(user=request.user, filter_id=filter_id)
    except ApplicationError:
        raise Http404 from None
    messages.success(request, _("Saved filter deleted."))
    return redirect("customers:list")
