"""Writes of the price list (R-PRC-1, R-PRC-2).

Nobody edits ``BasePrice`` directly: prices change only through

* a **price change** (调价单): a draft with lines, submitted to the approval engine (document
  type ``price_change``, default chain: management). On approval its lines become
  ``BasePrice`` rows valid from ``effective_from`` (today when that day has passed meanwhile).
  The approval callback refuses — and so rolls back the decision — unless the deciding
  approver holds ``pricing.policy`` (management): a manager's change never takes effect
  without management's approval, whatever the chain says.
* ``base_prices_load``: management loads a price list (the first one of a new installation,
  the demo, the xlsx import); it needs ``pricing.policy`` and writes an audit event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoguan.approvals.selectors import pending_request_for
from xiaoguan.approvals.services import approval_request_cancel, approval_request_create
from xiaoguan.catalog.models import Product, ProductUnit
from xiaoguan.core.audit import audit_event_record
from xiaoguan.core.documents import ensure_transition
from xiaoguan.core.errors import Conflict, NotFound, PermissionDenied, StaleEdit
from xiaoguan.core.history import track
from xiaoguan.core.models import AuditKind
from xiaoguan.core.numbering import next_number
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible
from xiaoguan.pricing.enums import ApprovalDocStatus
from xiaoguan.pricing.errors import PriceChangeInvalid
from xiaoguan.pricing.models import BasePrice, PriceChange, PriceChangeLine
from xiaoguan.pricing.selectors.prices import can_see_confidential

MAX_LINES = 500
MAX_MONEY = Decimal("99999999999999.99")
MANAGE_RIGHT = "pricing.manage"
POLICY_RIGHT = "pricing.policy"


@dataclass(frozen=True)
class PriceChangeData:
    reason: str
    effective_from: date | None


@dataclass(frozen=True)
class PriceChangeLineData:
    product_id: Any
    unit_id: Any
    new_price: Any
    new_cost: Any = None


@dataclass(frozen=True)
class BasePriceRow:
    product_id: int
    unit_id: int
    price: Any
    cost_price: Any = None


def _today() -> date:
    return timezone.localdate()


def _money(value: Any, *, allow_zero: bool = False) -> Decimal | None:
    """A positive amount in cents, or None when it is not one."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).replace(",", "").replace("¥", "").strip())
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount > MAX_MONEY or amount != amount.quantize(Decimal("0.01")):
        return None
    if amount < 0 or (amount == 0 and not allow_zero):
        return None
    return amount.quantize(Decimal("0.01"))


def _sellable_units(product_ids: set[int]) -> tuple[dict[int, Product], set[tuple[int, int]]]:
    products = {p.pk: p for p in Product.objects.filter(pk__in=product_ids)}
    units = {(p.pk, p.unit_id) for p in products.values()}
    units |= set(
        ProductUnit.objects.filter(product_id__in=product_ids).values_list("product_id", "unit_id")
    )
    return products, units


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _clean_lines(
    lines: Sequence[PriceChangeLineData], *, actor: User
) -> list[tuple[int, int, Decimal, Decimal | None]]:
    if not lines:
        raise PriceChangeInvalid(
            _("Add at least one line."), fields={"lines": _("Add at least one line.")}
        )
    if len(lines) > MAX_LINES:
        raise PriceChangeInvalid(
            fields={"lines": _("At most %(n)s lines.") % {"n": MAX_LINES}},
        )
    ids = {i for i in (_int(line.product_id) for line in lines) if i is not None}
    products, units = _sellable_units(ids)
    confidential = can_see_confidential(actor)
    errors: dict[str, Any] = {}
    seen: set[tuple[int, int]] = set()
    cleaned: list[tuple[int, int, Decimal, Decimal | None]] = []
    for index, line in enumerate(lines, start=1):
        pid, uid = _int(line.product_id), _int(line.unit_id)
        prefix = f"lines.{index}"
        if pid is None or pid not in products:
            errors[f"{prefix}.product"] = _("Choose a product.")
            continue
        if line.unit_id in (None, ""):
            uid = products[pid].unit_id  # no unit chosen: the product's base unit
        if uid is None or (pid, uid) not in units:
            errors[f"{prefix}.unit"] = _("The product is not sold in this unit.")
            continue
        if (pid, uid) in seen:
            errors[f"{prefix}.product"] = _("This product and unit are already on the change.")
            continue
        seen.add((pid, uid))
        price = _money(line.new_price)
        if price is None:
            errors[f"{prefix}.new_price"] = _("The new price is an amount above zero.")
            continue
        cost = None
        if line.new_cost not in (None, ""):
            if not confidential:
                raise PermissionDenied(_("Only holders of the confidential right set costs."))
            cost = _money(line.new_cost, allow_zero=True)
            if cost is None:
                errors[f"{prefix}.new_cost"] = _("The cost is an amount of zero or more.")
                continue
        cleaned.append((pid, uid, price, cost))
    if errors:
        raise PriceChangeInvalid(_("Some lines are not valid."), fields=errors)
    return cleaned


