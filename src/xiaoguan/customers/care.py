"""Customer care (R-CUS-10): the bundled holiday table and birthday date arithmetic.

The table holds the Chinese holidays a rep sends greetings for, with their Gregorian dates
2026–2028 (lunar holidays move every year; nothing is fetched at run time). Extend it when
the years run out; a year missing from the table simply yields no reminder.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

HOLIDAYS: dict[str, dict] = {
    "spring_festival": {
        "label": _("Spring Festival"),
        "dates": {2026: date(2026, 2, 17), 2027: date(2027, 2, 6), 2028: date(2028, 1, 26)},
    },
    "mid_autumn": {
        "label": _("Mid-Autumn Festival"),
        "dates": {2026: date(2026, 9, 25), 2027: date(2027, 9, 15), 2028: date(2028, 10, 3)},
    },
    "national_day": {
        "label": _("National Day"),
        "dates": {2026: date(2026, 10, 1), 2027: date(2027, 10, 1), 2028: date(2028, 10, 1)},
    },
}


def holidays_between(codes: list[str], start: date, end: date) -> list[tuple[str, date]]:
    """The holidays among ``codes`` falling on ``start``..``end`` (inclusive), by date."""
    out = []
    for code in codes:
        for day in HOLIDAYS.get(code, {}).get("dates", {}).values():
            if start <= day <= end:
                out.append((code, day))
    return sorted(out, key=lambda item: (item[1], item[0]))


def next_birthday(birthday: date, today: date) -> date:
    """The next occurrence (today included) of a birthday; 29 February is kept on 28 February
    in other years."""
    for year in (today.year, today.year + 1):
        try:
            day = birthday.replace(year=year)
        except ValueError:
            day = date(year, 2, 28)
        if day >= today:
            return day
    raise AssertionError("unreachable")


def birthday_window_q(today: date, days: int, field: str = "birthday") -> Q:
    """A filter for birthdays (any year) falling on ``today`` .. ``today + days``, by month and
    day, so the database needs no date arithmetic."""
    condition = Q(pk__in=[])
    day = today
    end = today + timedelta(days=days)
    # Walk month by month; at most 13 months for a window of up to a year.
    while day <= end:
        month_end = (date(day.year + (day.month == 12), day.month % 12 + 1, 1)) - timedelta(days=1)
        last = min(month_end, end)
        last_day = last.day
        if last.month == 2 and last.day == 28 and not calendar.isleap(last.year):
            last_day = 29  # 29 February birthdays are celebrated on the 28th in common years
        condition |= Q(
            **{
                f"{field}__month": day.month,
                f"{field}__day__gte": day.day,
                f"{field}__day__lte": last_day,
            }
        )
        day = last + timedelta(days=1)
    return condition
