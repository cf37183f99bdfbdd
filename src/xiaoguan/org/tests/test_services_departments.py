import pytest

from xiaoguan.org import services
from xiaoguan.org.errors import DepartmentInvalid, DepartmentNotEmpty, OrgTreeCycle
from xiaoguan.org.models import Department


def _tree_snapshot():
    return list(
        Department.objects.order_by("pk").values_list(
            "pk", "path", "depth", "numchild", "is_active"
        )
    )


def test_creates_a_team_under_a_region_with_history(company):
    # given
    region = company.depts["R-E"]
    # when
    team = services.department_create(
        actor=company.gm,
        name="华东三组",
        code="T-E3",
        parent=region,
        kind="team",
        head=company.rep_e2,
    )
    # then
    team.refresh_from_db()
    assert Department.objects.get_parent(team).pk == region.pk
    assert team.head == company.rep_e2
    record = team.history.get()
    assert record.history_type == "+"
    assert record.history_user == company.gm


def test_refuses_a_duplicate_code(company):
    # given
    before = _tree_snapshot()
    # when / then
    with pytest.raises(DepartmentInvalid) as exc:
        services.department_create(
            actor=company.gm, name="X", code="t-e1", parent=company.depts["R-E"]
        )
    assert "code" in exc.value.fields
    assert _tree_snapshot() == before


def test_refuses_a_child_of_an_inactive_department(company):
    # given
    Department.objects.filter(pk=company.depts["R-W"].pk).update(is_active=False)
    count = Department.objects.count()
    # when / then
    with pytest.raises(DepartmentInvalid):
        services.department_create(
            actor=company.gm, name="X", code="X1", parent=company.depts["R-W"]
        )
    assert Department.objects.count() == count


def test_updates_name_and_head(company):
    # given
    dept = company.depts["T-E1"]
    # when
    services.department_update(
        department=dept, actor=company.hr1, name="华东精英组", head=company.rep_e1
    )
    # then
    dept.refresh_from_db()
    assert (dept.name, dept.head) == ("华东精英组", company.rep_e1)
    assert dept.history.first().history_user == company.hr1


def test_moves_a_region_with_its_teams(company):
    # given
    east, team = company.depts["R-E"], company.depts["T-E1"]
    # when
    services.department_move(department=east, new_parent=company.depts["HQ"], actor=company.gm)
    # then
    east.refresh_from_db()
    team.refresh_from_db()
    assert Department.objects.get_parent(east).code == "HQ"
    assert Department.objects.get_parent(team).pk == east.pk
    assert team.path.startswith(east.path)
    assert east.history.first().history_change_reason == "moved under HQ"


@pytest.mark.parametrize("target", ["R-E", "T-E1"])
def test_refuses_to_move_a_department_under_itself_or_its_descendant(company, target):
    # given
    before = _tree_snapshot()
    # when / then
    with pytest.raises(OrgTreeCycle):
        services.department_move(
            department=company.depts["R-E"], new_parent=company.depts[target], actor=company.gm
        )
    assert _tree_snapshot() == before


def test_refuses_to_deactivate_a_department_with_employees(company):
    with pytest.raises(DepartmentNotEmpty):
        services.department_deactivate(department=company.depts["T-E1"], actor=company.gm)
    assert Department.objects.get(code="T-E1").is_active is True


def test_refuses_to_deactivate_a_department_with_sub_departments(company):
    # given: the region's own employees leave, its teams remain
    company.mgr_east.department = company.depts["SC"]
    company.mgr_east.save()
    # when / then
    with pytest.raises(DepartmentNotEmpty):
        services.department_deactivate(department=company.depts["R-E"], actor=company.gm)
    assert Department.objects.get(code="R-E").is_active is True


def test_deactivates_an_empty_department(company):
    # given
    empty = services.department_create(
        actor=company.gm, name="空部门", code="EMPTY", parent=company.depts["HQ"]
    )
    # when
    services.department_deactivate(department=empty, actor=company.gm)
    # then
    empty.refresh_from_db()
    assert empty.is_active is False


def test_refuses_to_delete_a_department_with_former_employees(company):
    # given
    dept = services.department_create(
        actor=company.gm, name="临时组", code="TMP", parent=company.depts["HQ"]
    )
    company.rep_w1.department = dept
    company.rep_w1.is_active = False
    company.rep_w1.save()
    # when / then
    with pytest.raises(DepartmentNotEmpty):
        services.department_delete(department=dept, actor=company.gm)
    assert Department.objects.filter(code="TMP").exists()


def test_deletes_an_empty_department_and_updates_the_parent(company):
    # given
    dept = services.department_create(
        actor=company.gm, name="临时组", code="TMP", parent=company.depts["HQ"]
    )
    # when
    services.department_delete(department=dept, actor=company.gm)
    # then
    assert not Department.objects.filter(code="TMP").exists()
    assert Department.objects.get(code="HQ").numchild == 7
