"""Forms of the public pool pages: allow-lists; choices come from scoped selectors."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.web.forms import BootstrapForm
from xiaoguan.customers.enums import CustomerClass, Industry
from xiaoguan.customers.selectors import pool as pool_selectors


class PoolFilterForm(BootstrapForm):
    q = forms.CharField(required=False, max_length=100)
    customer_class = forms.ChoiceField(
        required=False, choices=[("", _("All classes")), *CustomerClass.choices]
    )
    industry = forms.ChoiceField(
        required=False, choices=[("", _("All industries")), *Industry.choices]
    )
    pool = forms.ModelChoiceField(required=False, queryset=None, empty_label=_("All regions"))
    owner = forms.ModelChoiceField(required=False, queryset=None, empty_label=_("All owners"))
    view = forms.ChoiceField(
        required=False, choices=[("pool", _("In the pool")), ("owned", _("Owned by reps"))]
    )
    sort = forms.CharField(required=False, max_length=20)

    def __init__(self, *args, pools, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pool"].queryset = pools
        self.fields["owner"].queryset = owners


class ReasonForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class AssignForm(BootstrapForm):
    """The rep to give the selected customers to; the selected ids are read by
    ``selected_ids`` and checked against the scope by the service."""

    owner = forms.ModelChoiceField(label=_("Assign to"), queryset=None)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, reps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = reps


def selected_ids(data) -> list[int]:
    """The ticked customer ids of a bulk form (at most 500; anything not a number dropped)."""
    return [int(v) for v in data.getlist("customers")[:500] if str(v).isdigit()]


class PoolCreateForm(BootstrapForm):
    department = forms.ModelChoiceField(label=_("Region"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=60, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = pool_selectors.departments_without_pool(user=user)
        self.fields["name"].help_text = _("Left empty: the region's name and 公海.")


class PoolEditForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=60)
    is_active = forms.BooleanField(label=_("Open"), required=False)
    members = forms.ModelMultipleChoiceField(
        label=_("Members"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, pool, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "name": pool.name,
                "is_active": pool.is_active,
                "members": [m.pk for m in pool.members.all()],
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = pool_selectors.pool_candidates(pool=pool)
        self.fields["members"].widget.attrs["class"] = "form-check-input"
