"""Pages of amendments, termination and problems (R-CON-4, R-CON-5): start an amendment (then
edit, submit and sign it with the contract pages), discard it, compare two versions, terminate
a contract, log a problem and mark it solved. Thin: selectors read (scoped), services write;
a refusal is shown on the form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.contracts.errors import ContractNotFound, ProblemNotFound
from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.selectors import contracts as contract_selectors
from xiaoguan.contracts.selectors import execution
from xiaoguan.contracts.selectors import versions as version_selectors
from xiaoguan.contracts.services import amendments, problems, termination
from xiaoguan.contracts.web.amendments_forms import (
    AmendStartForm,
    DiscardForm,
    ProblemForm,
    SolveForm,
    TerminateForm,
)
from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error


def _contract(request: HttpRequest, contract_id: int) -> Contract:
    try:
        return contract_selectors.contract_get(user=request.user, contract_id=contract_id)
    except ContractNotFound:
        raise Http404 from None


def _detail(contract: Contract, anchor: str = "") -> str:
    url = reverse("contracts:contract_detail", kwargs={"contract_id": contract.pk})
    return f"{url}#{anchor}" if anchor else url


@require_right("contracts.edit")
def amend_start(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _contract(request, contract_id)
    form = AmendStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = amendments.contract_amend_start(
                actor=request.user, contract=contract, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(
                request,
                _("Amendment v%(no)s drafted: change what the customer agreed to, then submit it.")
                % {"no": draft.version_no},
            )
            return redirect("contracts:contract_edit", contract_id=draft.pk)
    return render(
        request,
        "contracts/amend_start.html",
        {
            "contract": contract,
            "form": form,
            "open_amendment": amendments.open_amendment(contract=contract),
        },
    )


@require_right("contracts.edit")
@require_POST
def amend_discard(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _contract(request, contract_id)
    form = DiscardForm(request.POST)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    try:
        amendments.amendment_discard(actor=request.user, contract=contract, reason=reason)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(_detail(contract))
    messages.success(request, _("The amendment was discarded."))
    target = contract.amends if contract.amends_id else contract
    return redirect(_detail(target, "versions"))


def _version_id(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise Http404
    return int(raw)


@require_right("contracts.view")
def contract_diff(request: HttpRequest, contract_id: int) -> HttpResponse:
    """Two versions of one contract side by side: ``?old=&new=`` (ids of versions), by default
    this version and the one it amends."""
    contract = _contract(request, contract_id)
    try:
        old, new = version_selectors.contract_version_pair(
            user=request.user,
            contract=contract,
            old_id=_version_id(request.GET.get("old")),
            new_id=_version_id(request.GET.get("new")),
        )
    except ContractNotFound:
        raise Http404 from None
    diff = version_selectors.contract_diff(old=old, new=new)
    return render(
        request,
        "contracts/diff.html",
        {
            "contract": contract,
            "diff": diff,
            "versions": list(
                version_selectors.contract_versions(contract=contract, user=request.user)
            ),
        },
    )


@require_right("contracts.terminate")
def terminate(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _contract(request, contract_id)
    form = TerminateForm(
        request.POST or None,
        initial={"terminated_on": timezone.localdate(), "settlement_amount": 0},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            termination.contract_terminate(
                actor=request.user,
                contract=contract,
                kind=data["kind"],
                reason=data["reason"],
                settlement_amount=data["settlement_amount"],
                settlement_note=data.get("settlement_note", ""),
                terminated_on=data["terminated_on"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The contract was terminated."))
            return redirect(_detail(contract, "timeline"))
    return render(
        request,
        "contracts/terminate.html",
        {
            "contract": contract,
            "form": form,
            "open_amendment": amendments.open_amendment(contract=contract),
        },
    )


@require_right("contracts.problems")
def problem_log(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _contract(request, contract_id)
    form = ProblemForm(request.POST or None, departments=execution.problem_departments())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            problem = problems.contract_problem_log(
                actor=request.user,
                contract=contract,
                title=data["title"],
                description=data.get("description", ""),
                department_id=data["department_id"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(
                request,
                _("Problem logged and sent to %(department)s.")
                % {"department": problem.department.name},
            )
            return redirect(_detail(contract, "problems"))
    return render(request, "contracts/problem_form.html", {"contract": contract, "form": form})


@require_right("contracts.problems")
def problem_solve(request: HttpRequest, contract_id: int, problem_id: int) -> HttpResponse:
    contract = _contract(request, contract_id)
    try:
        problem = execution.contract_problem_get(
            user=request.user, contract=contract, problem_id=problem_id
        )
    except ProblemNotFound:
        raise Http404 from None
    form = SolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            problems.contract_problem_solve(
                actor=request.user, problem=problem, resolution=form.cleaned_data["resolution"]
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The problem is marked solved."))
            return redirect(_detail(contract, "problems"))
    context: dict[str, Any] = {"contract": contract, "problem": problem, "form": form}
    return render(request, "contracts/problem_solve.html", context)
