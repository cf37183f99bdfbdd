"""Writes to inquiries and tenders (询价 / 招标, R-QUO-1): registration, the bid / no-bid
decision with escalation to management above a configurable amount, the requests for
technical parameters and cost / lead time to the technical and production departments,
and the close (won / lost from the quote outcome, cancelled).

Decisions (see docs/user/*/inquiries.md):
- The owner is the customer's owner when the actor's scope covers that employee, else the
  actor (as for opportunities). The owner's manager and the head of the owner's department
  are told at once.
- The deadline must lie in the future when the inquiry is registered or edited.
- The bid decision is made by a holder of ``sales.bid_decide`` whose scope covers the inquiry,
  with a reason. A "bid" on an inquiry whose estimated amount is above the policy rule
  ``sales.bid_escalation_amount`` goes to management through the approvals engine (document
  type ``bid_decision``); a decision by management itself is final. A "bid" needs the
  estimated amount (so the escalation cannot be bypassed by leaving it empty).
- Only a new inquiry (awaiting the decision) can be edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoguan.core import policy
from xiaoguan.core.documents import ensure_transition
from xiaoguan.core.errors import NotFound, PermissionDenied, StaleEdit
from xiaoguan.core.history import track
from xiaoguan.core.notifications import notify
from xiaoguan.core.numbering import next_number
from xiaoguan.customers.models import Customer
from xiaoguan.org.department_tasks import department_for, department_task_create
from xiaoguan.org.enums import DepartmentKind, TaskStatus
from xiaoguan.org.models import Department, DepartmentTask, User
from xiaoguan.org.scope import visible
from xiaoguan.sales.enums import (
    OPEN_STAGES,
    InquiryKind,
    InquirySource,
    InquiryStatus,
)
from xiaoguan.sales.errors import InquiryInvalid, InquiryStateInvalid
from xiaoguan.sales.models import Inquiry, Opportunity

NUMBER_PREFIX = "XJ"
MAX_AMOUNT = Decimal("9999999999999.99")
ESCALATION_RULE = "sales.bid_escalation_amount"
DEFAULT_ESCALATION_AMOUNT = Decimal("500000")
SUBJECT_TYPE = "inquiry"
TASK_TECHNICAL = "sales.technical_parameters"
TASK_COST = "sales.cost_lead_time"
NOTIFICATION_KIND = "inquiry"
OPEN_STATUSES = (InquiryStatus.NEW, InquiryStatus.ESCALATED, InquiryStatus.BIDDING)


@dataclass
class InquiryData:
    """What a user may write on an inquiry: an allow-list (no owner, department, number,
    status or decision fields)."""

    customer_id: int
    title: str
    source: str
    deadline: datetime
    kind: str = InquiryKind.INQUIRY
    opportunity_id: int | None = None
    description: str = ""
    tender_number: str = ""
    estimated_amount: Decimal | int | str | None = None


def inquiry_url(inquiry: Inquiry) -> str:
    return reverse("sales:inquiry_detail", args=[inquiry.pk])


def escalation_amount() -> Decimal:
    value = policy.value(ESCALATION_RULE)
    return Decimal(str(value)) if value is not None else DEFAULT_ESCALATION_AMOUNT


def _clean(data: InquiryData, *, now: datetime) -> InquiryData:
    errors: dict[str, Any] = {}
    data.title = " ".join((data.title or "").split())
    if not data.title:
        errors["title"] = _("An inquiry needs a subject.")
    elif len(data.title) > 200:
        errors["title"] = _("At most %(n)s characters.") % {"n": 200}
    if data.kind not in InquiryKind.values:
        errors["kind"] = _("Choose whether it is an inquiry or a tender.")
    if data.source not in InquirySource.values:
        errors["source"] = _("Choose where the inquiry came from.")
    data.tender_number = " ".join((data.tender_number or "").split())
    if len(data.tender_number) > 60:
        errors["tender_number"] = _("At most %(n)s characters.") % {"n": 60}
    data.description = (data.description or "").strip()
    if len(data.description) > 10000:
        errors["description"] = _("At most %(n)s characters.") % {"n": 10000}
    if not isinstance(data.deadline, datetime):
        errors["deadline"] = _("Enter the deadline for the offer.")
    else:
        if timezone.is_naive(data.deadline):
            data.deadline = timezone.make_aware(data.deadline)
        if data.deadline <= now:
            errors["deadline"] = _("The deadline must be in the future.")
    if data.estimated_amount not in (None, ""):
        try:
            amount = Decimal(str(data.estimated_amount).replace(",", "")).quantize(Decimal("0.01"))
        except (InvalidOperation, TypeError, ValueError):
            errors["estimated_amount"] = _("Enter an amount.")
        else:
            if not amount.is_finite() or amount < 0:
                errors["estimated_amount"] = _("The amount cannot be negative.")
            elif amount > MAX_AMOUNT:
                errors["estimated_amount"] = _("Value out of range.")
            else:
                data.estimated_amount = amount
    else:
        data.estimated_amount = None
    if errors:
        raise InquiryInvalid(fields=errors)
    return data


def _owner_for(customer: Customer, actor: User) -> tuple[int, int]:
    """The customer's owner and department when the actor's scope covers that employee, else
    the actor and the actor's department."""
    if customer.owner_id and (
        customer.owner_id == actor.pk
        or visible(User.objects.filter(pk=customer.owner_id, is_active=True), actor).exists()
    ):
        return customer.owner_id, customer.department_id
    if actor.department_id is None:
        raise InquiryInvalid(_("Only an employee with a department can own inquiries."))
    return actor.pk, actor.department_id


