import pytest

from xiaoguan.core.models import AuditEvent, AuditKind
from xiaoguan.org import services
from xiaoguan.org.errors import EmployeeInvalid, ManagerCycle, RoleInvalid
from xiaoguan.org.models import Role, User


def test_creates_an_employee_with_a_generated_one_time_password(company):
    # given
    rep_role = Role.objects.get(code="sales_rep")
    # when
    user, generated = services.employee_create(
        actor=company.hr1,
        username="rep_e3",
        full_name="王小明",
        department=company.depts["T-E2"],
        manager=company.mgr_east,
        roles=[rep_role],
        title="销售代表",
        phone="13800000000",
    )
    # then
    assert generated is not None and len(generated) >= 16
    assert user.check_password(generated)
    assert list(user.roles.values_list("code", flat=True)) == ["sales_rep"]
    assert (user.manager, user.department.code, user.title) == (
        company.mgr_east,
        "T-E2",
        "销售代表",
    )
    assert user.history.last().history_user == company.hr1


def test_refuses_a_weak_password_and_creates_nothing(company):
    count = User.objects.count()
    with pytest.raises(EmployeeInvalid) as exc:
        services.employee_create(
            actor=company.hr1,
            username="weak",
            full_name="弱",
            department=company.depts["HR"],
            password="123",
        )
    assert "password" in exc.value.fields
    assert User.objects.count() == count


def test_refuses_a_taken_user_name(company):
    count = User.objects.count()
    with pytest.raises(EmployeeInvalid) as exc:
        services.employee_create(
            actor=company.hr1, username="REP_E1", full_name="x", department=company.depts["HR"]
        )
    assert list(exc.value.fields) == ["username"]
    assert User.objects.count() == count


def test_refuses_an_inactive_department(company):
    company.depts["LOG"].is_active = False
    company.depts["LOG"].save()
    with pytest.raises(EmployeeInvalid):
        services.employee_create(
            actor=company.hr1, username="x1", full_name="x", department=company.depts["LOG"]
        )
    assert not User.objects.filter(username="x1").exists()


def test_updates_department_manager_roles_and_contact_with_history(company):
    # given
    manager_role = Role.objects.get(code="sales_manager")
    # when
    services.employee_update(
        employee=company.rep_e1,
        actor=company.gm,
        department=company.depts["R-W"],
        manager=company.mgr_west,
        roles=[manager_role],
        title="区域经理",
        phone="021-1234",
        email="a@example.com",
    )
    # then
    user = User.objects.get(pk=company.rep_e1.pk)
    assert (user.department.code, user.manager, user.title, user.phone, user.email) == (
        "R-W",
        company.mgr_west,
        "区域经理",
        "021-1234",
        "a@example.com",
    )
    assert user.role_codes == frozenset({"sales_manager"})
    assert user.history.filter(history_user=company.gm).exists()


def test_refuses_an_employee_as_their_own_manager(company):
    with pytest.raises(ManagerCycle):
        services.employee_update(
            employee=company.mgr_east, actor=company.gm, manager=company.mgr_east
        )
    assert User.objects.get(pk=company.mgr_east.pk).manager == company.director


def test_refuses_a_cycle_in_the_reporting_line(company):
    # given: rep_e1 reports to mgr_east, who reports to director
    # when / then: the director cannot report to rep_e1
    with pytest.raises(ManagerCycle):
        services.employee_update(
            employee=company.director, actor=company.gm, manager=company.rep_e1, title="x"
        )
    director = User.objects.get(pk=company.director.pk)
    assert (director.manager, director.title) == (company.gm, "")


def test_refuses_an_inactive_manager(company):
    User.objects.filter(pk=company.mgr_west.pk).update(is_active=False)
    company.mgr_west.refresh_from_db()
    with pytest.raises(EmployeeInvalid):
        services.employee_update(
            employee=company.rep_e1, actor=company.gm, manager=company.mgr_west
        )
    assert User.objects.get(pk=company.rep_e1.pk).manager == company.mgr_east


def test_management_sets_a_password_and_it_is_audited(company):
    # when
    generated = services.employee_set_password(employee=company.rep_e1, actor=company.gm)
    # then
    assert User.objects.get(pk=company.rep_e1.pk).check_password(generated)
    event = AuditEvent.objects.get(kind=AuditKind.PASSWORD_CHANGED)
    assert (event.actor_id, event.object_id) == (company.gm.pk, str(company.rep_e1.pk))


def test_refuses_a_weak_password_set_by_management(company):
    old = User.objects.get(pk=company.rep_e1.pk).password
    with pytest.raises(EmployeeInvalid):
        services.employee_set_password(employee=company.rep_e1, actor=company.gm, password="rep_e1")
    assert User.objects.get(pk=company.rep_e1.pk).password == old


def test_creates_a_role_with_registered_rights(company):
    role = services.role_create(
        actor=company.gm,
        code="auditor",
        name="审计",
        scope="all",
        rights=["org.view", "audit.view"],
    )
    assert (role.scope, role.rights) == ("all", ["audit.view", "org.view"])
    assert role.history.get().history_user == company.gm


def test_refuses_unknown_rights(company):
    with pytest.raises(RoleInvalid) as exc:
        services.role_create(
            actor=company.gm,
            code="bad",
            name="坏",
            scope="all",
            rights=["org.view", "root.everything"],
        )
    assert "rights" in exc.value.fields
    assert not Role.objects.filter(code="bad").exists()


def test_refuses_a_role_without_scope(company):
    with pytest.raises(RoleInvalid) as exc:
        services.role_create(actor=company.gm, code="noscope", name="无", scope="", rights=[])
    assert list(exc.value.fields) == ["scope"]
    assert not Role.objects.filter(code="noscope").exists()


def test_updates_a_role_and_refuses_unknown_rights_without_change(company):
    # given
    role = Role.objects.get(code="marketing")
    before = (role.name, role.scope, list(role.rights))
    # when / then
    with pytest.raises(RoleInvalid):
        services.role_update(role=role, actor=company.gm, name="市场", scope="all", rights=["nope"])
    role.refresh_from_db()
    assert (role.name, role.scope, role.rights) == before
    # when
    services.role_update(
        role=role, actor=company.gm, name="市场部", scope="subtree", rights=["org.view"]
    )
    # then
    role.refresh_from_db()
    assert (role.name, role.scope, role.rights) == ("市场部", "subtree", ["org.view"])
