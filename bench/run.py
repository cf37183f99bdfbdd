"""The benchmark runner: the real server (gunicorn) on loopback, concurrent signed-in
clients, latency percentiles and throughput per page, SQL queries per page, and for each page
a hand-written SQL "floor" (the least work that answers the page's question) to compare with.

Scenarios are registered in ``SCENARIOS``; later issues add their list pages, API lists and
reports with their floors. Everything is bounded (requests, seconds) and stops by itself.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
FLOOR_RUNS = 300
SERIAL_REQUESTS = 50
WARMUP_PER_CLIENT = 2
# p95 at 20 clients (docs/benchmarks.md); the duplicate check is in-process, one caller.
BUDGETS_MS = {
    "dashboard": 150.0,
    "customers_rep": 150.0,
    "customers_rep_p10": 150.0,
    "customers_manager": 150.0,
    "customers_manager_p50": 150.0,
    "customers_rep_contact": 150.0,
    "customers_manager_contact": 150.0,
    "customers_manager_contact_p50": 150.0,
    "customer_dup_check": 50.0,
}
DUP_CHECK_RUNS = 200
CUSTOMER_PAGE_SIZE = 25  # customers.web.list_views.PAGE_SIZE
CUSTOMER_COUNT_CAP = 1000  # customers.web.list_views.COUNT_CAP


# --- statistics -------------------------------------------------------------------------


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile of samples (seconds) in milliseconds."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1] * 1000


@dataclass
class Result:
    name: str
    description: str
    path: str = ""
    clients: int = 0
    samples: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    wall_seconds: float = 0.0
    serial_samples: list[float] = field(default_factory=list)
    queries: int | None = None
    floor_samples: list[float] = field(default_factory=list)
    floor_sql: list[str] = field(default_factory=list)
    notes: str = ""

    def summary(self) -> dict:
        p50 = percentile(self.samples, 50)
        floor = percentile(self.floor_samples, 50) if self.floor_samples else None
        out = {
            "name": self.name,
            "description": self.description,
            "path": self.path,
            "clients": self.clients,
            "requests": len(self.samples),
            "errors": self.errors,
            "error_kinds": self.error_kinds,
            "wall_seconds": round(self.wall_seconds, 2),
            "throughput_rps": round(len(self.samples) / self.wall_seconds, 1)
            if self.wall_seconds
            else None,
            "p50_ms": round(p50, 1),
            "p95_ms": round(percentile(self.samples, 95), 1),
            "p99_ms": round(percentile(self.samples, 99), 1),
            "serial_p50_ms": round(percentile(self.serial_samples, 50), 1)
            if self.serial_samples
            else None,
            "sql_queries": self.queries,
            "floor_p50_ms": round(floor, 3) if floor is not None else None,
            "ratio_p50_to_floor": round(p50 / floor, 1) if floor else None,
            "floor_sql": self.floor_sql,
            "notes": self.notes,
        }
        budget = BUDGETS_MS.get(self.name)
        if budget is not None:
            out["budget_p95_ms"] = budget
            out["within_budget"] = out["p95_ms"] <= budget and self.errors == 0
        return out


# --- the server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving the app on 127.0.0.1, as ``xiaoguan serve --no-migrate`` does."""

    def __init__(self, workers: int, threads: int):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.workers, self.threads = workers, threads
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed in __exit__)
            prefix="xg-bench-server-", suffix=".log", delete=False
        )
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        env = os.environ.copy()
        env.setdefault("LOG_LEVEL", "WARNING")
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "xiaoguan.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            # gunicorn >= 25 opens a control socket under $HOME; a bench server needs none
            # (and must not take over the socket of a server already running there).
            "--no-control-socket",
        ]
        self.process = subprocess.Popen(
            cmd, env=env, cwd=PROJECT_DIR, stdout=self.log, stderr=subprocess.STDOUT
        )
        self._wait_ready(timeout=30)
        return self

    def _wait_ready(self, timeout: float) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        self.__exit__(None, None, None)
        raise RuntimeError(f"the server did not start; see {self.log.name}")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()


# --- clients ----------------------------------------------------------------------------


