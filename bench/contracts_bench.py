"""Scenarios of the contracts (issue 4): the contract ledger as a rep, a region manager and the
sales director under concurrent clients, each with its hand-written SQL floor, and the
contract PDF rendered in-process. Hooked into ``bench/run.py`` (``SCENARIOS``)."""

from __future__ import annotations

import time
from collections.abc import Callable

LEDGER_BUDGET_MS = 150.0
PDF_BUDGET_MS = 1000.0
PDF_RUNS = 20
LEDGER_PAGE_SIZE = 26  # contracts.web.ledger_views.PAGE_SIZE + 1 (is there a next page?)
DIRECTOR = "bench-director"


def _tables() -> dict[str, str]:
    from xiaoguan.contracts.models import Contract, ContractLine, PaymentTerm
    from xiaoguan.customers.models import Customer
    from xiaoguan.org.models import User

    return {
        "contract": Contract._meta.db_table,
        "line": ContractLine._meta.db_table,
        "term": PaymentTerm._meta.db_table,
        "customer": Customer._meta.db_table,
        "user": User._meta.db_table,
    }


def floor_ledger(user) -> list[tuple[str, list]]:
    """The ledger's question for this user, by hand: the roles; the first page (26 rows,
    newest first) of current versions in scope with customer and owner names; the count and
    sums of the same set (the totals row, which also numbers the pages)."""
    from bench.run import _customer_scope_sql, _roles_statement

    t = _tables()
    scope_sql, scope_params = _customer_scope_sql(user)  # generic: alias c, owner / department
    where = f"c.is_current AND {scope_sql}"
    return [
        _roles_statement(user),
        (
            "SELECT c.id, c.number, c.version_no, c.title, c.status, c.signed_on, "
            "c.delivery_date, c.end_on, c.total, c.shipped_amount, c.invoiced_amount, "
            "c.collected_amount, c.total - c.collected_amount, cu.name, u.full_name "
            f"FROM {t['contract']} c JOIN {t['customer']} cu ON cu.id = c.customer_id "
            f"JOIN {t['user']} u ON u.id = c.owner_id WHERE {where} "
            f"ORDER BY c.created_at DESC, c.id DESC LIMIT {LEDGER_PAGE_SIZE}",
            scope_params,
        ),
        (
            "SELECT count(*), sum(c.total), sum(c.shipped_amount), sum(c.invoiced_amount), "
            f"sum(c.collected_amount) FROM {t['contract']} c WHERE {where}",
            scope_params,
        ),
    ]


def _pdf_contract_id() -> int:
    """A signed bench contract (current version) with its five lines."""
    from xiaoguan.contracts.models import Contract

    return (
        Contract.objects.filter(number__startswith="BENCH-", status="signed", is_current=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def floor_pdf(user) -> list[tuple[str, list]]:
    """What the PDF prints, by hand: the contract with its customer, its lines with product
    and unit, its payment terms (the rendering itself has no SQL floor)."""
    t = _tables()
    pk = _pdf_contract_id()
    return [
        (
            f"SELECT c.*, cu.* FROM {t['contract']} c JOIN {t['customer']} cu "
            "ON cu.id = c.customer_id WHERE c.id = %s",
            [pk],
        ),
        (
            f"SELECT l.*, p.name, p.model, p.spec, u.name FROM {t['line']} l "
            "JOIN catalog_product p ON p.id = l.product_id JOIN catalog_unit u ON u.id = l.unit_id "
            "WHERE l.contract_id = %s ORDER BY l.position",
            [pk],
        ),
        (f"SELECT * FROM {t['term']} WHERE contract_id = %s ORDER BY position", [pk]),
    ]


def measure_pdf(result, *, cached: bool = False) -> None:
    """The contract PDF page in-process (Django test client, as the director): selector,
    template and WeasyPrint rendering, PDF_RUNS times after two warm-up renders. Without
    ``cached`` every render lays the PDF out (the PDF cache is switched off for the run); with
    it, the page is served from the cache of rendered PDFs after the first render."""
    from django.core.cache.backends.dummy import DummyCache

    from xiaoguan.core import pdf

    if not cached:
        saved = pdf.cache
        pdf.cache = DummyCache("pdf-off", {})
        try:
            _measure_pdf(result)
        finally:
            pdf.cache = saved
        result.notes += "; every render laid out (PDF cache off)"
    else:
        _measure_pdf(result)
        result.notes += "; served from the PDF cache after the first render"


def measure_pdf_cached(result) -> None:
    measure_pdf(result, cached=True)


def _measure_pdf(result) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from xiaoguan.org.models import User

    client = Client()
    client.force_login(User.objects.get(username=DIRECTOR))
    path = f"/contracts/{_pdf_contract_id()}/pdf/"
    result.path = path
    for _ in range(2):
        client.get(path)
    started = time.perf_counter()
    for _ in range(PDF_RUNS):
        t0 = time.perf_counter()
        response = client.get(path)
        result.samples.append(time.perf_counter() - t0)
        if response.status_code != 200 or response["Content-Type"] != "application/pdf":
            result.errors += 1
            kind = str(response.status_code)
            result.error_kinds[kind] = result.error_kinds.get(kind, 0) + 1
    result.wall_seconds = time.perf_counter() - started
    result.clients = 1
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    result.queries = len(ctx.captured_queries)
    result.notes = f"in-process, {PDF_RUNS} renders of a signed 5-line contract (WeasyPrint)"


def scenarios(Scenario: Callable) -> list:
    manager = "bench-mgr-r01"
    return [
        Scenario(
            "ledger_rep",
            "contract ledger of a rep (own contracts), newest first, page 1, with totals",
            "/contracts/",
            floor_ledger,
        ),
        Scenario(
            "ledger_manager",
            "contract ledger of a region manager (subtree), newest first, page 1, with totals",
            "/contracts/",
            floor_ledger,
            user=manager,
        ),
        Scenario(
            "ledger_director",
            "contract ledger of the sales director (whole sales centre), page 1, with totals",
            "/contracts/",
            floor_ledger,
            user=DIRECTOR,
        ),
        Scenario(
            "contract_pdf",
            "contract PDF (5 lines, schedule, clauses), in-process",
            "",
            floor_pdf,
            measure=measure_pdf,
        ),
        Scenario(
            "contract_pdf_cached",
            "contract PDF again (the same signed version), in-process",
            "",
            floor_pdf,
            measure=measure_pdf_cached,
        ),
    ]


BUDGETS_MS = {
    "ledger_rep": LEDGER_BUDGET_MS,
    "ledger_manager": LEDGER_BUDGET_MS,
    "ledger_director": LEDGER_BUDGET_MS,
    "contract_pdf": PDF_BUDGET_MS,
    "contract_pdf_cached": PDF_BUDGET_MS,
}
