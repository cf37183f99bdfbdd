"""Simplified Chinese formats: Django's, except that a date or time is written into a form
field in ISO order (2026-12-27) first. Django writes a form's date with the first input
format, ``%Y/%m/%d`` for Chinese, which an ``<input type="date">`` cannot show: editing a
record on a Chinese page emptied its dates, and saving lost them. The slash and 年月日 forms
are still read."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403
from django.conf.locale.zh_Hans.formats import DATE_INPUT_FORMATS as _DATES
from django.conf.locale.zh_Hans.formats import DATETIME_INPUT_FORMATS as _MOMENTS

DATE_INPUT_FORMATS = ["%Y-%m-%d", *[f for f in _DATES if f != "%Y-%m-%d"]]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    *[f for f in _MOMENTS if f not in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")],
]