def sign_in(client, username: str, password: str) -> float:
    """GET the sign-in page and POST the form; returns seconds for the round trip."""
    client.cookies.clear()
    started = time.perf_counter()
    client.get("/login/")
    token = client.cookies.get("csrftoken", "")
    response = client.post(
        "/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": token,
            "next": "/",
        },
    )
    elapsed = time.perf_counter() - started
    if response.status_code != 302 or not client.cookies.get("sessionid"):
        raise RuntimeError(f"sign-in of {username} failed: HTTP {response.status_code}")
    return elapsed


def measure_logins(
    clients: list, users: list[str], password: str, per_client: int, result: Result
) -> None:
    def work(i: int) -> list[float]:
        return [sign_in(clients[i], users[i], password) for _ in range(per_client)]

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        for samples in pool.map(work, range(len(clients))):
            result.samples.extend(samples)
    result.wall_seconds = time.perf_counter() - started
    result.clients = len(clients)


def measure_page(
    clients: list, path: str, max_requests: int, max_seconds: float, result: Result
) -> None:
    """Every client requests the page in a loop until the shared request budget or the time
    limit is used up."""
    for _ in range(SERIAL_REQUESTS):  # one client alone: the latency without queueing
        t0 = time.perf_counter()
        clients[0].get(path)
        result.serial_samples.append(time.perf_counter() - t0)
    result.serial_samples = result.serial_samples[WARMUP_PER_CLIENT:]
    for c in clients:  # warm-up (templates, kept-alive connections); not recorded
        for _ in range(WARMUP_PER_CLIENT):
            c.get(path)

    lock = threading.Lock()
    issued = [0]
    deadline = time.perf_counter() + max_seconds

    def work(client) -> tuple[list[float], list[str]]:
        samples, errors = [], []
        while time.perf_counter() < deadline:
            with lock:
                if issued[0] >= max_requests:
                    break
                issued[0] += 1
            t0 = time.perf_counter()
            try:
                status = str(client.get(path).status_code)
            except Exception as exc:  # counted and reported, never hidden
                status = type(exc).__name__
            samples.append(time.perf_counter() - t0)
            if status != "200":
                errors.append(status)
        return samples, errors

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        for samples, errors in pool.map(work, clients):
            result.samples.extend(samples)
            result.errors += len(errors)
            for kind in errors:
                result.error_kinds[kind] = result.error_kinds.get(kind, 0) + 1
    result.wall_seconds = time.perf_counter() - started
    result.clients = len(clients)


# --- in-process: SQL queries per page and the floors --------------------------------------


def count_queries(path: str, user) -> int:
    """SQL statements the page runs for one signed-in user (second request: warm caches)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} in-process")
    return len(ctx.captured_queries)


def time_floor(statements: list[tuple[str, list]]) -> list[float]:
    """Run the hand-written statements FLOOR_RUNS times on one connection; seconds per run."""
    from django.db import connection

    samples = []
    with connection.cursor() as cursor:
        for i in range(FLOOR_RUNS + 20):
            t0 = time.perf_counter()
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()
            if i >= 20:  # the first runs warm the plan cache
                samples.append(time.perf_counter() - t0)
    return samples


def _tables() -> dict[str, str]:
    from xiaoguan.core.models import Notification
    from xiaoguan.customers.models import Customer, Tag
    from xiaoguan.org.models import Department, Role, User

    return {
        "customer": Customer._meta.db_table,
        "customer_tags": Customer.tags.through._meta.db_table,
        "tag": Tag._meta.db_table,
        "department": Department._meta.db_table,
        "notification": Notification._meta.db_table,
        "user": User._meta.db_table,
        "role": Role._meta.db_table,
        "user_roles": User.roles.through._meta.db_table,
    }


def floor_dashboard(user) -> list[tuple[str, list]]:
    """The dashboard's question: how many unread notifications, the five latest, and which
    roles (rights, scope) the user holds."""
    t = _tables()
    return [
        (
            f"SELECT count(*) FROM {t['notification']} WHERE recipient_id = %s AND read_at IS NULL",
            [user.pk],
        ),
        (
            f"SELECT id, title, url, created_at FROM {t['notification']} WHERE recipient_id = %s "
            "AND read_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 5",
            [user.pk],
        ),
        (
            f"SELECT r.code, r.name, r.scope, r.rights FROM {t['role']} r "
            f"JOIN {t['user_roles']} ur "
            "ON ur.role_id = r.id WHERE ur.user_id = %s",
            [user.pk],
        ),
    ]


def floor_inbox(user) -> list[tuple[str, list]]:
    """The inbox's question: the first page (30) of unread notifications and their count."""
    t = _tables()
    return [
        (
            f"SELECT count(*) FROM {t['notification']} WHERE recipient_id = %s AND read_at IS NULL",
            [user.pk],
        ),
        (
            f"SELECT id, kind, title, url, created_at, read_at FROM {t['notification']} "
            "WHERE recipient_id = %s "
            "AND read_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 30",
            [user.pk],
        ),
    ]


