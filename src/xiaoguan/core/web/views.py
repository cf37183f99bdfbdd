"""Home, inbox, the policy in force and the audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.core import navigation, notifications
from xiaoguan.core.web.decorators import require_right


@require_right(None)
def home(request: HttpRequest) -> HttpResponse:
    panels = []
    for panel in navigation.panels():
        ctx = panel.render(request)
        if ctx is not None:
            panels.append({"template": panel.template, "ctx": ctx, "key": panel.key})
    recent = notifications.notification_list(user=request.user, unread_only=True)[:5]
    return render(request, "core/home.html", {"panels": panels, "recent_notifications": recent})


@require_right(None)
def inbox(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "unread")
    qs = notifications.notification_list(user=request.user, unread_only=show != "all")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request, "core/inbox.html", {"page": page, "show": "all" if show == "all" else "unread"}
    )


@require_right(None)
@require_POST
def inbox_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark read and follow the link (only to this site)."""
    note = notifications.notification_mark_read(user=request.user, notification_id=notification_id)
    if note is None:
        raise Http404
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect("inbox")


@require_right(None)
@require_POST
def inbox_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = notifications.notification_mark_all_read(user=request.user)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("inbox")
