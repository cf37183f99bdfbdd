"""Deployment checks of our own (run by ``check --deploy`` and by ``xiaoguan serve``)."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


def _secret_key() -> str:
    try:
        return settings.SECRET_KEY or ""
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        return ""


@register(Tags.security, deploy=True)
def production_settings_given(app_configs=None, **kwargs):
    """A production installation needs its own secret key and the host names it serves."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    errors = []
    if len(_secret_key()) < 50:
        errors.append(
            Error(
                "SECRET_KEY is not set (or shorter than 50 characters).",
                hint="Set the SECRET_KEY environment variable to a long random value.",
                id="xiaoguan.E001",
            )
        )
    if not settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "ALLOWED_HOSTS is not set.",
                hint="Set the ALLOWED_HOSTS environment variable, e.g. xiaoguan.example.com.",
                id="xiaoguan.E002",
            )
        )
    return errors
