"""``xiaoguan serve`` without Redis: gunicorn answers, and the periodic jobs run inside the
same command (the in-process scheduler), in a real separate process."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
            return response.status
    except OSError:
        return 0


def test_serve_answers_and_runs_the_periodic_jobs_in_process(tmp_path: Path):
    # given an installation without Redis
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update({"XG_MODE": "demo", "XG_VAR_DIR": str(tmp_path), "LOG_LEVEL": "ERROR"})
    port = _free_port()
    # when it is served
    server = subprocess.Popen(
        [sys.executable, "-m", "xiaoguan.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and _get(f"http://127.0.0.1:{port}/healthz") != 200:
            time.sleep(0.5)
        # then the health check and the login page answer
        assert _get(f"http://127.0.0.1:{port}/healthz") == 200
        assert _get(f"http://127.0.0.1:{port}/login/") == 200
        # and every registered periodic job has run once, recorded in the database
        finished: list[str] = []
        while time.monotonic() < deadline:
            with sqlite3.connect(tmp_path / "xiaoguan.sqlite3") as db:
                finished = [
                    name
                    for (name,) in db.execute(
                        "SELECT name FROM core_jobrun WHERE last_finished_at IS NOT NULL AND last_error = ''"
                    )
                ]
            if {"approvals.remind_waiting", "core.idempotency_purge"} <= set(finished):
                break
            time.sleep(0.5)
        assert {"approvals.remind_waiting", "core.idempotency_purge"} <= set(finished)
        # and a new installation can approve business trips: their default chain exists
        with sqlite3.connect(tmp_path / "xiaoguan.sqlite3") as db:
            chains = db.execute(
                "SELECT COUNT(*) FROM approvals_approvalchain WHERE doc_type = 'trip' AND is_active"
            ).fetchone()[0]
        assert chains == 1
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