def floor_login(user) -> list[tuple[str, list]]:
    """Signing in: find the account by name (the Argon2 check is timed separately)."""
    t = _tables()
    return [
        (f"SELECT id, password, is_active FROM {t['user']} WHERE username = %s", [user.username])
    ]


def _roles_statement(user) -> tuple[str, list]:
    t = _tables()
    return (
        f"SELECT r.code, r.scope, r.rights FROM {t['role']} r JOIN {t['user_roles']} ur "
        "ON ur.role_id = r.id WHERE ur.user_id = %s",
        [user.pk],
    )


def _customer_scope_sql(user) -> tuple[str, list]:
    """The WHERE of org.scope.visible() for customers, written by hand: own customers, or own
    plus the department subtree's (materialized path prefix)."""
    from xiaoguan.org.enums import DataScope

    t = _tables()
    scope = user.data_scope
    if scope == DataScope.ALL:
        return "TRUE", []
    if scope == DataScope.OWN or user.department is None:
        return "c.owner_id = %s", [user.pk]
    if scope == DataScope.DEPARTMENT:
        return "(c.owner_id = %s OR c.department_id = %s)", [user.pk, user.department_id]
    return (
        f"(c.owner_id = %s OR c.department_id = ANY(ARRAY(SELECT id FROM {t['department']} "
        "WHERE path LIKE %s)))",
        [user.pk, user.department.path + "%"],
    )


def _customer_list_floor(user, *, where: str, params: list, order: str, page: int):
    """One page (with the owner's name, one row more to know whether a next page exists) +
    the page's tags + the user's roles; on the first page also the count, capped as the page
    caps it (customers.web.list_views.list_page)."""
    from django.db import connection

    t = _tables()
    scope_sql, scope_params = _customer_scope_sql(user)
    where_sql = f"{scope_sql} AND c.is_active AND {where}"
    all_params = [*scope_params, *params]
    page_sql = (
        f"SELECT c.id, c.name, c.customer_class, c.phone, c.industry, c.is_active, "
        f"c.last_contact_at, c.created_at, u.full_name FROM {t['customer']} c "
        f"LEFT JOIN {t['user']} u ON u.id = c.owner_id WHERE {where_sql} ORDER BY {order} "
        f"LIMIT {CUSTOMER_PAGE_SIZE + 1} OFFSET {(page - 1) * CUSTOMER_PAGE_SIZE}"
    )
    with connection.cursor() as cursor:
        cursor.execute(page_sql, all_params)
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        raise RuntimeError(f"the customer list of {user.username} has no page {page}")
    count = (
        [
            (
                f"SELECT count(*) FROM (SELECT c.id FROM {t['customer']} c WHERE {where_sql} "
                f"LIMIT {CUSTOMER_COUNT_CAP + 1}) s",
                all_params,
            )
        ]
        if page == 1
        else []
    )
    return [
        _roles_statement(user),
        *count,
        (page_sql, all_params),
        (
            f"SELECT ct.customer_id, g.id, g.name FROM {t['customer_tags']} ct "
            f"JOIN {t['tag']} g ON g.id = ct.tag_id WHERE ct.customer_id = ANY(%s)",
            [ids],
        ),
    ]


