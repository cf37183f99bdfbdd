"""The conversion page (R-CUS-4): a lead becomes a customer (or joins an existing one among
its duplicates) plus an opportunity, in one step. Thin: selectors read, the service writes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error
from xiaoguan.customers.enums import LeadStatus
from xiaoguan.customers.errors import CustomerDuplicate
from xiaoguan.customers.models import Lead
from xiaoguan.customers.selectors import leads as lead_selectors
from xiaoguan.sales.services import conversion as services
from xiaoguan.sales.web.conversion_forms import ConversionForm


def _lead(request: HttpRequest, lead_id: int) -> Lead:
    try:
        return lead_selectors.lead_get(user=request.user, lead_id=lead_id)
    except Lead.DoesNotExist:
        raise Http404 from None


@require_right("leads.edit")
def lead_convert(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = _lead(request, lead_id)
    if lead.status == LeadStatus.CONVERTED and request.method != "POST":
        messages.info(request, _("This lead is already converted."))
        return redirect("customers:lead_detail", lead_id=lead.pk)
    duplicates = lead_selectors.lead_duplicates(user=request.user, name=lead.name, phone=lead.phone)
    form = ConversionForm(request.POST or None, lead=lead, attach_choices=duplicates.customers)
    extra: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        if not request.user.has_right("customers.edit"):
            form.add_error(None, _("You do not have the right to do this."))
        else:
            try:
                result = services.lead_convert(actor=request.user, lead=lead, data=form.to_data())
            except services.LeadAlreadyConverted as exc:
                messages.error(request, str(exc.message))
                return redirect("customers:lead_detail", lead_id=lead.pk)
            except ApplicationError as exc:
                form_apply_error(form, exc)
                if isinstance(exc, CustomerDuplicate):
                    extra["duplicate_message"] = str(exc.message)
            else:
                messages.success(
                    request,
                    _("Lead converted: customer %(customer)s, opportunity %(number)s.")
                    % {"customer": result.customer.name, "number": result.opportunity.number},
                )
                return redirect("sales:opportunity_detail", opportunity_id=result.opportunity.pk)
    return render(
        request,
        "sales/conversion_form.html",
        {"form": form, "lead": lead, "duplicates": duplicates, **extra},
    )
