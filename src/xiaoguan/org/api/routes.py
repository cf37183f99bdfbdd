"""Org endpoints: me, departments, employees; scoped like the pages."""

from __future__ import annotations

from ninja import Router, Schema

router = Router(tags=["org"])


class MeOut(Schema):
    id: int
    username: str
    name: str
    department_id: int | None
    department: str | None
    roles: list[str]
    rights: list[str]
    data_scope: str | None


@router.get("/me", response=MeOut, summary="The signed-in employee")
def me(request):
    user = request.auth
    return MeOut(
        id=user.pk,
        username=user.username,
        name=str(user),
        department_id=user.department_id,
        department=user.department.name if user.department_id else None,
        roles=sorted(user.role_codes),
        rights=sorted(user.rights),
        data_scope=user.data_scope,
    )
