"""``xiaoguan backup`` and ``xiaoguan restore``: the database and the uploaded files in one
archive (ARCHITECTURE.md, "Recovery").

The archive (``.tar.gz``) holds ``manifest.json`` (format, engine, time, applied migrations),
the database (``db.sqlite3`` made with SQLite's online backup API, or ``db.pgdump`` from
``pg_dump --format=custom``) and ``media/``. Restore refuses to overwrite a database that
already holds employees unless told to (``--force``), and refuses an archive of another
engine or of a newer schema than the code knows.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = 1


class BackupError(Exception):
    pass


def _engine() -> str:
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"unsupported database engine {engine}")


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = [
        "-h",
        str(db.get("HOST") or "127.0.0.1"),
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        str(db.get("USER") or "postgres"),
        "-d",
        str(db["NAME"]),
    ]
    env = os.environ.copy()
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _applied_migrations() -> list[list[str]]:
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    return sorted([app, name] for app, name in loader.applied_migrations)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def backup(output: Path) -> Path:
    """Write an archive of the database and the uploaded files; returns its path."""
    engine = _engine()
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "engine": engine,
        "created_at": timezone.now().isoformat(),
        "migrations": _applied_migrations(),
    }
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if engine == "sqlite":
            dump = Path(tmp) / "db.sqlite3"
            source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
            target = sqlite3.connect(str(dump))
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            dump = Path(tmp) / "db.pgdump"
            args, env = _pg_env()
            subprocess.run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    "-f",
                    str(dump),
                    *args,
                ],
                check=True,
                env=env,
            )
        with tarfile.open(output, "w:gz") as tar:
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2).encode())
            tar.add(dump, arcname=dump.name)
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                tar.add(media, arcname="media")
    return output


def _database_holds_data() -> bool:
    from django.contrib.auth import get_user_model

    try:
        return get_user_model().objects.exists()
    except Exception:  # no tables yet
        return False


def restore(archive: Path, *, force: bool = False) -> dict[str, Any]:
    """Replace the database and the uploaded files with those of an archive."""
    engine = _engine()
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "r:gz") as tar:
        tar.extractall(tmp, filter="data")
        manifest = json.loads((Path(tmp) / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown archive format {manifest.get('format')!r}")
        if manifest.get("engine") != engine:
            raise BackupError(
                f"the archive is of a {manifest.get('engine')} database; this installation uses {engine}"
            )
        known = {
            (app, name)
            for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations
        }
        unknown = [
            m
            for m in manifest["migrations"]
            if tuple(m) not in known and m[0] not in ("contenttypes", "auth", "sessions")
        ]
        if unknown:
            raise BackupError(
                f"the archive comes from a newer version (unknown migrations: {unknown[:3]}…)"
            )
        if _database_holds_data() and not force:
            raise BackupError("the database already holds data; restore with --force to replace it")
        connections.close_all()
        if engine == "sqlite":
            target = Path(settings.DATABASES["default"]["NAME"])
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            source = sqlite3.connect(str(Path(tmp) / "db.sqlite3"))
            dest = sqlite3.connect(str(target))
            try:
                source.backup(dest)
            finally:
                dest.close()
                source.close()
        else:
            args, env = _pg_env()
            subprocess.run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    *args,
                    str(Path(tmp) / "db.pgdump"),
                ],
                check=True,
                env=env,
            )
        media = Path(settings.MEDIA_ROOT)
        restored_media = Path(tmp) / "media"
        if media.exists():
            shutil.rmtree(media)
        if restored_media.exists():
            shutil.copytree(restored_media, media)
    return manifest
