"""Writes to the organisation: departments, employees, roles, handover, API tokens."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xiaoguan.org.errors import EmployeeInvalid
from xiaoguan.org.models import Department, Role, User


@transaction.atomic
def administrator_create(
    *, username: str, password: str | None, full_name: str = "", email: str = ""
) -> tuple[User, str | None]:
    """The first administrator of a real installation: the management role at the root of
    the org tree. With no password given, a random one is generated and returned once."""
    if User.objects.filter(username=username).exists():
        raise EmployeeInvalid(_("This user name is taken."), fields={"username": _("This user name is taken.")})
    generated = None
    if password is None:
        generated = password = secrets.token_urlsafe(18)
    user = User(username=username, full_name=full_name, email=email, is_staff=False)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise EmployeeInvalid(_("The password is too weak."), fields={"password": list(exc.messages)}) from None
    root = Department.get_root_nodes().first()
    if root is None:
        root = Department.add_root(name=str(_("Company")), code="HQ", kind="company")
    user.department = root
    user.set_password(password)
    user.save()
    user.roles.add(Role.objects.get(code="management"))
    return user, generated
