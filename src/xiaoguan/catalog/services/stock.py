"""Writes to the stock (R-ORD-3): goods receipts, reservations for orders and their release,
issues on shipment, stock counts, transfers between warehouses, warehouses themselves and the
reorder point set by hand.

Every change locks the ``StockLevel`` row (``select_for_update``; the row is created on first
use), checks the figures under the lock and writes one ``StockMovement`` with the levels after
it. The database backs the rules with check constraints (on hand ≥ reserved ≥ 0), so two
orders racing for the last units cannot both get them: the second waits for the lock, then
sees what is left and gets ``StockShortage``.

Decisions (see docs/user/*/stock.md):
- Quantities are in the product's base unit, positive, at most 3 decimals.
- ``stock_receive``, ``stock_reserve``, ``stock_release`` and ``stock_issue`` check no right:
  orders and shipping call them on behalf of their own (already checked) actions. The pages
  and the API check ``catalog.stock_manage`` before a goods receipt. ``stock_adjust``,
  ``stock_transfer``, the warehouse functions and ``stock_reorder_point_set`` are user actions
  and check ``catalog.stock_manage`` themselves.
- An inactive warehouse takes no stock operation; a warehouse is deactivated only when nothing
  is on hand or reserved in it.
- A stock count (``stock_adjust``) sets on hand to the counted figure with a reason; it is
  refused below the quantity reserved for orders (release those first) and when nothing
  changes.
- Issuing unreserved stock (``from_reserved=False``) never eats other orders' reservations:
  at most the available quantity.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from xiaoguan.catalog.errors import CodeTaken, StockInvalid, StockShortage
from xiaoguan.catalog.models import (
    MovementKind,
    Product,
    ProductUnit,
    StockLevel,
    StockMovement,
    Warehouse,
)
from xiaoguan.core.errors import NotFound, PermissionDenied
from xiaoguan.core.history import track
from xiaoguan.org.models import User

MANAGE_RIGHT = "catalog.stock_manage"
VIEW_RIGHT = "catalog.stock_view"
MAX_QUANTITY = Decimal("99999999999.999")
PLACES = Decimal("0.001")


# --- checks -------------------------------------------------------------------------------


def quantity_text(value: Decimal) -> str:
    """A quantity without trailing zeros: 12, 0.5."""
    text = f"{value.normalize():f}" if value else "0"
    return text


def _quantity(value: Any, *, key: str = "quantity", allow_zero: bool = False) -> Decimal:
    """A quantity the user typed: a number, positive (or zero when allowed), ≤ 3 decimals."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise StockInvalid(fields={key: _("Enter a number.")}) from None
    if not number.is_finite():
        raise StockInvalid(fields={key: _("Enter a number.")})
    if number < 0 or (number == 0 and not allow_zero):
        raise StockInvalid(
            _("The quantity must be greater than zero."),
            fields={key: _("The quantity must be greater than zero.")},
        )
    if number != number.quantize(PLACES):
        raise StockInvalid(fields={key: _("At most 3 decimal places.")})
    if number > MAX_QUANTITY:
        raise StockInvalid(fields={key: _("This quantity is too large.")})
    return number.quantize(PLACES)


def _text(value: Any, *, key: str, max_length: int, required: bool = False) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise StockInvalid(fields={key: _("This field is required.")})
    if len(text) > max_length:
        raise StockInvalid(
            fields={key: _("At most %(n)s characters.") % {"n": max_length}},
        )
    return text


def _warehouse(warehouse_id: Any, *, key: str = "warehouse_id") -> Warehouse:
    warehouse = Warehouse.objects.filter(pk=_pk(warehouse_id)).first()
    if warehouse is None:
        raise StockInvalid(
            _("Warehouse not found."), fields={key: _("Choose a warehouse from the list.")}
        )
    if not warehouse.is_active:
        raise StockInvalid(
            _("The warehouse %(name)s is inactive.") % {"name": warehouse.name},
            fields={key: _("This warehouse is inactive.")},
        )
    return warehouse


def _product(product_id: Any) -> Product:
    product = Product.objects.filter(pk=_pk(product_id)).first()
    if product is None:
        raise StockInvalid(
            _("Product not found."), fields={"product_id": _("Choose a product from the list.")}
        )
    return product


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _require(actor: User, right: str = MANAGE_RIGHT) -> None:
    if actor is None or not actor.has_right(right):
        raise PermissionDenied()