def floor_customers_rep(page: int) -> Callable:
    def floor(user):
        return _customer_list_floor(
            user, where="TRUE", params=[], order="c.name_normalized, c.id", page=page
        )

    floor.__doc__ = f"A rep's own active customers by name, page {page} of 25, and the count."
    return floor


def floor_customers_manager(page: int) -> Callable:
    def floor(user):
        return _customer_list_floor(
            user,
            where="c.customer_class = %s",
            params=[MANAGER_CLASS],
            order="c.created_at DESC, c.id DESC",
            page=page,
        )

    floor.__doc__ = (
        f"A region manager's subtree, class {MANAGER_CLASS}, newest first, page {page}, count."
    )
    return floor


def floor_customers_contact(page: int) -> Callable:
    def floor(user):
        return _customer_list_floor(
            user,
            where="c.last_contact_at >= %s",
            params=[_contact_since()],
            order="c.last_contact_at DESC, c.id DESC",
            page=page,
        )

    floor.__doc__ = (
        f"Customers contacted in the last {CONTACT_DAYS} days, latest contact first, page {page}."
    )
    return floor


def _contact_since():
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    day = timezone.localdate() - timedelta(days=CONTACT_DAYS)
    return timezone.make_aware(datetime.combine(day, time.min))


def _contact_path(page: int = 1) -> str:
    from datetime import date, timedelta

    since = (date.today() - timedelta(days=CONTACT_DAYS)).isoformat()
    suffix = f"&page={page}" if page > 1 else ""
    return f"/customers/?contact_after={since}&sort=-last_contact{suffix}"


def floor_dup_check(user) -> list[tuple[str, list]]:
    """The duplicate check's question: any customer with this credit code, normalised name or
    normalised phone (R-CUS-2)."""
    from xiaoguan.customers.normalise import normalise_name, normalise_phone

    t = _tables()
    name, code, phone = _new_customer_data(0)
    return [
        (
            f"SELECT id, name, credit_code, name_normalized, phone_normalized, owner_id "
            f"FROM {t['customer']} WHERE credit_code = %s OR name_normalized = %s "
            "OR phone_normalized = %s ORDER BY id LIMIT 50",
            [code, normalise_name(name), normalise_phone(phone)],
        )
    ]


def _new_customer_data(i: int) -> tuple[str, str, str]:
    """A name, credit code and phone that no bench customer has (the common case on entry)."""
    from xiaoguan.customers.normalise import credit_code_check_char

    first17 = f"91330106Y{i:08d}"
    return (
        f"杭州新测{i:05d}消防器材有限公司",
        first17 + credit_code_check_char(first17),
        f"0571-{60_000_000 + i}",
    )


