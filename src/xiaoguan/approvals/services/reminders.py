"""Reminders of approval tasks waiting longer than the policy allows (R-X-4)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from xiaoguan.approvals.enums import RequestStatus, TaskStatus
from xiaoguan.approvals.models import ApprovalTask
from xiaoguan.core import policy
from xiaoguan.core.notifications import notify


def approvals_remind_waiting(*, now: datetime.datetime | None = None) -> int:
    """One reminder per task per elapsed period (``approvals.reminder_hours``); running twice
    makes nothing new (dedupe keys). Returns how many reminders were made."""
    now = now or timezone.now()
    period = datetime.timedelta(hours=int(policy.value("approvals.reminder_hours")))
    tasks = ApprovalTask.objects.filter(
        status=TaskStatus.PENDING,
        request__status=RequestStatus.PENDING,
        created_at__lte=now - period,
    ).select_related("request", "approver")
    made = 0
    with override("zh-hans"):
        for task in tasks.iterator():
            periods = int((now - task.created_at) / period)
            note = notify(
                recipient=task.approver,
                kind="approvals.reminder",
                title=_("Still waiting for your approval: %(title)s")
                % {"title": task.request.title},
                url=reverse("approvals:request_detail", args=[task.request_id]),
                dedupe_key=f"approvals.remind:{task.pk}:{periods}",
            )
            made += note is not None
    return made
