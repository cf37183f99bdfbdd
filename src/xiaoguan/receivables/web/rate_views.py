"""The collection-rate page (回款率, R-AR-6): per rep or team, for a period, what fell due,
what was collected of it, the collection and on-time rates and the average days late.
Thin: ``selectors.collection_rate`` computes, in the user's scope."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoguan.core.web.decorators import require_right
from xiaoguan.receivables.selectors.collection_rate import DIMENSIONS, collection_rate

RIGHT = "receivables.reports"
MAX_DAYS = 3660


class RateForm(forms.Form):
    start = forms.DateField(required=False, label=gettext_lazy("From"))
    end = forms.DateField(required=False, label=gettext_lazy("To"))
    dimension = forms.ChoiceField(
        required=False,
        choices=[("rep", gettext_lazy("Rep")), ("team", gettext_lazy("Team"))],
        label=gettext_lazy("Group by"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        for name, value in (("start", start), ("end", end)):
            if value is not None and not date(2000, 1, 1) <= value <= date(2100, 12, 31):
                self.add_error(name, _("Choose a date between 2000 and 2100."))
        if start and end and end < start:
            self.add_error("end", _("The end of the period is before its start."))
        elif start and end and (end - start).days > MAX_DAYS:
            self.add_error("start", _("A period covers at most ten years."))
        return data


def default_period() -> tuple[date, date]:
    today = timezone.localdate()
    start = today.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return start, end


def period_and_dimension(data: Any) -> tuple[RateForm, date, date, str]:
    form = RateForm(data or None)
    start, end = default_period()
    dimension = "rep"
    if form.is_bound and form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
        if form.cleaned_data.get("dimension") in DIMENSIONS:
            dimension = form.cleaned_data["dimension"]
    return form, start, end, dimension


@require_right(RIGHT)
def rate_report(request: HttpRequest) -> HttpResponse:
    form, start, end, dimension = period_and_dimension(request.GET)
    result = collection_rate(user=request.user, start=start, end=end, dimension=dimension)
    return render(
        request,
        "receivables/rate_report.html",
        {"form": form, "result": result, "dimension": dimension},
    )
