"""The change history shown on employee, department and role pages names what changed."""

from django.urls import reverse

from xiaoguan.core.history import history_rows
from xiaoguan.org import services
from xiaoguan.org.enums import DataScope
from xiaoguan.org.models import Role


def test_history_names_departments_roles_and_choices(company):
    # given an employee moved to another team, with an added role
    rep = company.rep_e1
    assistant = Role.objects.get(code="sales_assistant")
    services.employee_update(
        employee=rep,
        actor=company.gm,
        department=company.depts["T-E2"],
        roles=[*rep.roles.all(), assistant],
    )
    # when the history is read
    rows = history_rows(rep)
    # then the newest rows say which team and which roles, by name
    changes: dict[str, tuple[str, str]] = {}
    for row in rows:  # newest first: keep each field's latest change
        for c in row["changes"]:
            changes.setdefault(str(c["field"]), (c["old"], c["new"]))
    assert changes["部门"] == ("华东一组", "华东二组")
    assert changes["角色"] == ("销售代表", "销售代表、销售助理")
    assert rows[0]["record"].history_user == company.gm


def test_role_page_shows_the_scope_change_by_its_label(company, login):
    # given a role whose scope management widened
    role = Role.objects.get(code="marketing")
    services.role_update(
        actor=company.gm,
        role=role,
        name=role.name,
        scope=DataScope.SUBTREE,
        rights=role.rights,
        description=role.description,
    )
    # when management opens the role
    client = login(company.gm)
    response = client.get(reverse("org:role_edit", args=[role.pk]), HTTP_ACCEPT_LANGUAGE="en")
    # then the history shows the scope change in words
    body = response.content.decode()
    assert 'data-testid="change-history"' in body
    assert "Own department → Own department and below" in body
