"""The ``xiaoguan`` command (``./xg`` runs it inside the project's virtual environment).

xiaoguan demo [--port N] [--reset]   the demo company on the embedded SQLite database
xiaoguan serve [--host H] [--port N] [--workers N]
xiaoguan test [pytest arguments]     the suite (SQLite unless DATABASE_URL says otherwise)
xiaoguan createadmin USERNAME        the first administrator of a real installation
xiaoguan bench gen|run ...           the performance harness (bench/)
xiaoguan manage ARGS...              Django's manage.py
xiaoguan backup [--output F]         database + uploaded files in one archive
xiaoguan restore ARCHIVE [--force]   put such an archive back
xiaoguan compilemessages             build the translations (.po -> .mo)
xiaoguan messages [--check]          extract strings into the zh_Hans catalogues
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent


def compile_messages(verbose: bool = False) -> int:
    """Compile every .po under the package with polib (no GNU gettext needed at run time)."""
    import polib

    count = 0
    for po_path in PACKAGE_DIR.rglob("locale/*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        except OSError as exc:  # a read-only installation compiled them at install time
            if not mo_path.exists():
                raise
            print(
                f"xiaoguan: cannot refresh {mo_path} ({exc}); using the compiled one",
                file=sys.stderr,
            )
            continue
        count += 1
        if verbose:
            print(f"compiled {po_path.relative_to(PROJECT_DIR)}")
    return count


def _django_setup(mode: str | None = None) -> None:
    if mode:
        os.environ["XG_MODE"] = mode
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaoguan.settings")
    import django

    django.setup()


def _manage(*args: str, **options) -> None:
    from django.core.management import call_command

    call_command(*args, **options)


def cmd_manage(argv: list[str]) -> int:
    os.environ.setdefault("XG_MODE", "demo" if "DATABASE_URL" not in os.environ else "production")
    compile_messages()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaoguan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["xiaoguan manage", *argv])
    return 0


def _catalogue_dirs() -> list[tuple[Path, list[str]]]:
    """Each app keeps its own catalogue (src/xiaoguan/<app>/locale); the package's own
    (settings, base templates) is src/xiaoguan/locale and ignores the apps' folders."""
    apps = sorted(p.parent for p in PACKAGE_DIR.glob("*/apps.py"))
    dirs: list[tuple[Path, list[str]]] = [(app, []) for app in apps]
    dirs.append((PACKAGE_DIR, [f"{app.name}/*" for app in apps] + ["static/*"]))
    return dirs


def _untranslated(po_path: Path) -> list[str]:
    import polib

    po = polib.pofile(str(po_path))
    return [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


def cmd_messages(argv: list[str]) -> int:
    """Extract every translatable string into the zh_Hans catalogues (needs GNU gettext).

    ``--check`` fails when a string lacks its Chinese translation (CI runs it)."""
    check = "--check" in argv
    os.environ.setdefault("XG_MODE", "test")
    _django_setup()
    from django.core.management import call_command

    missing: dict[str, list[str]] = {}
    for directory, ignores in _catalogue_dirs():
        (directory / "locale").mkdir(exist_ok=True)
        cwd = os.getcwd()
        os.chdir(directory)
        try:
            for domain in ("django", "djangojs"):
                if domain == "djangojs" and not any(directory.rglob("*.js")):
                    continue
                call_command(
                    "makemessages",
                    locale=["zh_Hans"],
                    domain=domain,
                    ignore_patterns=ignores,
                    no_obsolete=True,
                    add_location="file",
                    verbosity=0,
                )
        finally:
            os.chdir(cwd)
        for po in (directory / "locale").rglob("*.po"):
            todo = _untranslated(po)
            if todo:
                missing[str(po.relative_to(PROJECT_DIR))] = todo
    if missing:
        for po, ids in missing.items():
            print(f"{po}: {len(ids)} string(s) without a translation", file=sys.stderr)
            for msgid in ids[:20]:
                print(f"    {msgid!r}", file=sys.stderr)
        return 1 if check else 0
    print("every string has its Chinese translation")
    return 0


def cmd_compilemessages(argv: list[str]) -> int:
    n = compile_messages(verbose=True)
    print(f"{n} catalogue(s) compiled")
    return 0


def _serve(host: str, port: int, workers: int, threads: int) -> int:
    """gunicorn in a child process; without Redis the periodic jobs run here, in-process."""
    from django.conf import settings

    scheduler = None
    if not settings.REDIS_URL:
        from xiaoguan.core.jobs import InProcessScheduler

        scheduler = InProcessScheduler()
        scheduler.start()
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "xiaoguan.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "10",
        "--timeout",
        "60",
        "--no-control-socket",
    ]
    child = subprocess.Popen(cmd, env=os.environ.copy())

    def _forward(signum, frame):
        child.send_signal(signum)

    signal.signal(signal.SIGTERM, _forward)
    signal.signal(signal.SIGINT, _forward)
    try:
        return child.wait()
    finally:
        if scheduler is not None:
            scheduler.stop()


