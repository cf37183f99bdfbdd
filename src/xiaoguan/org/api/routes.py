"""Org endpoints: me, departments, employees; scoped exactly like the pages (out of scope is
404). Output schemas are allow-lists: no password, no token, no management-only field."""

from __future__ import annotations

from datetime import date

from ninja import Query, Router, Schema
from pydantic import Field

from xiaoguan.core.api import require_rights
from xiaoguan.org import selectors
from xiaoguan.org.models import Department, User

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


class PersonRef(Schema):
    id: int
    name: str


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    depth: int
    head: PersonRef | None
    is_active: bool


def _person(user: User | None) -> PersonRef | None:
    return PersonRef(id=user.pk, name=str(user)) if user is not None else None


def _department_out(department: Department, parent_ids: dict[str, int]) -> DepartmentOut:
    parent_path = department.path[: -Department.steplen] if department.depth > 1 else None
    return DepartmentOut(
        id=department.pk,
        code=department.code,
        name=department.name,
        kind=department.kind,
        parent_id=parent_ids.get(parent_path) if parent_path else None,
        depth=department.depth,
        head=_person(department.head),
        is_active=department.is_active,
    )


def _parent_ids(departments: list[Department]) -> dict[str, int]:
    paths = {d.path[: -Department.steplen] for d in departments if d.depth > 1}
    return dict(Department.objects.filter(path__in=paths).values_list("path", "pk"))


@router.get(
    "/departments",
    response=list[DepartmentOut],
    summary="Departments the user may see, in tree order",
)
def department_list(request, include_inactive: bool = False):
    user = require_rights(request, "org.view")
    qs = selectors.department_list(user=user)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    departments = list(qs)
    parents = _parent_ids(departments)
    return [_department_out(d, parents) for d in departments]


@router.get("/departments/{department_id}", response=DepartmentOut, summary="One department")
def department_detail(request, department_id: int):
    user = require_rights(request, "org.view")
    department = selectors.department_get(user=user, department_id=department_id)
    return _department_out(department, _parent_ids([department]))


class EmployeeOut(Schema):
    id: int
    username: str
    name: str
    title: str
    phone: str
    email: str
    department: PersonRef | None
    manager: PersonRef | None
    roles: list[str]
    is_active: bool
    left_on: date | None


class EmployeePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[EmployeeOut]


class EmployeeFilters(Schema):
    q: str = Field("", max_length=100)
    department_id: int | None = None
    active: str = Field("active", pattern="^(active|inactive|all)$")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


def _employee_out(user: User) -> EmployeeOut:
    dept = user.department
    return EmployeeOut(
        id=user.pk,
        username=user.username,
        name=str(user),
        title=user.title,
        phone=user.phone,
        email=user.email,
        department=PersonRef(id=dept.pk, name=dept.name) if dept is not None else None,
        manager=_person(user.manager),
        roles=sorted(r.code for r in user.roles.all()),
        is_active=user.is_active,
        left_on=user.left_on,
    )


@router.get(
    "/employees", response=EmployeePage, summary="The employee directory (paginated, filtered)"
)
def employee_list(request, filters: Query[EmployeeFilters]):
    user = require_rights(request, "org.view")
    qs = selectors.employee_search(
        user=user, q=filters.q, department_id=filters.department_id, active=filters.active
    )
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    items = [_employee_out(u) for u in qs[start : start + filters.page_size]]
    return EmployeePage(count=count, page=filters.page, page_size=filters.page_size, items=items)


@router.get("/employees/{employee_id}", response=EmployeeOut, summary="One employee")
def employee_detail(request, employee_id: int):
    user = require_rights(request, "org.view")
    employee = selectors.employee_get(user=user, employee_id=employee_id)
    return _employee_out(employee)
