"""Forms of the shipping pages: allow-lists of what a user types; the services decide (and
refuse with field errors)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoguan.catalog.models import Warehouse
from xiaoguan.core.web.forms import BootstrapForm
from xiaoguan.orders.enums import ExceptionKind, ShipmentStatus, ShippingMethod

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def warehouse_choices(blank: str = "---------") -> list[tuple[Any, Any]]:
    return [("", blank)] + [
        (w.pk, w.name) for w in Warehouse.objects.filter(is_active=True).order_by("code")
    ]


class PlanForm(BootstrapForm):
    planned_date = forms.DateField(label=_("planned shipping date"), widget=DATE)
    method = forms.ChoiceField(label=_("shipping method"), choices=ShippingMethod.choices)
    carrier = forms.CharField(label=_("carrier"), max_length=100, required=False)
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class PrepareForm(BootstrapForm):
    warehouse_id = forms.TypedChoiceField(label=_("ships from"), coerce=int, choices=())
    method = forms.ChoiceField(label=_("shipping method"), choices=ShippingMethod.choices)
    carrier = forms.CharField(label=_("carrier"), max_length=100, required=False)
    plan_id = forms.TypedChoiceField(
        label=_("shipping plan"), coerce=int, choices=(), required=False, empty_value=None
    )

    def __init__(self, *args: Any, plans: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse_id"].choices = warehouse_choices()
        self.fields["plan_id"].choices = [("", _("(none)"))] + [
            (p.pk, f"{p.planned_date:%Y-%m-%d} {p.get_method_display()} {p.carrier}".strip())
            for p in plans
        ]


class ShipForm(BootstrapForm):
    shipped_on = forms.DateField(label=_("shipped on"), widget=DATE)
    carrier = forms.CharField(label=_("carrier"), max_length=100, required=False)
    waybill_no = forms.CharField(
        label=_("waybill number"),
        max_length=60,
        required=False,
        help_text=_("Required for freight, express and rail."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("shipped_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class CancelForm(BootstrapForm):
    reason = forms.CharField(label=_("reason"), max_length=300)


class DeliverForm(BootstrapForm):
    delivered_on = forms.DateField(label=_("delivered on"), widget=DATE)
    received_by = forms.CharField(label=_("received by"), max_length=60)
    note = forms.CharField(label=_("delivery note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("delivered_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class AcceptanceForm(BootstrapForm):
    on = forms.DateField(label=_("accepted on"), widget=DATE)
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)


class ExceptionForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("exception"), choices=ExceptionKind.choices)
    shipment_id = forms.TypedChoiceField(
        label=_("shipment"), coerce=int, choices=(), required=False, empty_value=None
    )
    description = forms.CharField(
        label=_("what happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    informed_how = forms.CharField(
        label=_("how the customer was informed"),
        max_length=200,
        required=False,
        help_text=_("Leave empty if the customer has not been told yet."),
    )
    informed_at = forms.DateTimeField(label=_("customer informed"), widget=MOMENT, required=False)

    def __init__(self, *args: Any, shipments: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shipment_id"].choices = [("", _("(the whole order)"))] + [
            (s.pk, f"{s.number} {s.get_status_display()}") for s in shipments
        ]


class InformForm(BootstrapForm):
    how = forms.CharField(label=_("how the customer was informed"), max_length=200)
    informed_at = forms.DateTimeField(label=_("customer informed"), widget=MOMENT, required=False)


class ResolveForm(BootstrapForm):
    resolution = forms.CharField(
        label=_("resolution"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ShipmentFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(
        required=False, choices=[("", _("All statuses")), *ShipmentStatus.choices]
    )
    warehouse = forms.TypedChoiceField(required=False, coerce=int, choices=(), empty_value=None)
    late = forms.BooleanField(required=False)
    sort = forms.CharField(required=False, max_length=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = warehouse_choices(str(_("All warehouses")))


class WarehouseFilterForm(forms.Form):
    warehouse = forms.TypedChoiceField(required=False, coerce=int, choices=(), empty_value=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = warehouse_choices(str(_("All warehouses")))
