"""Django settings for Xiaoguan, driven by environment variables (12-factor).

XG_MODE selects the deployment profile:
- ``production`` (default): secure cookies (``__Host-`` prefix), HSTS, HTTPS redirect;
  ``SECRET_KEY`` and ``ALLOWED_HOSTS`` must be given.
- ``demo``: the embedded SQLite database under ``var/``, plain HTTP on loopback.
- ``test``: what the test suite runs with.
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("XG_HOME", PACKAGE_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("XG_VAR_DIR", BASE_DIR / "var")).resolve()

env = environ.Env()
MODE = env.str("XG_MODE", default="test" if "pytest" in sys.modules else "production")
if MODE not in {"production", "demo", "test"}:
    raise RuntimeError(f"XG_MODE must be production, demo or test, not {MODE!r}")
PRODUCTION = MODE == "production"
TESTING = MODE == "test"

DEBUG = env.bool("DEBUG", default=False)


def _generated_secret_key() -> str:
    """The embedded installation keeps a generated key under var/ (never in the repository)."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


if PRODUCTION:
    # Missing values are reported by the deploy check xiaoguan.E001/E002, which
    # `xiaoguan serve` runs before it starts (tools such as makemigrations need neither).
    SECRET_KEY = env.str("SECRET_KEY", default="")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
else:
    SECRET_KEY = env.str("SECRET_KEY", default="") or _generated_secret_key()
    ALLOWED_HOSTS = env.list(
        "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"]
    )

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "treebeard",
    "simple_history",
    "axes",
    "csp",
    "ninja",
    # Xiaoguan, lowest layer first
    "xiaoguan.core",
    "xiaoguan.org",
    "xiaoguan.approvals",
    "xiaoguan.catalog",
    "xiaoguan.customers",
    "xiaoguan.pricing",
    "xiaoguan.activities",
    "xiaoguan.sales",
    "xiaoguan.contracts",
    "xiaoguan.orders",
    "xiaoguan.receivables",
]
EXTRA_APPS = env.list("XG_EXTRA_APPS", default=[])
if TESTING:
    # Models used only by the tests (tests/xg_testapp) are installed in test mode.
    if str(BASE_DIR / "tests") not in sys.path:
        sys.path.insert(0, str(BASE_DIR / "tests"))
    EXTRA_APPS = ["xg_testapp", *EXTRA_APPS]
INSTALLED_APPS += EXTRA_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "xiaoguan.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "xiaoguan.core.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "xiaoguan.urls"
WSGI_APPLICATION = "xiaoguan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xiaoguan.core.context_processors.shell",
            ],
        },
    }
]

# --- database -----------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'xiaoguan.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL and a busy timeout let the demo serve several threads at once;
            # IMMEDIATE transactions make SQLite take its write lock up front.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
ATOMIC_REQUESTS = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, sessions, jobs ------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Covering indexes (``Index(include=...)``) are PostgreSQL's; SQLite builds them on their key
# columns alone, which is what the embedded database needs (W040 says exactly that).
SILENCED_SYSTEM_CHECKS = ["models.W040"]

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"

# --- auth and security ----------------------------------------------------------------
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "xiaoguan.org.backends.EmployeeBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 on purpose costs time; tests that check hashing use it explicitly.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Session: idle timeout (renewed on every request) and an absolute lifetime.
SESSION_COOKIE_AGE = env.int("XG_SESSION_IDLE_SECONDS", default=60 * 60)
# The idle expiry is renewed by SessionLifetimeMiddleware at most once a minute, not by a
# session write on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
XG_SESSION_ABSOLUTE_SECONDS = env.int("XG_SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page's meta tag, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# How many reverse proxies append to X-Forwarded-For in front of the app (nginx: 1).
# 0 means REMOTE_ADDR is the client; a forged header is then simply ignored.
XG_TRUSTED_PROXY_COUNT = env.int("XG_TRUSTED_PROXY_COUNT", default=1 if PRODUCTION else 0)

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Login throttling (django-axes): per account and, separately, per client address.
AXES_FAILURE_LIMIT = env.int("XG_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("XG_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "xiaoguan.core.net.client_ip_for_axes"
AXES_RESET_ON_SUCCESS = True
# Resets only the signed-in account's own failures (see core/login_throttle.py).
AXES_HANDLER = "xiaoguan.core.login_throttle.LoginThrottleHandler"
AXES_LOCKOUT_CALLABLE = "xiaoguan.core.web.auth_views.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False

# Content security policy: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- i18n -------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
# Our corrections of Django's locale formats (xiaoguan/formats/<locale>/formats.py).
FORMAT_MODULE_PATH = ["xiaoguan.formats"]
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "xg_language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# --- static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# The shared layout's assets live at package level (src/xiaoguan/static), not in an app.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- e-mail -----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if not PRODUCTION else "smtp://localhost:25"
)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="xiaoguan@localhost")
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# --- API --------------------------------------------------------------------------------
XG_API_TOKEN_DAYS = env.int("XG_API_TOKEN_DAYS", default=90)
NINJA_PAGINATION_PER_PAGE = 50

# --- logging: one line per event, with the request id ------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "xiaoguan.core.middleware.RequestIdLogFilter"}},
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["request_id"],
        },
    },
    "root": {
        "handlers": ["console"],
        "level": env.str("LOG_LEVEL", default="WARNING" if TESTING else "INFO"),
    },
    "loggers": {"axes": {"level": "WARNING"}},
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
