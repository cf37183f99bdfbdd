import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from xiaoguan import demo
from xiaoguan.demo.org import DEMO_LOGINS, DEMO_PASSWORD, EMPLOYEES
from xiaoguan.demo.org import build as build_demo_org
from xiaoguan.org import scope
from xiaoguan.org.models import Department, User


@pytest.mark.django_db
def test_loads_the_demo_company_once():
    # when
    first = demo.load_demo_company()
    counts = (Department.objects.count(), User.objects.count())
    second = demo.load_demo_company()
    # then
    assert (first, second) == (True, False)
    assert counts == (21, len(EMPLOYEES))
    assert (Department.objects.count(), User.objects.count()) == counts
    assert Department.objects.get_parent(Department.objects.get(code="HA-E1")).code == "HA-E"
    assert Department.objects.get(code="HA-E").head.username == "manager"
    assert User.objects.get(username="rep").manager.username == "manager"
    assert 35 <= len(EMPLOYEES) <= 45


@pytest.mark.django_db
@pytest.mark.parametrize("username, role", DEMO_LOGINS)
def test_one_demo_login_per_role_works(client, username, role):
    # given: the demo's people (the full demo company is loaded by tests/flows/test_demo_company.py)
    build_demo_org()
    # when
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    # then
    assert response.status_code == 302
    user = User.objects.get(username=username)
    assert role in user.role_codes
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_a_demo_manager_sees_their_region_only():
    build_demo_org()
    manager = User.objects.get(username="manager")
    visible = set(
        scope.visible(User.objects.all(), manager).values_list("department__code", flat=True)
    )
    assert visible == {"HA-E", "HA-E1", "HA-E2"}


@pytest.mark.django_db
def test_refuses_to_load_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        demo.load_demo_company()
    assert Department.objects.count() == 0


def test_the_banner_names_the_address_and_every_login():
    text = demo.banner(host="127.0.0.1", port=8000, created=True)
    assert "http://127.0.0.1:8000/" in text and DEMO_PASSWORD in text
    for username, _role in DEMO_LOGINS:
        assert f"  {username} " in text
