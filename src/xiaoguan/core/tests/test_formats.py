"""A date field's value survives a redisplay on a Chinese page (ISO order in the input)."""

from __future__ import annotations

from datetime import date, datetime

from django import forms
from django.utils import translation


class _Form(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    plain = forms.DateField(widget=forms.DateInput())
    moment = forms.DateTimeField(widget=forms.DateTimeInput())


def test_a_date_input_is_written_in_iso_order_on_a_chinese_page():
    with translation.override("zh-hans"):
        html = str(_Form(initial={"day": date(2026, 12, 27), "plain": date(2026, 1, 5)}))
    assert 'value="2026-12-27"' in html
    assert 'value="2026-01-05"' in html
    assert "2026/12/27" not in html


def test_chinese_pages_still_read_slashes():
    with translation.override("zh-hans"):
        for text in ("2026-12-27", "2026/12/27"):
            form = _Form(data={"day": text, "plain": text, "moment": "2026-12-27 09:30"})
            assert form.is_valid(), (text, form.errors)
            assert form.cleaned_data["day"] == date(2026, 12, 27)
            assert form.cleaned_data["moment"].replace(tzinfo=None) == datetime(2026, 12, 27, 9, 30)