def _lock_level(warehouse: Warehouse, product: Product) -> StockLevel:
    """The stock level row, locked for this transaction; created (at zero) on first use. Two
    first uses at once: the unique constraint lets one insert win, the other locks its row."""
    # First the warehouse, in share mode: closing it (FOR UPDATE) waits for this transaction
    # and then sees its stock, or this waits for the closing and sees it closed. Taken before
    # the level so that the two never wait for each other in opposite orders.
    if not _warehouse_active_shared(warehouse.pk):
        raise StockInvalid(
            _("The warehouse %(name)s is inactive.") % {"name": warehouse.name},
            fields={"warehouse_id": _("This warehouse is inactive.")},
        )
    qs = StockLevel.objects.select_for_update().filter(warehouse=warehouse, product=product)
    level = qs.first()
    if level is None:
        try:
            with transaction.atomic():
                StockLevel.objects.create(warehouse=warehouse, product=product)
        except IntegrityError:
            pass  # made by someone else meanwhile
        level = qs.get()
    return level


def _warehouse_active_shared(warehouse_id: int) -> bool:
    """Whether the warehouse is active, holding a share lock on its row until the end of the
    transaction (PostgreSQL ``FOR SHARE``: many stock changes at once, but no closing). SQLite
    locks the whole database for a writer, so a plain read suffices there."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT is_active FROM catalog_warehouse WHERE id = %s FOR SHARE", [warehouse_id]
            )
            row = cursor.fetchone()
        return bool(row and row[0])
    return Warehouse.objects.filter(pk=warehouse_id, is_active=True).exists()


def _move(
    level: StockLevel,
    *,
    actor: User,
    kind: str,
    on_hand: Decimal = Decimal(0),
    reserved: Decimal = Decimal(0),
    reference: str = "",
    note: str = "",
) -> StockLevel:
    """Apply the change to the locked level, save it and write the ledger line."""
    level.on_hand += on_hand
    level.reserved += reserved
    level.save(update_fields=["on_hand", "reserved", "updated_at"])
    StockMovement.objects.create(
        warehouse_id=level.warehouse_id,
        product_id=level.product_id,
        kind=kind,
        on_hand_change=on_hand,
        reserved_change=reserved,
        on_hand_after=level.on_hand,
        reserved_after=level.reserved,
        reference=reference,
        note=note,
        actor=actor,
    )
    return level


def _shortage(
    product: Product, warehouse: Warehouse, wanted: Decimal, available: Decimal
) -> StockShortage:
    return StockShortage(
        _(
            "Not enough %(product)s in %(warehouse)s: %(wanted)s %(unit)s wanted, "
            "%(available)s %(unit)s available."
        )
        % {
            "product": product,
            "warehouse": warehouse.name,
            "wanted": quantity_text(wanted),
            "available": quantity_text(available),
            "unit": product.unit.name,
        },
        product_id=product.pk,
        warehouse_id=warehouse.pk,
        wanted=wanted,
        available=available,
        fields={"quantity": _("At most %(n)s available.") % {"n": quantity_text(available)}},
    )


def _prepare(
    warehouse_id: Any, product_id: Any, quantity: Any
) -> tuple[Warehouse, Product, Decimal]:
    qty = _quantity(quantity)
    warehouse = _warehouse(warehouse_id)
    product = _product(product_id)
    return warehouse, product, qty


# --- units --------------------------------------------------------------------------------


def to_base_quantity(*, product_id: int, unit_id: int, quantity: Decimal) -> Decimal:
    """``quantity`` of ``unit_id`` in the product's base unit (1 箱 of 4 具 → 4). The unit must
    be the product's base unit or one of its other units."""
    product = Product.objects.filter(pk=_pk(product_id)).only("pk", "unit_id").first()
    if product is None:
        raise StockInvalid(
            _("Product not found."), fields={"product_id": _("Choose a product from the list.")}
        )
    try:
        number = quantity if isinstance(quantity, Decimal) else Decimal(str(quantity))
    except (InvalidOperation, ValueError, TypeError):
        raise StockInvalid(fields={"quantity": _("Enter a number.")}) from None
    if product.unit_id == _pk(unit_id):
        return number
    factor = (
        ProductUnit.objects.filter(product_id=product.pk, unit_id=_pk(unit_id))
        .values_list("factor", flat=True)
        .first()
    )
    if factor is None:
        raise StockInvalid(
            _("This unit is not one of the product's units."),
            fields={"unit_id": _("This unit is not one of the product's units.")},
        )
    return number * factor


# --- the operations other apps call ---------------------------------------------------------


