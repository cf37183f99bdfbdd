"""The department task inbox pages: list with the open/done filter, detail, complete, cancel."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from xiaoguan.org import department_tasks as tasks
from xiaoguan.org.enums import TaskStatus
from xiaoguan.org.models import DepartmentTask


def _task(company, prod, **kw):
    args = {
        "actor": company.rep_e1,
        "department": prod["dept"],
        "kind": "test.cost",
        "title": "核算 成本",
        "subject_label": "XJ-2026-000001",
        "subject_url": "/sales/inquiries/1/",
    }
    args.update(kw)
    return tasks.department_task_create(**args)


def test_inbox_lists_open_tasks_and_filters_done(
    company, prod, login, django_assert_max_num_queries
):
    # given
    for n in range(5):
        _task(company, prod, title=f"任务{n}")
    done = _task(company, prod, title="已完成的任务")
    tasks.department_task_complete(
        actor=prod["worker"], task_id=done.pk, response="", data={"cost": "1", "days": "2"}
    )
    client = login(prod["worker"])
    # when
    with django_assert_max_num_queries(12):
        page = client.get("/org/tasks/")
    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-testid="task-row"') == 5
    assert "已完成的任务" not in html
    partial = client.get("/org/tasks/?show=done", headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert "已完成的任务" in body and "任务0" not in body
    assert "<html" not in body


def test_inbox_needs_the_right(company, login, prod):
    from xiaoguan.org.tests.factories import UserFactory

    nobody = UserFactory(username="norights", department=company.depts["HQ"])
    assert login(nobody).get("/org/tasks/").status_code == 403


def test_detail_completes_with_figures_and_shows_errors(company, prod, login):
    task = _task(company, prod)
    client = login(prod["worker"])
    page = client.get(f"/org/tasks/{task.pk}/")
    assert page.status_code == 200
    assert 'data-testid="task-complete-form"' in page.content.decode()
    # bad figures: 422 with the translated message, nothing saved
    bad = client.post(
        f"/org/tasks/{task.pk}/complete/", {"cost": "-3", "days": "x", "response": ""}
    )
    assert bad.status_code == 422
    html = bad.content.decode()
    with translation.override("zh-hans"):
        assert gettext("Enter zero or a positive number.") in html
        assert gettext("Enter a whole number.") in html
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    ok = client.post(
        f"/org/tasks/{task.pk}/complete/", {"cost": "1200.5", "days": "15", "response": "ok"}
    )
    assert ok.status_code == 302
    task.refresh_from_db()
    assert task.response_data == {"cost": "1200.50", "days": 15}
    shown = client.get(f"/org/tasks/{task.pk}/").content.decode()
    assert "¥1,200.50" in shown


def test_detail_out_of_scope_is_404(company, prod, login):
    task = _task(company, prod)
    client = login(company.rep_w1)
    assert client.get(f"/org/tasks/{task.pk}/").status_code == 404
    assert (
        client.post(f"/org/tasks/{task.pk}/complete/", {"cost": "1", "days": "1"}).status_code
        == 404
    )
    assert client.post(f"/org/tasks/{task.pk}/cancel/", {"reason": "x"}).status_code == 404
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_requester_sees_no_completion_form_but_cancels(company, prod, login):
    task = _task(company, prod)
    client = login(company.rep_e1)
    html = client.get(f"/org/tasks/{task.pk}/").content.decode()
    assert 'data-testid="task-complete-form"' not in html
    assert 'data-testid="task-cancel-form"' in html
    refused = client.post(f"/org/tasks/{task.pk}/complete/", {"cost": "1", "days": "1"})
    assert refused.status_code == 422
    assert DepartmentTask.objects.get(pk=task.pk).status == TaskStatus.OPEN
    empty = client.post(f"/org/tasks/{task.pk}/cancel/", {"reason": ""})
    assert empty.status_code == 422
    assert client.post(f"/org/tasks/{task.pk}/cancel/", {"reason": "不需要了"}).status_code == 302
    assert DepartmentTask.objects.get(pk=task.pk).status == TaskStatus.CANCELLED


@pytest.mark.parametrize("username", ["xie", "worker"])
def test_sidebar_shows_department_tasks(company, prod, login, username):
    html = login(prod[{"xie": "head", "worker": "worker"}[username]]).get("/org/tasks/")
    assert "部门任务" in html.content.decode() or "Department tasks" in html.content.decode()


def test_sidebar_badge_counts_open_tasks_of_the_users_departments(
    company, prod, login, django_assert_max_num_queries
):
    # given: three open tasks for production, one of them done
    for n in range(3):
        _task(company, prod, title=f"任务{n}")
    done = _task(company, prod, title="已完成")
    tasks.department_task_complete(
        actor=prod["worker"], task_id=done.pk, response="", data={"cost": "1", "days": "2"}
    )
    client = login(prod["worker"])
    # when: the page carries the badge's address, and the badge answers the count
    page = client.get("/org/tasks/").content.decode()
    with django_assert_max_num_queries(6):
        badge = client.get("/org/tasks/badge/")
    # then
    assert 'hx-get="/org/tasks/badge/"' in page
    assert badge.status_code == 200
    assert 'data-testid="tasks-badge"' in badge.content.decode()
    assert ">3</span>" in badge.content.decode()


def test_sidebar_badge_is_empty_without_open_tasks_and_needs_the_right(company, prod, login):
    from xiaoguan.org.tests.factories import UserFactory

    assert login(prod["worker"]).get("/org/tasks/badge/").content.decode().strip() == ""
    nobody = UserFactory(username="norights2", department=company.depts["HQ"])
    assert login(nobody).get("/org/tasks/badge/").status_code == 403
    assert 'hx-get="/org/tasks/badge/"' not in login(nobody).get("/").content.decode()


def test_all_scope_inbox_lists_its_own_department_and_the_count_matches(
    company, prod, login, django_assert_max_num_queries
):
    # given: open tasks for legal (created first), production and logistics, by the director
    logistics = company.logistics1.department
    _task(company, prod, department=company.depts["LEG"], actor=company.director, title="法务任务")
    _task(company, prod, actor=company.director, title="生产任务")
    _task(company, prod, department=logistics, actor=company.director, title="发货任务一")
    _task(company, prod, department=logistics, actor=company.director, title="发货任务二")
    client = login(company.logistics1)
    # when the logistics manager (all-records scope) opens the inbox
    with django_assert_max_num_queries(12):
        page = client.get("/org/tasks/")
    # then the list is logistics' tasks, and the tab and the sidebar badge count them
    html = page.content.decode()
    assert html.count('data-testid="task-row"') == 2
    assert "发货任务一" in html and "法务任务" not in html and "生产任务" not in html
    assert 'data-testid="open-count">2<' in html
    badge = client.get("/org/tasks/badge/").content.decode()
    assert ">2</span>" in badge
    # and the "all departments" filter lists every task, legal's among them
    assert 'data-testid="departments-all"' in html
    every = client.get("/org/tasks/?show=open&departments=all").content.decode()
    assert every.count('data-testid="task-row"') == 4
    assert "法务任务" in every
    assert 'data-testid="open-count">4<' in every


def test_a_department_scope_has_no_all_departments_filter(company, prod, login):
    _task(company, prod, department=company.depts["LEG"], actor=company.director, title="法务任务")
    _task(company, prod, title="生产任务")
    client = login(prod["worker"])
    html = client.get("/org/tasks/?departments=all").content.decode()
    assert 'data-testid="departments-all"' not in html
    assert "法务任务" not in html and "生产任务" in html
