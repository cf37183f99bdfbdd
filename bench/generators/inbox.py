"""The inbox: each bench employee has two months of notifications, about a quarter unread."""

from __future__ import annotations

from datetime import timedelta

from bench.gen import GenContext, step
from bench.generators.org import bench_users

PER_USER = 40
UNREAD_SHARE = 0.25
DEDUPE_PREFIX = "bench-"

TEMPLATES = [
    ("approvals.pending", "待审批：报价单 QUO-2025-{n:06d}", "/approvals/"),
    ("approvals.decided", "审批已通过：合同 CON-2025-{n:06d}", "/approvals/"),
    ("reminder.visit", "客户回访提醒：第 {n} 号客户已超过 30 天未拜访", ""),
    ("reminder.receivable", "回款提醒：第 {n} 期应收款将于 7 天内到期", ""),
    ("org.handover", "交接通知：您接收了 {n} 个客户", "/org/"),
]


def _inbox_exists(ctx: GenContext) -> bool:
    from xiaoguan.core.models import Notification

    return Notification.objects.filter(dedupe_key__startswith=DEDUPE_PREFIX).exists()


@step("inbox", f"{PER_USER} notifications per bench employee over 60 days", done=_inbox_exists)
def generate_inbox(ctx: GenContext) -> dict[str, int]:
    from django.utils import timezone

    from xiaoguan.core.models import Notification

    rng = ctx.rng
    # Dates are relative to the day of generation (midnight UTC), the rest to the seed.
    now = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    rows = []
    for user_id in bench_users().values_list("pk", flat=True):
        for i in range(PER_USER):
            kind, title, url = rng.choice(TEMPLATES)
            created = now - timedelta(minutes=rng.randint(0, 60 * 24 * 60))
            unread = rng.random() < UNREAD_SHARE
            rows.append(
                Notification(
                    recipient_id=user_id,
                    kind=kind,
                    title=title.format(n=rng.randint(1, 999_999)),
                    url=url,
                    dedupe_key=f"{DEDUPE_PREFIX}{user_id}-{i}",
                    created_at=created,
                    read_at=None if unread else created + timedelta(hours=rng.randint(1, 72)),
                )
            )
    # created_at is auto_now_add; the bench backdates it, so the flag is lifted for this insert.
    field = Notification._meta.get_field("created_at")
    field.auto_now_add = False
    try:
        Notification.objects.bulk_create(rows, batch_size=2000)
    finally:
        field.auto_now_add = True
    return {"notifications": len(rows), "unread": sum(1 for r in rows if r.read_at is None)}
