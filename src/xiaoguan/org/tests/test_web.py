import pytest
from django.urls import reverse

from xiaoguan.org import services
from xiaoguan.org.models import ApiToken, Department, Handover, Role, User


def test_the_tree_shows_nested_departments_with_heads_and_counts(
    company, login, django_assert_max_num_queries
):
    client = login(company.gm)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("org:tree"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="department-T-E1"' in body
    assert body.index('data-testid="department-R-E"') < body.index('data-testid="department-T-E1"')
    team = body[body.index('data-testid="department-T-E1"') :]
    assert "2 名成员" in team[: team.index("</li>")]
    assert reverse("org:department_create") in body


def test_the_tree_is_scoped_for_a_manager(company, login):
    body = login(company.mgr_east).get(reverse("org:tree")).content.decode()
    assert 'data-testid="department-R-E"' in body
    assert 'data-testid="department-T-E2"' in body
    assert 'data-testid="department-R-W"' not in body
    assert reverse("org:department_create") not in body


def test_creates_a_department_from_the_page(company, login):
    client = login(company.hr1)
    response = client.post(
        reverse("org:department_create"),
        {
            "parent": company.depts["R-W"].pk,
            "name": "西部一组",
            "code": "T-W1",
            "kind": "team",
            "head": "",
        },
    )
    assert response.status_code == 302
    assert Department.objects.get_parent(Department.objects.get(code="T-W1")).code == "R-W"


def test_a_duplicate_code_is_shown_inline(company, login):
    client = login(company.hr1)
    count = Department.objects.count()
    response = client.post(
        reverse("org:department_create"),
        {"parent": company.depts["R-W"].pk, "name": "x", "code": "T-E1", "kind": "team"},
    )
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert Department.objects.count() == count


def test_moving_under_a_descendant_is_refused_inline(company, login):
    client = login(company.gm)
    response = client.post(
        reverse("org:department_move", args=[company.depts["R-E"].pk]),
        {"new_parent": company.depts["T-E1"].pk},
    )
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert Department.objects.get(code="T-E1").path.startswith(
        Department.objects.get(code="R-E").path
    )


def test_deactivating_a_department_with_staff_shows_a_message(company, login):
    client = login(company.gm)
    response = client.post(
        reverse("org:department_deactivate", args=[company.depts["T-E1"].pk]), follow=True
    )
    assert response.status_code == 200
    assert Department.objects.get(code="T-E1").is_active is True


def test_a_rep_cannot_open_the_department_editor(company, login):
    response = login(company.rep_e1).get(
        reverse("org:department_edit", args=[company.depts["T-E1"].pk])
    )
    assert response.status_code == 403


def test_employee_list_filters_and_pins_queries(company, login, django_assert_max_num_queries):
    client = login(company.gm)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("org:employees"), {"department": company.depts["R-E"].pk})
    rows = response.content.decode().count('data-testid="employee-row"')
    assert rows == 4  # mgr_east, rep_e1, rep_e1b, rep_e2
    response = client.get(reverse("org:employees"), {"q": "rep_w"})
    assert response.content.decode().count('data-testid="employee-row"') == 1


def test_employee_list_query_count_does_not_grow_with_rows(
    company, login, django_assert_max_num_queries
):
    for i in range(30):
        services.employee_create(
            actor=company.gm,
            username=f"extra{i}",
            full_name=f"员工{i}",
            department=company.depts["T-E1"],
            manager=company.mgr_east,
            roles=[Role.objects.get(code="sales_rep")],
        )
    client = login(company.gm)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("org:employees"))
    assert response.content.decode().count('data-testid="employee-row"') == 25


def test_employee_list_shows_inactive_only_when_asked(company, login):
    User.objects.filter(pk=company.rep_w1.pk).update(is_active=False)
    client = login(company.gm)
    assert "rep_w1" not in client.get(reverse("org:employees")).content.decode()
    assert "rep_w1" in client.get(reverse("org:employees"), {"active": "inactive"}).content.decode()


def test_a_rep_sees_only_themselves_in_the_directory(company, login):
    body = login(company.rep_e1).get(reverse("org:employees")).content.decode()
    assert body.count('data-testid="employee-row"') == 1
    assert reverse("org:employee_create") not in body


