"""Forms of the org pages: allow-lists of fields; choices are scoped to what the user sees.
Forms only validate input; services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xiaoguan.core.web.forms import BootstrapForm, BootstrapModelForm
from xiaoguan.org import selectors
from xiaoguan.org.enums import DataScope
from xiaoguan.org.models import Department, Role, User
from xiaoguan.org.rights import all_rights


class EmployeeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        dept = obj.department.name if obj.department_id else ""
        return f"{obj} ({obj.username}{', ' + dept if dept else ''})"


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        return f"{'— ' * (obj.depth - 1)}{obj.name} ({obj.code})"


class DepartmentForm(BootstrapModelForm):
    parent = DepartmentChoiceField(queryset=Department.objects.none(), label=_("parent department"))
    head = EmployeeChoiceField(queryset=User.objects.none(), required=False, label=_("head"))

    class Meta:
        model = Department
        fields = ["name", "code", "kind", "head"]

    def __init__(self, *args, user: User, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = selectors.employee_choices(user=user)
        if creating:
            self.fields["parent"].queryset = selectors.department_choices(user=user)
            self.order_fields(["parent", "name", "code", "kind", "head"])
        else:
            del self.fields["parent"]

    def validate_unique(self) -> None:
        """Uniqueness is the service's rule (it reports it on the field)."""


class DepartmentMoveForm(BootstrapForm):
    new_parent = DepartmentChoiceField(
        queryset=Department.objects.none(), label=_("new parent department")
    )

    def __init__(self, *args, user: User, department: Department, **kwargs):
        super().__init__(*args, **kwargs)
        # Every visible active department is offered; the service refuses a cycle with a message.
        self.fields["new_parent"].queryset = selectors.department_choices(user=user).exclude(
            pk=department.pk
        )


class EmployeeForm(BootstrapModelForm):
    department = DepartmentChoiceField(queryset=Department.objects.none(), label=_("department"))
    manager = EmployeeChoiceField(queryset=User.objects.none(), required=False, label=_("manager"))
    roles = forms.ModelMultipleChoiceField(
        queryset=Role.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("roles"),
    )

    class Meta:
        model = User
        fields = [
            "username",
            "full_name",
            "employee_no",
            "title",
            "phone",
            "email",
            "department",
            "manager",
            "roles",
        ]

    def __init__(self, *args, user: User, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = selectors.department_choices(user=user)
        managers = selectors.employee_choices(user=user)
        if not creating:
            managers = managers.exclude(pk=self.instance.pk)
            del self.fields["username"]
        self.fields["manager"].queryset = managers
        self.fields["full_name"].required = True
        if creating:
            self.fields["password"] = forms.CharField(
                label=_("initial password"),
                required=False,
                widget=forms.PasswordInput(render_value=False),
                help_text=_("Leave empty to generate a one-time password that is shown once."),
            )
            self.fields["password"].widget.attrs["class"] = "form-control"
            self.fields["password"].widget.attrs["autocomplete"] = "new-password"

    def validate_unique(self) -> None:
        """Uniqueness is the service's rule (it reports it on the field)."""


class PasswordSetForm(BootstrapForm):
    password = forms.CharField(
        label=_("new password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to generate a one-time password that is shown once."),
    )


class RoleForm(BootstrapForm):
    code = forms.SlugField(label=_("code"), max_length=40)
    name = forms.CharField(label=_("name"), max_length=100)
    description = forms.CharField(label=_("description"), max_length=300, required=False)
    scope = forms.ChoiceField(
        label=_("data scope"), choices=[("", "---------"), *DataScope.choices]
    )
    rights = forms.MultipleChoiceField(
        label=_("rights"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rights"].choices = [(r.code, r.label) for r in all_rights()]
        if not creating:
            del self.fields["code"]


class HandoverForm(BootstrapForm):
    successor = EmployeeChoiceField(queryset=User.objects.none(), label=_("successor"))
    deactivate = forms.BooleanField(
        label=_("deactivate the employee (left the company)"), required=False, initial=True
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, user: User, employee: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = selectors.employee_choices(user=user).exclude(
            pk=employee.pk
        )


class TokenForm(BootstrapForm):
    name = forms.CharField(label=_("name"), max_length=100)
    days = forms.IntegerField(label=_("valid for (days)"), min_value=1, max_value=365)


class EmployeeFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label=_("Search"))
    department = forms.IntegerField(required=False, label=_("department"))
    active = forms.ChoiceField(
        required=False,
        choices=[
            ("active", pgettext_lazy("employee", "Active")),
            ("inactive", pgettext_lazy("employee", "Inactive")),
            ("all", _("All")),
        ],
        label=_("status"),
    )
