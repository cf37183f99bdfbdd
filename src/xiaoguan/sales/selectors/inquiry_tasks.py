"""Reads of an inquiry for the department tasks about it (R-ORG-4, R-QUO-2): the task shared the
inquiry with the technical or production department, so these reads follow the task, not the
data scope; the caller has checked that the user may see the task."""

from __future__ import annotations

from django.db.models import QuerySet

from xiaoguan.core.attachments import attachments_for
from xiaoguan.core.models import Attachment
from xiaoguan.org.models import DepartmentTask, User
from xiaoguan.org.scope import visible
from xiaoguan.sales.models import Inquiry

VIEW_RIGHT = "sales.inquiries_view"


def inquiry_of_task(*, task: DepartmentTask) -> Inquiry | None:
    """The inquiry a task is about, with its customer (None if it is gone)."""
    if task.subject_id is None:
        return None
    return Inquiry.objects.select_related("customer").filter(pk=task.subject_id).first()


def inquiry_task_files(*, user: User, inquiry: Inquiry) -> QuerySet[Attachment]:
    """The inquiry's files (tender documents), newest first, as the task shares them."""
    return attachments_for(user=user, obj=inquiry, already_checked=True)


def inquiries_openable(*, user: User, ids: list[int]) -> set[int]:
    """The inquiries among ``ids`` whose own page the user can open (right and scope)."""
    if not ids or not user.has_right(VIEW_RIGHT):
        return set()
    return set(visible(Inquiry.objects.filter(pk__in=ids), user).values_list("pk", flat=True))