def test_an_out_of_scope_employee_is_404(company, login):
    response = login(company.mgr_east).get(reverse("org:employee_detail", args=[company.rep_w1.pk]))
    assert response.status_code == 404


def test_the_detail_shows_history_and_handovers_to_management(company, login):
    services.employee_update(employee=company.rep_e1, actor=company.gm, title="高级销售代表")
    body = (
        login(company.hr1)
        .get(reverse("org:employee_detail", args=[company.rep_e1.pk]))
        .content.decode()
    )
    assert 'data-testid="employee-history"' in body
    assert "高级销售代表" in body
    assert 'data-testid="employee-handovers"' in body


def test_the_detail_hides_management_fields_from_a_manager(company, login):
    body = (
        login(company.mgr_east)
        .get(reverse("org:employee_detail", args=[company.rep_e1.pk]))
        .content.decode()
    )
    assert 'data-testid="employee-history"' not in body
    assert 'data-testid="employee-actions"' not in body
    assert 'data-testid="employee-username"' not in body


def test_creates_an_employee_and_shows_the_one_time_password_once(company, login):
    client = login(company.hr1)
    response = client.post(
        reverse("org:employee_create"),
        {
            "username": "newrep",
            "full_name": "新人",
            "department": company.depts["T-E2"].pk,
            "manager": company.mgr_east.pk,
            "roles": [Role.objects.get(code="sales_rep").pk],
            "password": "",
        },
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    user = User.objects.get(username="newrep")
    password = response.context["password"]
    assert user.check_password(password)
    assert password in response.content.decode()


def test_editing_an_employee_refuses_a_manager_cycle_inline(company, login):
    client = login(company.gm)
    response = client.post(
        reverse("org:employee_edit", args=[company.mgr_east.pk]),
        {
            "full_name": "mgr_east",
            "department": company.depts["R-E"].pk,
            "manager": company.rep_e1.pk,
            "roles": [Role.objects.get(code="sales_manager").pk],
        },
    )
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert User.objects.get(pk=company.mgr_east.pk).manager_id == company.director.pk


def test_editing_an_employee_saves(company, login):
    client = login(company.gm)
    response = client.post(
        reverse("org:employee_edit", args=[company.rep_e1.pk]),
        {
            "full_name": "张三",
            "title": "销售代表",
            "phone": "13900000000",
            "department": company.depts["T-E2"].pk,
            "manager": company.mgr_east.pk,
            "roles": [Role.objects.get(code="sales_rep").pk],
        },
    )
    assert response.status_code == 302
    user = User.objects.get(pk=company.rep_e1.pk)
    assert (user.full_name, user.department.code, user.phone) == ("张三", "T-E2", "13900000000")


def test_a_rep_opening_the_role_editor_gets_403(company, login):
    role = Role.objects.get(code="sales_rep")
    client = login(company.rep_e1)
    assert client.get(reverse("org:role_edit", args=[role.pk])).status_code == 403
    assert (
        client.post(
            reverse("org:role_edit", args=[role.pk]), {"name": "x", "scope": "all"}
        ).status_code
        == 403
    )
    assert Role.objects.get(pk=role.pk).scope == "own"


def test_the_role_editor_groups_rights_and_saves(company, login):
    role = Role.objects.get(code="marketing")
    client = login(company.gm)
    page = client.get(reverse("org:role_edit", args=[role.pk])).content.decode()
    assert 'value="org.view"' in page and 'data-testid="role-rights"' in page
    response = client.post(
        reverse("org:role_edit", args=[role.pk]),
        {"name": "市场", "scope": "subtree", "rights": ["org.view", "api.use"]},
    )
    assert response.status_code == 302
    role.refresh_from_db()
    assert (role.scope, role.rights) == ("subtree", ["api.use", "org.view"])


def test_the_role_editor_refuses_an_unknown_right(company, login):
    role = Role.objects.get(code="marketing")
    before = list(role.rights)
    response = login(company.gm).post(
        reverse("org:role_edit", args=[role.pk]),
        {"name": "市场", "scope": "all", "rights": ["root.all"]},
    )
    assert response.status_code == 200
    role.refresh_from_db()
    assert role.rights == before


def test_handover_page_previews_confirms_and_shows_the_result(company, login):
    client = login(company.hr1)
    url = reverse("org:employee_handover", args=[company.mgr_east.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="handover-count-org.User.manager"' in page.content.decode()
    step2 = client.post(url, {"successor": company.mgr_west.pk, "deactivate": "on"})
    assert 'data-testid="handover-confirm"' in step2.content.decode()
    assert Handover.objects.count() == 0
    done = client.post(url, {"successor": company.mgr_west.pk, "deactivate": "on", "confirm": "1"})
    handover = Handover.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse(
        "org:handover_detail", args=[handover.pk]
    )
    assert User.objects.get(pk=company.mgr_east.pk).is_active is False
    result = client.get(done["Location"])
    assert 'data-testid="handover-result"' in result.content.decode()


def test_handover_to_oneself_is_not_offered(company, login):
    client = login(company.hr1)
    url = reverse("org:employee_handover", args=[company.rep_e1.pk])
    response = client.post(url, {"successor": company.rep_e1.pk, "confirm": "1"})
    assert response.status_code == 200
    assert Handover.objects.count() == 0


def test_a_manager_cannot_hand_over(company, login):
    response = login(company.mgr_east).post(
        reverse("org:employee_handover", args=[company.rep_e1.pk]),
        {"successor": company.rep_e2.pk, "confirm": "1"},
    )
    assert response.status_code == 403
    assert Handover.objects.count() == 0


def test_my_tokens_page_shows_a_new_token_once(company, login):
    client = login(company.rep_e1)
    response = client.post(reverse("org:my_tokens"), {"name": "脚本", "days": 30})
    raw = response.context["raw_token"]
    assert raw and raw in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    again = client.get(reverse("org:my_tokens")).content.decode()
    assert raw not in again and ApiToken.objects.get().prefix in again


def test_revokes_my_token_but_not_someone_elses(company, login):
    mine, _ = services.api_token_create(user=company.rep_e1, name="mine")
    theirs, _ = services.api_token_create(user=company.rep_e2, name="theirs")
    client = login(company.rep_e1)
    assert client.post(reverse("org:my_token_revoke", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("org:my_token_revoke", args=[mine.pk])).status_code == 302
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


@pytest.mark.django_db
def test_org_pages_need_sign_in(client):
    assert client.get(reverse("org:tree")).status_code == 302
    assert client.get(reverse("org:my_tokens")).status_code == 302


def test_the_sidebar_lists_org_entries_by_right(company, login):
    rep_body = login(company.rep_e1).get(reverse("home")).content.decode()
    assert 'data-nav="org_tree"' in rep_body and 'data-nav="org_roles"' not in rep_body


def test_every_org_page_renders_for_management(company, login):
    # given
    _token, _raw = services.api_token_create(user=company.gm, name="x")
    handover = services.employee_handover(
        employee=company.rep_w1, successor=company.mgr_west, actor=company.gm
    )
    dept, emp, role = (
        company.depts["R-E"].pk,
        company.rep_e1.pk,
        Role.objects.get(code="sales_rep").pk,
    )
    client = login(company.gm)
    urls = [
        reverse("org:tree"),
        reverse("org:tree") + "?inactive=1",
        reverse("org:department_create"),
        reverse("org:department_edit", args=[dept]),
        reverse("org:department_move", args=[dept]),
        reverse("org:employees"),
        reverse("org:employee_create"),
        reverse("org:employee_detail", args=[emp]),
        reverse("org:employee_edit", args=[emp]),
        reverse("org:employee_password", args=[emp]),
        reverse("org:employee_handover", args=[emp]),
        reverse("org:handover_detail", args=[handover.pk]),
        reverse("org:roles"),
        reverse("org:role_create"),
        reverse("org:role_edit", args=[role]),
        reverse("org:my_tokens"),
    ]
    # when / then
    for url in urls:
        response = client.get(url)
        assert (url, response.status_code) == (url, 200)
        assert 'style="' not in response.content.decode()


def test_management_pages_are_403_for_a_rep(company, login):
    client = login(company.rep_e1)
    dept, emp = company.depts["T-E1"].pk, company.rep_e1.pk
    for url in [
        reverse("org:department_create"),
        reverse("org:department_move", args=[dept]),
        reverse("org:employee_create"),
        reverse("org:employee_edit", args=[emp]),
        reverse("org:employee_password", args=[emp]),
        reverse("org:employee_handover", args=[emp]),
        reverse("org:role_create"),
    ]:
        assert (url, client.get(url).status_code) == (url, 403)
