"""API of amendments, versions, termination, the timeline and problems (R-CON-4, R-CON-5),
mounted at ``/api/v1/contracts/amendments/``: the same scope, rules and messages as the pages.
A contract out of the caller's scope is 404; a refusal is a 4xx with a stable ``code``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from xiaoguan.contracts.models import Contract, ContractEvent, ContractProblem
from xiaoguan.contracts.selectors import contracts as contract_selectors
from xiaoguan.contracts.selectors import execution
from xiaoguan.contracts.selectors import versions as version_selectors
from xiaoguan.contracts.services import amendments, problems, termination
from xiaoguan.core.api import require_rights

router = Router()


class Ref(Schema):
    id: int
    name: str


class VersionOut(Schema):
    id: int
    number: str
    version_no: int
    status: str
    is_current: bool
    amends_id: int | None
    amendment_reason: str
    total: Decimal
    signed_on: date | None


def _version(c: Contract) -> VersionOut:
    return VersionOut(
        id=c.pk,
        number=c.number,
        version_no=c.version_no,
        status=c.status,
        is_current=c.is_current,
        amends_id=c.amends_id,
        amendment_reason=c.amendment_reason,
        total=c.total,
        signed_on=c.signed_on,
    )


class AmendIn(Schema):
    reason: str = Field(..., max_length=2000)


@router.post(
    "/{contract_id}/amend",
    response={201: VersionOut},
    summary="Draft an amendment of the signed contract in force (a new version)",
)
def amend_start(request, contract_id: int, payload: AmendIn):
    user = require_rights(request, "contracts.view", "contracts.edit")
    contract = contract_selectors.contract_get(user=user, contract_id=contract_id)
    draft = amendments.contract_amend_start(actor=user, contract=contract, reason=payload.reason)
    return Status(201, _version(draft))


@router.get(
    "/{contract_id}/versions",
    response=list[VersionOut],
    summary="Every version of the contract, oldest first",
)
def versions(request, contract_id: int):
    user = require_rights(request, "contracts.view")
    contract = contract_selectors.contract_get(user=user, contract_id=contract_id)
    return [_version(v) for v in version_selectors.contract_versions(contract=contract, user=user)]


class DiffFilters(Schema):
    old: int | None = None
    new: int | None = None


class LineSide(Schema):
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    amount: Decimal
    spec: str


class LineChangeOut(Schema):
    kind: str
    product: Ref
    unit: Ref
    changed: list[str]
    old: LineSide | None
    new: LineSide | None


class FieldChangeOut(Schema):
    field: str
    label: str
    old: str | None
    new: str | None


class TermSide(Schema):
    label: str
    trigger: str
    days_after: int
    percent: Decimal | None
    amount: Decimal
    is_retention: bool


class TermChangeOut(Schema):
    kind: str
    position: int
    changed: list[str]
    old: TermSide | None
    new: TermSide | None


class DiffOut(Schema):
    old: VersionOut
    new: VersionOut
    total_delta: Decimal
    header: list[FieldChangeOut]
    lines: list[LineChangeOut]
    terms: list[TermChangeOut]


def _line_side(line) -> LineSide | None:
    if line is None:
        return None
    return LineSide(
        quantity=line.quantity,
        unit_price=line.unit_price,
        discount=line.discount,
        amount=line.amount,
        spec=line.spec,
    )


def _term_side(term) -> TermSide | None:
    if term is None:
        return None
    return TermSide(
        label=term.label,
        trigger=term.trigger,
        days_after=term.days_after,
        percent=term.percent,
        amount=term.amount,
        is_retention=term.is_retention,
    )


def _text(value) -> str | None:
    return None if value is None else str(value)


@router.get(
    "/{contract_id}/diff",
    response=DiffOut,
    summary="What changed between two versions (default: this one and the one it amends)",
)
def diff(request, contract_id: int, filters: Query[DiffFilters]):
    user = require_rights(request, "contracts.view")
    contract = contract_selectors.contract_get(user=user, contract_id=contract_id)
    old, new = version_selectors.contract_version_pair(
        user=user, contract=contract, old_id=filters.old, new_id=filters.new
    )
    d = version_selectors.contract_diff(old=old, new=new)
    lines = []
    for c in d.lines:
        line = c.new or c.old
        assert line is not None
        lines.append(
            LineChangeOut(
                kind=c.kind,
                product=Ref(id=line.product_id, name=c.product_name),
                unit=Ref(id=line.unit_id, name=c.unit_name),
                changed=sorted(c.changed) if c.kind == "changed" else [],
                old=_line_side(c.old),
                new=_line_side(c.new),
            )
        )
    return DiffOut(
        old=_version(old),
        new=_version(new),
        total_delta=d.total_delta,
        header=[
            FieldChangeOut(field=f.name, label=f.label, old=_text(f.old), new=_text(f.new))
            for f in d.header
        ],
        lines=lines,
        terms=[
            TermChangeOut(
                kind=t.kind,
                position=t.position,
                changed=sorted(t.changed) if t.kind == "changed" else [],
                old=_term_side(t.old),
                new=_term_side(t.new),
            )
            for t in d.terms
        ],
    )


class TerminateIn(Schema):
    kind: str = Field(..., max_length=20)
    reason: str = Field(..., max_length=2000)
    settlement_amount: Decimal
    settlement_note: str = Field("", max_length=2000)
    terminated_on: date


class TerminationOut(Schema):
    id: int
    number: str
    status: str
    termination_kind: str
    termination_reason: str
    settlement_amount: Decimal | None
    settlement_note: str
    terminated_on: date | None


@router.post(
    "/{contract_id}/terminate",
    response=TerminationOut,
    summary="Terminate the signed contract in force (reason and settlement)",
)
def terminate(request, contract_id: int, payload: TerminateIn):
    user = require_rights(request, "contracts.view", "contracts.terminate")
    contract = contract_selectors.contract_get(user=user, contract_id=contract_id)
    done = termination.contract_terminate(
        actor=user,
        contract=contract,
        kind=payload.kind,
        reason=payload.reason,
        settlement_amount=payload.settlement_amount,
        settlement_note=payload.settlement_note,
        terminated_on=payload.terminated_on,
    )
    return TerminationOut(
        id=done.pk,
        number=done.number,
        status=done.status,
        termination_kind=done.termination_kind,
        termination_reason=done.termination_reason,
        settlement_amount=done.settlement_amount,
        settlement_note=done.settlement_note,
        terminated_on=done.terminated_on,
    )


class EventOut(Schema):
    id: int
    kind: str
    at: datetime
    summary: str
    version_id: int
    version_no: int
    actor: Ref | None
    department: Ref | None


def _event(e: ContractEvent) -> EventOut:
    return EventOut(
        id=e.pk,
        kind=e.kind,
        at=e.at,
        summary=e.summary,
        version_id=e.contract_id,
        version_no=e.contract.version_no,
        actor=Ref(id=e.actor_id, name=str(e.actor)) if e.actor_id else None,
        department=Ref(id=e.department_id, name=e.department.name) if e.department_id else None,
    )


@router.get(
    "/{contract_id}/timeline",
    response=list[EventOut],
    summary="The execution timeline of the contract (all versions), newest first",
)
def timeline(request, contract_id: int):
    user = require_rights(request, "contracts.view")
    contract = contract_selectors.contract_get(user=user, contract_id=contract_id)
    return [
        _event(e)
        for e in execution.contract_timeline(contract=contract)[: execution.TIMELINE_LIMIT]
    ]


class ProblemOut(Schema):
    id: int
    contract_id: int
    title: str
    description: str
    status: str
    department: Ref
    task_id: int | None
    raised_by: Ref
    raised_at: datetime
    resolution: str
    resolved_by: Ref | None
    resolved_at: datetime | None


def _problem(p: ContractProblem) -> ProblemOut:
    return ProblemOut(
        id=p.pk,
        contract_id=p.contract_id,
        title=p.title,
        description=p.description,
        status=p.status,
        department=Ref(id=p.department_id, name=p.department.name),
        task_id=p.task_id,
        raised_by=Ref(id=p.raised_by_id, name=str(p.raised_by)),
        raised_at=p.raised_at,
        resolution=p.resolution,
        resolved_by=Ref(id=p.resolved_by_id, name=str(p.resolved_by)) if p.resolved_by_id else None,
        resolved_at=p.resolved_at,
    )


@router.get(
    "/{contract_id}/problems",
    response=list[ProblemOut],
    summary="Problems logged on the contract (all versions), open first",
)
def problem_list(request, contract_id: int):
    user = require_rights(request, "contracts.view", "contracts.problems")
    contract = contract_selectors.contract_get(user=user, contract_id=contract_id)
    return [_problem(p) for p in execution.contract_problems(contract=contract)]


class ProblemIn(Schema):
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=5000)
    department_id: int


@router.post(
    "/{contract_id}/problems",
    response={201: ProblemOut},
    summary="Log a problem and route it to a department (a task in its inbox)",
)
def problem_log(request, contract_id: int, payload: ProblemIn):
    user = require_rights(request, "contracts.view", "contracts.problems")
    contract = contract_selectors.contract_get(user=user, contract_id=contract_id)
    problem = problems.contract_problem_log(
        actor=user,
        contract=contract,
        title=payload.title,
        description=payload.description,
        department_id=payload.department_id,
    )
    return Status(
        201,
        _problem(
            execution.contract_problem_get(user=user, contract=contract, problem_id=problem.pk)
        ),
    )


class SolveIn(Schema):
    resolution: str = Field(..., max_length=5000)


@router.post(
    "/{contract_id}/problems/{problem_id}/solve",
    response=ProblemOut,
    summary="Mark a problem solved (closes its task)",
)
def problem_solve(request, contract_id: int, problem_id: int, payload: SolveIn):
    user = require_rights(request, "contracts.view", "contracts.problems")
    contract = contract_selectors.contract_get(user=user, contract_id=contract_id)
    problem = execution.contract_problem_get(user=user, contract=contract, problem_id=problem_id)
    problems.contract_problem_solve(actor=user, problem=problem, resolution=payload.resolution)
    return _problem(
        execution.contract_problem_get(user=user, contract=contract, problem_id=problem_id)
    )
