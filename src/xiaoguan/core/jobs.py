"""Periodic jobs (R-X-4). Apps declare what runs how often; Celery beat runs the schedule
when Redis is configured, and ``xiaoguan serve`` runs it in-process otherwise.

    @jobs.periodic("approvals.remind_waiting", every=timedelta(hours=1))
    @shared_task
    def remind_waiting(): ...

Reminders themselves are idempotent (dedupe keys), so a job that runs twice does no harm;
the in-process runner still claims each run with a conditional update so that several
server processes do not all run it.
"""

from __future__ import annotations

import logging
import threading
import traceback
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import close_old_connections
from django.utils import timezone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Any  # a Celery task
    every: timedelta


_jobs: dict[str, PeriodicJob] = {}


def periodic(name: str, *, every: timedelta):
    def decorate(task):
        _jobs[name] = PeriodicJob(name=name, task=task, every=every)
        return task

    return decorate


def registered() -> list[PeriodicJob]:
    return list(_jobs.values())


def beat_schedule() -> dict[str, dict[str, Any]]:
    return {
        job.name: {"task": job.task.name, "schedule": job.every.total_seconds()}
        for job in _jobs.values()
    }


def run_due_jobs(now=None) -> list[str]:
    """Run every job whose time has come, each claimed by exactly one runner."""
    from xiaoguan.core.models import JobRun

    now = now or timezone.now()
    ran: list[str] = []
    for job in registered():
        JobRun.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
        claimed = JobRun.objects.filter(name=job.name, next_run_at__lte=now).update(
            next_run_at=now + job.every, last_started_at=now
        )
        if not claimed:
            continue
        error = ""
        try:
            job.task.apply(throw=True)
        except Exception:  # a failing job must not stop the others
            error = traceback.format_exc()[-4000:]
            log.exception("periodic job %s failed", job.name)
        JobRun.objects.filter(name=job.name).update(
            last_finished_at=timezone.now(), last_error=error
        )
        ran.append(job.name)
    return ran


class InProcessScheduler(threading.Thread):
    """The schedule for installations without Redis: a daemon thread in ``xiaoguan serve``."""

    def __init__(self, interval_seconds: float = 30.0) -> None:
        super().__init__(name="xg-scheduler", daemon=True)
        self.interval = interval_seconds
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                close_old_connections()
                run_due_jobs()
            except Exception:
                log.exception("scheduler tick failed")
            finally:
                close_old_connections()
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
