"""Forms of the inquiry pages: allow-lists of fields; forms validate input, services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.web.forms import BootstrapForm
from xiaoguan.customers.web.pickers import customer_picker_field
from xiaoguan.sales.enums import InquiryKind, InquirySource, InquiryStatus
from xiaoguan.sales.models import Inquiry
from xiaoguan.sales.services.inquiries import InquiryData


class InquiryForm(BootstrapForm):
    """Registration and edit (of an inquiry awaiting the decision). The customer is found by
    typing (a search picker; the field still checks those the user may see) and fixed
    afterwards; given when entered from the customer's page. Choosing it opens the form again
    for that customer (``reload``), whose open opportunities are then the only ones offered;
    before that the opportunity field only says to choose the customer first."""

    customer = customer_picker_field(reload=True)
    kind = forms.ChoiceField(label=_("kind"), choices=InquiryKind.choices)
    source = forms.ChoiceField(label=_("source"), choices=InquirySource.choices)
    title = forms.CharField(label=_("subject"), max_length=200)
    tender_number = forms.CharField(label=_("tender number"), max_length=60, required=False)
    deadline = forms.DateTimeField(
        label=_("deadline for the offer"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    estimated_amount = forms.DecimalField(
        label=_("estimated amount"),
        max_digits=15,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Needed before deciding to bid; large amounts are decided by management."),
    )
    opportunity = forms.ModelChoiceField(
        label=_("opportunity"),
        queryset=None,
        required=False,
        empty_label="—",
        help_text=_("Optional: one of the customer's open opportunities."),
        error_messages={
            "invalid_choice": _(
                "This opportunity is not one of the chosen customer's open opportunities "
                "in your scope: choose one from the list."
            )
        },
    )
    description = forms.CharField(
        label=_("requirements"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, customers, opportunities, inquiry: Inquiry | None = None, **kwargs):
        if inquiry is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "customer": inquiry.customer_id,
                "kind": inquiry.kind,
                "source": inquiry.source,
                "title": inquiry.title,
                "tender_number": inquiry.tender_number,
                "deadline": inquiry.deadline,
                "estimated_amount": inquiry.estimated_amount,
                "opportunity": inquiry.opportunity_id,
                "description": inquiry.description,
                "version": inquiry.version,
            }
        super().__init__(*args, **kwargs)
        self.inquiry = inquiry
        self.fields["customer"].queryset = customers
        self.fields["opportunity"].queryset = opportunities
        if inquiry is not None:
            del self.fields["customer"]
        elif self.initial.get("customer"):
            # entered from the customer's page (named in the title): the customer is given
            self.fields["customer"].widget = forms.HiddenInput()
        elif not self["customer"].value():
            # the choices are the customer's: nothing to offer before it is chosen
            field = self.fields["opportunity"]
            field.disabled = True
            field.help_text = _("Choose the customer first: its open opportunities appear here.")
            self.initial.pop("opportunity", None)

    def to_data(self) -> InquiryData:
        d = self.cleaned_data
        return InquiryData(
            customer_id=self.inquiry.customer_id if self.inquiry else d["customer"].pk,
            kind=d["kind"],
            source=d["source"],
            title=d["title"],
            tender_number=d.get("tender_number") or "",
            deadline=d["deadline"],
            estimated_amount=d.get("estimated_amount"),
            opportunity_id=d["opportunity"].pk if d.get("opportunity") else None,
            description=d.get("description") or "",
        )


class DecisionForm(BootstrapForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("bid", _("Bid")), ("no_bid", _("No bid"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs["class"] = "form-check-input"


class RequestFiguresForm(BootstrapForm):
    due_on = forms.DateField(
        label=_("due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=_("Note to the departments"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CancelForm(BootstrapForm):
    note = forms.CharField(label=_("Reason"), max_length=300)


STATUS_FILTER = [
    ("", _("All statuses")),
    ("open", _("All open")),
    *InquiryStatus.choices,
]


class InquiryFilterForm(BootstrapForm):
    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(required=False, choices=STATUS_FILTER)
    kind = forms.ChoiceField(required=False, choices=[("", _("All kinds")), *InquiryKind.choices])
    deadline_from = forms.DateField(required=False)
    deadline_to = forms.DateField(required=False)
    customer = forms.IntegerField(required=False, min_value=1)
    sort = forms.CharField(required=False, max_length=20)
