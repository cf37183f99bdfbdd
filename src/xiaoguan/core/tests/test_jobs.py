"""Periodic jobs: each due job runs once per period, claimed by one runner; a failure is
recorded and does not stop the others. With real Redis: a task goes through the broker."""

import os
import threading
from datetime import timedelta

import pytest
from celery import Celery, shared_task
from django.db import connection
from django.utils import timezone

from xiaoguan.core import jobs
from xiaoguan.core.models import JobRun

runs: list[str] = []
runs_lock = threading.Lock()


@shared_task(name="xiaoguan.core.tests.count_run")
def count_run():
    with runs_lock:
        runs.append("ok")


@shared_task(name="xiaoguan.core.tests.explode")
def explode():
    raise RuntimeError("the job broke")


@pytest.fixture
def test_jobs():
    runs.clear()
    jobs.periodic("test.count", every=timedelta(minutes=10))(count_run)
    yield
    jobs._jobs.pop("test.count", None)
    jobs._jobs.pop("test.explode", None)


@pytest.mark.django_db
def test_a_due_job_runs_once_and_not_again_until_due(test_jobs):
    # given
    now = timezone.now()
    # when
    first = jobs.run_due_jobs(now=now)
    again = jobs.run_due_jobs(now=now + timedelta(minutes=5))
    later = jobs.run_due_jobs(now=now + timedelta(minutes=10))
    # then
    assert "test.count" in first
    assert "test.count" not in again
    assert "test.count" in later
    assert runs == ["ok", "ok"]
    assert JobRun.objects.get(name="test.count").next_run_at == now + timedelta(minutes=20)


@pytest.mark.django_db
def test_a_failing_job_records_its_error_and_the_others_still_run(test_jobs):
    # given
    jobs.periodic("test.explode", every=timedelta(minutes=10))(explode)
    # when
    ran = jobs.run_due_jobs(now=timezone.now())
    # then
    assert {"test.explode", "test.count"} <= set(ran)
    assert runs == ["ok"]
    failed = JobRun.objects.get(name="test.explode")
    assert "the job broke" in failed.last_error
    assert failed.last_finished_at is not None
    assert JobRun.objects.get(name="test.count").last_error == ""


@pytest.mark.django_db
def test_a_job_that_succeeds_again_clears_its_last_error(test_jobs):
    jobs.periodic("test.explode", every=timedelta(minutes=10))(count_run)
    JobRun.objects.create(name="test.explode", next_run_at=timezone.now(), last_error="old")
    jobs.run_due_jobs(now=timezone.now())
    assert JobRun.objects.get(name="test.explode").last_error == ""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_runners_claim_a_due_job_once(test_jobs):
    # given
    now = timezone.now()
    JobRun.objects.create(name="test.count", next_run_at=now)
    barrier = threading.Barrier(8)

    def runner():
        try:
            barrier.wait()
            jobs.run_due_jobs(now=now)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=runner) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then
    assert runs == ["ok"]


def test_the_beat_schedule_lists_every_periodic_job(test_jobs):
    schedule = jobs.beat_schedule()
    assert schedule["test.count"] == {"task": "xiaoguan.core.tests.count_run", "schedule": 600.0}


# --- real Redis -----------------------------------------------------------------------

REDIS_URL_TESTS = os.environ.get("REDIS_URL_TESTS", "redis://127.0.0.1:6379/15")


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL_TESTS, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.mark.redis
def test_a_task_sent_through_the_redis_broker_runs_on_a_worker():
    if not _redis_reachable():
        pytest.skip(f"Redis is not reachable at {REDIS_URL_TESTS} (set REDIS_URL_TESTS)")
    from celery.contrib.testing.worker import start_worker

    # given: an app like production's (broker and results in Redis, nothing eager)
    app = Celery("xg-redis-test", broker=REDIS_URL_TESTS, backend=REDIS_URL_TESTS)
    app.conf.update(
        task_always_eager=False, task_default_queue="xg-test-queue", broker_connection_retry=False
    )
    done = threading.Event()

    @app.task(name="xg.test.add")
    def add(a, b):
        done.set()
        return a + b

    # when
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = add.delay(2, 3)
        value = result.get(timeout=20)
    # then
    assert value == 5
    assert done.is_set()
