"""Forms of the reports pages: allow-lists of what a person may write (never owner,
department, status or figures)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from xiaoguan.activities.selectors import reports as selectors
from xiaoguan.activities.services.reports import MinutesData, WeeklyReportData
from xiaoguan.core.web.forms import BootstrapForm

TEXT_MAX = 5000


class WorkLogForm(BootstrapForm):
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    content = forms.CharField(
        label=_("What I did"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(
            attrs={"rows": 5, "placeholder": _("Visits, calls, quotes, problems met…")}
        ),
    )
    plan = forms.CharField(
        label=_("Plan for tomorrow"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, fixed_date: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first, last = selectors.worklog_window()
        self.fields["date"].widget.attrs.update({"min": first.isoformat(), "max": last.isoformat()})
        if fixed_date:
            self.fields["date"].widget = forms.HiddenInput()


class CommentForm(BootstrapForm):
    text = forms.CharField(
        label=_("Comment"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def week_choices(weeks: int = 8) -> list[tuple[str, str]]:
    """This week and the previous ones, by their Monday."""
    monday = selectors.week_start_of(timezone.localdate())
    out = []
    for i in range(weeks):
        start = monday - timedelta(days=7 * i)
        end = start + timedelta(days=6)
        label = f"{formats.date_format(start, 'SHORT_DATE_FORMAT')} – {formats.date_format(end, 'SHORT_DATE_FORMAT')}"
        out.append((start.isoformat(), label))
    return out


class WeeklyReportForm(BootstrapForm):
    week_start = forms.TypedChoiceField(label=_("Week"), coerce=date.fromisoformat, choices=())
    summary = forms.CharField(
        label=_("Summary of the week"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    problems = forms.CharField(
        label=_("Problems and help needed"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_week = forms.CharField(
        label=_("Plan for next week"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, with_week: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_week:
            self.fields["week_start"].choices = week_choices()
        else:
            del self.fields["week_start"]

    def to_data(self) -> WeeklyReportData:
        d = self.cleaned_data
        return WeeklyReportData(
            summary=d["summary"], problems=d["problems"], next_week=d["next_week"]
        )


class MinutesForm(BootstrapForm):
    department = forms.ModelChoiceField(label=_("Team"), queryset=None)  # type: ignore[arg-type]
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attendees"),
        queryset=None,  # type: ignore[arg-type]
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.CharField(
        label=_("Topics"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    actions = forms.CharField(
        label=_("Actions, owners and dates"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = selectors.team_departments(user=user)
        self.fields["attendees"].queryset = selectors.minutes_attendee_choices(
            user=user, department=None
        )
        self.fields["attendees"].widget.attrs["class"] = "form-check-input"
        self.fields["attendees"].label_from_instance = lambda u: (  # type: ignore[attr-defined]
            f"{u} · {u.department.name}" if u.department_id else str(u)
        )

    def to_data(self) -> MinutesData:
        d = self.cleaned_data
        return MinutesData(
            department_id=d["department"].pk,
            held_on=d["held_on"],
            topics=d["topics"],
            decisions=d["decisions"],
            actions=d["actions"],
            attendee_ids=[u.pk for u in d["attendees"]],
        )
