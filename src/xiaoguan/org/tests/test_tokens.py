from datetime import timedelta

import pytest
from django.utils import timezone

from xiaoguan.core.errors import PermissionDenied
from xiaoguan.core.models import AuditEvent, AuditKind
from xiaoguan.org import selectors, services
from xiaoguan.org.errors import TokenInvalid
from xiaoguan.org.models import ApiToken, Role


def test_creates_a_token_shown_once_and_stored_as_a_digest(company, settings):
    # given
    settings.XG_API_TOKEN_DAYS = 30
    # when
    token, raw = services.api_token_create(user=company.rep_e1, name="脚本")
    # then
    assert raw.startswith("xg_") and len(raw) >= 40
    assert token.digest == selectors.token_digest(raw)
    assert raw not in token.digest and token.prefix == raw[:10]
    assert abs((token.expires_at - timezone.now()) - timedelta(days=30)) < timedelta(minutes=1)
    assert selectors.api_token_user(raw_token=raw) == company.rep_e1
    event = AuditEvent.objects.get(kind=AuditKind.TOKEN_CREATED)
    assert raw not in str(event.detail) and event.actor_id == company.rep_e1.pk


def test_two_tokens_differ(company):
    _, a = services.api_token_create(user=company.rep_e1, name="a")
    _, b = services.api_token_create(user=company.rep_e1, name="b")
    assert a != b


def test_refuses_a_token_without_the_api_right(company):
    # given
    role = Role.objects.get(code="sales_rep")
    role.rights = [r for r in role.rights if r != "api.use"]
    role.save()
    rep = type(company.rep_e1).objects.get(pk=company.rep_e1.pk)
    # when / then
    with pytest.raises(PermissionDenied):
        services.api_token_create(user=rep, name="x")
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize("days", [0, 366])
def test_refuses_an_out_of_range_lifetime(company, days):
    with pytest.raises(TokenInvalid):
        services.api_token_create(user=company.rep_e1, name="x", days=days)
    assert ApiToken.objects.count() == 0


def test_revokes_a_token_and_it_stops_working(company):
    token, raw = services.api_token_create(user=company.rep_e1, name="x")
    services.api_token_revoke(token=token, actor=company.rep_e1)
    assert selectors.api_token_user(raw_token=raw) is None
    assert AuditEvent.objects.filter(kind=AuditKind.TOKEN_REVOKED).count() == 1


def test_refuses_to_revoke_someone_elses_token(company):
    token, raw = services.api_token_create(user=company.rep_e1, name="x")
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(token=token, actor=company.rep_e2)
    assert selectors.api_token_user(raw_token=raw) == company.rep_e1


def test_an_expired_token_or_inactive_user_does_not_authenticate(company):
    token, raw = services.api_token_create(user=company.rep_e1, name="x")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert selectors.api_token_user(raw_token=raw) is None
    _token2, raw2 = services.api_token_create(user=company.rep_e2, name="y")
    type(company.rep_e2).objects.filter(pk=company.rep_e2.pk).update(is_active=False)
    assert selectors.api_token_user(raw_token=raw2) is None
