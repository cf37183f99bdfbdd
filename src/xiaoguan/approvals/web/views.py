"""The approvals centre, a request's page with the decision form, chain configuration and
delegations. Thin: every decision is made in ``approvals.services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.approvals import selectors, services
from xiaoguan.approvals.enums import Decision, TaskStatus
from xiaoguan.approvals.registries import document_type
from xiaoguan.approvals.web.forms import (
    ChainCreateForm,
    ChainForm,
    DecisionForm,
    DelegationForm,
    StepForm,
)
from xiaoguan.core.errors import ApplicationError, NotFound
from xiaoguan.core.history import history_rows
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error

TABS = ("waiting", "submitted", "done")
PAGE_SIZE = 25


def _not_found_guard(exc: ApplicationError) -> None:
    if isinstance(exc, NotFound):
        raise Http404 from exc


@require_right("approvals.use")
def centre(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "waiting")
    if tab not in TABS:
        tab = "waiting"
    user = request.user
    if tab == "waiting":
        qs = selectors.tasks_waiting_for(user=user)
    elif tab == "submitted":
        qs = selectors.requests_submitted_by(user=user)
    else:
        qs = selectors.tasks_done_by(user=user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "approvals/centre.html",
        {
            "tab": tab,
            "page": page,
            "waiting_count": selectors.waiting_count(user=user),
        },
    )


def _detail_context(
    request: HttpRequest,
    approval,
    decide_form: DecisionForm | None = None,
    decide_task_id: int | None = None,
) -> dict:
    user = request.user
    tasks = list(approval.tasks.all())
    stand_in_for = set(selectors.delegator_ids(user=user))
    own = user.pk in (approval.requested_by_id, approval.owner_id)
    mine = [
        t
        for t in tasks
        if approval.is_pending
        and not own
        and t.status == TaskStatus.PENDING
        and t.step_position == approval.current_step
        and (t.approver_id == user.pk or t.approver_id in stand_in_for)
    ]
    stages = []
    for stage in approval.plan:
        stage_tasks = [
            t for t in tasks if not stage.get("skipped") and t.step_position == stage["position"]
        ]
        stages.append(
            {
                **stage,
                "tasks": stage_tasks,
                "current": approval.is_pending and stage["position"] == approval.current_step,
            }
        )
    dtype = document_type(approval.doc_type)
    return {
        "approval": approval,
        "tasks": tasks,
        "stages": stages,
        "my_tasks": mine,
        "decide_form": decide_form or DecisionForm(),
        "decide_task_id": decide_task_id,
        "doc_type_label": dtype.label if dtype else approval.doc_type,
        "can_cancel": approval.is_pending and approval.requested_by_id == user.pk,
        "decisions": Decision,
    }


@require_right("approvals.use")
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    try:
        approval = selectors.request_get(user=request.user, request_id=request_id)
    except ApplicationError as exc:
        _not_found_guard(exc)
        raise
    return render(request, "approvals/request_detail.html", _detail_context(request, approval))


@require_right("approvals.use")
@require_POST
def decide(request: HttpRequest, task_id: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    request_id = None
    if form.is_valid():
        try:
            approval = services.approval_decide(
                task_id=task_id,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as exc:
            _not_found_guard(exc)
            form_apply_error(form, exc)
        else:
            if not request.htmx:
                messages.success(request, _("Your decision is recorded."))
            request_id = approval.pk
    if request_id is None:
        # Show the form again with its errors, on the request it belongs to.
        request_id = selectors.request_id_for_task(user=request.user, task_id=task_id)
        if request_id is None:
            raise Http404
        approval = selectors.request_get(user=request.user, request_id=request_id)
        ctx = _detail_context(request, approval, decide_form=form, decide_task_id=task_id)
        template = (
            "approvals/request_detail.html#request-body"
            if request.htmx
            else "approvals/request_detail.html"
        )
        return render(request, template, ctx, status=200 if request.htmx else 422)
    if request.htmx:
        approval = selectors.request_get(user=request.user, request_id=request_id)
        response = render(
            request,
            "approvals/request_detail.html#request-body",
            _detail_context(request, approval),
        )
        response["HX-Trigger"] = "approvals-changed"
        return response
    return redirect("approvals:request_detail", request_id=request_id)


@require_right("approvals.use")
@require_POST
def request_cancel(request: HttpRequest, request_id: int) -> HttpResponse:
    try:
        services.approval_request_cancel(request_id=request_id, actor=request.user)
    except ApplicationError as exc:
        _not_found_guard(exc)
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The request is cancelled."))
    return redirect("approvals:request_detail", request_id=request_id)


@require_right("approvals.configure")
def chain_list(request: HttpRequest) -> HttpResponse:
    return render(request, "approvals/chain_list.html", {"chains": selectors.chain_list()})


@require_right("approvals.configure")
def chain_create(request: HttpRequest) -> HttpResponse:
    form = ChainCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            chain = services.chain_create(
                actor=request.user,
                doc_type=form.cleaned_data["doc_type"],
                name=form.cleaned_data["name"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The chain is created; add its steps, then activate it."))
            return redirect("approvals:chain_edit", chain_id=chain.pk)
    return render(request, "approvals/chain_create.html", {"form": form})


def _chain_page(
    request: HttpRequest, chain_id: int, *, chain_form=None, step_form=None, status=200
) -> HttpResponse:
    try:
        chain = selectors.chain_get(chain_id=chain_id)
    except ApplicationError as exc:
        _not_found_guard(exc)
        raise
    dtype = document_type(chain.doc_type)
    return render(
        request,
        "approvals/chain_edit.html",
        {
            "chain": chain,
            "steps": list(chain.steps.all()),
            "doc_type_label": dtype.label if dtype else chain.doc_type,
            "chain_form": chain_form
            or ChainForm(initial={"name": chain.name, "is_active": chain.is_active}),
            "step_form": step_form or StepForm(),
            "history": history_rows(chain),
        },
        status=status,
    )


@require_right("approvals.configure")
def chain_edit(request: HttpRequest, chain_id: int) -> HttpResponse:
    if request.method != "POST":
        return _chain_page(request, chain_id)
    form = ChainForm(request.POST)
    if form.is_valid():
        try:
            services.chain_update(
                actor=request.user,
                chain_id=chain_id,
                name=form.cleaned_data["name"],
                is_active=form.cleaned_data["is_active"],
            )
        except ApplicationError as exc:
            _not_found_guard(exc)
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The chain is saved."))
            return redirect("approvals:chain_edit", chain_id=chain_id)
    return _chain_page(request, chain_id, chain_form=form, status=422)


@require_right("approvals.configure")
@require_POST
def step_add(request: HttpRequest, chain_id: int) -> HttpResponse:
    form = StepForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.step_add(
                actor=request.user,
                chain_id=chain_id,
                name=data["name"],
                rule=data["rule"],
                mode=data["mode"],
                levels=data["levels"],
                department=data["department"],
                role=data["role"],
                employee=data["employee"],
                min_amount=data["min_amount"],
                min_discount=data["min_discount"],
            )
        except ApplicationError as exc:
            _not_found_guard(exc)
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The step is added."))
            return redirect("approvals:chain_edit", chain_id=chain_id)
    return _chain_page(request, chain_id, step_form=form, status=422)


@require_right("approvals.configure")
@require_POST
def step_remove(request: HttpRequest, step_id: int) -> HttpResponse:
    try:
        chain = services.step_remove(actor=request.user, step_id=step_id)
    except ApplicationError as exc:
        _not_found_guard(exc)
        chain_id = selectors.chain_id_for_step(step_id=step_id)
        messages.error(request, str(exc.message))
        return redirect("approvals:chain_edit", chain_id=chain_id)
    messages.success(request, _("The step is removed."))
    return redirect("approvals:chain_edit", chain_id=chain.pk)


@require_right("approvals.configure")
@require_POST
def step_move(request: HttpRequest, step_id: int) -> HttpResponse:
    try:
        chain = services.step_move(
            actor=request.user, step_id=step_id, direction=request.POST.get("direction", "")
        )
    except ApplicationError as exc:
        _not_found_guard(exc)
        messages.error(request, str(exc.message))
        return redirect(
            "approvals:chain_edit", chain_id=selectors.chain_id_for_step(step_id=step_id)
        )
    return redirect("approvals:chain_edit", chain_id=chain.pk)


@require_right("approvals.use")
def delegations(request: HttpRequest) -> HttpResponse:
    form = DelegationForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.delegation_create(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form_apply_error(form, exc)
            else:
                messages.success(request, _("The delegation is in place."))
                return redirect("approvals:delegations")
        status = 422
    return render(
        request,
        "approvals/delegations.html",
        {
            "form": form,
            "delegations": selectors.delegation_list(user=request.user),
        },
        status=status,
    )


@require_right("approvals.use")
@require_POST
def delegation_end(request: HttpRequest, delegation_id: int) -> HttpResponse:
    try:
        services.delegation_end(actor=request.user, delegation_id=delegation_id)
    except ApplicationError as exc:
        _not_found_guard(exc)
        raise
    messages.success(request, _("The delegation has ended."))
    return redirect("approvals:delegations")
