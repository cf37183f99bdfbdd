"""Dunning (催收, R-AR-3): the actions taken to collect overdue money, the escalation of a
customer to the legal department, and the reminders of the periodic job.

An action is logged on a customer, optionally on one of its contracts or instalments, with the
outcome (required), the customer's promise to pay and the next step. Its owner is the owner of
the instalment (or contract, or customer) it is about, so the rep and the rep's managers see it;
the recorder is whoever logged it.

Escalation to legal (追偿 / 法务介入) is a department task of kind :data:`LEGAL_TASK_KIND` in the
legal department's inbox, one per customer while one is open: by hand with a reason (a
malicious defaulter) or by the periodic job when an instalment is overdue more than
``receivables.legal_escalation_days``.

The reminders (:func:`collection_send_reminders`) are idempotent: every notification carries a
dedupe key, so running the job twice, or every hour, notifies once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import DecimalField, ExpressionWrapper, F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from xiaoguan.contracts.models import Contract
from xiaoguan.core import policy
from xiaoguan.core.errors import NotFound, PermissionDenied, ValidationFailed
from xiaoguan.core.notifications import notify
from xiaoguan.customers.models import Customer
from xiaoguan.org.enums import DepartmentKind, TaskStatus
from xiaoguan.org.models import DepartmentTask, User
from xiaoguan.org.scope import visible
from xiaoguan.receivables.enums import DunningKind, InstalmentStatus
from xiaoguan.receivables.models import DunningAction, Instalment

LEGAL_TASK_KIND = "receivables.legal"
LEGAL_SUBJECT = "customer"
REMINDER_DAYS_KEY = "receivables.reminder_days_before"
LEGAL_DAYS_KEY = "receivables.legal_escalation_days"
# A reminder missed while the job did not run (a server down over a weekend) is still sent
# within this many days; older ones are not, so a new installation does not flood the inbox.
CATCH_UP_DAYS = 7
TEXT_MAX = 5000
MONEY_MAX = Decimal("1e13")

OUTSTANDING = ExpressionWrapper(
    F("amount") - F("collected") - F("written_off"),
    output_field=DecimalField(max_digits=16, decimal_places=2),
)


class DunningInvalid(ValidationFailed):
    code = "dunning_invalid"


class LegalEscalationOpen(ValidationFailed):
    code = "legal_escalation_open"

    def default_message(self) -> Any:
        return gettext("This customer is already with the legal department (an open task).")


@dataclass
class DunningData:
    customer_id: int
    kind: str
    done_on: dt.date
    outcome: str
    contact: str = ""
    contract_id: int | None = None
    instalment_id: int | None = None
    promised_on: dt.date | None = None
    promised_amount: Decimal | None = None
    next_step: str = ""
    next_on: dt.date | None = None


def _bad(field: str, message: Any) -> DunningInvalid:
    return DunningInvalid(message, fields={field: message})


def _customer(actor: User, customer_id: Any) -> Customer:
    customer = (
        visible(Customer.objects.select_related("owner", "department"), actor)
        .filter(pk=customer_id)
        .first()
        if isinstance(customer_id, int)
        else None
    )
    if customer is None:
        raise NotFound(gettext("Customer not found."))
    return customer


def _check(data: DunningData, errors: dict[str, Any]) -> None:
    today = timezone.localdate()
    if data.kind not in DunningKind.values:
        errors["kind"] = gettext("Not one of the allowed values.")
    if not isinstance(data.done_on, dt.date):
        errors["done_on"] = gettext("This field is required.")
    elif data.done_on > today:
        errors["done_on"] = gettext("An action cannot be dated in the future.")
    outcome = (data.outcome or "").strip()
    if not outcome:
        errors["outcome"] = gettext("Say what came of it.")
    elif len(outcome) > TEXT_MAX:
        errors["outcome"] = gettext("At most %(n)s characters.") % {"n": TEXT_MAX}
    if len(data.contact or "") > 100:
        errors["contact"] = gettext("At most %(n)s characters.") % {"n": 100}
    if len(data.next_step or "") > 300:
        errors["next_step"] = gettext("At most %(n)s characters.") % {"n": 300}
    amount = data.promised_amount
    if amount is not None:
        try:
            amount = Decimal(amount)
        except (InvalidOperation, TypeError, ValueError):
            amount = None
            errors["promised_amount"] = gettext("Enter a valid number.")
        if amount is not None and (amount <= 0 or amount >= MONEY_MAX):
            errors["promised_amount"] = gettext("The promised amount must be more than zero.")
        elif amount is not None and amount != amount.quantize(Decimal("0.01")):
            errors["promised_amount"] = gettext("At most two decimal places.")
        elif amount is not None and data.promised_on is None:
            errors["promised_on"] = gettext("Say by when the customer promised to pay.")
    done_on = data.done_on if isinstance(data.done_on, dt.date) else None
    if data.promised_on is not None and done_on and data.promised_on < done_on:
        errors["promised_on"] = gettext("The promised date is before the action.")
    if data.next_on is not None:
        if not (data.next_step or "").strip():
            errors["next_step"] = gettext("Say what the next step is.")
        if done_on and data.next_on < done_on:
            errors["next_on"] = gettext("The next step is dated before the action.")


@transaction.atomic
def dunning_action_log(*, actor: User, data: DunningData) -> DunningAction:
    """Log one dunning action. The customer, contract and instalment must be ones the actor
    may see and belong together; every refusal names its field."""
    if not actor.has_right("receivables.dunning"):
        raise PermissionDenied()
    customer = _customer(actor, data.customer_id)
    errors: dict[str, Any] = {}
    _check(data, errors)
    contract: Contract | None = None
    instalment: Instalment | None = None
    if data.instalment_id is not None:
        instalment = (
            visible(Instalment.objects.select_related("owner", "department"), actor)
            .filter(pk=data.instalment_id, customer=customer)
            .first()
        )
        if instalment is None:
            errors["instalment_id"] = gettext("Not an instalment of this customer.")
        elif data.contract_id is None and instalment.contract_id:
            data.contract_id = instalment.contract_id
    if data.contract_id is not None:
        contract = (
            visible(Contract.objects.select_related("owner", "department"), actor)
            .filter(pk=data.contract_id, customer=customer)
            .first()
        )
        if contract is None:
            errors["contract_id"] = gettext("Not a contract of this customer.")
        elif instalment is not None and instalment.contract_id not in (None, contract.pk):
            errors["instalment_id"] = gettext("The instalment is not of this contract.")
    if errors:
        raise DunningInvalid(gettext("Some fields are not valid."), fields=errors)
    source: Any = instalment or contract or customer
    owner: User = source.owner or actor
    department: Any = source.department or owner.department
    action = DunningAction.objects.create(
        owner=owner,
        department=department,
        customer=customer,
        contract=contract,
        instalment=instalment,
        kind=data.kind,
        done_on=data.done_on,
        contact=(data.contact or "").strip(),
        outcome=data.outcome.strip(),
        promised_on=data.promised_on,
        promised_amount=(
            Decimal(data.promised_amount) if data.promised_amount is not None else None
        ),
        next_step=(data.next_step or "").strip(),
        next_on=data.next_on,
        recorded_by=actor,
    )
    return action


# --- escalation to legal ----------------------------------------------------------------


def open_legal_task(*, customer_id: int) -> DepartmentTask | None:
    return (
        DepartmentTask.objects.filter(
            kind=LEGAL_TASK_KIND,
            subject_type=LEGAL_SUBJECT,
            subject_id=customer_id,
            status=TaskStatus.OPEN,
        )
        .order_by("-pk")
        .first()
    )


def customer_overdue(*, customer_id: int, today: dt.date | None = None) -> tuple[Decimal, int]:
    """What the customer owes past due (every instalment, not only those a user sees: the
    legal department works on the whole debt) and the days of the oldest overdue one."""
    today = today or timezone.localdate()
    rows = list(
        Instalment.objects.filter(
            customer_id=customer_id, status=InstalmentStatus.OPEN, due_date__lt=today
        )
        .annotate(left=OUTSTANDING)
        .filter(left__gt=0)
        .values_list("left", "due_date")
    )
    total = sum((left for left, _due in rows), Decimal(0))
    oldest = min((due for _left, due in rows if due is not None), default=None)
    return total, (today - oldest).days if oldest else 0


def _customer_url(customer: Customer) -> str:
    return reverse("customers:detail", args=[customer.pk])


@transaction.atomic
def legal_escalate(
    *, actor: User, customer_id: int, reason: str, automatic: bool = False
) -> DepartmentTask:
    """Send a customer to the legal department: a task in its inbox with what is overdue.
    One per customer while one is open (the customer row is locked, so two escalations at
    once make one task). By hand it needs ``receivables.dunning`` and a reason."""
    from xiaoguan.org.department_tasks import department_for, department_task_create

    reason = (reason or "").strip()
    if not automatic:
        if not actor.has_right("receivables.dunning"):
            raise PermissionDenied()
        customer = _customer(actor, customer_id)
        if not reason:
            raise _bad("reason", gettext("Say why the customer goes to the legal department."))
        if len(reason) > TEXT_MAX:
            raise _bad("reason", gettext("At most %(n)s characters.") % {"n": TEXT_MAX})
    else:
        customer = Customer.objects.get(pk=customer_id)
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    if open_legal_task(customer_id=customer.pk) is not None:
        raise LegalEscalationOpen()
    legal = department_for(kind=DepartmentKind.LEGAL)
    if legal is None:
        raise _bad("reason", gettext("There is no legal department to send the customer to."))
    owed, days = customer_overdue(customer_id=customer.pk)
    description = gettext(
        "Overdue: ¥%(owed)s, the oldest for %(days)s days. Owner: %(owner)s.\n%(reason)s"
    ) % {
        "owed": f"{owed:,.2f}",
        "days": days,
        "owner": customer.owner or "—",
        "reason": reason,
    }
    title = (
        gettext("Overdue debt of %(customer)s: legal action")
        if automatic
        else gettext("Malicious defaulter %(customer)s: legal action")
    ) % {"customer": customer.name}
    return department_task_create(
        actor=actor,
        department=legal,
        kind=LEGAL_TASK_KIND,
        title=title,
        description=description.strip(),
        subject_type=LEGAL_SUBJECT,
        subject_id=customer.pk,
        subject_label=customer.name,
        subject_url=_customer_url(customer),
    )


def legal_task_completed(*, task: DepartmentTask, actor: User) -> None:
    """The legal department recorded what it did: the owner of the customer is told."""
    if task.subject_id is None:
        return
    customer = Customer.objects.filter(pk=task.subject_id).select_related("owner").first()
    if customer is None or customer.owner is None:
        return
    notify(
        recipient=customer.owner,
        kind="receivables.legal_done",
        title=gettext("Legal department acted on %(customer)s") % {"customer": customer.name},
        url=_customer_url(customer),
        body=str((task.response_data or {}).get("action_taken", "")),
        dedupe_key=f"receivables.legal_done:{task.pk}",
    )


# --- reminders (periodic job) ------------------------------------------------------------


def _open_with_outstanding() -> QuerySet[Instalment]:
    return (
        Instalment.objects.filter(status=InstalmentStatus.OPEN, due_date__isnull=False)
        .annotate(left=OUTSTANDING)
        .filter(left__gt=0)
        .select_related("owner__manager", "customer")
    )


def _money(value: Decimal) -> str:
    return f"¥{value:,.2f}"


def _remind_due_soon(today: dt.date, days: int) -> int:
    sent = 0
    window = _open_with_outstanding().filter(
        due_date__gte=today, due_date__lte=today + dt.timedelta(days=days)
    )
    for inst in window.iterator(chunk_size=500):
        note = notify(
            recipient=inst.owner,
            kind="receivables.due_soon",
            title=gettext("%(customer)s: %(amount)s due on %(due)s")
            % {
                "customer": inst.customer.name,
                "amount": _money(inst.left),  # type: ignore[attr-defined]
                "due": inst.due_date.isoformat() if inst.due_date else "",
            },
            url=_customer_url(inst.customer),
            body=inst.label,
            dedupe_key=f"receivables.due_soon:{inst.pk}:{inst.due_date}",
        )
        sent += note is not None
    return sent


def _remind_overdue(today: dt.date) -> int:
    sent = 0
    window = _open_with_outstanding().filter(
        due_date__lt=today, due_date__gte=today - dt.timedelta(days=CATCH_UP_DAYS)
    )
    for inst in window.iterator(chunk_size=500):
        title = gettext("Overdue: %(customer)s, %(amount)s was due on %(due)s") % {
            "customer": inst.customer.name,
            "amount": _money(inst.left),  # type: ignore[attr-defined]
            "due": inst.due_date.isoformat() if inst.due_date else "",
        }
        people = [inst.owner, inst.owner.manager if inst.owner.manager_id else None]
        for person in people:
            if person is None:
                continue
            note = notify(
                recipient=person,
                kind="receivables.overdue",
                title=title,
                url=reverse("receivables:overdue_list"),
                body=inst.label,
                dedupe_key=f"receivables.overdue:{inst.pk}:{inst.due_date}:{person.pk}",
            )
            sent += note is not None
    return sent


def _remind_next_steps(today: dt.date) -> int:
    sent = 0
    due = DunningAction.objects.filter(
        next_on__lte=today, next_on__gte=today - dt.timedelta(days=CATCH_UP_DAYS)
    ).select_related("recorded_by", "customer")
    for action in due.iterator(chunk_size=500):
        note = notify(
            recipient=action.recorded_by,
            kind="receivables.dunning_next",
            title=gettext("Dunning %(customer)s today: %(step)s")
            % {"customer": action.customer.name, "step": action.next_step},
            url=reverse("receivables:dunning_customer", args=[action.customer_id]),
            dedupe_key=f"receivables.dunning_next:{action.pk}:{action.next_on}",
        )
        sent += note is not None
    return sent


def _escalate_overdue(today: dt.date, days: int) -> int:
    """Customers with an instalment overdue more than ``days`` go to legal, unless a legal
    task for them is open, or one was created within the last ``days`` days (so a customer
    whose case legal closed is not sent back the next morning)."""
    cutoff = today - dt.timedelta(days=days)
    rows = (
        _open_with_outstanding()
        .filter(due_date__lt=cutoff)
        .order_by("customer_id", "due_date")
        .values_list("customer_id", "owner_id")
    )
    first_owner: dict[int, int] = {}
    for customer_id, owner_id in rows:
        first_owner.setdefault(customer_id, owner_id)
    if not first_owner:
        return 0
    recent = set(
        DepartmentTask.objects.filter(
            kind=LEGAL_TASK_KIND,
            subject_type=LEGAL_SUBJECT,
            subject_id__in=list(first_owner),
        )
        .exclude(status=TaskStatus.CANCELLED)
        .filter(created_at__date__gte=cutoff)
        .values_list("subject_id", flat=True)
    )
    recent |= set(
        DepartmentTask.objects.filter(
            kind=LEGAL_TASK_KIND,
            subject_type=LEGAL_SUBJECT,
            subject_id__in=list(first_owner),
            status=TaskStatus.OPEN,
        ).values_list("subject_id", flat=True)
    )
    owners = User.objects.in_bulk(set(first_owner.values()))
    made = 0
    for customer_id, owner_id in first_owner.items():
        if customer_id in recent:
            continue
        try:
            legal_escalate(
                actor=owners[owner_id],
                customer_id=customer_id,
                reason=gettext("Overdue more than %(days)s days.") % {"days": days},
                automatic=True,
            )
        except ValidationFailed:
            continue
        made += 1
    return made


def collection_send_reminders(*, today: dt.date | None = None) -> dict[str, int]:
    """The periodic job's work: reminders before due, on the first day overdue, of dunning
    next steps due, and the automatic escalation to legal. Safe to run any number of times."""
    today = today or timezone.localdate()
    return {
        "due_soon": _remind_due_soon(today, int(policy.value(REMINDER_DAYS_KEY))),
        "overdue": _remind_overdue(today),
        "next_steps": _remind_next_steps(today),
        "escalated": _escalate_overdue(today, int(policy.value(LEGAL_DAYS_KEY))),
    }
