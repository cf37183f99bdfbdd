"""Fixtures shared by every test: a small company with one employee per role.

HQ (company)
├── SC  sales centre          director (sales_director), assistant (sales_assistant)
│   ├── R-E  East region       mgr_east (sales_manager, head)
│   │   ├── T-E1  team          rep_e1 (sales_rep), rep_e1b (sales_rep)
│   │   └── T-E2  team          rep_e2 (sales_rep)
│   └── R-W  West region       mgr_west (sales_manager, head), rep_w1 (sales_rep)
├── LEG legal                 legal1 (legal)
├── FIN finance               finance1 (finance)
├── LOG logistics             logistics1 (logistics)
├── SVC after-sales           service1 (after_sales)
├── MKT marketing             marketing1 (marketing)
└── HR  human resources       hr1 (hr)
gm (management) at HQ
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pytest

os.environ.setdefault("XG_MODE", "test")

PASSWORD = "correct horse battery staple"


@dataclass
class Company:
    depts: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)

    def __getattr__(self, name):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def build_company():
    from xiaoguan.org.enums import DepartmentKind as K
    from xiaoguan.org.models import Department
    from xiaoguan.org.tests.factories import UserFactory, department_create

    c = Company()
    d = c.depts
    d["HQ"] = department_create(name="总公司", code="HQ", kind=K.COMPANY)
    d["SC"] = department_create(name="销售中心", code="SC", kind=K.SALES_CENTRE, parent=d["HQ"])
    d["R-E"] = department_create(name="华东区", code="R-E", kind=K.REGION, parent=d["SC"])
    d["T-E1"] = department_create(name="华东一组", code="T-E1", kind=K.TEAM, parent=d["R-E"])
    d["T-E2"] = department_create(name="华东二组", code="T-E2", kind=K.TEAM, parent=d["R-E"])
    d["R-W"] = department_create(name="西部区", code="R-W", kind=K.REGION, parent=d["SC"])
    for code, name, kind in [
        ("LEG", "法务部", K.LEGAL),
        ("FIN", "财务部", K.FINANCE),
        ("LOG", "物流部", K.LOGISTICS),
        ("SVC", "售后服务部", K.AFTER_SALES),
        ("MKT", "市场部", K.MARKETING),
        ("HR", "人力资源部", K.HR),
    ]:
        d[code] = department_create(name=name, code=code, kind=kind, parent=d["HQ"])
    for key in list(d):
        d[key] = Department.objects.get(pk=d[key].pk)

    def user(username, dept, roles, manager=None):
        u = UserFactory(
            username=username,
            full_name=username,
            department=d[dept],
            manager=manager,
            roles=roles,
            password=PASSWORD,
        )
        c.users[username] = u
        return u

    gm = user("gm", "HQ", ["management"])
    director = user("director", "SC", ["sales_director"], gm)
    user("assistant", "SC", ["sales_assistant"], director)
    mgr_east = user("mgr_east", "R-E", ["sales_manager"], director)
    mgr_west = user("mgr_west", "R-W", ["sales_manager"], director)
    user("rep_e1", "T-E1", ["sales_rep"], mgr_east)
    user("rep_e1b", "T-E1", ["sales_rep"], mgr_east)
    user("rep_e2", "T-E2", ["sales_rep"], mgr_east)
    user("rep_w1", "R-W", ["sales_rep"], mgr_west)
    user("legal1", "LEG", ["legal"], gm)
    user("finance1", "FIN", ["finance"], gm)
    user("logistics1", "LOG", ["logistics"], gm)
    user("service1", "SVC", ["after_sales"], gm)
    user("marketing1", "MKT", ["marketing"], gm)
    user("hr1", "HR", ["hr"], gm)
    heads = {
        "HQ": gm,
        "SC": director,
        "R-E": mgr_east,
        "R-W": mgr_west,
        "LEG": c.users["legal1"],
        "FIN": c.users["finance1"],
        "HR": c.users["hr1"],
    }
    for code, head in heads.items():
        Department.objects.filter(pk=d[code].pk).update(head=head)
        d[code].refresh_from_db()
    return c


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Policy values and per-user panel counts are cached; a test's rollback does not clear
    the cache, so every test starts with an empty one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def company(db):
    """A fresh small company (see the module docstring)."""
    return build_company()


@pytest.fixture
def login(client):
    """Sign a test client in as a user: ``login(company.rep_e1)``."""

    def _login(user, c=None):
        c = c or client
        c.force_login(user)
        return c

    return _login


def pytest_collection_modifyitems(config, items):
    """``postgres`` tests need row locks and real concurrency: they run when the suite runs
    on PostgreSQL (DATABASE_URL) and are skipped, saying so, on SQLite."""
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)


def race(calls):
    """Run the calls at the same moment in threads (each with its own database connection);
    return each one's result or the exception it raised. For the row-lock tests
    (``@pytest.mark.postgres``, ``django_db(transaction=True)``)."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
