"""Scenarios of receivables (issue 5), in-process, each with its hand-written SQL floor:

- ``ar_aging_company``: the aging report of the whole company (the sales director, scope
  all) by customer, first page of 50 rows with the totals and the row count, as the aging
  page asks it: ``receivables.selectors.aging.aging_report``. Budget 1 s.
- ``ar_aging_rep``: the same report of one sales rep (own instalments). Budget 150 ms.
- ``ar_aging_manager``: the same report of a region manager (subtree scope); no budget.
- ``ar_statement``: the reconciliation statement of the rep's busiest customer for the
  statement page's default period (1 January to today):
  ``receivables.selectors.statements.customer_statement``. Budget 300 ms.
- ``ar_receipt_allocate``: recording one receipt with automatic (oldest first) allocation,
  ``receivables.services.receipts.receipt_record(allocate="auto")``, by finance, inside a
  transaction rolled back afterwards; a different customer with open instalments each run,
  the amount covering its oldest one or two instalments and part of the next. Budget 50 ms.

The company-wide floors are timed FLOOR_RUNS_SLOW times (each run reads every open
instalment), the allocation floor in a rolled-back transaction like the service; the others
by ``bench.run.time_floor``. Hooked into ``bench/run.py`` (``SCENARIOS``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

AGING_COMPANY_BUDGET_MS = 1000.0
AGING_REP_BUDGET_MS = 150.0
STATEMENT_BUDGET_MS = 300.0
RECEIPT_BUDGET_MS = 50.0
DIRECTOR = "bench-director"
REP = "bench-rep-0001"
MANAGER = "bench-mgr-r01"
FINANCE = "bench-finance-01"
PAGE_SIZE = 50  # receivables.web.aging_views.PAGE_SIZE
RUNS_SLOW = 20
RUNS_FAST = 100
RECEIPT_RUNS = 100
FLOOR_RUNS_SLOW = 20
BUCKETS = (30, 60, 90, 180, 365)  # policy receivables.aging_buckets (default)
BAD_DEBT_DAYS = 365  # policy receivables.bad_debt_days (default)
LEGAL_KINDS = ("lawyers_letter", "lawsuit")


def _today() -> date:
    from django.utils import timezone

    return timezone.localdate()


def _user(username: str):
    from xiaoguan.org.models import User

    return User.objects.select_related("department").get(username=username)


def _scope_sql(user, alias: str) -> tuple[str, list]:
    """org.scope.visible() for an Owned table, by hand (the same logic as the customers'
    floor in bench/run.py)."""
    from xiaoguan.org.enums import DataScope

    scope = user.data_scope
    if scope == DataScope.ALL:
        return "TRUE", []
    if scope == DataScope.OWN or user.department is None:
        return f"{alias}.owner_id = %s", [user.pk]
    if scope == DataScope.DEPARTMENT:
        return f"({alias}.owner_id = %s OR {alias}.department_id = %s)", [
            user.pk,
            user.department_id,
        ]
    return (
        f"({alias}.owner_id = %s OR {alias}.department_id = ANY(ARRAY(SELECT id FROM "
        "org_department WHERE path LIKE %s)))",
        [user.pk, user.department.path + "%"],
    )


# --- aging --------------------------------------------------------------------------------


def _bucket_sums(as_of: date) -> tuple[str, list]:
    """The conditional sums of the report, in the selector's order: not yet due, the
    buckets, waiting, overdue, total, bad debt, legal; and the count."""
    left = "(i.amount - i.collected - i.written_off)"
    parts = [f"COALESCE(sum({left}) FILTER (WHERE i.due_date >= %s), 0)"]
    params: list = [as_of]
    lo = 0
    for hi in BUCKETS:
        parts.append(
            f"COALESCE(sum({left}) FILTER (WHERE i.due_date < %s AND i.due_date >= %s), 0)"
        )
        params += [as_of - timedelta(days=lo), as_of - timedelta(days=hi)]
        lo = hi
    parts.append(f"COALESCE(sum({left}) FILTER (WHERE i.due_date < %s), 0)")
    params.append(as_of - timedelta(days=lo))
    parts.append(f"COALESCE(sum({left}) FILTER (WHERE i.due_date IS NULL), 0)")
    parts.append(f"COALESCE(sum({left}) FILTER (WHERE i.due_date < %s), 0)")
    params.append(as_of)
    parts.append(f"COALESCE(sum({left}), 0)")
    parts.append(f"COALESCE(sum({left}) FILTER (WHERE i.due_date < %s), 0)")
    params.append(as_of - timedelta(days=BAD_DEBT_DAYS))
    parts.append(
        f"COALESCE(sum({left}) FILTER (WHERE i.customer_id IN (SELECT customer_id FROM "
        "receivables_dunningaction WHERE kind IN ('lawyers_letter', 'lawsuit'))), 0)"
    )
    parts.append("count(*)")
    return ", ".join(parts), params


def floor_aging(user) -> list[tuple[str, list]]:
    """The aging page's question by hand, the least work: the user's roles; the totals over
    the open instalments in scope with something left, with the number of customers (rows);
    the first page of 50 customers by total outstanding, grouped on the instalments alone,
    the names joined to those 50 rows only."""
    from bench.run import _roles_statement

    as_of = _today()
    sums, sum_params = _bucket_sums(as_of)
    scope, scope_params = _scope_sql(user, "i")
    where = f"i.status = 'open' AND i.amount > i.collected + i.written_off AND {scope}"
    return [
        _roles_statement(user),
        (
            f"SELECT {sums}, count(DISTINCT i.customer_id) FROM receivables_instalment i "
            f"WHERE {where}",
            [*sum_params, *scope_params],
        ),
        (
            "SELECT x.*, c.name FROM (SELECT i.customer_id, "
            f"{sums} FROM receivables_instalment i WHERE {where} GROUP BY i.customer_id "
            f"ORDER BY 11 DESC, i.customer_id DESC LIMIT {PAGE_SIZE}) x "
            "JOIN customers_customer c ON c.id = x.customer_id ORDER BY 11 DESC, 1 DESC",
            [*sum_params, *scope_params],
        ),
    ]


def _no_floor(user) -> list[tuple[str, list]]:
    return []  # timed in measure() (too slow for 300 runs, or needs a rolled-back transaction)


def _time(statements: list[tuple[str, list]], runs: int, warmup: int = 2) -> list[float]:
    from django.db import connection

    samples = []
    with connection.cursor() as cursor:
        for i in range(runs + warmup):
            t0 = time.perf_counter()
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()
            if i >= warmup:
                samples.append(time.perf_counter() - t0)
    return samples


def _record(result, samples: list[float], *, notes: str, queries: int) -> None:
    result.samples = samples
    result.wall_seconds = sum(samples)
    result.clients = 1
    result.queries = queries
    result.notes = notes


def _measure_calls(result, call: Callable, runs: int, warmup: int = 2) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        call()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        samples.append(time.perf_counter() - t0)
    with CaptureQueriesContext(connection) as ctx:
        call()
    result.samples = samples
    result.wall_seconds = sum(samples)
    result.clients = 1
    result.queries = len(ctx.captured_queries)


def _aging_call(username: str) -> Callable:
    from xiaoguan.receivables.selectors.aging import aging_report

    user = _user(username)

    def call():
        # As the page asks it: first page of 50 rows by total, with the totals and the count.
        return aging_report(user=user, dimension="customer", offset=0, limit=PAGE_SIZE)

    return call


def measure_aging_company(result) -> None:
    call = _aging_call(DIRECTOR)
    report = call()
    _measure_calls(result, call, RUNS_SLOW)
    statements = floor_aging(_user(DIRECTOR))
    result.floor_sql = [sql for sql, _p in statements]
    result.floor_samples = _time(statements, FLOOR_RUNS_SLOW)
    result.notes = (
        f"in-process, {RUNS_SLOW} calls of aging_report(dimension='customer', limit=50) as "
        f"{DIRECTOR} (scope all): {report.row_count:,} customers, {report.totals.count:,} open "
        f"instalments, outstanding {report.totals.total:,}; floor timed {FLOOR_RUNS_SLOW} times"
    )


def measure_aging_rep(result) -> None:
    call = _aging_call(REP)
    report = call()
    _measure_calls(result, call, RUNS_FAST)
    result.notes = (
        f"in-process, {RUNS_FAST} calls of aging_report(dimension='customer', limit=50) as "
        f"{REP} (own): {report.row_count:,} customers, {report.totals.count:,} open instalments"
    )


def measure_aging_manager(result) -> None:
    call = _aging_call(MANAGER)
    report = call()
    _measure_calls(result, call, RUNS_FAST)
    result.notes = (
        f"in-process, {RUNS_FAST} calls of aging_report(dimension='customer', limit=50) as "
        f"{MANAGER} (subtree: a region): {report.row_count:,} customers, "
        f"{report.totals.count:,} open instalments"
    )


# --- statement ----------------------------------------------------------------------------


def _statement_customer() -> int:
    """The rep's customer with the most receipts (then instalments): the busiest account."""
    from django.db import connection

    rep = _user(REP)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id FROM customers_customer c WHERE c.owner_id = %s ORDER BY "
            "(SELECT count(*) FROM receivables_receipt r WHERE r.customer_id = c.id) DESC, "
            "(SELECT count(*) FROM receivables_instalment i WHERE i.customer_id = c.id) DESC, "
            "c.id LIMIT 1",
            [rep.pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise RuntimeError("the bench rep has no customers: run ./xg bench gen first")
    return row[0]


def _period() -> tuple[date, date]:
    today = _today()
    return date(today.year, 1, 1), today  # receivables.web.statement_views.default_period


def floor_statement(user) -> list[tuple[str, list]]:
    """The statement by hand, every row up to the end date of each source (the opening
    balance is their sum before the start, the lines those in the period): the customer in
    the user's scope; contract versions at signing with the change to the version amended;
    direct orders at confirmation; receipts (posted and reversed, with the unallocated part);
    approved write-offs; terminated contracts and cancelled orders with what their plans no
    longer ask for."""
    from bench.run import _roles_statement

    customer = _statement_customer()
    _start, end = _period()
    scope, scope_params = _scope_sql(user, "c")
    signed = ("signed", "superseded", "terminated", "completed")
    return [
        _roles_statement(user),
        (
            f"SELECT c.id, c.name, c.owner_id FROM customers_customer c WHERE c.id = %s AND {scope}",
            [customer, *scope_params],
        ),
        (
            "SELECT k.id, k.number, k.title, k.version_no, k.amends_id, k.signed_on, "
            "k.total - COALESCE(a.total, 0) FROM contracts_contract k "
            "LEFT JOIN contracts_contract a ON a.id = k.amends_id WHERE k.customer_id = %s "
            "AND k.status = ANY(%s) AND k.signed_on IS NOT NULL AND k.signed_on <= %s",
            [customer, list(signed), end],
        ),
        (
            "SELECT o.id, o.number, o.customer_reference, o.total, "
            "(o.confirmed_at AT TIME ZONE 'Asia/Shanghai')::date FROM orders_order o "
            "WHERE o.customer_id = %s AND o.contract_id IS NULL AND o.confirmed_at IS NOT NULL "
            "AND (o.confirmed_at AT TIME ZONE 'Asia/Shanghai')::date <= %s",
            [customer, end],
        ),
        (
            "SELECT r.id, r.number, r.received_on, r.amount, r.allocated, r.status, r.method, "
            "r.reference, r.bill_no, r.reversed_at, r.reversal_reason FROM receivables_receipt r "
            "WHERE r.customer_id = %s AND r.received_on <= %s",
            [customer, end],
        ),
        (
            "SELECT w.id, w.number, w.amount, w.reason, w.approved_at FROM receivables_writeoff w "
            "JOIN receivables_instalment i ON i.id = w.instalment_id WHERE i.customer_id = %s "
            "AND w.status = 'approved' AND w.approved_at IS NOT NULL",
            [customer],
        ),
        (
            "SELECT k.id, k.number, k.terminated_on, k.termination_reason, k.total, "
            "COALESCE(sum(i.amount) FILTER (WHERE i.status <> 'closed'), 0), "
            "COALESCE(sum(i.collected + i.written_off) FILTER (WHERE i.status = 'closed'), 0) "
            "FROM contracts_contract k LEFT JOIN receivables_instalment i ON i.contract_id = k.id "
            "WHERE k.customer_id = %s AND k.status = 'terminated' AND k.terminated_on <= %s "
            "GROUP BY k.id",
            [customer, end],
        ),
        (
            "SELECT o.id, o.number, o.cancelled_at, o.cancel_reason, o.total, "
            "COALESCE(sum(i.amount) FILTER (WHERE i.status <> 'closed'), 0), "
            "COALESCE(sum(i.collected + i.written_off) FILTER (WHERE i.status = 'closed'), 0) "
            "FROM orders_order o LEFT JOIN receivables_instalment i ON i.order_id = o.id "
            "WHERE o.customer_id = %s AND o.contract_id IS NULL AND o.status = 'cancelled' "
            "AND o.confirmed_at IS NOT NULL GROUP BY o.id",
            [customer],
        ),
    ]


def measure_statement(result) -> None:
    from xiaoguan.receivables.selectors.statements import customer_statement

    user = _user(REP)
    customer = _statement_customer()
    start, end = _period()

    def call():
        return customer_statement(user=user, customer_id=customer, start=start, end=end)

    statement = call()
    _measure_calls(result, call, RUNS_FAST)
    result.notes = (
        f"in-process, {RUNS_FAST} calls of customer_statement() as {REP} for customer "
        f"{customer} from {start} to {end}: {len(statement.lines)} lines, opening "
        f"{statement.opening:,}, closing {statement.closing:,}"
    )


# --- receipt with automatic allocation ----------------------------------------------------


def _receipt_cases(runs: int) -> list[tuple[int, Decimal]]:
    """(customer, amount) for each run: customers with at least two open instalments with a
    due date, spread over the table; the amount pays the oldest one in full, the next one in
    full or in part."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT customer_id, array_agg(amount - collected - written_off "
            "ORDER BY due_date, id) FROM receivables_instalment WHERE status = 'open' "
            "AND due_date IS NOT NULL AND amount > collected + written_off "
            "GROUP BY customer_id HAVING count(*) >= 2 ORDER BY customer_id"
        )
        rows = cursor.fetchall()
    if not rows:
        raise RuntimeError("no customer has open instalments: run ./xg bench gen first")
    step = max(1, len(rows) // runs)
    cases = []
    for customer_id, lefts in rows[::step][:runs]:
        cases.append((customer_id, lefts[0] + (lefts[1] / 2).quantize(Decimal("0.01"))))
    return cases


def _floor_receipt_once(cursor, *, customer_id: int, amount: Decimal, actor_id: int) -> None:
    """The least database work of recording and allocating a receipt: lock the customer's
    open instalments, insert the receipt and its allocations, add to the instalments, set
    the receipt's allocated, rewrite the touched contracts' collected figure."""
    today = _today()
    cursor.execute(
        "SELECT id, amount - collected - written_off, due_date, contract_id, order_id, position "
        "FROM receivables_instalment WHERE customer_id = %s AND status = 'open' ORDER BY id "
        "FOR UPDATE",
        [customer_id],
    )
    rows = sorted(
        cursor.fetchall(), key=lambda r: (r[2] is None, r[2] or date.max, r[3] or 0, r[4] or 0)
    )
    cursor.execute(
        "SELECT owner_id, department_id FROM customers_customer WHERE id = %s", [customer_id]
    )
    owner_id, department_id = cursor.fetchone()
    cursor.execute(
        "INSERT INTO receivables_receipt (number, customer_id, method, amount, received_on, "
        "payer, reference, note, allocated, status, bill_no, bill_bank, bill_status, "
        "bill_endorsee, recorded_by_id, created_at, reversal_reason, owner_id, department_id) "
        "VALUES ('FLOOR-' || %s, %s, 'transfer', %s, %s, '', '', '', 0, 'posted', '', '', '', "
        "'', %s, now(), '', %s, %s) RETURNING id",
        [time.perf_counter_ns(), customer_id, amount, today, actor_id, owner_id, department_id],
    )
    receipt_id = cursor.fetchone()[0]
    left, plan = amount, []
    for pk, outstanding, _due, contract_id, _order, _pos in rows:
        if left <= 0:
            break
        take = min(left, outstanding)
        if take > 0:
            plan.append((pk, take, take == outstanding, contract_id))
            left -= take
    values = ", ".join(["(%s, %s)"] * len(plan))
    flat = [v for pk, take, _full, _c in plan for v in (pk, take)]
    cursor.execute(
        "INSERT INTO receivables_allocation (receipt_id, instalment_id, amount, is_active, "
        "created_by_id, created_at, released_reason) SELECT %s, v.id, v.amount, true, %s, now(), "
        f"'' FROM (VALUES {values}) AS v(id, amount) RETURNING id",
        [receipt_id, actor_id, *flat],
    )
    cursor.execute(
        "UPDATE receivables_instalment i SET collected = i.collected + v.amount::numeric, "
        "status = CASE WHEN i.amount <= i.collected + i.written_off + v.amount::numeric "
        "THEN 'paid' ELSE i.status END, paid_on = CASE WHEN i.amount <= i.collected + "
        "i.written_off + v.amount::numeric THEN %s ELSE i.paid_on END "
        f"FROM (VALUES {values}) AS v(id, amount) WHERE i.id = v.id RETURNING i.id",
        [today, *flat],
    )
    cursor.execute(
        "UPDATE receivables_receipt SET allocated = %s WHERE id = %s RETURNING id",
        [amount - left, receipt_id],
    )
    for contract_id in sorted({c for _pk, _t, _f, c in plan if c}):
        # The contract's family (every version of its root), written so that the indexes on
        # the contract's id and root and on the instalment's contract can be used.
        cursor.execute(
            "WITH r AS (SELECT COALESCE(root_id, id) AS root FROM contracts_contract "
            "WHERE id = %s), fam AS (SELECT c.id, c.is_current FROM contracts_contract c "
            "WHERE c.id = (SELECT root FROM r) OR c.root_id = (SELECT root FROM r)) "
            "UPDATE contracts_contract k SET collected_amount = (SELECT COALESCE(sum(a.amount), 0) "
            "FROM receivables_allocation a JOIN receivables_instalment i ON i.id = a.instalment_id "
            "WHERE a.is_active AND i.contract_id IN (SELECT id FROM fam)) "
            "WHERE k.id IN (SELECT id FROM fam WHERE is_current) RETURNING k.id",
            [contract_id],
        )


FLOOR_RECEIPT_SQL = [
    "SELECT … FROM receivables_instalment WHERE customer_id = %s AND status = 'open' "
    "ORDER BY id FOR UPDATE",
    "SELECT owner_id, department_id FROM customers_customer WHERE id = %s",
    "INSERT INTO receivables_receipt (…) VALUES (…) RETURNING id",
    "INSERT INTO receivables_allocation (…) SELECT … FROM (VALUES …) RETURNING id",
    "UPDATE receivables_instalment SET collected, status, paid_on FROM (VALUES …) RETURNING id",
    "UPDATE receivables_receipt SET allocated = %s WHERE id = %s",
    "UPDATE contracts_contract SET collected_amount = (sum of the active allocations to the "
    "instalments of every version: contract_id IN (id = root OR root_id = root)) WHERE the "
    "current version (per touched contract)",
]


class _Rollback(Exception):
    pass


def measure_receipt(result) -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from xiaoguan.receivables.services.receipts import ReceiptData, receipt_record

    actor = _user(FINANCE)
    today = _today()
    cases = _receipt_cases(RECEIPT_RUNS + 2)
    allocated_counts = []

    def once(customer_id: int, amount: Decimal, capture: bool = False) -> float:
        data = ReceiptData(
            customer_id=customer_id,
            method="transfer",
            amount=amount,
            received_on=today,
            reference="BENCH-RUN",
        )
        elapsed = 0.0
        try:
            with transaction.atomic():
                if capture:
                    with CaptureQueriesContext(connection) as ctx:
                        receipt_record(actor=actor, data=data, allocate="auto")
                    result.queries = len(ctx.captured_queries)
                else:
                    t0 = time.perf_counter()
                    receipt = receipt_record(actor=actor, data=data, allocate="auto")
                    elapsed = time.perf_counter() - t0
                    allocated_counts.append(receipt.allocations.count())
                raise _Rollback
        except _Rollback:
            pass
        return elapsed

    for customer_id, amount in cases[:2]:
        once(customer_id, amount)
    allocated_counts.clear()
    samples = [once(c, a) for c, a in cases[2:]]
    once(*cases[2], capture=True)
    result.samples = samples
    result.wall_seconds = sum(samples)
    result.clients = 1

    floor = []
    for customer_id, amount in cases[2:]:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                t0 = time.perf_counter()
                _floor_receipt_once(
                    cursor, customer_id=customer_id, amount=amount, actor_id=actor.pk
                )
                floor.append(time.perf_counter() - t0)
                raise _Rollback
        except _Rollback:
            pass
    result.floor_samples = floor
    result.floor_sql = FLOOR_RECEIPT_SQL
    avg = sum(allocated_counts) / max(len(allocated_counts), 1)
    result.notes = (
        f"in-process, {len(samples)} calls of receipt_record(allocate='auto') as {FINANCE}, each "
        f"for another customer with open instalments (on average {avg:.1f} allocations made), "
        "each in a transaction rolled back (the rollback is not timed); floor: the same writes "
        "by hand, also rolled back"
    )


def scenarios(Scenario: Callable) -> list:
    return [
        Scenario(
            "ar_aging_company",
            "aging by customer of the whole company (sales director), page 1 of 50, in-process",
            "",
            _no_floor,
            measure=measure_aging_company,
        ),
        Scenario(
            "ar_aging_rep",
            "aging by customer of a sales rep (own instalments), page 1, in-process",
            "",
            floor_aging,
            user=REP,
            measure=measure_aging_rep,
        ),
        Scenario(
            "ar_aging_manager",
            "aging by customer of a region manager (subtree), page 1, in-process (no budget)",
            "",
            floor_aging,
            user=MANAGER,
            measure=measure_aging_manager,
        ),
        Scenario(
            "ar_statement",
            "reconciliation statement of the rep's busiest customer, year to date, in-process",
            "",
            floor_statement,
            user=REP,
            measure=measure_statement,
        ),
        Scenario(
            "ar_receipt_allocate",
            "record a receipt with automatic allocation (oldest first), rolled back, in-process",
            "",
            _no_floor,
            measure=measure_receipt,
        ),
    ]


BUDGETS_MS = {
    "ar_aging_company": AGING_COMPANY_BUDGET_MS,
    "ar_aging_rep": AGING_REP_BUDGET_MS,
    "ar_statement": STATEMENT_BUDGET_MS,
    "ar_receipt_allocate": RECEIPT_BUDGET_MS,
}
