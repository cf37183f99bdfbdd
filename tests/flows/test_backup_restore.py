"""The restore drill: back up, lose data, restore, and find everything again (SQLite and
PostgreSQL), through the real ``xiaoguan`` command in a separate process."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

XIAOGUAN = [sys.executable, "-m", "xiaoguan.cli"]


def run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [*XIAOGUAN, *args], env=env, capture_output=True, text=True, timeout=180
    )
    if check and result.returncode != 0:
        raise AssertionError(f"xiaoguan {args} failed: {result.stderr[-2000:]}")
    return result


def usernames(env: dict[str, str]) -> set[str]:
    out = run(
        env,
        "manage",
        "shell",
        "-c",
        "from xiaoguan.org.models import User; print(','.join(sorted(User.objects.values_list('username', flat=True))))",
    )
    return set(filter(None, out.stdout.strip().splitlines()[-1].split(",")))


def drill(env: dict[str, str], var: Path) -> None:
    # given an installation with one administrator and one uploaded file
    run(env, "manage", "migrate", "--no-input", "-v", "0")
    run(env, "createadmin", "alice", "--generate")
    media = var / "media" / "contracts"
    media.mkdir(parents=True)
    (media / "scan.pdf").write_bytes(b"%PDF-1.4 signed scan")
    archive = var / "drill.tar.gz"
    # when it is backed up, and then changed and damaged
    assert "backup written" in run(env, "backup", "--output", str(archive)).stdout
    run(env, "createadmin", "bob", "--generate")
    (media / "scan.pdf").unlink()
    # then restoring over data is refused without --force, and changes nothing
    refused = run(env, "restore", str(archive), check=False)
    assert refused.returncode == 1
    assert "--force" in refused.stderr
    assert usernames(env) == {"alice", "bob"}
    # and with --force the state of the backup is back, files included
    run(env, "restore", str(archive), "--force")
    assert usernames(env) == {"alice"}
    assert (media / "scan.pdf").read_bytes() == b"%PDF-1.4 signed scan"


def base_env(var: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update({"XG_MODE": "demo", "XG_VAR_DIR": str(var), "LOG_LEVEL": "ERROR"})
    return env


def test_restore_drill_on_sqlite(tmp_path):
    drill(base_env(tmp_path), tmp_path)


@pytest.mark.postgres
def test_restore_drill_on_postgresql(tmp_path):
    from django.conf import settings

    db = settings.DATABASES["default"]
    name = f"xg_drill_{uuid.uuid4().hex[:8]}"
    admin = [
        "psql",
        "-h",
        str(db.get("HOST") or "127.0.0.1"),
        "-U",
        str(db.get("USER") or "postgres"),
        "-d",
        "postgres",
        "-c",
    ]
    subprocess.run([*admin, f"CREATE DATABASE {name}"], check=True, capture_output=True)
    try:
        env = base_env(tmp_path)
        env["DATABASE_URL"] = (
            f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"
        )
        drill(env, tmp_path)
    finally:
        subprocess.run(
            [*admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True
        )
