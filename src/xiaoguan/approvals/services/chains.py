"""Configuration of approval chains by management: a chain per document type, its ordered
steps, and the checks that keep a chain usable (at least one step, consistent rule fields,
every step finds somebody today)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from xiaoguan.approvals import registries
from xiaoguan.approvals.enums import ApproverRule, StepMode
from xiaoguan.approvals.errors import ApprovalNotFound, ChainInvalid
from xiaoguan.approvals.models import ApprovalChain, ApprovalStep
from xiaoguan.approvals.services.resolution import step_resolvable_today
from xiaoguan.org.models import Department, Role, User

# Which optional field each rule needs; the others must stay empty.
RULE_FIELD: dict[str, str] = {
    ApproverRule.DEPARTMENT_HEAD: "department",
    ApproverRule.ROLE: "role",
    ApproverRule.EMPLOYEE: "employee",
}


def _lock_chain(chain_id: int) -> ApprovalChain:
    chain = ApprovalChain.objects.select_for_update().filter(pk=chain_id).first()
    if chain is None:
        raise ApprovalNotFound()
    return chain


def _unresolvable_reason(step: ApprovalStep) -> str:
    return _("The step “%(step)s” finds nobody to approve today.") % {"step": step.name}


def _check_activation(chain: ApprovalChain) -> None:
    steps = list(chain.steps.select_related("department__head", "role", "employee"))
    if not steps:
        raise ChainInvalid(
            _("Add at least one step before activating the chain."),
            fields={"is_active": _("Add at least one step before activating the chain.")},
        )
    for step in steps:
        if not step_resolvable_today(step):
            raise ChainInvalid(
                _unresolvable_reason(step), fields={"is_active": _unresolvable_reason(step)}
            )
    other = (
        ApprovalChain.objects.filter(doc_type=chain.doc_type, is_active=True)
        .exclude(pk=chain.pk)
        .first()
    )
    if other is not None:
        message = _(
            "The chain “%(name)s” is already active for this document type; deactivate it first."
        ) % {"name": other.name}
        raise ChainInvalid(message, fields={"is_active": message})


@transaction.atomic
def chain_create(*, actor: User, doc_type: str, name: str) -> ApprovalChain:
    """A new chain starts inactive: it becomes active once it has its steps."""
    if registries.document_type(doc_type) is None:
        raise ChainInvalid(fields={"doc_type": _("Not one of the allowed values.")})
    name = (name or "").strip()
    if not name:
        raise ChainInvalid(fields={"name": _("This field is required.")})
    chain = ApprovalChain(doc_type=doc_type, name=name[:100], is_active=False)
    chain._change_reason = f"created by {actor.get_username()}"  # type: ignore[attr-defined]  # simple-history
    chain.save()
    return chain


@transaction.atomic
def chain_update(*, actor: User, chain_id: int, name: str, is_active: bool) -> ApprovalChain:
    """Rename, activate or deactivate a chain; an active chain must be usable today."""
    chain = _lock_chain(chain_id)
    name = (name or "").strip()
    if not name:
        raise ChainInvalid(fields={"name": _("This field is required.")})
    if is_active:
        _check_activation(chain)
    chain.name = name[:100]
    chain.is_active = is_active
    chain.save(update_fields=["name", "is_active", "updated_at"])
    return chain


def _validate_step(step: ApprovalStep) -> None:
    errors: dict[str, Any] = {}
    if not step.name.strip():
        errors["name"] = _("This field is required.")
    if step.rule not in ApproverRule.values:
        errors["rule"] = _("Not one of the allowed values.")
    if step.mode not in StepMode.values:
        errors["mode"] = _("Not one of the allowed values.")
    needed = RULE_FIELD.get(step.rule)
    for rule, field in RULE_FIELD.items():
        value = getattr(step, f"{field}_id")
        if field == needed and value is None:
            errors[field] = _("Required for this approver rule.")
        elif field != needed and value is not None:
            errors[field] = _("Only for the rule “%(rule)s”; leave it empty.") % {
                "rule": ApproverRule(rule).label
            }
    if step.rule == ApproverRule.MANAGER_LEVELS and not 1 <= step.levels <= 10:
        errors["levels"] = _("Between 1 and 10 levels.")
    for field in ("min_amount", "min_discount"):
        value = getattr(step, field)
        if value is not None and value < Decimal(0):
            errors[field] = _("Value out of range.")
    if step.min_discount is not None and step.min_discount > Decimal(100):
        errors["min_discount"] = _("Value out of range.")
    if errors:
        raise ChainInvalid(fields=errors)
    if not step_resolvable_today(step):
        message = _unresolvable_reason(step)
        field = RULE_FIELD.get(step.rule, "rule")
        raise ChainInvalid(message, fields={field: message})


@transaction.atomic
def step_add(
    *,
    actor: User,
    chain_id: int,
    name: str,
    rule: str,
    mode: str = StepMode.ANY,
    levels: int = 1,
    department: Department | None = None,
    role: Role | None = None,
    employee: User | None = None,
    min_amount: Decimal | None = None,
    min_discount: Decimal | None = None,
) -> ApprovalStep:
    """Append a step to a chain; a step that finds nobody today is refused with the reason."""
    chain = _lock_chain(chain_id)
    last = chain.steps.aggregate(m=Max("position"))["m"] or 0
    step = ApprovalStep(
        chain=chain,
        position=last + 1,
        name=(name or "").strip()[:100],
        rule=rule,
        mode=mode,
        levels=levels if rule == ApproverRule.MANAGER_LEVELS else 1,
        department=department,
        role=role,
        employee=employee,
        min_amount=min_amount,
        min_discount=min_discount,
    )
    _validate_step(step)
    step.save()
    return step


def _step_locked(step_id: int) -> tuple[ApprovalChain, ApprovalStep]:
    chain_id = ApprovalStep.objects.filter(pk=step_id).values_list("chain_id", flat=True).first()
    if chain_id is None:
        raise ApprovalNotFound()
    chain = _lock_chain(chain_id)
    return chain, ApprovalStep.objects.get(pk=step_id)


def _renumber(chain: ApprovalChain, ordered: list[ApprovalStep]) -> None:
    # Two passes keep the (chain, position) unique constraint satisfied on every database.
    for offset, step in enumerate(ordered, start=1):
        ApprovalStep.objects.filter(pk=step.pk).update(position=1000 + offset)
    for offset, step in enumerate(ordered, start=1):
        step.position = offset
        step.save(update_fields=["position"])


@transaction.atomic
def step_remove(*, actor: User, step_id: int) -> ApprovalChain:
    """Remove a step; an active chain keeps at least one."""
    chain, step = _step_locked(step_id)
    remaining = [s for s in chain.steps.order_by("position") if s.pk != step.pk]
    if chain.is_active and not remaining:
        raise ChainInvalid(_("An active chain needs at least one step; deactivate it first."))
    step.delete()
    _renumber(chain, remaining)
    return chain


@transaction.atomic
def step_move(*, actor: User, step_id: int, direction: str) -> ApprovalChain:
    """Move a step one place up or down."""
    if direction not in ("up", "down"):
        raise ChainInvalid(fields={"direction": _("Not one of the allowed values.")})
    chain, step = _step_locked(step_id)
    ordered = list(chain.steps.order_by("position"))
    index = next(i for i, s in enumerate(ordered) if s.pk == step.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
        _renumber(chain, ordered)
    return chain


@transaction.atomic
def approval_chain_create(
    *, actor: User, doc_type: str, name: str, steps: list[dict[str, Any]], activate: bool = True
) -> ApprovalChain:
    """A chain with its steps in one go (set-ups, demo data, tests): every step is checked
    as in ``step_add`` and the chain activated as in ``chain_update``."""
    chain = chain_create(actor=actor, doc_type=doc_type, name=name)
    for fields in steps:
        step_add(actor=actor, chain_id=chain.pk, **fields)
    if activate:
        chain = chain_update(actor=actor, chain_id=chain.pk, name=chain.name, is_active=True)
    return chain


DEFAULT_LARGE_AMOUNT = Decimal("100000")


def _declared_steps(doc_type: registries.DocumentType) -> list[dict[str, Any]]:
    """The document type's declared default steps, without those whose role nobody holds."""
    steps: list[dict[str, Any]] = []
    for step in doc_type.default_chain:
        fields: dict[str, Any] = {
            "name": step.name,
            "rule": step.rule,
            "min_amount": step.min_amount,
            "min_discount": step.min_discount,
        }
        if step.rule == ApproverRule.ROLE:
            role = Role.objects.filter(code=step.role).first()
            if role is None or not role.members.filter(is_active=True).exists():
                continue
            fields["role"] = role
        steps.append(fields)
    return steps