def _opportunity(data: InquiryData, customer: Customer, actor: User) -> Opportunity | None:
    if data.opportunity_id in (None, ""):
        return None
    opp = visible(Opportunity.objects.all(), actor).filter(pk=data.opportunity_id).first()
    if opp is None:
        raise NotFound(_("Opportunity not found."))
    if opp.customer_id != customer.pk:
        raise InquiryInvalid(
            fields={"opportunity": _("The opportunity belongs to another customer.")}
        )
    if opp.stage not in OPEN_STAGES:
        raise InquiryInvalid(fields={"opportunity": _("The opportunity is closed.")})
    return opp


def managers_of(inquiry: Inquiry) -> list[User]:
    """Who decides on the inquiry by default: the owner's manager and the head of the owner's
    department (not the owner), active ones only."""
    people: dict[int, User] = {}
    owner = inquiry.owner
    department = Department.objects.select_related("head").filter(pk=inquiry.department_id).first()
    candidates = [owner.manager if owner.manager_id else None]
    if department is not None:
        candidates.append(department.head)
    for person in candidates:
        if person is not None and person.is_active and person.pk != owner.pk:
            people.setdefault(person.pk, person)
    return list(people.values())


def _tell_managers(inquiry: Inquiry, *, actor: User) -> None:
    title = _("New %(kind)s %(number)s from %(customer)s: decide bid / no bid") % {
        "kind": inquiry.get_kind_display(),
        "number": inquiry.number,
        "customer": inquiry.customer.name,
    }
    body = _("%(title)s. Deadline %(deadline)s.") % {
        "title": inquiry.title,
        "deadline": timezone.localtime(inquiry.deadline).strftime("%Y-%m-%d %H:%M"),
    }
    for person in managers_of(inquiry):
        if person.pk == actor.pk:
            continue
        notify(
            recipient=person,
            kind=NOTIFICATION_KIND,
            title=title,
            url=inquiry_url(inquiry),
            body=body,
            dedupe_key=f"inquiry:{inquiry.pk}:registered",
        )


@transaction.atomic
def inquiry_create(*, actor: User, data: InquiryData, now: datetime | None = None) -> Inquiry:
    """Register an inquiry or tender of a customer the actor may see, numbered
    ``XJ-YYYY-NNNNNN``; the owner's manager is notified at once. Raises NotFound for a
    customer or opportunity out of scope and InquiryInvalid for bad input."""
    now = now or timezone.now()
    data = _clean(data, now=now)
    customer = (
        visible(Customer.objects.all(), actor).filter(pk=data.customer_id, is_active=True).first()
    )
    if customer is None:
        raise NotFound(_("Customer not found."))
    opportunity = _opportunity(data, customer, actor)
    owner_id, department_id = _owner_for(customer, actor)
    inquiry = Inquiry(
        number=next_number(prefix=NUMBER_PREFIX),
        kind=data.kind,
        source=data.source,
        customer=customer,
        opportunity=opportunity,
        title=data.title,
        description=data.description,
        tender_number=data.tender_number,
        deadline=data.deadline,
        estimated_amount=data.estimated_amount,
        status=InquiryStatus.NEW,
        owner_id=owner_id,
        department_id=department_id,
    )
    track(inquiry, actor, "registered")
    inquiry.save()
    _tell_managers(inquiry, actor=actor)
    return inquiry


