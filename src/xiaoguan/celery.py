"""The Celery application. With ``REDIS_URL`` set, tasks go to workers and beat runs the
periodic schedule; without it, tasks run in-process (eager) and ``xiaoguan serve`` runs the
same schedule itself (core.jobs)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaoguan.settings")

app = Celery("xiaoguan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _setup_periodic(sender, **kwargs):
    from xiaoguan.core import jobs

    sender.conf.beat_schedule = jobs.beat_schedule()