@transaction.atomic
def default_chains_ensure() -> list[ApprovalChain]:
    """Give every registered document type without a chain a working default, so a new
    installation can approve at once: the steps the type declares (``default_chain``), or else
    the requester's manager, then management for amounts
    of ¥100,000 and more (when someone holds the management role). Management changes them
    on the chains page. Idempotent: a type that has any chain, active or not, is left alone.
    Run by ``xiaoguan serve`` after migrating, and by the demo."""
    management = Role.objects.filter(code="management").first()
    created: list[ApprovalChain] = []
    for doc_type in registries.document_types():
        if ApprovalChain.objects.filter(doc_type=doc_type.code).exists():
            continue
        if doc_type.default_chain:
            steps = _declared_steps(doc_type)
            if not steps:
                continue
        else:
            steps = [
                {"name": "直属上级", "rule": ApproverRule.OWNER_MANAGER},
            ]
            if management is not None and management.members.filter(is_active=True).exists():
                steps.append(
                    {
                        "name": "总经理（大额）",
                        "rule": ApproverRule.ROLE,
                        "role": management,
                        "min_amount": DEFAULT_LARGE_AMOUNT,
                    }
                )
        chain = ApprovalChain.objects.create(
            doc_type=doc_type.code, name=f"{doc_type.label}审批", is_active=False
        )
        for position, fields in enumerate(steps, start=1):
            ApprovalStep.objects.create(chain=chain, position=position, mode=StepMode.ANY, **fields)
        chain.is_active = True
        chain.save(update_fields=["is_active", "updated_at"])
        created.append(chain)
    return created