@transaction.atomic
def stock_receive(
    *,
    actor: User,
    warehouse_id: int,
    product_id: int,
    quantity: Decimal,
    reference: str = "",
    note: str = "",
) -> StockLevel:
    """Goods received into a warehouse (入库): on hand += quantity."""
    warehouse, product, qty = _prepare(warehouse_id, product_id, quantity)
    reference = _text(reference, key="reference", max_length=40)
    note = _text(note, key="note", max_length=300)
    level = _lock_level(warehouse, product)
    return _move(
        level, actor=actor, kind=MovementKind.RECEIPT, on_hand=qty, reference=reference, note=note
    )


@transaction.atomic
def stock_reserve(
    *, actor: User, warehouse_id: int, product_id: int, quantity: Decimal, reference: str
) -> StockLevel:
    """Reserve stock for an order (预留): reserved += quantity when that much is available;
    otherwise ``StockShortage`` naming what is available. The row lock makes two orders racing
    for the last units take turns: the later one sees what the first left."""
    warehouse, product, qty = _prepare(warehouse_id, product_id, quantity)
    reference = _text(reference, key="reference", max_length=40)
    level = _lock_level(warehouse, product)
    if level.available < qty:
        raise _shortage(product, warehouse, qty, level.available)
    return _move(level, actor=actor, kind=MovementKind.RESERVE, reserved=qty, reference=reference)


@transaction.atomic
def stock_release(
    *, actor: User, warehouse_id: int, product_id: int, quantity: Decimal, reference: str
) -> StockLevel:
    """Give back a reservation (order cancelled or changed): reserved −= quantity, never more
    than is reserved."""
    warehouse, product, qty = _prepare(warehouse_id, product_id, quantity)
    reference = _text(reference, key="reference", max_length=40)
    level = _lock_level(warehouse, product)
    if qty > level.reserved:
        raise StockInvalid(
            _(
                "Only %(reserved)s %(unit)s of %(product)s are reserved in %(warehouse)s; "
                "%(wanted)s cannot be released."
            )
            % {
                "reserved": quantity_text(level.reserved),
                "unit": product.unit.name,
                "product": product,
                "warehouse": warehouse.name,
                "wanted": quantity_text(qty),
            },
            fields={"quantity": _("More than is reserved.")},
        )
    return _move(level, actor=actor, kind=MovementKind.RELEASE, reserved=-qty, reference=reference)


@transaction.atomic
def stock_issue(
    *,
    actor: User,
    warehouse_id: int,
    product_id: int,
    quantity: Decimal,
    reference: str,
    from_reserved: bool = True,
) -> StockLevel:
    """Goods leave the warehouse (出库, on shipment): on hand −= quantity and, when the goods
    were reserved for the order, reserved −= quantity. Refused beyond what is reserved (from
    a reservation) or beyond what is available (without one)."""
    warehouse, product, qty = _prepare(warehouse_id, product_id, quantity)
    reference = _text(reference, key="reference", max_length=40)
    level = _lock_level(warehouse, product)
    if from_reserved:
        if qty > level.reserved:
            raise StockInvalid(
                _(
                    "Only %(reserved)s %(unit)s of %(product)s are reserved in %(warehouse)s; "
                    "%(wanted)s cannot be issued from the reservation."
                )
                % {
                    "reserved": quantity_text(level.reserved),
                    "unit": product.unit.name,
                    "product": product,
                    "warehouse": warehouse.name,
                    "wanted": quantity_text(qty),
                },
                fields={"quantity": _("More than is reserved.")},
            )
        return _move(
            level,
            actor=actor,
            kind=MovementKind.ISSUE,
            on_hand=-qty,
            reserved=-qty,
            reference=reference,
        )
    if qty > level.available:
        raise _shortage(product, warehouse, qty, level.available)
    return _move(level, actor=actor, kind=MovementKind.ISSUE, on_hand=-qty, reference=reference)


# --- stock counts and transfers -------------------------------------------------------------


@transaction.atomic
def stock_adjust(
    *, actor: User, warehouse_id: int, product_id: int, counted: Any, reason: str
) -> StockLevel:
    """A stock count (盘点): on hand becomes the counted quantity; the difference is written
    with the reason. Refused below what is reserved for orders, and when nothing changes."""
    _require(actor)
    counted_qty = _quantity(counted, key="counted", allow_zero=True)
    reason = _text(reason, key="reason", max_length=300, required=True)
    warehouse = _warehouse(warehouse_id)
    product = _product(product_id)
    level = _lock_level(warehouse, product)
    if counted_qty < level.reserved:
        raise StockInvalid(
            _(
                "%(reserved)s %(unit)s are reserved for orders; the count cannot be lower. "
                "Release the reservations first."
            )
            % {"reserved": quantity_text(level.reserved), "unit": product.unit.name},
            fields={"counted": _("Below the reserved quantity.")},
        )
    change = counted_qty - level.on_hand
    if not change:
        raise StockInvalid(
            _("The count equals the stock on hand; there is nothing to adjust."),
            fields={"counted": _("Same as on hand.")},
        )
    return _move(level, actor=actor, kind=MovementKind.ADJUST, on_hand=change, note=reason)


