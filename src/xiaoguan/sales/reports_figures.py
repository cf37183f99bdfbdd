"""The sales figures of a person's week for the weekly report (R-TGT-5): opportunities
created, moved and won. Registered on ``core.period_figures`` from ``SalesConfig.ready()``
(activities may not import sales, nor sales activities: they share a layer)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoguan.sales.enums import Stage
from xiaoguan.sales.models import Opportunity, StageChange


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def opportunity_figures(user: Any, start: date, end: date) -> list[tuple[Any, Any]]:
    lo, hi = _bounds(start, end)
    created = Opportunity.objects.filter(owner=user, created_at__gte=lo, created_at__lt=hi)
    changes = StageChange.objects.filter(opportunity__owner=user, at__gte=lo, at__lt=hi).exclude(
        from_stage=""
    )
    moved = changes.values("opportunity_id").distinct().count()
    won_ids = changes.filter(to_stage=Stage.WON).values("opportunity_id")
    won = Opportunity.objects.filter(pk__in=won_ids, stage=Stage.WON)
    won_amount = won.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return [
        (_("Opportunities created"), created.count()),
        (_("Opportunities moved to another stage"), moved),
        (_("Opportunities won"), won.count()),
        (_("Amount won (CNY)"), f"{won_amount:,.2f}"),
    ]


def register() -> None:
    from xiaoguan.core import period_figures

    period_figures.register("30.sales.opportunities", opportunity_figures)
