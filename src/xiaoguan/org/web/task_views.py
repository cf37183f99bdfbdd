"""The department task inbox (R-ORG-4): the list of a person's department tasks, a task's
page with the completion form built from its kind's fields and the panel of the document it is
about (registered by the app owning the document), the document's files through the task, and
cancelling. Thin: the services in ``org.department_tasks`` validate and write."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoguan.core import attachments
from xiaoguan.core.errors import ApplicationError, NotFound
from xiaoguan.core.web.attachment_views import attachment_file_response
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import BootstrapForm, form_apply_error
from xiaoguan.org import department_tasks as tasks
from xiaoguan.org.enums import TaskStatus
from xiaoguan.org.models import DepartmentTask
from xiaoguan.org.registries import TaskKind, task_kind, task_subject

PAGE_SIZE = 25
FILTERS = ("open", "done", "all")


class TaskCompleteForm(BootstrapForm):
    """The kind's figures as text inputs of the right type; the service checks the values
    (so the page, the API and any caller refuse the same things with the same message)."""

    response = forms.CharField(
        label=gettext_lazy("Response"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )

    def __init__(self, *args, kind: TaskKind | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.figure_names: list[str] = []
        for field in kind.fields if kind else ():
            if field.kind == "date":
                widget: forms.Widget = forms.DateInput(attrs={"type": "date"})
            elif field.kind == "int":
                widget = forms.TextInput(attrs={"inputmode": "numeric"})
            elif field.kind == "decimal":
                widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "text-end"})
            else:
                widget = forms.Textarea(attrs={"rows": 4})
            widget.attrs["class"] = (widget.attrs.get("class", "") + " form-control").strip()
            self.fields[field.name] = forms.CharField(
                label=field.label, required=field.required, widget=widget, max_length=5000
            )
            self.figure_names.append(field.name)
        # the figures first, then the free text
        self.order_fields([*self.figure_names, "response"])

    def figures(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in self.figure_names}


class TaskCancelForm(BootstrapForm):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=1000)


def _task(request: HttpRequest, task_id: int) -> DepartmentTask:
    try:
        return tasks.department_task_get(user=request.user, task_id=task_id)
    except NotFound:
        raise Http404 from None


@require_right("org.tasks")
def task_inbox(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    if show not in FILTERS:
        show = "open"
    status = {"open": TaskStatus.OPEN, "done": TaskStatus.DONE, "all": None}[show]
    may_list_every = tasks.can_list_every_task(user=request.user)
    every = may_list_every and request.GET.get("departments") == "all"
    qs = tasks.department_task_list(user=request.user, status=status, every=every)
    if status is None or status == TaskStatus.DONE:
        qs = qs.order_by("-completed_at", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    openable = tasks.subjects_openable(user=request.user, tasks=rows)
    for row in rows:
        kind = task_kind(row.kind)
        row.kind_label = kind.label if kind else row.kind
        row.subject_openable = row.pk in openable
    open_count = (
        tasks.department_task_list(user=request.user, status=TaskStatus.OPEN, every=True).count()
        if every
        else tasks.department_task_open_count(user=request.user)
    )
    context = {
        "page": page,
        "rows": rows,
        "show": show,
        "every": every,
        "may_list_every": may_list_every,
        "departments_param": "&departments=all" if every else "",
        "open_count": open_count,
    }
    template = "org/tasks/inbox.html#task-list" if request.htmx else "org/tasks/inbox.html"
    return render(request, template, context)


@require_right("org.tasks")
def task_badge(request: HttpRequest) -> HttpResponse:
    """The sidebar's count of the open tasks of the user's inbox, the number of its "open" tab
    (a fragment the page loads after itself; nothing when none are open)."""
    count = tasks.department_task_open_count(user=request.user)
    return render(request, "org/tasks/_badge.html", {"count": count})


def _detail(
    request: HttpRequest,
    task: DepartmentTask,
    *,
    form: TaskCompleteForm | None = None,
    cancel_form: TaskCancelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    kind = task_kind(task.kind)
    user = request.user
    can_complete = tasks.can_complete(user=user, task=task)
    subject = task_subject(task.subject_type)
    panel = subject.panel(request, task) if subject is not None and task.subject_id else ""
    return render(
        request,
        "org/tasks/detail.html",
        {
            "task": task,
            "kind": kind,
            "figures": tasks.figures_visible(user=user, task=task),
            "subject_panel": panel,
            "subject_openable": task.pk in tasks.subjects_openable(user=user, tasks=[task]),
            "can_complete": can_complete,
            "can_cancel": tasks.can_cancel(user=user, task=task),
            "form": form or (TaskCompleteForm(kind=kind) if can_complete else None),
            "cancel_form": cancel_form or TaskCancelForm(),
        },
        status=status,
    )


@require_right("org.tasks")
def task_detail(request: HttpRequest, department_task_id: int) -> HttpResponse:
    return _detail(request, _task(request, department_task_id))


@require_right("org.tasks")
@require_POST
def task_complete(request: HttpRequest, department_task_id: int) -> HttpResponse:
    task = _task(request, department_task_id)
    form = TaskCompleteForm(request.POST, kind=task_kind(task.kind))
    if form.is_valid():
        try:
            tasks.department_task_complete(
                actor=request.user,
                task_id=task.pk,
                response=form.cleaned_data["response"],
                data=form.figures(),
            )
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise Http404 from None
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The task is done."))
            return redirect("org:task_detail", department_task_id=task.pk)
    return _detail(request, task, form=form, status=422)


@require_right("org.tasks")
@require_POST
def task_cancel(request: HttpRequest, department_task_id: int) -> HttpResponse:
    task = _task(request, department_task_id)
    form = TaskCancelForm(request.POST)
    if form.is_valid():
        try:
            tasks.department_task_cancel(
                actor=request.user, task_id=task.pk, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise Http404 from None
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The task is cancelled."))
            return redirect("org:task_detail", department_task_id=task.pk)
    return _detail(request, task, cancel_form=form, status=422)


@require_right("org.tasks")
def task_attachment(
    request: HttpRequest, department_task_id: int, attachment_id: int
) -> FileResponse:
    """A file of the document a task is about, for whoever may see the task (the task shared
    the document with the department); any other file, or a task the user may not see: 404."""
    task = _task(request, department_task_id)
    subject = task_subject(task.subject_type)
    if subject is None or subject.attachment_owner is None or not task.subject_id:
        raise Http404
    owner = subject.attachment_owner(task)
    if owner is None:
        raise Http404
    attachment = (
        attachments.attachments_for(user=request.user, obj=owner, already_checked=True)
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment_file_response(attachment)