@transaction.atomic
def stock_transfer(
    *,
    actor: User,
    from_warehouse_id: int,
    to_warehouse_id: int,
    product_id: int,
    quantity: Any,
    note: str = "",
) -> tuple[StockLevel, StockLevel]:
    """Move available stock from one warehouse to another (调拨): two ledger lines with the
    same reference. Both rows are locked in warehouse order (no deadlock between two
    transfers in opposite directions)."""
    _require(actor)
    qty = _quantity(quantity)
    source = _warehouse(from_warehouse_id, key="from_warehouse_id")
    target = _warehouse(to_warehouse_id, key="to_warehouse_id")
    if source.pk == target.pk:
        raise StockInvalid(
            _("Choose two different warehouses."),
            fields={"to_warehouse_id": _("Choose two different warehouses.")},
        )
    product = _product(product_id)
    note = _text(note, key="note", max_length=300)
    first, second = sorted([source, target], key=lambda w: w.pk)
    locked = {first.pk: _lock_level(first, product), second.pk: _lock_level(second, product)}
    out_level, in_level = locked[source.pk], locked[target.pk]
    if out_level.available < qty:
        raise _shortage(product, source, qty, out_level.available)
    # Stored, so language-neutral: the two warehouse codes (the movement kind says "transfer").
    reference = f"{source.code} → {target.code}"[:40]
    _move(
        out_level,
        actor=actor,
        kind=MovementKind.TRANSFER_OUT,
        on_hand=-qty,
        reference=reference,
        note=note,
    )
    _move(
        in_level,
        actor=actor,
        kind=MovementKind.TRANSFER_IN,
        on_hand=qty,
        reference=reference,
        note=note,
    )
    return out_level, in_level


@transaction.atomic
def stock_reorder_point_set(
    *, actor: User, warehouse_id: int, product_id: int, reorder_point: Any
) -> StockLevel:
    """Set the reorder point of a level by hand (``None`` or "" goes back to the one derived
    from recent issues)."""
    _require(actor)
    value: Decimal | None = None
    if reorder_point is not None and str(reorder_point).strip() != "":
        value = _quantity(reorder_point, key="reorder_point", allow_zero=True)
    warehouse = _warehouse(warehouse_id)
    product = _product(product_id)
    level = _lock_level(warehouse, product)
    level.reorder_point = value
    level.save(update_fields=["reorder_point", "updated_at"])
    return level


# --- warehouses ---------------------------------------------------------------------------


@dataclass
class WarehouseData:
    code: str
    name: str
    address: str = ""
    keeper_id: int | None = None


def _warehouse_clean(data: WarehouseData, *, pk: int | None) -> WarehouseData:
    errors: dict[str, str] = {}
    data.code = str(data.code or "").strip()
    if not data.code:
        errors["code"] = _("Enter a code.")
    elif len(data.code) > 20:
        errors["code"] = _("At most %(n)s characters.") % {"n": 20}
    elif any(c.isspace() for c in data.code):
        errors["code"] = _("A code has no spaces.")
    data.name = " ".join(str(data.name or "").split())
    if not data.name:
        errors["name"] = _("Enter a name.")
    elif len(data.name) > 60:
        errors["name"] = _("At most %(n)s characters.") % {"n": 60}
    data.address = " ".join(str(data.address or "").split())
    if len(data.address) > 300:
        errors["address"] = _("At most %(n)s characters.") % {"n": 300}
    others = Warehouse.objects.exclude(pk=pk) if pk else Warehouse.objects.all()
    if "code" not in errors and others.filter(code__iexact=data.code).exists():
        errors["code"] = _("This code is already used.")
    if "name" not in errors and others.filter(name=data.name).exists():
        errors["name"] = _("A warehouse of this name exists.")
    if data.keeper_id in ("", 0):
        data.keeper_id = None
    if data.keeper_id is not None:
        keeper_id = _pk(data.keeper_id)
        if not User.objects.filter(pk=keeper_id, is_active=True).exists():
            errors["keeper_id"] = _("Choose an active user.")
        data.keeper_id = keeper_id
    if errors:
        raise StockInvalid(fields=errors)
    return data


