"""The access-control harness: every page and API route, as a user of each role.

It walks the URL configuration (new routes are picked up by themselves) and fails on
- a 500 anywhere;
- a page answering 200 to a role that lacks the right the view declares (``required_right``);
- a page or API route that answers a signed-out visitor with anything but a redirect to the
  login page (pages) or 401 (API);
- the marker of an out-of-scope record ("CANARY") in any response to a user whose data scope
  excludes it (lists, details, exports, counts, API).

Routes with URL parameters get the ids of the out-of-scope canary records; a parameter name
the harness does not know fails the test, naming the route, so that whoever adds a route
adds its provider here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

MARKER = "CANARY"

# Roles whose scope excludes the West region where every canary lives.
NARROW = ["rep_e1", "mgr_east", "assistant", "marketing1"]
ALL_ROLES = [
    "gm",
    "director",
    "assistant",
    "mgr_east",
    "rep_e1",
    "legal1",
    "finance1",
    "logistics1",
    "service1",
    "marketing1",
    "hr1",
]
PUBLIC_PAGES = {"login", "set_language", "healthz"}
PUBLIC_API_SUFFIXES = ("docs", "openapi.json")


@dataclass
class Route:
    route: str
    name: str | None
    callback: Callable[..., Any]
    params: list[str]

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")


def _walk(patterns, prefix: str = "") -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            params = list(p.pattern.converters.keys()) if hasattr(p.pattern, "converters") else []
            if not params and hasattr(p.pattern, "regex"):
                params = list(p.pattern.regex.groupindex)
            yield Route(route=route, name=p.name, callback=p.callback, params=params)


def all_routes() -> list[Route]:
    return [
        r
        for r in _walk(get_resolver().url_patterns)
        if not r.route.startswith(("static/", "media/"))
    ]


def _fill(route: Route, values: dict[str, Any]) -> str:
    path = route.route
    import re

    path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: str(values[m.group(2)]), path)
    path = path.replace("^", "").replace("$", "")
    return "/" + path


@pytest.fixture
def canaries(company):
    """Records of the West region, each carrying the marker, and the values of URL parameters."""
    from conftest import PASSWORD
    from xg_testapp.models import Expense
    from xiaoguan.core.models import Notification
    from xiaoguan.org.models import ApiToken, Department, Handover, Role
    from xiaoguan.org.tests.factories import UserFactory, department_create

    d = company.depts
    dept = department_create(name=f"{MARKER}-DEPT", code="T-CANARY", parent=d["R-W"])
    dept = Department.objects.get(pk=dept.pk)
    emp = UserFactory(
        username="canary_w",
        full_name=f"{MARKER}-EMP",
        department=dept,
        manager=company.mgr_west,
        roles=["sales_rep"],
        password=PASSWORD,
    )
    emp2 = UserFactory(
        username="canary_w2",
        full_name=f"{MARKER}-EMP2",
        department=dept,
        manager=company.mgr_west,
        roles=["sales_rep"],
        password=PASSWORD,
    )
    expense = Expense.objects.create(
        owner=emp, department=dept, title=f"{MARKER}-EXPENSE", amount="123.45"
    )
    note = Notification.objects.create(recipient=emp, kind="test", title=f"{MARKER}-NOTE")
    from django.utils import timezone

    token = ApiToken.objects.create(
        user=emp,
        name=f"{MARKER}-TOKEN",
        prefix="xgcanary",
        digest="0" * 64,
        expires_at=timezone.now() + timezone.timedelta(days=1),
    )
    handover = Handover.objects.create(
        from_employee=emp2,
        to_employee=emp,
        performed_by=company.gm,
        note=f"{MARKER}-HANDOVER",
        counts={},
    )
    values: dict[str, Any] = {
        "department_id": dept.pk,
        "employee_id": emp.pk,
        "user_id": emp.pk,
        "expense_id": expense.pk,
        "notification_id": note.pk,
        "token_id": token.pk,
        "handover_id": handover.pk,
        "role_id": Role.objects.get(code="sales_rep").pk,
        "key": "inbox.email_copies",
        "section": "0",
    }
    values.update(_approval_canaries(company, expense, emp))
    values.update(_customer_canaries(emp))
    values.update(_provider_canaries(company, emp, values))
    return values


def _provider_canaries(company, emp, values: dict[str, Any]) -> dict[str, Any]:
    """Canaries of the later apps: each module in ``tests/security/canary_providers/`` has
    ``provide(company=..., emp=..., values=...) -> dict`` creating West records that carry the
    marker and returning the URL parameter values that reach them."""
    import importlib
    import pkgutil

    from security import canary_providers

    extra: dict[str, Any] = {}
    for info in sorted(pkgutil.iter_modules(canary_providers.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"security.canary_providers.{info.name}")
        extra.update(module.provide(company=company, emp=emp, values={**values, **extra}))
    return extra


def _customer_canaries(emp) -> dict[str, Any]:
    """A customer of the canary employee, with a contact person."""
    from xiaoguan.customers import services as customers

    customer = customers.customer_create(
        actor=emp, data=customers.CustomerData(name=f"{MARKER}-CUSTOMER", phone="028-66668888")
    )
    contact = customers.contact_create(
        customer=customer, actor=emp, data=customers.ContactData(name=f"{MARKER}-CONTACT")
    )
    return {"customer_id": customer.pk, "contact_id": contact.pk}


def _approval_canaries(company, expense, emp) -> dict[str, Any]:
    """A request of the canary employee waiting for the West manager, and a delegation."""
    try:
        from xiaoguan.approvals import models as am
        from xiaoguan.approvals import services as asvc
    except ImportError:
        return {}
    values: dict[str, Any] = {}
    chain = am.ApprovalChain.objects.filter(doc_type="expense").first()
    if chain is None and hasattr(asvc, "approval_chain_create"):
        try:
            chain = asvc.approval_chain_create(
                doc_type="expense",
                name="expense chain",
                actor=company.gm,
                steps=[{"name": "manager", "rule": "owner_manager", "mode": "any"}],
            )
        except TypeError:
            chain = None
    if chain is not None:
        values["chain_id"] = chain.pk
        step = chain.steps.first()
        if step is not None:
            values["step_id"] = step.pk
        request = asvc.approval_request_create(
            subject=expense, doc_type="expense", requested_by=emp
        )
        values["request_id"] = request.pk
        task = request.tasks.first()
        if task is not None:
            values["task_id"] = task.pk
    from datetime import date, timedelta

    if hasattr(am, "Delegation"):
        delegation = (
            am.Delegation.objects.create(
                from_user=emp,
                to_user=company.rep_w1,
                start_date=date.today(),
                end_date=date.today() + timedelta(days=3),
            )
            if {f.name for f in am.Delegation._meta.fields}
            >= {"from_user", "to_user", "start_date", "end_date"}
            else None
        )
        if delegation is not None:
            values["delegation_id"] = delegation.pk
    return values


def _required_right(callback) -> tuple[bool, str | None]:
    return getattr(callback, "login_required", None), getattr(callback, "required_right", None)


def test_every_page_declares_its_access_rule():
    # Each page says whether it needs a sign-in and which right; the API has its own auth.
    undeclared = [
        r.route for r in all_routes() if not r.is_api and _required_right(r.callback)[0] is None
    ]
    assert undeclared == []


def test_harness_walks_the_routes_of_every_app():
    routes = {r.route for r in all_routes()}
    assert len(routes) >= 20
    for prefix in (
        "org/",
        "approvals/",
        "customers/",
        "api/v1/org/",
        "api/v1/approvals/",
        "api/v1/customers/",
        "policy/",
        "audit/",
        "inbox/",
    ):
        assert any(r.startswith(prefix) for r in routes), prefix


def test_signed_out_visitors_get_the_login_page_or_401(client, canaries):
    problems = []
    for route in all_routes():
        missing = [p for p in route.params if p not in canaries]
        assert not missing, f"add a harness provider for {missing} (route {route.route})"
        url = _fill(route, canaries)
        response = client.get(url)
        if route.is_api:
            if url.rstrip("/").endswith(PUBLIC_API_SUFFIXES) or url == "/api/v1/":
                continue
            if response.status_code == 405:  # a POST-only operation: it must refuse a stranger too
                response = client.post(url, data="{}", content_type="application/json")
            if response.status_code != 401:
                problems.append((url, response.status_code))
        elif route.name not in PUBLIC_PAGES:
            to_login = response.status_code == 302 and "/login/" in response["Location"]
            if not (to_login or response.status_code == 405):
                problems.append((url, response.status_code))
    assert problems == []


@pytest.mark.parametrize("username", ALL_ROLES)
def test_each_role_reaches_only_what_its_rights_allow_and_sees_only_its_scope(
    client, canaries, company, username
):
    user = company.users[username]
    client.force_login(user)
    problems = []
    for route in all_routes():
        url = _fill(route, canaries)
        response = client.get(url)
        status = response.status_code
        if status >= 500:
            problems.append((url, status, "server error"))
            continue
        _login, right = _required_right(route.callback)
        if not route.is_api and right and not user.has_right(right) and status == 200:
            problems.append((url, status, f"reachable without right {right}"))
        if username in NARROW and MARKER.encode() in _body(response):
            problems.append((url, status, "out-of-scope record in the response"))
    assert problems == []


def _body(response) -> bytes:
    """The response as text to search; an xlsx export is unpacked and its cells joined."""
    raw = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    if "spreadsheetml" in response.get("Content-Type", ""):
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(raw), read_only=True)
        cells = [
            str(c)
            for ws in book.worksheets
            for row in ws.iter_rows(values_only=True)
            for c in row
            if c
        ]
        return "\n".join(cells).encode()
    return raw
