"""Forms of the write-off pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.web.forms import BootstrapForm
from xiaoguan.receivables.enums import WriteOffStatus


class WriteOffForm(BootstrapForm):
    amount = forms.DecimalField(
        label=_("amount to write off"), max_digits=16, decimal_places=2, min_value=0
    )
    reason = forms.CharField(
        label=_("reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why the debt cannot be collected: bankruptcy, a court ruling, the customer "
            "disappeared, the cost of collecting exceeds the debt ..."
        ),
    )


class WriteOffFilterForm(BootstrapForm):
    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(
        required=False, choices=[("", _("All statuses")), *WriteOffStatus.choices]
    )
    sort = forms.CharField(required=False, max_length=20)
