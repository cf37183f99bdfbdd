"""Sign in, sign out, password change, lockout answer, language, health check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from xiaoguan.core.audit import audit_event_record
from xiaoguan.core.models import AuditKind
from xiaoguan.core.web.decorators import public, require_right
from xiaoguan.core.web.forms import BootstrapFormMixin


class LoginForm(AuthenticationForm):
    """The same answer for an unknown name and a wrong password."""

    error_messages = {
        "invalid_login": _("Wrong user name or password."),
        "inactive": _("Wrong user name or password."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["username"].label = _("User name")
        self.fields["password"].label = _("Password")


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


login_view = public(LoginView.as_view())


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


logout_view = require_right(None)(LogoutView.as_view())


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """What django-axes answers once an account or address is throttled: the login page with
    a clear message and 429, whether or not the account exists.

    axes 8 calls ``(request, original_response, credentials)``."""
    if isinstance(original_response, dict) and credentials is None:  # the older 2-argument call
        original_response, credentials = None, original_response
    name = str((credentials or {}).get("username", ""))[:150]
    audit_event_record(kind=AuditKind.LOCKED_OUT, request=request, actor_name=name)
    form = LoginForm(request)
    return render(
        request,
        "core/login.html",
        {"form": form, "locked_out": True},
        status=429,
    )


# Django 5.2 changed these msgids and its own zh_Hans catalogue lacks them; listing them
# here puts them in core's catalogue, which supplies the Chinese.
_DJANGO_MSGIDS_MISSING_IN_ZH = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
)


class PasswordChangeForm(BootstrapFormMixin, DjangoPasswordChangeForm):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_event_record(
            kind=AuditKind.PASSWORD_CHANGED, actor=self.request.user, request=self.request
        )
        messages.success(self.request, _("Your password has been changed."))
        return response


password_change_view = require_right(None)(PasswordChangeView.as_view())


@public
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the proxy and the process supervisor: the app answers and reaches its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:
        return JsonResponse({"status": "database unavailable"}, status=503)
