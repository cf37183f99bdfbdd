"""Form helpers shared by every app: Bootstrap classes and inline errors."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoguan.core.errors import ApplicationError


class BootstrapFormMixin:
    """Gives widgets Bootstrap classes and marks invalid fields once the form is cleaned.

    Validation is never triggered here, so a subclass may still set scoped choices after
    ``super().__init__()``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self._errors or {}:  # type: ignore[attr-defined]
            self.mark_invalid(name)

    def mark_invalid(self, name: str) -> None:
        """Also used by views that turn a service error into a field error."""
        field = self.fields.get(name)  # type: ignore[attr-defined]
        if field is not None and "is-invalid" not in field.widget.attrs.get("class", "").split():
            field.widget.attrs["class"] = (
                field.widget.attrs.get("class", "") + " is-invalid"
            ).strip()


def form_apply_error(form: forms.Form, exc: ApplicationError) -> None:
    """A service's refusal shown on the form: next to the fields it names, else at the top."""
    placed = False
    for name, msgs in exc.fields.items():
        if name in form.fields:
            for msg in msgs if isinstance(msgs, list | tuple) else [msgs]:
                form.add_error(name, str(msg))
            if isinstance(form, BootstrapFormMixin):
                form.mark_invalid(name)
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


class BootstrapForm(BootstrapFormMixin, forms.Form):
    pass


class BootstrapModelForm(BootstrapFormMixin, forms.ModelForm):
    pass


class PolicyValueForm(forms.Form):
    """One rule's new value and the reason for the change; the rule itself validates.

    The value field depends on the rule, so Bootstrap classes are set here, not by the mixin
    (which would validate the form before the field exists)."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=300,
        required=True,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, rule, initial_value=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule
        label = rule.label
        help_text = rule.help_text
        if rule.kind == "bool":
            field = forms.BooleanField(
                label=label, required=False, help_text=help_text, initial=bool(initial_value)
            )
            css = "form-check-input"
        elif rule.kind == "choice":
            field = forms.ChoiceField(
                label=label, choices=list(rule.choices), help_text=help_text, initial=initial_value
            )
            css = "form-select"
        else:
            if rule.kind == "int_list" and isinstance(initial_value, list):
                initial_value = ", ".join(str(v) for v in initial_value)
            field = forms.CharField(
                label=label, help_text=help_text, initial=initial_value, max_length=500
            )
            css = "form-control"
        field.widget.attrs["class"] = css
        self.fields = {"value": field, "reason": self.fields["reason"]}

    def mark_invalid(self) -> None:
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"


def _audit_kind_choices():
    from xiaoguan.core.models import AuditKind

    return [("", _("All kinds")), *AuditKind.choices]


class AuditFilterForm(BootstrapForm):
    """The audit trail's filters: an allow-list, never the raw query string."""

    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_audit_kind_choices)
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    obj = forms.CharField(label=_("Object"), required=False, max_length=100)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