def _save_warehouse(warehouse: Warehouse, *, actor: User, reason: str = "") -> None:
    track(warehouse, actor=actor, reason=reason)
    try:
        with transaction.atomic():
            warehouse.save()
    except IntegrityError:
        raise CodeTaken(
            _("This code or name is already used."),
            fields={"code": _("This code is already used.")},
        ) from None


@transaction.atomic
def warehouse_create(*, actor: User, data: WarehouseData) -> Warehouse:
    """A new warehouse with a unique code and name."""
    _require(actor)
    data = _warehouse_clean(data, pk=None)
    warehouse = Warehouse(
        code=data.code, name=data.name, address=data.address, keeper_id=data.keeper_id
    )
    _save_warehouse(warehouse, actor=actor)
    return warehouse


def _locked_warehouse(warehouse_id: Any) -> Warehouse:
    warehouse = Warehouse.objects.select_for_update().filter(pk=_pk(warehouse_id)).first()
    if warehouse is None:
        raise NotFound(_("Warehouse not found."))
    return warehouse


@transaction.atomic
def warehouse_update(*, actor: User, warehouse_id: int, data: WarehouseData) -> Warehouse:
    """Rename a warehouse, change its address or keeper."""
    _require(actor)
    warehouse = _locked_warehouse(warehouse_id)
    data = _warehouse_clean(data, pk=warehouse.pk)
    warehouse.code, warehouse.name = data.code, data.name
    warehouse.address, warehouse.keeper_id = data.address, data.keeper_id
    _save_warehouse(warehouse, actor=actor)
    return warehouse


@transaction.atomic
def warehouse_deactivate(*, actor: User, warehouse_id: int) -> Warehouse:
    """Close a warehouse. Refused while it holds stock (on hand or reserved): transfer or count
    it out first. The stock levels are locked so that no receipt slips in meanwhile."""
    _require(actor)
    warehouse = _locked_warehouse(warehouse_id)
    if not warehouse.is_active:
        return warehouse
    held = list(
        StockLevel.objects.select_for_update()
        .filter(warehouse=warehouse)
        .exclude(on_hand=0, reserved=0)
        .values_list("pk", flat=True)
    )
    if held:
        raise StockInvalid(
            _(
                "%(name)s still holds stock of %(n)s products; transfer or count it out "
                "before closing the warehouse."
            )
            % {"name": warehouse.name, "n": len(held)},
        )
    warehouse.is_active = False
    _save_warehouse(warehouse, actor=actor, reason=_("Deactivated"))
    return warehouse


@transaction.atomic
def warehouse_activate(*, actor: User, warehouse_id: int) -> Warehouse:
    """Open a closed warehouse again."""
    _require(actor)
    warehouse = _locked_warehouse(warehouse_id)
    if not warehouse.is_active:
        warehouse.is_active = True
        _save_warehouse(warehouse, actor=actor, reason=_("Activated"))
    return warehouse


# --- replenishment alerts -----------------------------------------------------------------


def reorder_alerts_notify(*, today: Any = None) -> int:
    """The periodic job: tell the warehouse's keeper and the logistics staff about each stock
    level whose available quantity is below its reorder point, once per level per day (the
    dedupe key holds the level and the date). Returns how many notes were made."""
    from django.urls import reverse
    from django.utils import timezone

    from xiaoguan.catalog.selectors.stock import reorder_alerts
    from xiaoguan.core.notifications import notify

    day = today or timezone.localdate()
    logistics = list(User.objects.filter(is_active=True, roles__code="logistics").distinct())
    keepers = {u.pk: u for u in User.objects.filter(is_active=True, pk__in=_keeper_ids())}
    url = reverse("catalog:stock_alerts")
    made = 0
    for level in reorder_alerts():
        recipients = {u.pk: u for u in logistics}
        keeper = keepers.get(level.warehouse.keeper_id) if level.warehouse.keeper_id else None
        if keeper is not None:
            recipients[keeper.pk] = keeper
        title = _(
            "%(product)s in %(warehouse)s: %(available)s %(unit)s available, below %(point)s"
        ) % {
            "product": level.product,
            "warehouse": level.warehouse.name,
            "available": quantity_text(level.available),
            "unit": level.product.unit.name,
            "point": quantity_text(level.effective_point),
        }
        for user in recipients.values():
            note = notify(
                recipient=user,
                kind="stock_reorder",
                title=title,
                url=f"{url}?warehouse={level.warehouse_id}",
                dedupe_key=f"stock_reorder:{level.pk}:{day.isoformat()}",
            )
            made += note is not None
    return made


def _keeper_ids() -> list[int]:
    return list(
        Warehouse.objects.filter(is_active=True, keeper__isnull=False).values_list(
            "keeper_id", flat=True
        )
    )
