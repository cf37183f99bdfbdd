"""Attachment pages: upload to a record, download, remove. Who may do what is the owner
record's business (``core.attachments.register_owner``); out of scope is 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.core import attachments
from xiaoguan.core.errors import ApplicationError, NotFound, PermissionDenied
from xiaoguan.core.web.decorators import require_right


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("home")


@require_right(None)
@require_POST
def attachment_upload(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    try:
        object_id = int(request.POST.get("object_id", ""))
    except ValueError:
        raise Http404 from None
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
        return _back(request)
    try:
        attachments.attachment_add(
            actor=request.user,
            owner=request.POST.get("owner", ""),
            object_id=object_id,
            upload=upload,
        )
    except NotFound:
        raise Http404 from None
    except PermissionDenied as exc:
        return HttpResponse(str(exc.message), status=403)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("File attached."))
    return _back(request)


@require_right(None)
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponse | FileResponse:
    try:
        attachment = attachments.attachment_get(user=request.user, attachment_id=attachment_id)
    except NotFound:
        raise Http404 from None
    return attachment_file_response(attachment)


def attachment_file_response(attachment: Any) -> FileResponse:
    """The attachment's file as a private download (404 when the file is missing); the caller
    has checked that the user may have it."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_right(None)
@require_POST
def attachment_remove(request: HttpRequest, attachment_id: int) -> HttpResponse:
    try:
        attachments.attachment_remove(actor=request.user, attachment_id=attachment_id)
    except NotFound:
        raise Http404 from None
    except PermissionDenied as exc:
        return HttpResponse(str(exc.message), status=403)
    messages.success(request, _("Attachment removed."))
    return _back(request)