def _lock(inquiry: Inquiry | int, actor: User) -> Inquiry:
    pk = inquiry if isinstance(inquiry, int) else inquiry.pk
    locked = (
        visible(Inquiry.objects.select_for_update(of=("self",)), actor)
        .select_related("customer", "owner")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    return locked


def _move(inquiry: Inquiry, to: str) -> None:
    try:
        ensure_transition(inquiry, to=to)  # type: ignore[arg-type]
    except Exception as exc:
        raise InquiryStateInvalid() from exc


@transaction.atomic
def inquiry_update(
    *,
    actor: User,
    inquiry: Inquiry | int,
    data: InquiryData,
    expected_version: int,
    now: datetime | None = None,
) -> Inquiry:
    """Edit an inquiry still awaiting the decision, only if nobody saved it since the editor
    loaded ``expected_version``. The customer does not change."""
    locked = _lock(inquiry, actor)
    if locked.version != expected_version:
        raise StaleEdit()
    if locked.status != InquiryStatus.NEW:
        raise InquiryStateInvalid(_("Only an inquiry awaiting the bid decision can be edited."))
    data.customer_id = locked.customer_id
    data = _clean(data, now=now or timezone.now())
    locked.opportunity = _opportunity(data, locked.customer, actor)
    locked.kind = data.kind
    locked.source = data.source
    locked.title = data.title
    locked.description = data.description
    locked.tender_number = data.tender_number
    locked.deadline = data.deadline
    locked.estimated_amount = data.estimated_amount  # type: ignore[assignment]
    locked.version += 1
    track(locked, actor, "edited")
    locked.save()
    return locked


def can_decide(*, user: User, inquiry: Inquiry) -> bool:
    """A holder of sales.bid_decide other than the owner (a manager decides on the rep's
    inquiry); the inquiry is already in the user's scope."""
    return (
        user.is_active
        and user.has_right("sales.bid_decide")
        and inquiry.status == InquiryStatus.NEW
        and (inquiry.owner_id != user.pk or "management" in user.role_codes)
    )


@transaction.atomic
def inquiry_decide(*, actor: User, inquiry: Inquiry | int, bid: bool, reason: str) -> Inquiry:
    """Bid or no bid, with a reason. A bid above the escalation amount goes to management
    (status ESCALATED until the approval decides); otherwise the decision is final."""
    if not actor.has_right("sales.bid_decide"):
        raise PermissionDenied(_("You do not have the right to decide on bids."))
    locked = _lock(inquiry, actor)
    if locked.status != InquiryStatus.NEW:
        raise InquiryStateInvalid(_("The bid decision on this inquiry is already made."))
    if locked.owner_id == actor.pk and "management" not in actor.role_codes:
        raise PermissionDenied(_("The owner's manager decides on the inquiry, not the owner."))
    reason = (reason or "").strip()
    if not reason:
        raise InquiryInvalid(fields={"reason": _("Give a reason for the decision.")})
    if len(reason) > 2000:
        raise InquiryInvalid(fields={"reason": _("At most %(n)s characters.") % {"n": 2000}})
    if bid and locked.estimated_amount is None:
        raise InquiryInvalid(
            _("Enter the estimated amount of the inquiry before deciding to bid."),
            fields={"estimated_amount": _("Enter the estimated amount before deciding to bid.")},
        )
    locked.decision_note = reason
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    escalate = (
        bid
        and locked.estimated_amount is not None
        and locked.estimated_amount > escalation_amount()
        and "management" not in actor.role_codes
    )
    if escalate:
        _move(locked, InquiryStatus.ESCALATED)
        locked.status = InquiryStatus.ESCALATED
        track(locked, actor, "bid escalated to management")
        locked.save()
        from xiaoguan.approvals.services.requests import approval_request_create

        approval_request_create(subject=locked, doc_type="bid_decision", requested_by=actor)
    else:
        to = InquiryStatus.BIDDING if bid else InquiryStatus.NO_BID
        _move(locked, to)
        locked.status = to
        track(locked, actor, "bid" if bid else "no bid")
        locked.save()
    _tell_owner_decision(locked, actor=actor)
    return locked


def _tell_owner_decision(inquiry: Inquiry, *, actor: User) -> None:
    if inquiry.owner_id == actor.pk:
        return
    if inquiry.status == InquiryStatus.BIDDING:
        title = _("%(number)s: bid. Prepare the quote.")
    elif inquiry.status == InquiryStatus.NO_BID:
        title = _("%(number)s: no bid.")
    elif inquiry.status == InquiryStatus.ESCALATED:
        title = _("%(number)s: bid proposed, management decides.")
    else:
        return
    notify(
        recipient=inquiry.owner,
        kind=NOTIFICATION_KIND,
        title=title % {"number": inquiry.number},
        url=inquiry_url(inquiry),
        body=inquiry.decision_note,
        dedupe_key=f"inquiry:{inquiry.pk}:decided:{inquiry.status}",
    )


# --- approval engine callbacks (inside the decision's transaction) -------------------------


def _approval_move(to: str):
    def callback(*, subject: Inquiry, request: Any, actor: User) -> None:
        locked = Inquiry.objects.select_for_update().get(pk=subject.pk)
        if locked.status != InquiryStatus.ESCALATED:
            raise InquiryStateInvalid()
        _move(locked, to)
        locked.status = to
        if to in (InquiryStatus.BIDDING, InquiryStatus.NO_BID):
            locked.decided_by = actor
            locked.decided_at = timezone.now()
        else:  # returned or withdrawn: the decision is to be made again
            locked.decided_by = None
            locked.decided_at = None
        track(locked, actor, f"bid decision: {to}")
        locked.save()
        _tell_owner_decision(locked, actor=actor)

    return callback


inquiry_on_approved = _approval_move(InquiryStatus.BIDDING)
inquiry_on_rejected = _approval_move(InquiryStatus.NO_BID)
inquiry_on_returned = _approval_move(InquiryStatus.NEW)
inquiry_on_cancelled = _approval_move(InquiryStatus.NEW)


# --- tasks for the technical and production departments -----------------------------------


def _open_or_done(inquiry: Inquiry, kind: str) -> bool:
    return DepartmentTask.objects.filter(
        subject_type=SUBJECT_TYPE,
        subject_id=inquiry.pk,
        kind=kind,
        status__in=(TaskStatus.OPEN, TaskStatus.DONE),
    ).exists()


@transaction.atomic
def inquiry_request_figures(
    *, actor: User, inquiry: Inquiry | int, due_on: date | None = None, note: str = ""
) -> list[DepartmentTask]:
    """Ask the technical department for the technical parameters and the production
    department for material cost and lead time of an inquiry being bid. A kind already
    asked for (open or done) is not asked again; returns the tasks created."""
    locked = _lock(inquiry, actor)
    if locked.status != InquiryStatus.BIDDING:
        raise InquiryStateInvalid(
            _("Technical parameters and cost are requested once the company decided to bid.")
        )
    if due_on is not None and due_on > timezone.localtime(locked.deadline).date():
        raise InquiryInvalid(fields={"due_on": _("The tasks must be due before the deadline.")})
    wanted = [
        (TASK_TECHNICAL, DepartmentKind.TECHNICAL, _("Technical parameters")),
        (TASK_COST, DepartmentKind.PRODUCTION, _("Material cost and lead time")),
    ]
    created: list[DepartmentTask] = []
    missing: list[str] = []
    for kind, dept_kind, label in wanted:
        if _open_or_done(locked, kind):
            continue
        department = department_for(kind=dept_kind)
        if department is None:
            missing.append(str(DepartmentKind(dept_kind).label))
            continue
        description = locked.description
        if note:
            description = f"{note.strip()}\n\n{description}".strip()
        created.append(
            department_task_create(
                actor=actor,
                department=department,
                kind=kind,
                title=f"{label}: {locked.number} {locked.title}"[:200],
                description=description,
                subject_type=SUBJECT_TYPE,
                subject_id=locked.pk,
                subject_label=f"{locked.number} {locked.customer.name}"[:200],
                subject_url=inquiry_url(locked),
                due_on=due_on or timezone.localtime(locked.deadline).date(),
            )
        )
    if missing and not created:
        raise InquiryInvalid(
            _("There is no active %(departments)s department to send the task to.")
            % {"departments": "、".join(missing)}
        )
    if not created and not missing:
        raise InquiryStateInvalid(_("Both departments have already been asked."))
    track(locked, actor, "figures requested")
    return created


def on_task_completed(*, task: DepartmentTask, actor: User) -> None:
    """A department filled in its figures: tell the inquiry's owner (when not the requester,
    who is told by the task itself)."""
    inquiry = (
        Inquiry.objects.select_related("owner").filter(pk=task.subject_id or 0).first()
        if task.subject_type == SUBJECT_TYPE
        else None
    )
    if inquiry is None or inquiry.owner_id == task.requested_by_id:
        return
    notify(
        recipient=inquiry.owner,
        kind=NOTIFICATION_KIND,
        title=_("%(number)s: %(task)s done") % {"number": inquiry.number, "task": task.title},
        url=inquiry_url(inquiry),
        dedupe_key=f"inquiry:{inquiry.pk}:task:{task.pk}:done",
    )


# --- close ---------------------------------------------------------------------------------


@transaction.atomic
def inquiry_close(
    *,
    actor: User,
    inquiry: Inquiry | int,
    won: bool | None = None,
    note: str = "",
    outcome: str | None = None,
) -> Inquiry:
    """Won or lost, set by the outcome of the inquiry's quote (called by the quotes part).
    ``outcome`` (InquiryStatus.WON / LOST) may be passed instead of ``won``. Only an inquiry
    being bid is closed; the call runs with the actor's scope like any other write."""
    if won is None:
        if outcome not in (InquiryStatus.WON, InquiryStatus.LOST):
            raise ValueError("inquiry_close needs won=True/False or outcome won/lost")
        won = outcome == InquiryStatus.WON
    locked = Inquiry.objects.select_for_update().filter(pk=_pk(inquiry)).first()
    if locked is None:
        raise NotFound()
    to = InquiryStatus.WON if won else InquiryStatus.LOST
    _move(locked, to)
    locked.status = to
    locked.outcome_note = " ".join((note or "").split())[:300]
    track(locked, actor, "won" if won else "lost")
    locked.save()
    return locked


def _pk(inquiry: Inquiry | int) -> int:
    return inquiry if isinstance(inquiry, int) else inquiry.pk


@transaction.atomic
def inquiry_cancel(*, actor: User, inquiry: Inquiry | int, note: str) -> Inquiry:
    """The customer withdrew the inquiry or the tender was called off: an inquiry awaiting
    the decision or being bid is cancelled, with a note; its open department tasks too."""
    locked = _lock(inquiry, actor)
    if locked.status not in (InquiryStatus.NEW, InquiryStatus.BIDDING):
        raise InquiryStateInvalid()
    note = " ".join((note or "").split())
    if not note:
        raise InquiryInvalid(fields={"note": _("Say why the inquiry is cancelled.")})
    _move(locked, InquiryStatus.CANCELLED)
    locked.status = InquiryStatus.CANCELLED
    locked.outcome_note = note[:300]
    track(locked, actor, "cancelled")
    locked.save()
    now = timezone.now()
    open_tasks = DepartmentTask.objects.select_for_update().filter(
        subject_type=SUBJECT_TYPE, subject_id=locked.pk, status=TaskStatus.OPEN
    )
    for task in open_tasks:
        task.status = TaskStatus.CANCELLED
        task.response = _("The inquiry was cancelled: %(note)s") % {"note": note}
        task.completed_by = actor
        task.completed_at = now
        track(task, actor, "inquiry cancelled")
        task.save()
    return locked


# --- deadline reminders (periodic job) -----------------------------------------------------


def inquiries_remind_deadlines(*, now: datetime | None = None) -> int:
    """Tell the owner of each inquiry being bid without an approved quote that the deadline
    is 3 days, then 1 day away (one reminder each, whatever how often the job runs)."""
    from datetime import timedelta

    from xiaoguan.sales.enums import QuoteStatus
    from xiaoguan.sales.models import Quote

    now = now or timezone.now()
    quoted = Quote.objects.filter(
        inquiry_id__isnull=False, status__in=(QuoteStatus.APPROVED, QuoteStatus.ACCEPTED)
    ).values("inquiry_id")
    due = (
        Inquiry.objects.select_related("owner")
        .filter(
            status=InquiryStatus.BIDDING,
            deadline__gt=now,
            deadline__lte=now + timedelta(days=3),
        )
        .exclude(pk__in=quoted)
    )
    sent = 0
    for inquiry in due:
        left = inquiry.deadline - now
        days = 1 if left <= timedelta(days=1) else 3
        title = (
            _("%(number)s: the deadline is tomorrow (%(deadline)s) and no quote is approved")
            if days == 1
            else _("%(number)s: the deadline is in 3 days (%(deadline)s) and no quote is approved")
        )
        note = notify(
            recipient=inquiry.owner,
            kind=NOTIFICATION_KIND,
            title=title
            % {
                "number": inquiry.number,
                "deadline": timezone.localtime(inquiry.deadline).strftime("%Y-%m-%d %H:%M"),
            },
            url=inquiry_url(inquiry),
            body=inquiry.title,
            dedupe_key=f"inquiry:{inquiry.pk}:deadline:{days}",
        )
        if note is not None:
            sent += 1
    return sent