def cmd_serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="xiaoguan serve")
    parser.add_argument("--host", default=os.environ.get("XG_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("XG_PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("XG_WORKERS", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("XG_THREADS", "4")))
    parser.add_argument("--no-migrate", action="store_true")
    args = parser.parse_args(argv)
    compile_messages()
    _django_setup()
    from django.conf import settings

    if settings.PRODUCTION:
        # Refuse to start with a missing secret key or host list (xiaoguan.E001/E002).
        from django.core.management.base import SystemCheckError

        try:
            _manage("check", deploy=True, fail_level="ERROR")
        except SystemCheckError as exc:
            print(f"xiaoguan serve: not started.\n{exc}", file=sys.stderr)
            return 2
    if not args.no_migrate:
        _manage("migrate", "--no-input", verbosity=0)
        from xiaoguan.approvals.services.chains import default_chains_ensure

        default_chains_ensure()  # a document type without a chain could not be approved
    if settings.PRODUCTION:
        _manage("collectstatic", "--no-input", verbosity=0)
    return _serve(args.host, args.port, args.workers, args.threads)


def cmd_demo(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="xiaoguan demo")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--reset", action="store_true", help="delete the demo database and load it again"
    )
    parser.add_argument(
        "--no-serve", action="store_true", help="set up only; do not start the server"
    )
    args = parser.parse_args(argv)
    os.environ["XG_MODE"] = "demo"
    os.environ.pop("DATABASE_URL", None)
    compile_messages()
    _django_setup("demo")
    from django.conf import settings

    db_path = Path(settings.DATABASES["default"]["NAME"])
    if args.reset:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    print(f"xg: database {db_path}", file=sys.stderr)
    _manage("migrate", "--no-input", verbosity=0)
    from xiaoguan import demo

    created = demo.load_demo_company()
    print(demo.banner(host=args.host, port=args.port, created=created))
    if args.no_serve:
        return 0
    return _serve(args.host, args.port, workers=1, threads=8)


def cmd_createadmin(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="xiaoguan createadmin")
    parser.add_argument("username")
    parser.add_argument("--name", default="")
    parser.add_argument("--email", default="")
    parser.add_argument(
        "--generate", action="store_true", help="generate a password and print it once"
    )
    args = parser.parse_args(argv)
    compile_messages()
    _django_setup()
    from xiaoguan.org import services

    password = None
    if not args.generate:
        import getpass

        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            print("The passwords differ; nothing was created.", file=sys.stderr)
            return 2
    from xiaoguan.core.errors import ApplicationError

    try:
        user, printed = services.administrator_create(
            username=args.username, password=password, full_name=args.name, email=args.email
        )
    except ApplicationError as exc:
        print(f"Refused: {exc.message}", file=sys.stderr)
        for field, msgs in exc.fields.items():
            print(f"  {field}: {msgs}", file=sys.stderr)
        return 2
    print(f"Administrator {user.username} created.")
    if printed:
        print(f"Generated password (shown once): {printed}")
    return 0


def cmd_backup(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="xiaoguan backup")
    parser.add_argument(
        "--output", help="archive path (default: var/backups/xiaoguan-<time>.tar.gz)"
    )
    args = parser.parse_args(argv)
    _django_setup()
    from django.conf import settings
    from django.utils import timezone

    from xiaoguan import backup

    output = (
        Path(args.output)
        if args.output
        else (
            Path(settings.VAR_DIR) / "backups" / f"xiaoguan-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        )
    )
    try:
        path = backup.backup(output)
    except (backup.BackupError, subprocess.CalledProcessError) as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"backup written to {path}")
    return 0


def cmd_restore(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="xiaoguan restore")
    parser.add_argument("archive")
    parser.add_argument(
        "--force", action="store_true", help="replace a database that already holds data"
    )
    args = parser.parse_args(argv)
    _django_setup()
    from xiaoguan import backup

    try:
        manifest = backup.restore(Path(args.archive), force=args.force)
    except (backup.BackupError, subprocess.CalledProcessError, FileNotFoundError) as exc:
        print(f"restore refused: {exc}", file=sys.stderr)
        return 1
    _manage("migrate", "--no-input", verbosity=0)
    print(f"restored the backup of {manifest['created_at']}")
    return 0


def cmd_test(argv: list[str]) -> int:
    os.environ["XG_MODE"] = "test"
    compile_messages()
    import pytest

    os.chdir(PROJECT_DIR)
    return pytest.main(argv)


def cmd_bench(argv: list[str]) -> int:
    sys.path.insert(0, str(PROJECT_DIR))
    from bench import main as bench_main

    return bench_main.main(argv)


COMMANDS = {
    "demo": cmd_demo,
    "serve": cmd_serve,
    "test": cmd_test,
    "bench": cmd_bench,
    "manage": cmd_manage,
    "createadmin": cmd_createadmin,
    "compilemessages": cmd_compilemessages,
    "messages": cmd_messages,
    "backup": cmd_backup,
    "restore": cmd_restore,
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    command = COMMANDS.get(argv[0])
    if command is None:
        print(f"xiaoguan: unknown command {argv[0]!r}\n{__doc__}", file=sys.stderr)
        return 2
    return command(argv[1:]) or 0


if __name__ == "__main__":
    sys.exit(main())