def measure_dup_check(result: Result) -> None:
    """The selector the create service calls first (customers.services._ensure_unique):
    in-process, one caller, a different new customer each run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xiaoguan.customers.selectors import customer_duplicates

    def check(i: int) -> list:
        name, code, phone = _new_customer_data(i)
        return customer_duplicates(name=name, credit_code=code, phone=phone)

    for i in range(20):  # warm-up, not recorded
        check(10_000 + i)
    started = time.perf_counter()
    for i in range(DUP_CHECK_RUNS):
        t0 = time.perf_counter()
        found = check(i)
        result.samples.append(time.perf_counter() - t0)
        if found:
            result.errors += 1
            result.error_kinds["unexpected duplicate"] = (
                result.error_kinds.get("unexpected duplicate", 0) + 1
            )
    result.wall_seconds = time.perf_counter() - started
    result.clients = 1
    with CaptureQueriesContext(connection) as ctx:
        check(0)
    result.queries = len(ctx.captured_queries)
    result.notes = f"in-process, {DUP_CHECK_RUNS} runs of customer_duplicates() with new data"


REP_PAGE = 10  # a rep owns ~500 customers (~19 pages of 25): page 50 does not exist
MANAGER_PAGE = 50
MANAGER_CLASS = "B"  # ~35 % of a region's ~5,000 customers at any scale: ~70 pages
MANAGER = "bench-mgr-r01"
CONTACT_DAYS = 365  # the last-contact filter: customers contacted in the last year


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    path: str  # "" for the sign-in and the in-process scenarios
    floor: Callable
    # Who requests the page: "" = one bench rep per client; a username = every client signs
    # in as that employee (own session each).
    user: str = ""
    # In-process scenarios (no server): measure(result) fills the samples.
    measure: Callable | None = None


SCENARIOS: list[Scenario] = [
    Scenario("login", "sign in: GET the form + POST (Argon2 check)", "", floor_login),
    Scenario("dashboard", "home page (dashboard) of a signed-in rep", "/", floor_dashboard),
    Scenario("inbox", "inbox, first page of unread notifications", "/inbox/", floor_inbox),
    Scenario(
        "customers_rep",
        "a rep's customer list, sorted by name, page 1",
        "/customers/?sort=name",
        floor_customers_rep(1),
    ),
    Scenario(
        "customers_rep_p10",
        f"a rep's customer list, sorted by name, page {REP_PAGE}",
        f"/customers/?sort=name&page={REP_PAGE}",
        floor_customers_rep(REP_PAGE),
    ),
    Scenario(
        "customers_manager",
        f"a region manager's subtree list, class {MANAGER_CLASS}, newest first, page 1",
        f"/customers/?customer_class={MANAGER_CLASS}&sort=-created",
        floor_customers_manager(1),
        user=MANAGER,
    ),
    Scenario(
        "customers_manager_p50",
        f"a region manager's subtree list, class {MANAGER_CLASS}, newest first, "
        f"page {MANAGER_PAGE}",
        f"/customers/?customer_class={MANAGER_CLASS}&sort=-created&page={MANAGER_PAGE}",
        floor_customers_manager(MANAGER_PAGE),
        user=MANAGER,
    ),
    Scenario(
        "customers_rep_contact",
        f"a rep's customers contacted in the last {CONTACT_DAYS} days, latest first, page 1",
        _contact_path(),
        floor_customers_contact(1),
    ),
    Scenario(
        "customers_manager_contact",
        f"a region manager's subtree contacted in the last {CONTACT_DAYS} days, latest first, "
        "page 1",
        _contact_path(),
        floor_customers_contact(1),
        user=MANAGER,
    ),
    Scenario(
        "customers_manager_contact_p50",
        f"a region manager's subtree contacted in the last {CONTACT_DAYS} days, latest first, "
        f"page {MANAGER_PAGE}",
        _contact_path(MANAGER_PAGE),
        floor_customers_contact(MANAGER_PAGE),
        user=MANAGER,
    ),
    Scenario(
        "customer_dup_check",
        "duplicate check on entry (customer_duplicates), in-process",
        "",
        floor_dup_check,
        measure=measure_dup_check,
    ),
]


# Scenarios kept in their own modules (in-process, with their budget).
from bench import import_bench  # noqa: E402

BUDGETS_MS[import_bench.NAME] = import_bench.BUDGET_MS
SCENARIOS.append(
    Scenario(
        import_bench.NAME,
        import_bench.DESCRIPTION,
        "",
        import_bench.floor_import,
        measure=import_bench.measure_import,
    )
)

# The contracts (issue 4): the ledger under load and the contract PDF in-process.
from bench import contracts_bench  # noqa: E402

BUDGETS_MS.update(contracts_bench.BUDGETS_MS)
SCENARIOS.extend(contracts_bench.scenarios(Scenario))

# The price system (issue 4): the effective price of a 50-line quote, in-process.
from bench import pricing_bench  # noqa: E402

BUDGETS_MS[pricing_bench.NAME] = pricing_bench.BUDGET_MS
SCENARIOS.append(
    Scenario(
        pricing_bench.NAME,
        pricing_bench.DESCRIPTION,
        "",
        pricing_bench.floor_prices,
        measure=pricing_bench.measure_prices,
    )
)

# Receivables (issue 5): aging, statement and receipt allocation, in-process.
from bench import receivables_bench  # noqa: E402

BUDGETS_MS.update(receivables_bench.BUDGETS_MS)
SCENARIOS.extend(receivables_bench.scenarios(Scenario))

# --- report -----------------------------------------------------------------------------


def environment() -> dict:
    from django.db import connection

    from bench.gen import describe_database

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            db_version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            db_version = f"{connection.vendor} {connection.Database.sqlite_version}"
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "cpus": os.cpu_count(),
        "memory_gb": mem_gb,
        "cpu_model": _cpu_model(),
        "python": platform.python_version(),
        "database": describe_database(),
        "database_version": db_version,
        # Other work on the machine skews every figure: the load is recorded with them.
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def data_size() -> dict[str, int]:
    from xiaoguan.contracts.models import Contract
    from xiaoguan.core.models import Notification
    from xiaoguan.customers.models import Contact, Customer
    from xiaoguan.orders.models import OrderLine
    from xiaoguan.org.models import Department, User
    from xiaoguan.receivables.models import Instalment, Receipt

    return {
        "departments": Department.objects.count(),
        "employees": User.objects.count(),
        "notifications": Notification.objects.count(),
        "customers": Customer.objects.count(),
        "contacts": Contact.objects.count(),
        "contracts": Contract.objects.count(),
        "order lines": OrderLine.objects.count(),
        "instalments": Instalment.objects.count(),
        "receipts": Receipt.objects.count(),
    }


def markdown_table(rows: list[dict]) -> str:
    def f(v, fmt="{:.1f}"):
        return "–" if v is None else fmt.format(v)

    header = [
        "scenario", "clients", "requests", "errors", "p50 ms", "p95 ms", "p99 ms", "req/s",
        "1-client p50 ms", "SQL queries", "floor p50 ms", "p50 / floor",
    ]  # fmt: skip
    lines = ["| " + " | ".join(header) + " |", "|---" + "|--:" * (len(header) - 1) + "|"]
    for r in rows:
        cells = [
            r["name"], r["clients"], r["requests"], r["errors"], f(r["p50_ms"]), f(r["p95_ms"]),
            f(r["p99_ms"]), f(r["throughput_rps"]), f(r["serial_p50_ms"]),
            f(r["sql_queries"], "{}"), f(r["floor_p50_ms"], "{:.2f}"),
            f(r["ratio_p50_to_floor"], "{:.0f}×"),
        ]  # fmt: skip
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


# --- main -------------------------------------------------------------------------------


def main(args) -> int:
    import logging

    import httpx
    from django.contrib.auth.hashers import check_password

    from bench.generators.org import BENCH_PASSWORD, bench_users
    from xiaoguan.cli import compile_messages

    for name in ("httpx", "httpcore"):  # one line per request would drown the report
        logging.getLogger(name).setLevel(logging.WARNING)
    if args.list:
        for s in SCENARIOS:
            print(f"{s.name:22} {s.description}")
        return 0

    def selected(name: str, only: str) -> bool:  # "customers_rep" also picks customers_rep_p10
        return name == only or name.startswith(f"{only}_p")

    wanted = [s for s in SCENARIOS if not args.only or any(selected(s.name, o) for o in args.only)]
    unknown = {o for o in args.only or [] if not any(selected(s.name, o) for s in SCENARIOS)}
    if unknown or not wanted:
        print(f"bench run: unknown scenario(s) {sorted(unknown)}; see --list", file=sys.stderr)
        return 2
    users = list(bench_users("rep-")[: args.clients])
    if len(users) < args.clients:
        print(
            f"bench run: {args.clients} clients need as many bench reps; found {len(users)}. "
            "Run ./xg bench gen --scale N first.",
            file=sys.stderr,
        )
        return 2
    compile_messages()
    env = environment()
    if env["load_average_at_start"][0] > 0.5 * (env["cpus"] or 1):
        print(
            f"bench run: warning: the machine is busy (load {env['load_average_at_start']}); "
            "the figures will be worse than on an idle machine",
            file=sys.stderr,
        )
    size = data_size()
    print(
        f"bench run: {env['database']} ({env['database_version']}), commit {env['commit']}, "
        f"{env['cpus']} CPUs, {env['memory_gb']} GB; {size}"
    )

    results: dict[str, Result] = {
        s.name: Result(name=s.name, description=s.description, path=s.path) for s in wanted
    }
    with Server(args.workers, args.threads) as server:
        print(
            f"bench run: server {server.base_url} "
            f"({args.workers} workers x {args.threads} threads), "
            f"{args.clients} clients"
        )
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        clients = [
            httpx.Client(
                base_url=server.base_url, follow_redirects=False, timeout=30, limits=limits
            )
            for _ in users
        ]
        signed_in_as: dict[str, list] = {}  # username -> clients signed in as that employee
        try:
            login = results.get("login") or Result(name="login", description="")
            t0 = time.perf_counter()
            measure_logins(
                clients,
                [u.username for u in users],
                BENCH_PASSWORD,
                args.logins if "login" in results else 1,
                login,
            )
            print(
                f"  login       {len(login.samples)} sign-ins in {time.perf_counter() - t0:.1f} s"
            )
            for s in wanted:
                if not s.path:
                    continue
                page_clients = clients
                if s.user:
                    if s.user not in signed_in_as:
                        # Every client signs in as that employee: one session each.
                        extra = [
                            httpx.Client(
                                base_url=server.base_url,
                                follow_redirects=False,
                                timeout=30,
                                limits=limits,
                            )
                            for _ in users
                        ]
                        signed_in_as[s.user] = extra
                        for c in extra:
                            sign_in(c, s.user, BENCH_PASSWORD)
                    page_clients = signed_in_as[s.user]
                t0 = time.perf_counter()
                measure_page(page_clients, s.path, args.requests, args.duration, results[s.name])
                print(
                    f"  {s.name:21} {len(results[s.name].samples)} requests in "
                    f"{time.perf_counter() - t0:.1f} s"
                )
        finally:
            for c in clients:
                c.close()
            for extra in signed_in_as.values():
                for c in extra:
                    c.close()

    from xiaoguan.org.models import User

    for s in wanted:
        r = results[s.name]
        subject = User.objects.get(username=s.user) if s.user else users[0]
        statements = s.floor(subject)
        r.floor_sql = [sql for sql, _params in statements]
        r.floor_samples = time_floor(statements)
        if s.measure is not None:
            s.measure(r)
        elif s.path:
            r.queries = count_queries(s.path, subject)
        else:
            # The floor of a sign-in includes the one password check it cannot avoid.
            encoded = subject.password
            hash_samples = []
            for _ in range(10):
                t0 = time.perf_counter()
                check_password(BENCH_PASSWORD, encoded)
                hash_samples.append(time.perf_counter() - t0)
            hash_p50 = percentile(hash_samples, 50) / 1000
            r.floor_samples = [x + hash_p50 for x in r.floor_samples]
            r.notes = (
                f"floor = user lookup + one Argon2 check ({hash_p50 * 1000:.0f} ms, single thread)"
            )

    env["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    rows = []
    for s in wanted:
        row = results[s.name].summary()
        rows.append(row)
        if not args.no_save:
            RESULTS_DIR.mkdir(exist_ok=True)
            record = {
                **row,
                "environment": env,
                "data": size,
                "server": {"workers": args.workers, "threads": args.threads},
                "limits": {
                    "requests": args.requests,
                    "seconds": args.duration,
                    "logins": args.logins,
                },
            }
            (RESULTS_DIR / f"{stamp}-{s.name}.json").write_text(
                json.dumps(record, indent=2, ensure_ascii=False)
            )
    print()
    print(markdown_table(rows))
    print()
    failed = False
    for row in rows:
        if "budget_p95_ms" in row:
            verdict = "within" if row["within_budget"] else "OVER"
            print(
                f"budget: {row['name']} p95 {row['p95_ms']} ms at {row['clients']} clients "
                f"(budget {row['budget_p95_ms']:.0f} ms): {verdict} budget"
            )
        if row["errors"]:
            failed = True
            print(
                f"bench run: {row['name']} had {row['errors']} failed requests: "
                f"{row['error_kinds']}",
                file=sys.stderr,
            )
    if not args.no_save:
        print(f"results: {RESULTS_DIR.relative_to(PROJECT_DIR)}/{stamp}-*.json")
    return 1 if failed else 0
