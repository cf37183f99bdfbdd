"""Forms of the bill pages (endorse, discount, mature, dishonour)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.web.forms import BootstrapForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BillActionForm(BootstrapForm):
    on = forms.DateField(label=_("date"), widget=DATE, initial=timezone.localdate)


class EndorseForm(BillActionForm):
    endorsee = forms.CharField(label=_("endorsed to"), max_length=200)


class DiscountForm(BillActionForm):
    charge = forms.CharField(label=_("discount interest and charges"), max_length=20)
