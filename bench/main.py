"""``./xg bench`` — the performance harness.

    ./xg bench gen --scale N [--seed S] [--force]   generate a company on the current database
    ./xg bench run [--clients 20] [--requests 2000] [--duration 45] [--only NAME]

Both act on the database named by ``DATABASE_URL`` (the embedded demo database otherwise;
``gen`` refuses to write into it unless ``--force``).
"""

from __future__ import annotations

import argparse
import os
import sys


def django_setup() -> None:
    """The bench runs in demo mode unless told otherwise: with DATABASE_URL given, demo mode
    uses it without demanding production secrets (SECRET_KEY, ALLOWED_HOSTS)."""
    os.environ.setdefault("XG_MODE", "demo")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaoguan.settings")
    import django

    django.setup()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xg bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("gen", help="generate a realistic company, deterministic from a seed")
    gen.add_argument("--scale", type=int, default=1, help="N x (20 reps, ...); default 1")
    gen.add_argument("--seed", type=int, default=2025, help="random seed; default 2025")
    gen.add_argument(
        "--only", action="append", metavar="STEP", help="run only this generator step (repeatable)"
    )
    gen.add_argument(
        "--force", action="store_true", help="allow writing into the embedded demo database"
    )
    gen.add_argument("--list", action="store_true", help="list the generator steps and exit")

    run = sub.add_parser("run", help="start the server on loopback and measure")
    run.add_argument("--clients", type=int, default=20, help="concurrent clients; default 20")
    run.add_argument(
        "--requests", type=int, default=2000, help="requests per page at most; default 2000"
    )
    run.add_argument(
        "--duration", type=float, default=45.0, help="seconds per page at most; default 45"
    )
    run.add_argument("--logins", type=int, default=2, help="sign-ins per client; default 2")
    run.add_argument("--workers", type=int, default=2, help="gunicorn workers; default 2")
    run.add_argument(
        "--threads", type=int, default=4, help="gunicorn threads per worker; default 4"
    )
    run.add_argument(
        "--only", action="append", metavar="NAME", help="measure only this scenario (repeatable)"
    )
    run.add_argument("--no-save", action="store_true", help="do not write bench/results/*.json")
    run.add_argument("--list", action="store_true", help="list the scenarios and exit")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    django_setup()
    if args.command == "gen":
        from bench import gen

        return gen.main(args)
    from bench import run

    return run.main(args)


if __name__ == "__main__":
    sys.exit(main())
