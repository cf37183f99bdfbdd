import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import PASSWORD
from xiaoguan.core.models import AuditEvent, AuditKind


def _kinds(client, **params):
    response = client.get(reverse("audit"), params)
    assert response.status_code == 200
    body = response.content.decode()
    return body


def test_logins_failed_logins_and_lockouts_appear(company, login, settings):
    # given
    settings.AXES_FAILURE_LIMIT = 2
    anon = Client()
    anon.post(reverse("login"), {"username": "rep_e1", "password": PASSWORD})
    for _ in range(3):
        Client().post(
            reverse("login"), {"username": "rep_e2", "password": "wrong"}, REMOTE_ADDR="10.1.1.1"
        )
    # when
    body = _kinds(login(company.gm))
    # then
    for kind in ("login", "login_failed", "locked_out"):
        assert f'data-kind="{kind}"' in body
    failed = AuditEvent.objects.filter(kind=AuditKind.LOGIN_FAILED).first()
    assert (failed.actor_name, failed.ip) == ("rep_e2", "10.1.1.1")


def test_denied_access_and_exports_appear(company, login):
    # given
    login(company.rep_e1, Client()).get(reverse("audit"))
    gm = login(company.gm)
    gm.get(reverse("audit_export"))
    # when
    body = _kinds(gm)
    # then
    assert 'data-kind="access_denied"' in body
    assert 'data-kind="export"' in body


def test_filters_by_kind_actor_and_object(company, login):
    # given
    AuditEvent.objects.create(kind=AuditKind.EXPORT, actor_name="alice", summary="customers: 3")
    AuditEvent.objects.create(kind=AuditKind.LOGIN, actor_name="bob")
    AuditEvent.objects.create(
        kind=AuditKind.HANDOVER, actor_name="alice", object_type="org.user", object_id="42"
    )
    client = login(company.gm)
    # when / then
    assert _kinds(client, kind="export").count('data-testid="audit-row"') == 1
    assert _kinds(client, actor="alic").count('data-testid="audit-row"') == 2
    assert _kinds(client, obj="42").count('data-testid="audit-row"') == 1
    # (force_login wrote the fourth event: gm's login; an unknown kind filters nothing)
    assert _kinds(client, kind="nonsense").count('data-testid="audit-row"') == 4


def test_the_list_is_paginated_with_a_constant_query_count(
    company, login, django_assert_max_num_queries
):
    # given
    AuditEvent.objects.bulk_create(
        [AuditEvent(kind=AuditKind.LOGIN, actor_name=f"u{i}") for i in range(120)]
    )
    client = login(company.gm)
    # when
    with django_assert_max_num_queries(10):
        response = client.get(reverse("audit"), {"page": 2})
    # then
    assert response.content.decode().count('data-testid="audit-row"') == 50


def test_only_holders_of_audit_view_see_it(company, login):
    response = login(company.rep_e1).get(reverse("audit"))
    assert response.status_code == 403
    assert login(company.rep_e1).get(reverse("audit_export")).status_code == 403
    assert not AuditEvent.objects.filter(kind=AuditKind.EXPORT).exists()


@pytest.mark.parametrize("kind", ["login"])
def test_the_export_holds_the_filtered_events_and_is_itself_audited(company, login, kind):
    # given
    AuditEvent.objects.create(kind=AuditKind.LOGIN, actor_name="bob", summary="=cmd|' /C calc'!A0")
    AuditEvent.objects.create(kind=AuditKind.LOGOUT, actor_name="bob")
    client = login(company.gm)
    # when
    response = client.get(reverse("audit_export"), {"kind": kind, "actor": "bob"})
    # then
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    assert rows[0][2] == "bob"
    assert rows[0][6] == "'=cmd|' /C calc'!A0"
    event = AuditEvent.objects.get(kind=AuditKind.EXPORT)
    assert event.detail["rows"] == 1
    assert event.actor_id == company.gm.pk
