"""Demo collection (R-AR-3, R-AR-4 write-offs, R-AR-7): on the customers with the oldest overdue
instalments, a dunning history (phone → reminder letter → lawyer's letter) with a promise to
pay and next steps; one customer escalated to the legal department; one bad-debt write-off
approved through finance and management and one waiting for approval; invoice requests on
signed contracts, most issued by finance, one voided and some still waiting.

Everything goes through the services (``dunning_action_log``, ``legal_escalate``,
``write_off_request`` + the approval engine, ``invoice_request`` / ``invoice_issue`` /
``invoice_void``). Runs after the receipts demo; needs the overdue instalments the contracts
and receipts demos leave. Deterministic and idempotent (nothing is done twice)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

STEPS = (
    (
        "phone",
        5,
        "财务经理",
        "对方财务称资金周转紧张，答应本月内安排付款。",
        "寄送书面催款函",
        15,
    ),
    (
        "letter",
        20,
        "",
        "已寄出催款函（EMS），对方签收但未回复。",
        "上门拜访采购负责人",
        10,
    ),
    (
        "lawyers_letter",
        45,
        "法定代表人",
        "委托律师事务所发出律师函，要求十五日内付清欠款。",
        "十五日内未付则提起诉讼",
        15,
    ),
)


def _approve_all(request: Any) -> None:
    from xiaoguan.approvals.models import ApprovalTask
    from xiaoguan.approvals.services.requests import approval_decide

    for _ in range(6):
        request.refresh_from_db()
        if request.status != "pending":
            return
        task = (
            ApprovalTask.objects.filter(request=request, status="pending")
            .select_related("approver")
            .first()
        )
        if task is None:
            return
        approval_decide(
            task_id=task.pk, actor=task.approver, decision="approve", comment="同意核销"
        )


def _dunning(today: Any, users: dict[str, Any]) -> list[Any]:
    """Dunning histories on the customers owing the longest; returns those customers' oldest
    overdue instalments."""
    from xiaoguan.receivables.models import DunningAction, Instalment
    from xiaoguan.receivables.selectors.overdue import OUTSTANDING

    overdue = (
        Instalment.objects.filter(status="open", due_date__lt=today)
        .annotate(left=OUTSTANDING)
        .filter(left__gt=0)
        .select_related("owner", "customer")
        .order_by("due_date", "pk")
    )
    chosen: dict[int, Any] = {}
    for inst in overdue[:200]:
        if inst.customer_id not in chosen and inst.owner.has_right("receivables.dunning"):
            chosen[inst.customer_id] = inst
        if len(chosen) >= 8:
            break
    if not DunningAction.objects.exists():
        _histories(today, list(chosen.values()))
    _escalate(list(chosen.values()))
    return list(chosen.values())


def _histories(today: Any, chosen: list[Any]) -> None:
    from xiaoguan.receivables.services.dunning import DunningData, dunning_action_log

    for n, inst in enumerate(chosen):
        steps = STEPS if n < 4 else STEPS[: 1 + n % 2]
        for kind, after, contact, outcome, next_step, next_days in steps:
            done_on = inst.due_date + timedelta(days=after)
            if done_on > today:
                break
            next_on = done_on + timedelta(days=next_days)
            promise: dict[str, Any] = {}
            if kind == "phone" and n % 2 == 1:
                promise = {
                    "promised_on": done_on + timedelta(days=10),
                    "promised_amount": (inst.left / 2).quantize(Decimal("0.01")),
                }
            dunning_action_log(
                actor=inst.owner,
                data=DunningData(
                    customer_id=inst.customer_id,
                    instalment_id=inst.pk,
                    kind=kind,
                    done_on=done_on,
                    contact=contact,
                    outcome=outcome,
                    next_step=next_step,
                    next_on=next_on if next_on >= done_on else None,
                    **promise,
                ),
            )


def _escalate(chosen: list[Any]) -> None:
    """The customer owing the longest goes to legal by hand (its owner's escalation)."""
    from xiaoguan.org.models import DepartmentTask
    from xiaoguan.receivables.services.dunning import LEGAL_TASK_KIND, legal_escalate

    if not chosen or DepartmentTask.objects.filter(kind=LEGAL_TASK_KIND).exists():
        return
    first = chosen[0]
    legal_escalate(
        actor=first.owner,
        customer_id=first.customer_id,
        reason="多次催收无果，律师函送达后仍拒绝付款，疑似恶意拖欠，请法务部评估起诉。",
    )


def _write_offs(candidates: list[Any], users: dict[str, Any]) -> None:
    from xiaoguan.approvals.models import ApprovalRequest
    from xiaoguan.core.errors import ApplicationError
    from xiaoguan.receivables.models import Instalment, WriteOff
    from xiaoguan.receivables.services.write_offs import DOC_TYPE, write_off_request

    if WriteOff.objects.exists():
        return
    finance = users.get("pengli") or users.get("finance")
    if finance is None or not finance.has_right("receivables.manage"):
        return
    # The last two chosen customers (not the one with legal): one approved, one waiting.
    for n, inst in enumerate(candidates[-2:]):
        inst = Instalment.objects.get(pk=inst.pk)
        if inst.status != "open" or inst.outstanding <= 0:
            continue
        amount = inst.outstanding if n == 0 else (inst.outstanding / 2).quantize(Decimal("0.01"))
        reason = (
            "客户已进入破产清算程序，法院裁定债权清偿率为零，经催收确认无法收回。"
            if n == 0
            else "客户经营异常、实际控制人失联，部分款项经评估无法收回，申请核销。"
        )
        try:
            w = write_off_request(
                actor=finance, instalment_id=inst.pk, amount=amount, reason=reason, submit=True
            )
        except ApplicationError:  # a row that does not fit (no approver ...) is left out
            continue
        if n == 0:
            request = (
                ApprovalRequest.objects.filter(doc_type=DOC_TYPE, object_id=w.pk)
                .order_by("-pk")
                .first()
            )
            if request is not None:
                _approve_all(request)


def _invoices(today: Any, users: dict[str, Any]) -> None:
    from xiaoguan.contracts.models import Contract
    from xiaoguan.receivables.models import InvoiceRecord
    from xiaoguan.receivables.services.invoices import (
        invoice_issue,
        invoice_request,
        invoice_void,
    )

    if InvoiceRecord.objects.exists():
        return
    finance = users.get("finance")
    if finance is None:
        return
    contracts = list(
        Contract.objects.filter(is_current=True, status__in=("signed", "completed"))
        .filter(Q(signed_on__isnull=False))
        .select_related("owner")
        .order_by("signed_on", "pk")[:14]
    )
    number = 44_031_234
    for n, c in enumerate(contracts):
        if not c.owner.has_right("receivables.invoice_request"):
            continue
        first = (c.total * Decimal("0.3")).quantize(Decimal("0.01"))
        kind = "vat_special" if n % 3 else "vat_normal"
        inv = invoice_request(
            actor=c.owner,
            contract_id=c.pk,
            kind=kind,
            amount=first,
            tax_rate="13",
            note="预付款发票" if n % 2 else "",
        )
        if n % 5 == 4:
            continue  # waiting for finance
        issued_on = max(c.signed_on or today, today - timedelta(days=30))
        number += 1
        invoice_issue(
            actor=finance, invoice_id=inv.pk, invoice_no=f"{number:08d}", issued_on=issued_on
        )
        if n == 3:
            invoice_void(actor=finance, invoice_id=inv.pk, reason="购方名称填写错误，作废重开")
            again = invoice_request(
                actor=c.owner, contract_id=c.pk, kind=kind, amount=first, note="重开"
            )
            number += 1
            invoice_issue(
                actor=finance, invoice_id=again.pk, invoice_no=f"{number:08d}", issued_on=today
            )
        elif n % 4 == 1 and c.total - first > 0:
            invoice_request(
                actor=c.owner,
                contract_id=c.pk,
                kind=kind,
                amount=c.total - first,
                note="到货款发票",
            )


def load(*, users: dict[str, Any]) -> int:
    """Create the demo collection rows (once); returns how many dunning actions exist."""
    from xiaoguan.approvals.services.chains import default_chains_ensure
    from xiaoguan.receivables.models import DunningAction

    default_chains_ensure()
    today = timezone.localdate()
    candidates = _dunning(today, users)
    _write_offs(candidates, users)
    _invoices(today, users)
    return DunningAction.objects.count()
