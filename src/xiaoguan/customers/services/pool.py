"""Writes of the public pool (公海, R-CUS-5): pools and their members, claims within the
limits, releases, a manager's bulk assignment, locks against return, and the periodic job
that warns owners and then returns customers not followed up (or with no deal) in time.

Every change of owner writes an ``OwnerChange`` row and a history row of the customer.

Lock order: the claiming rep's user row, then customers by ascending id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from xiaoguan.core import policy
from xiaoguan.core.errors import ApplicationError, NotFound, ValidationFailed
from xiaoguan.core.history import track
from xiaoguan.core.notifications import notify
from xiaoguan.customers.enums import OwnerChangeKind
from xiaoguan.customers.models import Customer, OwnerChange, Pool
from xiaoguan.customers.selectors import pool as pool_selectors
from xiaoguan.org.models import Department, User
from xiaoguan.org.scope import visible

log = logging.getLogger(__name__)

BATCH = 500
MAX_ASSIGN = 500
REASON_MAX = 200
# Fields a change of owner touches (history rows are written for them).
OWNER_FIELDS = [
    "owner",
    "department",
    "pool",
    "pool_entered_at",
    "assigned_at",
    "return_warned_at",
    "locked_by",
    "locked_reason",
]


class PoolRefused(ApplicationError):
    """A pool action the rules do not allow; ``code`` says which rule."""

    code = "pool_refused"
    status = 409

    def default_message(self) -> Any:
        return gettext_lazy("This is not possible for this customer now.")


# --- helpers --------------------------------------------------------------------------


def _reason(raw: str, *, required: bool) -> str:
    reason = " ".join((raw or "").split())
    if required and not reason:
        msg = _("Give a reason.")
        raise ValidationFailed(msg, fields={"reason": msg})
    if len(reason) > REASON_MAX:
        msg = _("At most %(n)s characters.") % {"n": REASON_MAX}
        raise ValidationFailed(msg, fields={"reason": msg})
    return reason


def _log(changes: Sequence[OwnerChange], *, now: datetime) -> None:
    """Write owner-change rows dated ``now`` (``at`` is set on insert; the job passes its own
    clock, so it is rewritten)."""
    if not changes:
        return
    created = OwnerChange.objects.bulk_create(changes)
    OwnerChange.objects.filter(pk__in=[c.pk for c in created]).update(at=now)


def _save_owner_change(customer: Customer) -> None:
    customer.save(update_fields=[*OWNER_FIELDS, "updated_at"])


def _lock_customer(customer_id: int) -> Customer:
    customer = Customer.objects.select_for_update().filter(pk=customer_id, is_active=True).first()
    if customer is None:
        raise NotFound()
    return customer


def _put_in_pool(customer: Customer, pool: Pool, *, now: datetime) -> None:
    customer.owner = None
    customer.pool = pool
    customer.department_id = pool.department_id
    customer.pool_entered_at = now
    customer.assigned_at = None
    customer.return_warned_at = None
    customer.locked_by = None
    customer.locked_reason = ""


def _give_to(customer: Customer, owner: User, *, now: datetime) -> None:
    """``owner`` has a department (the callers check it)."""
    assert owner.department_id is not None
    customer.owner = owner
    customer.department_id = owner.department_id
    customer.pool = None
    customer.pool_entered_at = None
    customer.assigned_at = now
    customer.return_warned_at = None


def _customer_url(customer_id: int) -> str:
    return reverse("customers:detail", args=[customer_id])


# --- pools ----------------------------------------------------------------------------


@transaction.atomic
def pool_create(
    *,
    department: Department,
    actor: User,
    name: str = "",
    members: Iterable[User] | None = None,
) -> Pool:
    """A pool for a region. Without a member list, everyone active in the region's subtree
    becomes a member (the usual case: the region's reps and managers)."""
    # Re-read: a tree insertion may have moved the department's path since it was loaded.
    department = Department.objects.get(pk=department.pk)
    if Pool.objects.filter(department=department).exists():
        msg = _("This department has a pool already.")
        raise ValidationFailed(msg, fields={"department": msg})
    with translation.override(settings.LANGUAGE_CODE):  # stored in the company's language
        default_name = _("%(region)s public pool") % {"region": department.name}
    name = " ".join((name or "").split()) or default_name
    if len(name) > 60:
        msg = _("At most %(n)s characters.") % {"n": 60}
        raise ValidationFailed(msg, fields={"name": msg})
    pool = Pool.objects.create(name=name, department=department)
    if members is None:
        members = pool_selectors.department_subtree_staff(department=department)
    pool.members.set(list(members))
    return pool


@transaction.atomic
def pool_update(
    *, pool: Pool, actor: User, name: str, members: Iterable[User], is_active: bool = True
) -> Pool:
    """Rename a pool, set its members, open or close it. A closed pool keeps its customers;
    the next run of the job moves them to the pool above, if any."""
    pool = Pool.objects.select_for_update().get(pk=pool.pk)
    name = " ".join((name or "").split())
    if not name:
        msg = _("A pool needs a name.")
        raise ValidationFailed(msg, fields={"name": msg})
    if len(name) > 60:
        msg = _("At most %(n)s characters.") % {"n": 60}
        raise ValidationFailed(msg, fields={"name": msg})
    pool.name = name
    pool.is_active = is_active
    pool.save(update_fields=["name", "is_active"])
    pool.members.set(list(members))
    return pool


# --- claim, release, assign, lock -----------------------------------------------------


def _day_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


@transaction.atomic
def customer_claim(*, customer_id: int, actor: User, now: datetime | None = None) -> Customer:
    """A rep takes a customer from a pool they are a member of, within the daily claim limit
    and the cap on customers held, and not one they lost to the pool in the last K days."""
    now = now or timezone.now()
    # One rep's claims one after the other, so two at once cannot both pass the limits.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    customer = _lock_customer(customer_id)
    if customer.owner_id is not None or customer.pool_id is None:
        raise PoolRefused(
            _("Someone else claimed this customer first; it is no longer in the pool."),
            code="pool_taken",
        )
    if actor.department_id is None:
        raise PoolRefused(
            _("Only an employee with a department can own customers."), code="pool_no_department"
        )
    if not Pool.objects.filter(pk=customer.pool_id, is_active=True, members=actor).exists():
        raise PoolRefused(
            _("You are not a member of this customer's pool."),
            code="pool_not_member",
        )
    limit = int(policy.value("customers.pool_daily_claims"))
    start = _day_start(now)
    claimed = OwnerChange.objects.filter(
        kind=OwnerChangeKind.CLAIMED,
        to_owner=actor,
        at__gte=start,
        at__lt=start + timedelta(days=1),
    ).count()
    if claimed >= limit:
        raise PoolRefused(
            _("You have claimed %(n)s customers today, the daily limit. Try again tomorrow.")
            % {"n": claimed},
            code="pool_daily_limit",
        )
    cap = int(policy.value("customers.pool_held_cap"))
    held = Customer.objects.filter(owner=actor, is_active=True).count()
    if held >= cap:
        raise PoolRefused(
            _(
                "You hold %(held)s customers, the most a rep may hold (%(cap)s). "
                "Release some before claiming more."
            )
            % {"held": held, "cap": cap},
            code="pool_held_cap",
        )
    ban_days = int(policy.value("customers.pool_reclaim_ban_days"))
    if ban_days > 0:
        lost = (
            OwnerChange.objects.filter(
                customer=customer,
                from_owner=actor,
                kind__in=pool_selectors.LOST_KINDS,
                at__gt=now - timedelta(days=ban_days),
            )
            .order_by("-at")
            .first()
        )
        if lost is not None:
            until = timezone.localtime(lost.at + timedelta(days=ban_days))
            raise PoolRefused(
                _(
                    "You lost this customer to the pool on %(lost)s; you may claim it again "
                    "from %(until)s."
                )
                % {
                    "lost": date_format(timezone.localtime(lost.at), "SHORT_DATE_FORMAT"),
                    "until": date_format(until, "SHORT_DATE_FORMAT"),
                },
                code="pool_reclaim_ban",
            )
    _give_to(customer, actor, now=now)
    track(customer, actor=actor, reason=_("claimed from the pool"), now=now)
    _save_owner_change(customer)
    _log(
        [OwnerChange(customer=customer, kind=OwnerChangeKind.CLAIMED, to_owner=actor, by=actor)],
        now=now,
    )
    return customer


@transaction.atomic
def customer_release(
    *, customer_id: int, actor: User, reason: str, now: datetime | None = None
) -> Customer:
    """The owner (or a manager over the customer) gives a customer back to the pool of its
    region, with a reason."""
    now = now or timezone.now()
    reason = _reason(reason, required=True)
    customer = _lock_customer(customer_id)
    if customer.owner_id is None:
        raise PoolRefused(_("This customer is in the pool already."), code="pool_already_in")
    if customer.owner_id != actor.pk and not (
        actor.has_right("customers.pool_assign")
        and visible(Customer.objects.filter(pk=customer.pk), actor).exists()
    ):
        raise PoolRefused(
            _("Only the owner or their manager can release this customer."),
            code="pool_not_owner",
        )
    pool = pool_selectors.pool_covering(department_id=customer.department_id)
    if pool is None:
        raise PoolRefused(
            _(
                "No public pool covers this customer's region; ask the sales director to set one up."
            ),
            code="pool_none",
        )
    previous = customer.owner_id
    _put_in_pool(customer, pool, now=now)
    track(customer, actor=actor, reason=reason, now=now)
    _save_owner_change(customer)
    _log(
        [
            OwnerChange(
                customer=customer,
                kind=OwnerChangeKind.RELEASED,
                from_owner_id=previous,
                by=actor,
                reason=reason,
            )
        ],
        now=now,
    )
    return customer


@transaction.atomic
def customers_assign(
    *,
    customer_ids: Sequence[int],
    to_owner: User,
    actor: User,
    reason: str = "",
    now: datetime | None = None,
) -> list[Customer]:
    """A manager gives customers (from the pool or from other reps in their scope) to a rep
    in their scope. The claim limits do not apply to a manager's decision. All or nothing."""
    now = now or timezone.now()
    reason = _reason(reason, required=False)
    ids = sorted({int(i) for i in customer_ids})
    if not ids:
        msg = _("Select at least one customer.")
        raise ValidationFailed(msg, fields={"customers": msg})
    if len(ids) > MAX_ASSIGN:
        msg = _("At most %(n)s customers at a time.") % {"n": MAX_ASSIGN}
        raise ValidationFailed(msg, fields={"customers": msg})
    if (
        not to_owner.is_active
        or to_owner.department_id is None
        or not pool_selectors.assignable_reps(user=actor).filter(pk=to_owner.pk).exists()
    ):
        msg = _("Choose an active sales employee in your scope.")
        raise ValidationFailed(msg, fields={"owner": msg})
    locked = list(
        Customer.objects.select_for_update().filter(pk__in=ids, is_active=True).order_by("pk")
    )
    seen = set(
        visible(Customer.objects.filter(pk__in=ids, is_active=True), actor).values_list(
            "pk", flat=True
        )
    )
    if len(locked) != len(ids) or seen != set(ids):
        raise NotFound(_("Some of the selected customers were not found."))
    changed = [c for c in locked if c.owner_id != to_owner.pk]
    changes = []
    for customer in changed:
        previous = customer.owner_id
        _give_to(customer, to_owner, now=now)
        track(customer, actor=actor, reason=reason or _("assigned by a manager"), now=now)
        changes.append(
            OwnerChange(
                customer=customer,
                kind=OwnerChangeKind.ASSIGNED,
                from_owner_id=previous,
                to_owner=to_owner,
                by=actor,
                reason=reason,
            )
        )
    if changed:
        bulk_update_with_history(
            changed,
            Customer,
            [*OWNER_FIELDS, "updated_at"],
            default_user=actor,
            default_date=now,
            batch_size=BATCH,
        )
        _log(changes, now=now)
        if to_owner.pk != actor.pk:
            notify(
                recipient=to_owner,
                kind="customers.pool_assigned",
                title=_("%(manager)s assigned %(n)s customers to you")
                % {"manager": actor, "n": len(changed)},
                url=_customer_url(changed[0].pk) if len(changed) == 1 else "",
                body="、".join(c.name for c in changed[:20]),
            )
    return changed


@transaction.atomic
def customer_lock(*, customer_id: int, actor: User, reason: str) -> Customer:
    """A manager keeps a customer with its owner: the job will not return it to the pool."""
    reason = _reason(reason, required=True)
    customer = _lock_customer(customer_id)
    if customer.owner_id is None:
        raise PoolRefused(
            _("A customer in the pool cannot be locked; assign it first."), code="pool_lock_pool"
        )
    customer.locked_by = actor
    customer.locked_reason = reason
    track(customer, actor=actor, reason=reason, now=timezone.now())
    customer.save(update_fields=["locked_by", "locked_reason", "updated_at"])
    return customer


@transaction.atomic
def customer_unlock(*, customer_id: int, actor: User, reason: str) -> Customer:
    """The lock is lifted; the usual return rules apply again."""
    reason = _reason(reason, required=True)
    customer = _lock_customer(customer_id)
    if customer.locked_by_id is None:
        return customer
    customer.locked_by = None
    customer.locked_reason = ""
    track(customer, actor=actor, reason=reason, now=timezone.now())
    customer.save(update_fields=["locked_by", "locked_reason", "updated_at"])
    return customer


def owner_change_record(
    *,
    customer: Customer,
    kind: str,
    to_owner: User | None,
    from_owner: User | None = None,
    by: User | None = None,
    reason: str = "",
) -> OwnerChange:
    """Log a change of owner made by another service (creation, conversion, import, merge)."""
    return OwnerChange.objects.create(
        customer=customer,
        kind=kind,
        from_owner=from_owner,
        to_owner=to_owner,
        by=by,
        reason=reason[:REASON_MAX],
    )


# --- the periodic job -----------------------------------------------------------------


def _warn_reason(customer: Customer) -> str:
    forecast = pool_selectors.return_forecast(customer)
    when = (
        date_format(timezone.localtime(forecast.due_at), "SHORT_DATE_FORMAT")
        if forecast.due_at
        else "—"
    )
    if forecast.reason == "deal":
        return _(
            "%(name)s has had no deal for nearly %(days)s days and returns to the public pool "
            "on %(when)s unless you close a deal or a manager locks it."
        ) % {"name": customer.name, "days": forecast.days, "when": when}
    return _(
        "%(name)s has not been followed up for nearly %(days)s days and returns to the public "
        "pool on %(when)s unless you follow it up."
    ) % {"name": customer.name, "days": forecast.days, "when": when}


def pool_warn_due(*, now: datetime | None = None) -> int:
    """Warn each owner once per round, M days before their customer returns (R-CUS-5)."""
    now = now or timezone.now()
    ids = list(pool_selectors.customers_to_warn(now=now).values_list("pk", flat=True))
    warned = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with transaction.atomic():
            batch = list(
                pool_selectors.customers_to_warn(now=now)
                .filter(pk__in=chunk)
                .select_related("owner")
                .select_for_update(of=("self",))
            )
            for customer in batch:
                ref = max(
                    d
                    for d in (
                        customer.created_at,
                        customer.assigned_at,
                        customer.last_contact_at,
                        customer.last_deal_at,
                    )
                    if d is not None
                )
                notify(
                    recipient=customer.owner,
                    kind="customers.pool_warning",
                    title=_("%(name)s will return to the public pool soon")
                    % {"name": customer.name},
                    body=_warn_reason(customer),
                    url=_customer_url(customer.pk),
                    dedupe_key=f"customers.pool_warning:{customer.pk}:{customer.owner_id}:"
                    f"{ref.isoformat()}",
                )
            Customer.objects.filter(pk__in=[c.pk for c in batch]).update(return_warned_at=now)
            warned += len(batch)
    return warned


def _return_reason(customer: Customer, *, now: datetime) -> str:
    forecast = pool_selectors.return_forecast(customer)
    if forecast.reason == "deal":
        return _("No deal for %(days)s days") % {"days": forecast.days}
    label = customer.customer_class or _("unclassified")
    return _("No follow-up for %(days)s days (class %(cls)s)") % {
        "days": forecast.days,
        "cls": label,
    }


def pool_return_due(*, now: datetime | None = None) -> int:
    """Return to the region's pool every customer due (no follow-up or no deal in time),
    whose owner has been warned and which no manager locked (R-CUS-5)."""
    now = now or timezone.now()
    pools = pool_selectors.pool_map()
    ids = list(pool_selectors.customers_to_return(now=now).values_list("pk", flat=True))
    returned = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with transaction.atomic():
            batch = list(
                pool_selectors.customers_to_return(now=now)
                .filter(pk__in=chunk)
                .select_related("owner")
                .select_for_update(of=("self",))
                .order_by("pk")
            )
            changes, notes = [], []
            for customer in batch:
                pool = pools[customer.department_id]
                previous = customer.owner
                reason = _return_reason(customer, now=now)
                _put_in_pool(customer, pool, now=now)
                track(customer, actor=None, reason=reason, now=now)
                changes.append(
                    OwnerChange(
                        customer=customer,
                        kind=OwnerChangeKind.RETURNED,
                        from_owner=previous,
                        reason=reason,
                    )
                )
                notes.append((previous, customer, reason))
            if batch:
                bulk_update_with_history(
                    batch, Customer, [*OWNER_FIELDS, "updated_at"], default_date=now
                )
                _log(changes, now=now)
            for previous, customer, reason in notes:
                notify(
                    recipient=previous,
                    kind="customers.pool_returned",
                    title=_("%(name)s returned to the public pool") % {"name": customer.name},
                    body=reason,
                    dedupe_key=f"customers.pool_returned:{customer.pk}:{now.date().isoformat()}",
                )
            returned += len(batch)
    return returned


def pool_sweep_ownerless(*, now: datetime | None = None) -> int:
    """Customers with no owner and no open pool (e.g. their pool was closed) go to the pool
    that covers their department."""
    now = now or timezone.now()
    pools = pool_selectors.pool_map()
    with transaction.atomic():
        batch = list(
            pool_selectors.ownerless_outside_pool(covered=list(pools))
            .select_for_update(of=("self",))
            .order_by("pk")[: BATCH * 10]
        )
        changes = []
        for customer in batch:
            pool = pools[customer.department_id]
            if customer.pool_id == pool.pk:
                continue
            _put_in_pool(customer, pool, now=now)
            track(customer, actor=None, reason=_("no owner"), now=now)
            changes.append(
                OwnerChange(customer=customer, kind=OwnerChangeKind.RETURNED, reason=_("no owner"))
            )
        moved = [c.customer for c in changes]
        if moved:
            bulk_update_with_history(
                moved, Customer, [*OWNER_FIELDS, "updated_at"], default_date=now
            )
            _log(changes, now=now)
    return len(moved)


def pool_run(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic job: warn first, then return what is due, then sweep ownerless
    customers into their pools. Idempotent: running it twice changes nothing more."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        warned = pool_warn_due(now=now)
        returned = pool_return_due(now=now)
        swept = pool_sweep_ownerless(now=now)
    if warned or returned or swept:
        log.info("pool job: %s warned, %s returned, %s swept", warned, returned, swept)
    return {"warned": warned, "returned": returned, "swept": swept}


# --- handover -------------------------------------------------------------------------


def pool_handover(
    *, from_employee: User, to_employee: User, actor: User, **kwargs: Any
) -> dict[str, int]:
    """Called by the org handover after owned records moved: each customer handed over gets
    its owner-change row, and the successor joins the leaver's pools."""
    reason = f"handover {from_employee.username} -> {to_employee.username}"
    history = Customer.history.model  # type: ignore[attr-defined]
    moved_ids = set(
        history.objects.filter(
            history_change_reason=reason, owner_id=to_employee.pk, history_type="~"
        ).values_list("id", flat=True)
    )
    already = set(
        OwnerChange.objects.filter(
            customer_id__in=moved_ids,
            kind=OwnerChangeKind.HANDOVER,
            from_owner=from_employee,
            to_owner=to_employee,
        ).values_list("customer_id", flat=True)
    )
    current = set(
        Customer.objects.filter(pk__in=moved_ids - already, owner=to_employee).values_list(
            "pk", flat=True
        )
    )
    OwnerChange.objects.bulk_create(
        [
            OwnerChange(
                customer_id=pk,
                kind=OwnerChangeKind.HANDOVER,
                from_owner=from_employee,
                to_owner=to_employee,
                by=actor,
                reason=_("handover"),
            )
            for pk in sorted(current)
        ]
    )
    joined = 0
    for pool in Pool.objects.filter(members=from_employee).exclude(members=to_employee):
        pool.members.add(to_employee)
        joined += 1
    return {"customers.OwnerChange": len(current), "customers.Pool.members": joined}
