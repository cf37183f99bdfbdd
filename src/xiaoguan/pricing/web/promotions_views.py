"""Pages of promotion prices: list, detail with its actions, entry and edit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.history import history_rows
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import BootstrapFormMixin, form_apply_error
from xiaoguan.pricing.enums import ApprovalDocStatus
from xiaoguan.pricing.models import Promotion
from xiaoguan.pricing.selectors import price_list as selectors
from xiaoguan.pricing.services import promotions as services
from xiaoguan.pricing.web.prices_views import _product_choices, _unit_choices


class PromotionForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("name"), max_length=100)
    product = forms.TypedChoiceField(label=gettext_lazy("product"), coerce=int)
    unit = forms.TypedChoiceField(label=gettext_lazy("unit"), coerce=int)
    price = forms.DecimalField(
        label=gettext_lazy("promotion price"), max_digits=16, decimal_places=2
    )
    starts_on = forms.DateField(
        label=gettext_lazy("starts"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ends_on = forms.DateField(
        label=gettext_lazy("ends"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=gettext_lazy("note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", "—"), *_product_choices()]
        self.fields["unit"].choices = [("", "—"), *_unit_choices()]

    def to_data(self) -> services.PromotionData:
        d = self.cleaned_data
        return services.PromotionData(
            name=d["name"],
            product_id=d["product"],
            unit_id=d["unit"],
            price=d["price"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            note=d.get("note") or "",
        )


def _promotion(request: HttpRequest, promotion_id: int) -> Promotion:
    try:
        return selectors.promotion_get(user=request.user, promotion_id=promotion_id)
    except Promotion.DoesNotExist:
        raise Http404 from None


@require_right("pricing.view")
def promotion_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    current = request.GET.get("current") == "1"
    qs = selectors.promotion_list(
        user=request.user, status=status, current_on=timezone.localdate() if current else None
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "pricing/promotion_list.html",
        {
            "page": page,
            "status": status,
            "current": current,
            "statuses": ApprovalDocStatus.choices,
            "can_manage": request.user.has_right("pricing.manage"),
            "today": timezone.localdate(),
        },
    )


@require_right("pricing.view")
def promotion_detail(request: HttpRequest, promotion_id: int) -> HttpResponse:
    promo = _promotion(request, promotion_id)
    return render(
        request,
        "pricing/promotion_detail.html",
        {
            "promo": promo,
            "history": history_rows(promo),
            "can_manage": request.user.has_right("pricing.manage"),
        },
    )


def _form(request: HttpRequest, promo: Promotion | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if promo is not None:
        initial = {
            "name": promo.name,
            "product": promo.product_id,
            "unit": promo.unit_id,
            "price": promo.price,
            "starts_on": promo.starts_on,
            "ends_on": promo.ends_on,
            "note": promo.note,
            "version": promo.version,
        }
    form = PromotionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if promo is None:
                promo = services.promotion_create(actor=request.user, data=form.to_data())
            else:
                promo = services.promotion_update(
                    actor=request.user,
                    promotion=promo,
                    expected_version=form.cleaned_data.get("version") or 0,
                    data=form.to_data(),
                )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Promotion saved."))
            return redirect("pricing:promotion_detail", promotion_id=promo.pk)
    return render(request, "pricing/promotion_form.html", {"form": form, "promo": promo})


@require_right("pricing.manage")
def promotion_create(request: HttpRequest) -> HttpResponse:
    return _form(request, None)


@require_right("pricing.manage")
def promotion_edit(request: HttpRequest, promotion_id: int) -> HttpResponse:
    promo = _promotion(request, promotion_id)
    if not promo.is_editable:
        messages.error(request, _("A submitted or decided promotion cannot be edited."))
        return redirect("pricing:promotion_detail", promotion_id=promo.pk)
    return _form(request, promo)


@require_right("pricing.manage")
@require_POST
def promotion_action(request: HttpRequest, promotion_id: int, action: str) -> HttpResponse:
    promo = _promotion(request, promotion_id)
    actions = {
        "submit": (services.promotion_submit, _("Sent to management for approval.")),
        "withdraw": (services.promotion_withdraw, _("Taken back; it is a draft again.")),
        "cancel": (services.promotion_cancel, _("Promotion cancelled.")),
    }
    if action not in actions:
        raise Http404
    service, done = actions[action]
    try:
        service(actor=request.user, promotion=promo)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return redirect("pricing:promotion_detail", promotion_id=promo.pk)
