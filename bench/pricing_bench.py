"""Scenario of the price system (issue 4): the effective price of a 50-line quote computed
in-process (``pricing.selectors.prices.effective_prices``), budget 50 ms, with its SQL floor.
Hooked into ``bench/run.py`` (``SCENARIOS``)."""

from __future__ import annotations

import time
from decimal import Decimal

NAME = "price_50_lines"
DESCRIPTION = "effective prices of a 50-line quote (effective_prices), in-process"
BUDGET_MS = 50.0
LINES = 50
RUNS = 200


def _queries():
    """50 lines over the bench catalog's products (repeating when it has fewer), with
    quantities that reach the quantity breaks on some lines."""
    from xiaoguan.catalog.models import Product
    from xiaoguan.pricing.selectors.prices import PriceQuery

    products = list(
        Product.objects.filter(is_active=True, base_prices__isnull=False)
        .distinct()
        .order_by("pk")
        .values_list("pk", "unit_id")[:LINES]
    )
    if not products:
        raise RuntimeError("the bench database has no products with prices (bench/gen.py)")
    return [
        PriceQuery(
            product_id=products[i % len(products)][0],
            unit_id=products[i % len(products)][1],
            quantity=Decimal((i * 37) % 700 + 1),
        )
        for i in range(LINES)
    ]


def floor_prices(user) -> list[tuple[str, list]]:
    """The question by hand: the 50 products with their categories, their other units, the
    price in force of each product and unit (DISTINCT ON), the discount rules that may apply,
    and the approved promotions of the day."""
    from django.utils import timezone

    from xiaoguan.pricing.models import BasePrice, DiscountRule, Promotion

    today = timezone.localdate()
    ids = sorted({q.product_id for q in _queries()})
    marks = ", ".join(["%s"] * len(ids))
    bp, dr, pr = BasePrice._meta.db_table, DiscountRule._meta.db_table, Promotion._meta.db_table
    return [
        (
            "SELECT p.id, p.name, p.model, p.unit_id, p.category_id, c.parent_id "
            f"FROM catalog_product p JOIN catalog_productcategory c ON c.id = p.category_id "
            f"WHERE p.id IN ({marks})",
            ids,
        ),
        (
            f"SELECT product_id, unit_id, factor FROM catalog_productunit WHERE product_id IN ({marks})",
            ids,
        ),
        (
            f"SELECT DISTINCT ON (product_id, unit_id) product_id, unit_id, price FROM {bp} "
            f"WHERE product_id IN ({marks}) AND valid_from <= %s "
            "ORDER BY product_id, unit_id, valid_from DESC",
            [*ids, today],
        ),
        (
            f"SELECT id, kind, customer_class, min_quantity, category_id, product_id, percent "
            f"FROM {dr} WHERE is_active AND (kind = 'quantity' OR customer_class = 'A') "
            "AND (valid_from IS NULL OR valid_from <= %s) AND (valid_to IS NULL OR valid_to >= %s)",
            [today, today],
        ),
        (
            f"SELECT id, product_id, unit_id, price, name FROM {pr} WHERE product_id IN ({marks}) "
            "AND status = 'approved' AND starts_on <= %s AND ends_on >= %s ORDER BY price, id",
            [*ids, today, today],
        ),
    ]


def measure_prices(result) -> None:
    """``effective_prices`` for 50 lines, class A customer, today: RUNS times after warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from xiaoguan.pricing.selectors.prices import effective_prices

    queries = _queries()
    today = timezone.localdate()

    def run():
        return effective_prices(queries=queries, customer_class="A", on_date=today)

    for _ in range(10):
        run()
    started = time.perf_counter()
    for _ in range(RUNS):
        t0 = time.perf_counter()
        prices = run()
        result.samples.append(time.perf_counter() - t0)
        if len(prices) != LINES:
            result.errors += 1
            result.error_kinds["wrong count"] = result.error_kinds.get("wrong count", 0) + 1
    result.wall_seconds = time.perf_counter() - started
    result.clients = 1
    with CaptureQueriesContext(connection) as ctx:
        run()
    result.queries = len(ctx.captured_queries)
    result.notes = f"in-process, {RUNS} runs of effective_prices() for {LINES} lines"