def _clean_data(data: PriceChangeData) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    reason = (data.reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why the prices change.")
    elif len(reason) > 2000:
        errors["reason"] = _("At most %(n)s characters.") % {"n": 2000}
    if data.effective_from is None:
        errors["effective_from"] = _("Choose the day the new prices take effect.")
    elif data.effective_from < _today():
        errors["effective_from"] = _("The new prices cannot take effect in the past.")
    if errors:
        raise PriceChangeInvalid(fields=errors)
    return {"reason": reason, "effective_from": data.effective_from}


def _prices_in_force(
    keys: set[tuple[int, int]], on_date: date
) -> dict[tuple[int, int], tuple[Decimal, Decimal | None]]:
    """(price, cost) of each product and unit in force on the day (own unit rows only)."""
    if not keys:
        return {}
    latest = (
        BasePrice.objects.filter(
            product_id=OuterRef("product_id"), unit_id=OuterRef("unit_id"), valid_from__lte=on_date
        )
        .order_by("-valid_from")
        .values("valid_from")[:1]
    )
    return {
        (pid, uid): (price, cost)
        for pid, uid, price, cost in BasePrice.objects.filter(
            product_id__in={k[0] for k in keys}, valid_from=Subquery(latest)
        ).values_list("product_id", "unit_id", "price", "cost_price")
        if (pid, uid) in keys
    }


def _write_lines(change: PriceChange, cleaned: list[tuple[int, int, Decimal, Decimal | None]]):
    current = _prices_in_force({(p, u) for p, u, _pr, _c in cleaned}, change.effective_from)
    change.lines.all().delete()
    PriceChangeLine.objects.bulk_create(
        [
            PriceChangeLine(
                change=change,
                product_id=pid,
                unit_id=uid,
                old_price=current.get((pid, uid), (None, None))[0],
                new_price=price,
                new_cost=cost,
            )
            for pid, uid, price, cost in cleaned
        ]
    )


def _ensure_manager(actor: User) -> None:
    if not actor.has_right(MANAGE_RIGHT):
        raise PermissionDenied()


def _lock(change: PriceChange, actor: User) -> PriceChange:
    """The change, locked, if the actor may work on it (they see it and hold the right)."""
    _ensure_manager(actor)
    locked = visible(PriceChange.objects.select_for_update(), actor).filter(pk=change.pk).first()
    if locked is None:
        raise NotFound()
    return locked


@transaction.atomic
def price_change_create(
    *, actor: User, data: PriceChangeData, lines: Sequence[PriceChangeLineData]
) -> PriceChange:
    """A draft price change of the actor (holder of ``pricing.manage``)."""
    _ensure_manager(actor)
    if actor.department_id is None:
        raise PriceChangeInvalid(_("Only an employee with a department can propose changes."))
    values = _clean_data(data)
    cleaned = _clean_lines(lines, actor=actor)
    change = PriceChange(owner=actor, department_id=actor.department_id, **values)
    change.number = next_number(prefix="TJ", year=values["effective_from"].year)
    track(change, actor=actor)
    change.save()
    _write_lines(change, cleaned)
    return change


@transaction.atomic
def price_change_update(
    *,
    actor: User,
    change: PriceChange,
    expected_version: int,
    data: PriceChangeData,
    lines: Sequence[PriceChangeLineData],
) -> PriceChange:
    """Change a draft or returned price change; refused when someone saved it meanwhile."""
    change = _lock(change, actor)
    if not change.is_editable:
        raise Conflict(_("A submitted or decided price change cannot be edited."))
    if change.version != expected_version:
        raise StaleEdit()
    values = _clean_data(data)
    cleaned = _clean_lines(lines, actor=actor)
    for key, value in values.items():
        setattr(change, key, value)
    change.version += 1
    track(change, actor=actor)
    change.save()
    _write_lines(change, cleaned)
    return change


@transaction.atomic
def price_change_submit(*, actor: User, change: PriceChange) -> PriceChange:
    """Send the change to management through the approval engine."""
    change = _lock(change, actor)
    ensure_transition(change, to=ApprovalDocStatus.IN_APPROVAL)
    if change.effective_from < _today():
        raise PriceChangeInvalid(
            fields={"effective_from": _("The new prices cannot take effect in the past.")}
        )
    if not change.lines.exists():
        raise PriceChangeInvalid(fields={"lines": _("Add at least one line.")})
    _write_lines(
        change,
        [
            (line.product_id, line.unit_id, line.new_price, line.new_cost)
            for line in change.lines.all()
        ],
    )
    approval_request_create(subject=change, doc_type="price_change", requested_by=actor)
    change.status = ApprovalDocStatus.IN_APPROVAL
    change.submitted_at = timezone.now()
    track(change, actor=actor)
    change.save(update_fields=["status", "submitted_at", "updated_at"])
    return change


def price_change_withdraw(*, actor: User, change: PriceChange) -> PriceChange:
    """The proposer takes back a change waiting for approval; it is a draft again."""
    _lock_check = visible(PriceChange.objects.all(), actor).filter(pk=change.pk).first()
    if _lock_check is None or not actor.has_right(MANAGE_RIGHT):
        raise NotFound()
    request = pending_request_for(change)
    if request is None:
        raise Conflict(_("This price change is not waiting for approval."))
    approval_request_cancel(request_id=request.pk, actor=actor)
    return PriceChange.objects.get(pk=change.pk)


@transaction.atomic
def price_change_cancel(*, actor: User, change: PriceChange, reason: str = "") -> PriceChange:
    """Drop a draft or returned change for good."""
    change = _lock(change, actor)
    ensure_transition(change, to=ApprovalDocStatus.CANCELLED)
    if change.status == ApprovalDocStatus.APPROVED:
        raise Conflict(_("An approved price change has taken effect; make another change."))
    change.status = ApprovalDocStatus.CANCELLED
    track(change, actor=actor, reason=(reason or "").strip()[:100])
    change.save(update_fields=["status", "updated_at"])
    return change


# --- approval engine callbacks (inside the decision's transaction) ---------------------------


def _apply_change(change: PriceChange, *, actor: User) -> int:
    valid_from = max(change.effective_from, _today())
    lines = list(change.lines.all())
    current = _prices_in_force({(ln.product_id, ln.unit_id) for ln in lines}, valid_from)
    for line in lines:
        cost = line.new_cost
        if cost is None:
            cost = current.get((line.product_id, line.unit_id), (None, None))[1]
        # A second change approved for the same day replaces the first one's price.
        BasePrice.objects.update_or_create(
            product_id=line.product_id,
            unit_id=line.unit_id,
            valid_from=valid_from,
            defaults={"price": line.new_price, "cost_price": cost, "change": change},
        )
    return len(lines)


def price_change_on_approved(*, subject: PriceChange, request: Any, actor: User) -> None:
    if not actor.has_right(POLICY_RIGHT):
        raise PermissionDenied(
            _("A price change takes effect only with the approval of management.")
        )
    change = PriceChange.objects.select_for_update().get(pk=subject.pk)
    ensure_transition(change, to=ApprovalDocStatus.APPROVED)
    count = _apply_change(change, actor=actor)
    change.status = ApprovalDocStatus.APPROVED
    change.decided_at = timezone.now()
    track(change, actor=actor)
    change.save(update_fields=["status", "decided_at", "updated_at"])
    audit_event_record(
        kind=AuditKind.APPROVAL,
        actor=actor,
        obj=change,
        summary=f"{change.number}: {count} prices in force",
        detail={"action": "price_change_applied", "lines": count},
    )


def _move(to: str):
    def callback(*, subject: PriceChange, request: Any, actor: User) -> None:
        change = PriceChange.objects.select_for_update().get(pk=subject.pk)
        ensure_transition(change, to=to)
        change.status = to
        fields = ["status", "updated_at"]
        if to == ApprovalDocStatus.REJECTED:
            change.decided_at = timezone.now()
            fields.append("decided_at")
        track(change, actor=actor)
        change.save(update_fields=fields)

    return callback


price_change_on_rejected = _move(ApprovalDocStatus.REJECTED)
price_change_on_returned = _move(ApprovalDocStatus.RETURNED)
price_change_on_cancelled = _move(ApprovalDocStatus.DRAFT)


# --- loading a price list (management) -------------------------------------------------------


@transaction.atomic
def base_prices_load(
    *, actor: User, rows: Sequence[BasePriceRow], valid_from: date, source: str = ""
) -> int:
    """Management loads prices valid from a day (a new installation's price list, the demo,
    the xlsx import). Every row is checked first; one bad row refuses the whole load. A row
    for a product, unit and day that exists is replaced. Audited."""
    if not actor.has_right(POLICY_RIGHT):
        raise PermissionDenied()
    if not rows:
        raise PriceChangeInvalid(_("There are no prices to load."))
    ids = {i for i in (_int(r.product_id) for r in rows) if i is not None}
    products, units = _sellable_units(ids)
    errors: dict[str, Any] = {}
    cleaned: dict[tuple[int, int], tuple[Decimal, Decimal | None]] = {}
    for index, row in enumerate(rows, start=1):
        pid, uid = _int(row.product_id), _int(row.unit_id)
        if pid is None or pid not in products or uid is None or (pid, uid) not in units:
            errors[f"rows.{index}"] = _("The product is not sold in this unit.")
            continue
        price = _money(row.price)
        cost = _money(row.cost_price, allow_zero=True) if row.cost_price not in (None, "") else None
        if price is None:
            errors[f"rows.{index}"] = _("The price is an amount above zero.")
        elif row.cost_price not in (None, "") and cost is None:
            errors[f"rows.{index}"] = _("The cost is an amount of zero or more.")
        elif (pid, uid) in cleaned:
            errors[f"rows.{index}"] = _("This product and unit are already on the list.")
        else:
            cleaned[(pid, uid)] = (price, cost)
    if errors:
        raise PriceChangeInvalid(_("Some rows are not valid."), fields=errors)
    existing = {
        (b.product_id, b.unit_id): b
        for b in BasePrice.objects.select_for_update().filter(
            product_id__in=ids, valid_from=valid_from
        )
    }
    new, changed = [], []
    for (pid, uid), (price, cost) in cleaned.items():
        row_obj = existing.get((pid, uid))
        if row_obj is None:
            new.append(
                BasePrice(
                    product_id=pid, unit_id=uid, price=price, cost_price=cost, valid_from=valid_from
                )
            )
        else:
            row_obj.price, row_obj.cost_price, row_obj.change = price, cost, None
            changed.append(row_obj)
    BasePrice.objects.bulk_create(new, batch_size=500)
    BasePrice.objects.bulk_update(changed, ["price", "cost_price", "change"], batch_size=500)
    audit_event_record(
        kind=AuditKind.IMPORT,
        actor=actor,
        summary=f"Base prices loaded: {len(cleaned)} from {valid_from.isoformat()}",
        detail={
            "what": "pricing.base_prices",
            "rows": len(cleaned),
            "added": len(new),
            "replaced": len(changed),
            "valid_from": valid_from.isoformat(),
            "source": source[:100],
        },
    )
    return len(cleaned)
