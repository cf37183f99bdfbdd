"""The security baseline (ARCHITECTURE.md, "Sessions and login"; OWASP ASVS L2): hashing,
password rules, CSRF, session lifetimes, login throttling that cannot be dodged, one answer
for unknown and known users, CSP, production transport settings, no inline script, errors."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from conftest import PASSWORD
from xiaoguan.core.middleware import SESSION_STARTED_KEY
from xiaoguan.core.models import AuditEvent, AuditKind

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/login/"


def _production_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XG_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(
        XG_MODE="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="example.com",
        DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3",
        XG_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="xiaoguan.settings",
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def _settings_in(env: dict[str, str], *names: str) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}, default=str))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- hashing and passwords ------------------------------------------------------------------


def test_argon2_is_the_first_hasher_outside_tests(tmp_path):
    for mode in ("production", "demo"):
        env = _production_env(tmp_path) | {"XG_MODE": mode}
        hashers = _settings_in(env, "PASSWORD_HASHERS")["PASSWORD_HASHERS"]
        assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
        assert not any("MD5" in h for h in hashers)


@pytest.mark.parametrize(
    ("new_password", "message_en"),
    [
        ("Short1pass", "This password is too short. It must contain at least 12 characters."),
        ("1qaz2wsx3edc4rfv", "This password is too common."),
    ],
)
def test_weak_passwords_are_refused_on_change_with_a_translated_message(
    company, login, new_password, message_en
):
    # given
    client = login(company.rep_e1)
    old_hash = company.rep_e1.password
    # when
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert "is-invalid" in body
    with translation.override("zh-hans"):
        chinese = {
            "This password is too short. It must contain at least 12 characters.": "密码长度太短。密码必须包含至少 12 个字符。",
            "This password is too common.": "这个密码太常见了。",
        }[message_en]
    assert chinese in body
    company.rep_e1.refresh_from_db()
    assert company.rep_e1.password == old_hash


# --- CSRF ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_post_without_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "x", "password": "y"})
    assert response.status_code == 403


def test_a_signed_in_post_without_csrf_token_is_refused(company):
    # given
    from xiaoguan.core.notifications import notify

    note = notify(recipient=company.rep_e1, kind="x", title="A")
    client = Client(enforce_csrf_checks=True)
    client.force_login(company.rep_e1)
    # when
    response = client.post(reverse("inbox_mark_all_read"))
    # then
    assert response.status_code == 403
    note.refresh_from_db()
    assert note.read_at is None


# --- sessions -------------------------------------------------------------------------------


def test_an_idle_session_expires(company, login, settings):
    # given
    client = login(company.rep_e1)
    assert client.get(reverse("home")).status_code == 200
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    # when: nothing happened for longer than the idle timeout
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get(reverse("home"))
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_activity_renews_the_idle_timeout_at_most_once_a_minute(company, login, settings):
    from xiaoguan.core.middleware import SESSION_TOUCHED_KEY

    # given a session last renewed two minutes ago, about to expire
    client = login(company.rep_e1)
    client.get(reverse("home"))
    session = client.session
    session[SESSION_TOUCHED_KEY] = int(time.time()) - 120
    session.save()
    soon = timezone.now() + timezone.timedelta(seconds=30)
    Session.objects.update(expire_date=soon)
    # when the user opens a page
    assert client.get(reverse("home")).status_code == 200
    # then the expiry slid forward by the idle timeout
    renewed = Session.objects.get().expire_date
    assert renewed > timezone.now() + timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    # and a second page within the minute writes nothing
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    assert not [
        q
        for q in queries.captured_queries
        if "django_session" in q["sql"] and q["sql"].startswith("UPDATE")
    ]


def test_a_session_ends_after_its_absolute_lifetime_however_active(company, login, settings):
    # given
    client = login(company.rep_e1)
    client.get(reverse("home"))
    session = client.session
    assert session[SESSION_STARTED_KEY] <= int(time.time())
    # when: the session began longer ago than the absolute lifetime
    session[SESSION_STARTED_KEY] = int(time.time()) - settings.XG_SESSION_ABSOLUTE_SECONDS - 5
    session.save()
    response = client.get(reverse("home"))
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("home")).status_code == 302


# --- login throttling -----------------------------------------------------------------------


def _login(username, password, ip="10.0.0.1", **extra):
    return Client().post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


def _signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("home")


def test_the_account_is_locked_after_n_failures_even_from_other_addresses(company, settings):
    # given: one failure each from different addresses
    limit = settings.AXES_FAILURE_LIMIT
    for i in range(limit):
        _login("rep_e1", "wrong", ip=f"10.0.1.{i + 1}")
    # when: the right password from yet another address
    response = _login("rep_e1", PASSWORD, ip="10.0.9.9")
    # then
    assert response.status_code == 429
    assert 'data-testid="login-locked"' in response.content.decode()
    assert AuditEvent.objects.filter(kind=AuditKind.LOCKED_OUT, actor_name="rep_e1").exists()
    assert not AuditEvent.objects.filter(kind=AuditKind.LOGIN).exists()


def test_an_address_is_locked_across_user_names(company, settings):
    # given: failures from one address against different accounts
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(f"guess{i}", "wrong", ip="10.0.2.1")
    # when
    locked = _login("rep_e1", PASSWORD, ip="10.0.2.1")
    elsewhere = _login("rep_e1", PASSWORD, ip="10.0.2.2")
    # then
    assert locked.status_code == 429
    assert _signed_in(elsewhere)


def test_signing_in_to_ones_own_account_does_not_reset_the_lock_on_another(company, settings):
    # given: an attacker with a valid account guesses another's password from his address
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        _login("rep_e2", "wrong", ip="10.0.3.1")
    assert _signed_in(_login("rep_e1", PASSWORD, ip="10.0.3.1"))
    # when
    _login("rep_e2", "wrong", ip="10.0.3.7")
    response = _login("rep_e2", PASSWORD, ip="10.0.3.8")
    # then
    assert response.status_code == 429


def test_a_forged_forwarded_for_header_does_not_dodge_the_address_lock(company, settings):
    # given: no proxy in front (count 0), the client invents a new X-Forwarded-For each time
    settings.XG_TRUSTED_PROXY_COUNT = 0
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(f"guess{i}", "wrong", ip="10.0.4.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    # when
    response = _login("rep_e1", PASSWORD, ip="10.0.4.1", HTTP_X_FORWARDED_FOR="198.51.100.200")
    # then
    assert response.status_code == 429
    assert set(
        AuditEvent.objects.filter(kind=AuditKind.LOGIN_FAILED).values_list("ip", flat=True)
    ) == {"10.0.4.1"}


def test_behind_one_proxy_only_the_entry_the_proxy_appended_counts(company, settings):
    # given: nginx appends the real client to whatever the client sent
    settings.XG_TRUSTED_PROXY_COUNT = 1
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(
            f"guess{i}",
            "wrong",
            ip="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 203.0.113.9",
        )
    # when
    attacker = _login(
        "rep_e1", PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.9"
    )
    colleague = _login("rep_e1", PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.10")
    # then
    assert attacker.status_code == 429
    assert _signed_in(colleague)
    assert set(
        AuditEvent.objects.filter(kind=AuditKind.LOGIN_FAILED).values_list("ip", flat=True)
    ) == {"203.0.113.9"}


def test_unknown_user_and_wrong_password_get_the_same_answer(company):
    # when
    unknown = _login("nobody-here", "wrong", ip="10.0.5.1")
    wrong = _login("rep_e1", "wrong", ip="10.0.5.2")
    # then
    assert unknown.status_code == wrong.status_code == 200

    def error(response):
        return re.search(
            r'data-testid="login-error">(.*?)</div>', response.content.decode(), re.S
        ).group(1)

    assert error(unknown) == error(wrong)
    with translation.override("zh-hans"):
        assert error(wrong) == translation.gettext("Wrong user name or password.")


# --- headers and production settings ----------------------------------------------------------


@pytest.mark.django_db
def test_every_page_has_a_csp_without_unsafe_inline():
    response = Client().get(LOGIN)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    env = _production_env(tmp_path)
    out = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "System check identified no issues" in out.stdout


def test_production_refuses_to_serve_without_a_secret_key_or_host_names(tmp_path):
    # given production settings with neither SECRET_KEY nor ALLOWED_HOSTS
    env = {
        k: v
        for k, v in _production_env(tmp_path).items()
        if k not in ("SECRET_KEY", "ALLOWED_HOSTS")
    }
    # when the server is started
    out = subprocess.run(
        [sys.executable, "-m", "xiaoguan.cli", "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    # then it stops before serving, naming both
    assert out.returncode == 2
    assert "xiaoguan.E001" in out.stderr and "xiaoguan.E002" in out.stderr


def test_production_uses_hsts_and_secure_host_cookies(tmp_path):
    values = _settings_in(
        _production_env(tmp_path),
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
        "SECURE_SSL_REDIRECT",
        "LANGUAGE_COOKIE_SECURE",
        "XG_TRUSTED_PROXY_COUNT",
        "DEBUG",
    )
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["LANGUAGE_COOKIE_SECURE"] is True
    assert values["XG_TRUSTED_PROXY_COUNT"] == 1
    assert values["DEBUG"] is False


# --- no inline script ----------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"\sstyle\s*=", re.I)


def _assert_no_inline_code(html: str, where: str) -> None:
    assert not INLINE_SCRIPT.search(html), f"inline <script> in {where}"
    assert not INLINE_HANDLER.search(html), f"inline event handler in {where}"
    assert not INLINE_STYLE.search(html), f"style attribute in {where}"


def test_no_page_of_the_shell_has_inline_script(company):
    from xiaoguan.core.notifications import notify

    # given
    notify(recipient=company.gm, kind="x", title="A")
    anon = Client()
    _assert_no_inline_code(anon.get(LOGIN).content.decode(), "login")
    client = Client()
    client.force_login(company.gm)
    # when / then
    for name in ("home", "inbox", "policy", "audit", "password_change"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        _assert_no_inline_code(response.content.decode(), name)
    _assert_no_inline_code(client.get("/no/such/page/").content.decode(), "404")


# --- error pages and API errors --------------------------------------------------------------


def test_missing_pages_get_the_404_page(company, login):
    response = login(company.rep_e1).get("/no/such/page/")
    assert response.status_code == 404
    assert 'data-testid="error-404"' in response.content.decode()


def test_a_page_without_the_right_gets_the_403_page(company, login):
    response = login(company.rep_e1).get(reverse("audit"))
    assert response.status_code == 403
    assert 'data-testid="error-403"' in response.content.decode()
    assert (
        AuditEvent.objects.filter(kind=AuditKind.ACCESS_DENIED, actor_id=company.rep_e1.pk).count()
        == 1
    )


def test_api_errors_are_json_with_a_code(company, login):
    # unknown path
    missing = Client().get("/api/v1/no/such/route")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    # no credentials
    anonymous = Client().get("/api/v1/org/me")
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "not_authenticated"
    assert anonymous.json()["message"]
    # a token in the URL is not accepted
    assert Client().get("/api/v1/org/me?token=abc").status_code == 401
