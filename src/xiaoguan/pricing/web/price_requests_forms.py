"""Forms of the price approval request pages: the reason (the lines come from the document)
and the list filter (an allow-list of keys)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.web.forms import BootstrapForm
from xiaoguan.pricing.enums import ApprovalDocStatus, SubjectKind
from xiaoguan.pricing.services.price_requests import MAX_REASON


class PriceRequestForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Why are these prices needed?"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("E.g. the competitor's offer, the size of the project, a strategic customer."),
    )


class PriceRequestFilterForm(BootstrapForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", _("All")), ("open", _("Waiting for approval"))]
        # "open" is the in-approval status under its list name: not offered twice.
        + [
            (v, label)
            for v, label in ApprovalDocStatus.choices
            if v not in (ApprovalDocStatus.DRAFT, ApprovalDocStatus.IN_APPROVAL)
        ],
    )
    subject_kind = forms.ChoiceField(
        label=_("for"), required=False, choices=[("", _("All")), *SubjectKind.choices]
    )
