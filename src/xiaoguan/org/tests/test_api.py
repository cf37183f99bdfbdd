from datetime import timedelta

import pytest
from django.utils import timezone

from xiaoguan.org import services
from xiaoguan.org.models import ApiToken, Role, User


def _bearer(client, raw, **extra):
    def get(url, **params):
        return client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {raw}", **extra)

    return get


@pytest.fixture
def token(company):
    def make(user):
        _token, raw = services.api_token_create(user=user, name="test")
        return raw

    return make


def test_token_auth_works(company, client, token):
    get = _bearer(client, token(company.rep_e1))
    response = get("/api/v1/org/me")
    assert response.status_code == 200
    assert response.json()["username"] == "rep_e1"


def test_a_token_in_the_query_string_is_refused(company, client, token):
    raw = token(company.rep_e1)
    for param in ("token", "access_token", "api_key"):
        response = client.get("/api/v1/org/me", {param: raw})
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "language, message",
    [
        ("en", "Sign in or send a valid API token."),
        ("zh-hans", None),
    ],
)
def test_an_expired_token_is_401_with_a_translated_message(
    company, client, token, language, message
):
    raw = token(company.rep_e1)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _bearer(client, raw, HTTP_ACCEPT_LANGUAGE=language)("/api/v1/org/me")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    if message:
        assert body["message"] == message
    else:
        assert body["message"] != "Sign in or send a valid API token."


def test_a_revoked_token_is_401(company, client, token):
    raw = token(company.rep_e1)
    services.api_token_revoke(token=ApiToken.objects.get(), actor=company.rep_e1)
    assert _bearer(client, raw)("/api/v1/org/me").status_code == 401


def test_an_inactive_users_token_is_401(company, client, token):
    raw = token(company.rep_e1)
    User.objects.filter(pk=company.rep_e1.pk).update(is_active=False)
    assert _bearer(client, raw)("/api/v1/org/me").status_code == 401


def test_departments_are_scoped_like_the_tree(company, client, token):
    get = _bearer(client, token(company.mgr_east))
    codes = [d["code"] for d in get("/api/v1/org/departments").json()]
    assert codes == ["R-E", "T-E1", "T-E2"]
    east = get(f"/api/v1/org/departments/{company.depts['T-E1'].pk}").json()
    assert east["parent_id"] == company.depts["R-E"].pk
    assert east["head"] is None


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_out_of_scope_department_is_404_json(company, client, token, language):
    get = _bearer(client, token(company.mgr_east), HTTP_ACCEPT_LANGUAGE=language)
    response = get(f"/api/v1/org/departments/{company.depts['R-W'].pk}")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "Not found." if language == "en" else "未找到。",
    }


def test_employees_are_scoped_paginated_and_filtered(
    company, client, token, django_assert_max_num_queries
):
    get = _bearer(client, token(company.mgr_east))
    with django_assert_max_num_queries(8):
        body = get("/api/v1/org/employees", page_size=2).json()
    assert body["count"] == 4 and len(body["items"]) == 2
    assert body["items"][0]["username"] == "mgr_east"
    assert set(body["items"][0]) == {
        "id",
        "username",
        "name",
        "title",
        "phone",
        "email",
        "department",
        "manager",
        "roles",
        "is_active",
        "left_on",
    }
    page2 = get("/api/v1/org/employees", page_size=2, page=2).json()
    assert [e["username"] for e in page2["items"]] == ["rep_e1b", "rep_e2"]
    found = get("/api/v1/org/employees", q="rep_e2").json()
    assert [e["username"] for e in found["items"]] == ["rep_e2"]
    by_dept = get("/api/v1/org/employees", department_id=company.depts["T-E1"].pk).json()
    assert {e["username"] for e in by_dept["items"]} == {"rep_e1", "rep_e1b"}


def test_an_out_of_scope_employee_is_404(company, client, token):
    get = _bearer(client, token(company.mgr_east))
    assert get(f"/api/v1/org/employees/{company.rep_e1.pk}").status_code == 200
    assert get(f"/api/v1/org/employees/{company.rep_w1.pk}").status_code == 404


def test_a_bad_filter_is_422_json(company, client, token):
    response = _bearer(client, token(company.gm))("/api/v1/org/employees", active="sometimes")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"


def test_without_org_view_the_directory_is_403(company, client, token):
    raw = token(company.rep_e1)
    role = Role.objects.get(code="sales_rep")
    role.rights = [r for r in role.rights if r != "org.view"]
    role.save()
    response = _bearer(client, raw)("/api/v1/org/employees")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
