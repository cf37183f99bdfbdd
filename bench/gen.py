"""The data generator: an ordered list of steps, each deterministic from the seed.

A step is registered with ``@step(...)`` in a module of ``bench/generators/`` listed in
``GENERATOR_MODULES`` (in dependency order). Each step gets its own random generator seeded
from ``(seed, step name)``, so adding a step never changes what the others produce, and it
says whether its data are already there (``done``), so ``gen`` can be re-run after a later
issue adds steps: existing data are kept, only the new steps run.

Later issues add their module (customers, visits, contracts, instalments, receipts, order
lines: ARCHITECTURE.md, "Performance harness") to ``GENERATOR_MODULES``.
"""

from __future__ import annotations

import importlib
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

GENERATOR_MODULES = [
    "bench.generators.org",
    "bench.generators.customers",
    "bench.generators.activities",
    "bench.generators.inbox",
    "bench.generators.contracts",
    "bench.generators.stock",
    "bench.generators.orders",
    "bench.generators.receivables",
]


@dataclass
class GenContext:
    scale: int
    seed: int
    password_hash: str
    rng: random.Random = field(default_factory=random.Random)
    # Steps may leave things for later steps (ids, lookups); later steps must also work
    # when an earlier step was skipped because its data already existed.
    shared: dict = field(default_factory=dict)

    def for_step(self, name: str) -> GenContext:
        self.rng = random.Random(f"xiaoguan-bench/{self.seed}/{name}")
        return self


@dataclass(frozen=True)
class Step:
    name: str
    description: str
    run: Callable[[GenContext], dict[str, int]]
    done: Callable[[GenContext], bool]


STEPS: list[Step] = []


def step(name: str, description: str, *, done: Callable[[GenContext], bool]):
    """Register a generator step; ``run(ctx)`` returns {what: how many rows}."""

    def register(func: Callable[[GenContext], dict[str, int]]):
        STEPS.append(Step(name=name, description=description, run=func, done=done))
        return func

    return register


def load_steps() -> list[Step]:
    for module in GENERATOR_MODULES:
        importlib.import_module(module)  # registers its steps once
    return STEPS


def _is_demo_database() -> bool:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("sqlite3"):
        return False
    return (
        Path(str(db["NAME"])).resolve() == (Path(settings.VAR_DIR) / "xiaoguan.sqlite3").resolve()
    )


def describe_database() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    where = (
        f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or ''}/" if engine == "postgresql" else ""
    )
    return f"{engine} {where}{db['NAME']}"


def main(args) -> int:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from bench.generators.org import BENCH_PASSWORD, existing_scale

    steps = load_steps()
    if args.list:
        for s in steps:
            print(f"{s.name:16} {s.description}")
        return 0
    if args.scale < 1:
        print("bench gen: --scale must be at least 1", file=sys.stderr)
        return 2
    if _is_demo_database() and not args.force:
        print(
            "bench gen: refusing to write into the demo database (var/xiaoguan.sqlite3).\n"
            "Point DATABASE_URL at a database made for benchmarks, or pass --force.",
            file=sys.stderr,
        )
        return 2
    unknown = set(args.only or []) - {s.name for s in steps}
    if unknown:
        print(f"bench gen: unknown step(s) {sorted(unknown)}; see --list", file=sys.stderr)
        return 2
    have = existing_scale()
    if have is not None and have != args.scale:
        print(
            f"bench gen: this database already holds a bench company at scale {have}; "
            f"generate scale {args.scale} into a fresh database.",
            file=sys.stderr,
        )
        return 2

    print(f"bench gen: scale {args.scale}, seed {args.seed}, database {describe_database()}")
    # One hash for every bench user: hashing is slow on purpose (Argon2) and the same
    # password gives the same cost at sign-in as a real one.
    ctx = GenContext(scale=args.scale, seed=args.seed, password_hash=make_password(BENCH_PASSWORD))
    started = time.perf_counter()
    for s in steps:
        if args.only and s.name not in args.only:
            continue
        ctx.for_step(s.name)
        if s.done(ctx):
            print(f"  {s.name:16} already there, skipped")
            continue
        t0 = time.perf_counter()
        with transaction.atomic():
            counts = s.run(ctx)
        summary = ", ".join(f"{n:,} {what}" for what, n in counts.items())
        print(f"  {s.name:16} {summary} ({time.perf_counter() - t0:.1f} s)")
    from django.db import connection

    if connection.vendor == "postgresql":
        # Fresh bulk inserts leave the planner without statistics until autovacuum comes by
        # (a 10,000-row table estimated at a few rows picks nested loops over it); a real
        # database has them, so the bench analyses before anyone measures.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"bench gen: done in {time.perf_counter() - started:.1f} s; "
        f"every bench user signs in with the password {BENCH_PASSWORD!r}"
    )
    return 0
