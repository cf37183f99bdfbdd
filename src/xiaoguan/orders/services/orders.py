"""Writes of orders (R-ORD-1): taking an order against a signed contract (never more than
remains of its quantities, checked with the contract row locked) or directly (phone, fax,
e-mail, dealer; priced like quotes, never below the owner's float range), editing drafts,
submission, review (return with a note, or confirmation with the customer: credit control,
then stock reserved line by line from the order's warehouse), cancellation (reservations
released), and the shipping progress the shipping services report.

Locks are taken in the documented order: contract → order (→ stock levels inside the stock
services). Every change is one transaction; a refusal leaves nothing half-saved."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoguan.catalog.models import Product, ProductUnit, Warehouse
from xiaoguan.contracts.enums import IN_FORCE
from xiaoguan.contracts.models import Contract, ContractLine, PaymentTerm
from xiaoguan.contracts.services.figures import contract_current_lock
from xiaoguan.core.documents import ensure_transition
from xiaoguan.core.errors import Conflict, InvalidTransition, PermissionDenied, StaleEdit
from xiaoguan.core.history import track
from xiaoguan.core.numbering import next_number
from xiaoguan.customers.models import Customer
from xiaoguan.orders import registries
from xiaoguan.orders.enums import CreditStage, OrderChannel, OrderStatus, ShipmentStatus
from xiaoguan.orders.errors import (
    OrderInvalid,
    OrderNotEditable,
    OrderNotFound,
    OrderOverContract,
    OrderPriceBelowRange,
    OwnOrderReview,
)
from xiaoguan.orders.models import CreditHold, Order, OrderAllocation, OrderLine, Shipment
from xiaoguan.orders.selectors.orders import contract_current, contract_remaining
from xiaoguan.orders.services.credit import credit_gate, credit_holds_cancel
from xiaoguan.org.models import User
from xiaoguan.org.scope import can_see, visible
from xiaoguan.pricing.line_input import QTY_STEP, decimal_input, line_priced, lines_clean

NUMBER_PREFIX = "SO"
MAX_LINES = 200
MAX_MONEY = Decimal("99999999999999.99")
MAX_QUANTITY = Decimal("99999999999.999")
MAX_PAYMENT_DAYS = 365
CENT = Decimal("0.01")
DIRECT_CHANNELS = tuple(c for c in OrderChannel.values if c != OrderChannel.CONTRACT)
# Statuses from which an order may still be cancelled (nothing shipped yet).
CANCELLABLE = (
    OrderStatus.DRAFT,
    OrderStatus.SUBMITTED,
    OrderStatus.RETURNED,
    OrderStatus.CREDIT_HOLD,
    OrderStatus.CONFIRMED,
)


@dataclass(frozen=True)
class OrderLineData:
    """One line as a user writes it. A contract order names the contract line and the
    quantity (product, unit and prices come from the contract); a direct order names product,
    unit, quantity and either the unit price or a discount from the effective price."""

    product_id: Any = None
    unit_id: Any = None
    quantity: Any = None
    unit_price: Any = None
    discount: Any = None
    spec: str = ""
    contract_line_id: Any = None


@dataclass(frozen=True)
class OrderData:
    """What a user may write on a draft: an allow-list (never owner, number, status, totals,
    review or shipping fields). ``contract_id`` for an order from a contract (channel
    "contract"), ``customer_id`` for a direct order."""

    channel: str
    contract_id: Any = None
    customer_id: Any = None
    order_date: date | None = None
    requested_date: date | None = None
    warehouse_id: Any = None
    ship_to: str = ""
    consignee: str = ""
    consignee_phone: str = ""
    payment_days: Any = None
    payment_terms: str = ""
    customer_reference: str = ""
    notes: str = ""


@dataclass(frozen=True)
class _Line:
    position: int
    contract_line_id: int | None
    product_id: int
    unit_id: int
    quantity: Decimal
    base_quantity: Decimal
    list_price: Decimal
    unit_price: Decimal
    discount: Decimal
    amount: Decimal


def _today() -> date:
    return timezone.localdate()


def _text(value: Any, *, limit: int, name: str, errors: dict[str, str], join: bool = True) -> str:
    text = str(value or "").strip()
    if join:
        text = " ".join(text.split())
    if len(text) > limit:
        errors[name] = _("At most %(n)s characters.") % {"n": limit}
    return text


def base_quantities(
    keys: Sequence[tuple[int, int]],
) -> dict[tuple[int, int], Decimal]:
    """How many base units one unit holds, per (product, unit): 1 for the base unit."""
    product_ids = {p for p, _u in keys}
    base_units = dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "unit_id"))
    factors = {
        (p, u): f
        for p, u, f in ProductUnit.objects.filter(product_id__in=product_ids).values_list(
            "product_id", "unit_id", "factor"
        )
    }
    out: dict[tuple[int, int], Decimal] = {}
    for product_id, unit_id in keys:
        if base_units.get(product_id) == unit_id:
            out[(product_id, unit_id)] = Decimal(1)
        elif (product_id, unit_id) in factors:
            out[(product_id, unit_id)] = factors[(product_id, unit_id)]
    return out


def _base(quantity: Decimal, factor: Decimal) -> Decimal:
    return (quantity * factor).quantize(QTY_STEP)


# --- header ---------------------------------------------------------------------------------


def _clean_header(data: OrderData, *, errors: dict[str, str]) -> dict[str, Any]:
    order_date = data.order_date or _today()
    if order_date > _today():
        errors["order_date"] = _("The order date cannot be in the future.")
    if data.requested_date and data.requested_date < order_date:
        errors["requested_date"] = _("The requested delivery date is before the order date.")
    warehouse = None
    if data.warehouse_id not in (None, ""):
        warehouse = (
            Warehouse.objects.filter(pk=int(data.warehouse_id), is_active=True).first()
            if str(data.warehouse_id).isdigit()
            else None
        )
        if warehouse is None:
            errors["warehouse"] = _("Choose an active warehouse.")
    else:
        active = list(Warehouse.objects.filter(is_active=True)[:2])
        if len(active) == 1:
            warehouse = active[0]
    payment_days = 0
    if data.payment_days not in (None, ""):
        try:
            payment_days = int(str(data.payment_days).strip())
        except (TypeError, ValueError):
            payment_days = -1
        if not 0 <= payment_days <= MAX_PAYMENT_DAYS:
            errors["payment_days"] = _("0 to %(n)s days.") % {"n": MAX_PAYMENT_DAYS}
    return {
        "order_date": order_date,
        "requested_date": data.requested_date,
        "warehouse": warehouse,
        "ship_to": _text(data.ship_to, limit=300, name="ship_to", errors=errors),
        "consignee": _text(data.consignee, limit=60, name="consignee", errors=errors),
        "consignee_phone": _text(
            data.consignee_phone, limit=30, name="consignee_phone", errors=errors
        ),
        "payment_days": max(payment_days, 0),
        "payment_terms": _text(data.payment_terms, limit=200, name="payment_terms", errors=errors),
        "customer_reference": _text(
            data.customer_reference, limit=60, name="customer_reference", errors=errors
        ),
        "notes": _text(data.notes, limit=5000, name="notes", errors=errors, join=False),
    }


def _contract_for(data: OrderData, actor: User, *, lock: bool) -> Contract:
    """The current, signed version of the contract the actor may see (locked when asked)."""
    contract = None
    if str(data.contract_id or "").isdigit():
        found = visible(Contract.objects.all(), actor).filter(pk=int(data.contract_id)).first()
        if found is not None:
            contract = contract_current(contract=found)
    if contract is not None and lock:
        # The version in force once locked: an amendment may have replaced it meanwhile.
        contract = contract_current_lock(root_id=contract.root_id or contract.pk)
    if contract is None or contract.status not in IN_FORCE:
        message = _("Choose a signed contract in force in your scope.")
        raise OrderInvalid(message, fields={"contract": message})
    return contract


def _payment_summary(contract: Contract) -> str:
    terms = PaymentTerm.objects.filter(contract=contract).order_by("position")
    parts = [
        f"{t.label} {t.percent.normalize():f}%"
        if t.percent is not None
        else f"{t.label} ¥{t.amount}"
        for t in terms
    ]
    text = _("As contract %(number)s: %(terms)s") % {
        "number": contract.number,
        "terms": "，".join(parts) or "-",
    }
    return text[:200]


# --- lines ------------------------------------------------------------------------------------


def _contract_lines(
    contract: Contract, lines: Sequence[OrderLineData], *, exclude_order_id: int | None
) -> list[_Line]:
    """Lines of an order from ``contract`` (its current version): each names a contract line
    and a quantity (empty or 0: not ordered); never more than remains, per (product, unit)."""
    by_id = {
        cl.pk: cl for cl in ContractLine.objects.filter(contract=contract).select_related("product")
    }
    errors: dict[str, str] = {}
    wanted: list[tuple[ContractLine, Decimal]] = []
    for index, line in enumerate(lines, start=1):
        key = f"lines.{index}"
        try:
            quantity = decimal_input(line.quantity, places=QTY_STEP)
        except ValueError:
            errors[f"{key}.quantity"] = _("Line %(n)s: the quantity must be positive.") % {
                "n": index
            }
            continue
        if quantity is None or quantity == 0:
            continue
        cl = by_id.get(int(line.contract_line_id)) if str(line.contract_line_id).isdigit() else None
        if cl is None:
            errors[f"{key}.contract_line"] = _(
                "Line %(n)s: not a line of the contract's current version."
            ) % {"n": index}
            continue
        if quantity < 0 or quantity > MAX_QUANTITY:
            errors[f"{key}.quantity"] = _("Line %(n)s: the quantity must be positive.") % {
                "n": index
            }
            continue
        wanted.append((cl, quantity))
    if errors:
        raise OrderInvalid(_("Some lines of the order are not valid."), fields=errors)
    if not wanted:
        message = _("Order at least one line of the contract.")
        raise OrderInvalid(message, fields={"lines": message})
    if len(wanted) > MAX_LINES:
        message = _("At most %(n)s lines per order.") % {"n": MAX_LINES}
        raise OrderInvalid(message, fields={"lines": message})
    _check_remaining(
        contract,
        [(cl.product_id, cl.unit_id, q, cl.product) for cl, q in wanted],
        exclude_order_id=exclude_order_id,
    )
    factors = base_quantities([(cl.product_id, cl.unit_id) for cl, _q in wanted])
    out = []
    for position, (cl, quantity) in enumerate(wanted, start=1):
        amount = (quantity * cl.unit_price).quantize(CENT)
        if amount > MAX_MONEY:
            raise OrderInvalid(
                _("Line %(n)s: the amount is too large.") % {"n": position},
                fields={f"lines.{position}.quantity": _("The amount is too large.")},
            )
        out.append(
            _Line(
                position=position,
                contract_line_id=cl.pk,
                product_id=cl.product_id,
                unit_id=cl.unit_id,
                quantity=quantity,
                base_quantity=_base(quantity, factors.get((cl.product_id, cl.unit_id), Decimal(1))),
                list_price=cl.list_price,
                unit_price=cl.unit_price,
                discount=cl.discount,
                amount=amount,
            )
        )
    return out


def _check_remaining(
    contract: Contract,
    wanted: Sequence[tuple[int, int, Decimal, Any]],
    *,
    exclude_order_id: int | None,
) -> None:
    """Refuse (naming the products) when more is wanted than remains of the contract; the
    caller holds the contract row's lock."""
    remaining = contract_remaining(contract=contract, exclude_order_id=exclude_order_id)
    totals: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    names: dict[tuple[int, int], Any] = {}
    for product_id, unit_id, quantity, product in wanted:
        totals[(product_id, unit_id)] += quantity
        names[(product_id, unit_id)] = product
    over = []
    for key, quantity in totals.items():
        left = remaining.get(key, Decimal(0))
        if quantity > left:
            over.append(
                _("%(product)s: %(wanted)s ordered, %(left)s remain")
                % {
                    "product": names[key],
                    "wanted": f"{quantity.normalize():f}",
                    "left": f"{left.normalize():f}",
                }
            )
    if over:
        raise OrderOverContract(
            _("More is ordered than remains of contract %(number)s: %(lines)s.")
            % {"number": contract.number, "lines": "; ".join(over)},
            fields={"lines": "; ".join(over)},
        )


def _direct_lines(
    customer: Customer, order_date: date, lines: Sequence[OrderLineData], *, owner: User
) -> list[_Line]:
    """Lines of a direct order: checked like quote lines, priced at the customer's effective
    price on the order date, and refused when below the owner's float range."""
    from xiaoguan.pricing.selectors.prices import PriceQuery, effective_prices

    if not lines:
        message = _("Add at least one line.")
        raise OrderInvalid(message, fields={"lines": message})
    cleaned = lines_clean(
        lines,
        max_lines=MAX_LINES,
        too_many=_("At most %(n)s lines per order.") % {"n": MAX_LINES},
        invalid=_("Some lines of the order are not valid."),
        error=OrderInvalid,
    )
    prices = effective_prices(
        queries=[
            PriceQuery(product_id=c.product.pk, unit_id=c.unit_id, quantity=c.quantity)
            for c in cleaned
        ],
        customer_class=customer.customer_class or "",
        on_date=order_date,
    )
    factors = base_quantities([(c.product.pk, c.unit_id) for c in cleaned])
    errors: dict[str, str] = {}
    out: list[_Line] = []
    for c, effective in zip(cleaned, prices, strict=True):
        figures = line_priced(c, list_price=effective.price, errors=errors)
        out.append(
            _Line(
                position=c.position,
                contract_line_id=None,
                product_id=c.product.pk,
                unit_id=c.unit_id,
                quantity=c.quantity,
                base_quantity=_base(c.quantity, factors.get((c.product.pk, c.unit_id), Decimal(1))),
                list_price=effective.price,
                unit_price=figures.unit_price,
                discount=figures.discount,
                amount=figures.amount,
            )
        )
    if errors:
        raise OrderInvalid(_("Some lines of the order are not valid."), fields=errors)
    names = {c.position: c.product for c in cleaned}
    _refuse_below_range(
        [
            _Named(
                position=x.position,
                product=names[x.position],
                product_id=x.product_id,
                unit_id=x.unit_id,
                quantity=x.quantity,
                list_price=x.list_price,
                unit_price=x.unit_price,
            )
            for x in out
        ],
        owner=owner,
    )
    return out


@dataclass(frozen=True)
class _Named:
    """A priced line with its product, for the refusal's text."""

    position: int
    product: Any
    product_id: int
    unit_id: int
    quantity: Decimal
    list_price: Decimal
    unit_price: Decimal


def _refuse_below_range(lines: Sequence[_Named], *, owner: User) -> None:
    """OrderPriceBelowRange naming each line below the owner's float range (direct orders
    have no price approval: the price is raised or the sale goes through a quote or
    contract)."""
    from xiaoguan.pricing.selectors.price_requests import PricedLine, lines_below_range

    below = lines_below_range(
        owner=owner,
        lines=[
            PricedLine(
                product_id=x.product_id,
                unit_id=x.unit_id,
                quantity=x.quantity,
                list_price=x.list_price,
                unit_price=x.unit_price,
            )
            for x in lines
        ],
    )
    if not below:
        return
    fields: dict[str, str] = {}
    texts = []
    for b in below:
        line = next(
            x
            for x in lines
            if x.product_id == b.line.product_id
            and x.unit_id == b.line.unit_id
            and x.quantity == b.line.quantity
            and x.unit_price == b.line.unit_price
        )
        text = _("Line %(n)s (%(product)s): ¥%(price)s is %(below)s %% below your float range") % {
            "n": line.position,
            "product": line.product,
            "price": f"{line.unit_price:,}",
            "below": b.below_by,
        }
        fields[f"lines.{line.position}.unit_price"] = text
        texts.append(text)
    raise OrderPriceBelowRange(
        _(
            "A direct order cannot be priced below the owner's float range (%(lines)s). "
            "Raise the price, or sell through a quote or contract with a price approval."
        )
        % {"lines": "; ".join(texts)},
        fields=fields,
    )


def direct_lines_recheck(*, order: Order) -> None:
    """A direct order's stored lines against the owner's float range (as of now)."""
    _refuse_below_range(
        [
            _Named(
                position=x.position,
                product=x.product,
                product_id=x.product_id,
                unit_id=x.unit_id,
                quantity=x.quantity,
                list_price=x.list_price,
                unit_price=x.unit_price,
            )
            for x in order.lines.select_related("product").order_by("position")
        ],
        owner=order.owner,
    )


def _store_lines(order: Order, lines: Sequence[_Line]) -> None:
    order.lines.all().delete()
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                position=x.position,
                contract_line_id=x.contract_line_id,
                product_id=x.product_id,
                unit_id=x.unit_id,
                quantity=x.quantity,
                base_quantity=x.base_quantity,
                list_price=x.list_price,
                unit_price=x.unit_price,
                discount=x.discount,
                amount=x.amount,
            )
            for x in lines
        ]
    )


def _owner_for(customer: Customer, actor: User) -> tuple[int, int]:
    """A direct order belongs to the customer's rep; the actor when the customer has none."""
    if customer.owner_id:
        owner = User.objects.filter(pk=customer.owner_id, is_active=True).first()
        if owner is not None and owner.department_id:
            return owner.pk, owner.department_id
    if actor.department_id is None:
        raise OrderInvalid(_("Only an employee with a department can own orders."))
    return actor.pk, actor.department_id


def _customer_for(data: OrderData, actor: User, order: Order | None) -> Customer:
    customer = (
        visible(Customer.objects.all(), actor).filter(pk=int(data.customer_id)).first()
        if str(data.customer_id or "").isdigit()
        else None
    )
    if customer is None:
        message = _("Choose a customer in your scope.")
        raise OrderInvalid(message, fields={"customer": message})
    if not customer.is_active and (order is None or order.customer_id != customer.pk):
        message = _("This customer is no longer active.")
        raise OrderInvalid(message, fields={"customer": message})
    return customer


# --- create and update ---------------------------------------------------------------------------


def _prepare(
    data: OrderData,
    lines: Sequence[OrderLineData],
    *,
    actor: User,
    order: Order | None,
) -> tuple[dict[str, Any], list[_Line], Contract | None]:
    """Header values and priced lines of a new or edited draft, or OrderInvalid with every
    header problem at once (lines are checked once the header is right)."""
    errors: dict[str, str] = {}
    channel = order.channel if order is not None else data.channel
    if channel not in OrderChannel.values:
        errors["channel"] = _("Not one of the allowed values.")
    values = _clean_header(data, errors=errors)
    if errors:
        raise OrderInvalid(next(iter(errors.values())), fields=errors)
    if channel == OrderChannel.CONTRACT:
        if order is not None:
            data = replace(data, contract_id=order.contract_id)
        contract = _contract_for(data, actor, lock=True)
        priced = _contract_lines(
            contract, lines, exclude_order_id=order.pk if order is not None else None
        )
        values.update(
            customer=contract.customer,
            contract=contract,
            owner_id=contract.owner_id,
            department_id=contract.department_id,
        )
        if not values["ship_to"]:
            values["ship_to"] = contract.delivery_place
        if not values["payment_terms"]:
            values["payment_terms"] = _payment_summary(contract)
        return values, priced, contract
    customer = _customer_for(data, actor, order)
    owner_id, department_id = (
        (order.owner_id, order.department_id)
        if order is not None and order.customer_id == customer.pk
        else _owner_for(customer, actor)
    )
    owner = User.objects.get(pk=owner_id)
    priced = _direct_lines(customer, values["order_date"], lines, owner=owner)
    values.update(customer=customer, contract=None, owner_id=owner_id, department_id=department_id)
    return values, priced, None


@transaction.atomic
def order_create(*, actor: User, data: OrderData, lines: Sequence[OrderLineData]) -> Order:
    """A new draft ``SO-YYYY-NNNNNN``: from a signed contract in the actor's scope (owner,
    department, prices and units from the contract; never more than remains) or directly for
    a customer in scope (priced like a quote)."""
    values, priced, _contract = _prepare(data, lines, actor=actor, order=None)
    order = Order(channel=data.channel, status=OrderStatus.DRAFT, **values)
    order.total = document_totals_of(priced)
    order.number = next_number(prefix=NUMBER_PREFIX, year=_today().year)
    track(order, actor=actor)
    order.save()
    _store_lines(order, priced)
    return order


def document_totals_of(lines: Sequence[_Line]) -> Decimal:
    return sum((x.amount for x in lines), Decimal(0))


def _lock(order: Order | int, actor: User) -> Order:
    """The order row locked (its contract first, in the documented lock order)."""
    pk = order if isinstance(order, int) else order.pk
    current = Order.objects.filter(pk=pk).only("pk", "contract_id").first()
    if current is None or not can_see(current, actor):
        raise OrderNotFound()
    if current.contract_id:
        _lock_contract_family(current.contract_id)
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("customer", "contract")
        .get(pk=pk)
    )


def _lock_contract_family(contract_id: int) -> None:
    """Lock the current version of the contract ``contract_id`` is a version of: every
    order taking from a contract locks that one row, so two cannot take the last units."""
    root_id = Contract.objects.filter(pk=contract_id).values_list("root_id", flat=True).first()
    # Looks again when an amendment retired the version it waited on (docs/dev/locking.md).
    contract_current_lock(root_id=root_id or contract_id)


@transaction.atomic
def order_update(
    *,
    actor: User,
    order: Order | int,
    expected_version: int,
    data: OrderData,
    lines: Sequence[OrderLineData],
) -> Order:
    """Change a draft (or a returned order), based on the version the editor saw; the
    channel, and a contract order's contract, stay."""
    locked = _lock(order, actor)
    if locked.version != expected_version:
        raise StaleEdit()
    if not locked.is_editable:
        raise OrderNotEditable()
    values, priced, _contract = _prepare(data, lines, actor=actor, order=locked)
    for key, value in values.items():
        setattr(locked, key, value)
    locked.total = document_totals_of(priced)
    locked.version = expected_version + 1
    track(locked, actor=actor)
    locked.save()
    _store_lines(locked, priced)
    return locked


# --- submission and review -----------------------------------------------------------------------


def order_missing(*, order: Order) -> list[str]:
    """What the order still lacks before review, as translated phrases."""
    missing: list[str] = []
    if not order.lines.exists():
        missing.append(_("the order lines"))
    if not order.ship_to.strip():
        missing.append(_("the delivery address"))
    if not order.payment_terms.strip():
        missing.append(_("the payment terms"))
    if order.warehouse_id is None:
        missing.append(_("the warehouse it ships from"))
    return missing


def _recheck(order: Order) -> None:
    """The checks every step repeats: the contract still in force and enough of it left
    (the contract row is locked by ``_lock``), or a direct order's prices within range."""
    if order.contract is not None:
        contract = contract_current(contract=order.contract)
        if contract.status not in IN_FORCE:
            raise OrderInvalid(
                _("Contract %(number)s is no longer in force.") % {"number": contract.number}
            )
        _check_remaining(
            contract,
            [
                (x.product_id, x.unit_id, x.quantity, x.product)
                for x in order.lines.select_related("product")
            ],
            exclude_order_id=order.pk,
        )
    else:
        direct_lines_recheck(order=order)


@transaction.atomic
def order_submit(*, actor: User, order: Order | int) -> Order:
    """Send a draft (or a returned order) to review. Refused, listing them, while lines,
    delivery address, payment terms or warehouse are missing; refused when more is ordered
    than remains of the contract, or a direct order's price is below the float range."""
    locked = _lock(order, actor)
    ensure_transition(locked, to=OrderStatus.SUBMITTED)
    missing = order_missing(order=locked)
    if missing:
        raise OrderInvalid(
            _("The order cannot be submitted; missing: %(what)s.")
            % {"what": "; ".join(str(m) for m in missing)},
            extra={"missing": [str(m) for m in missing]},
        )
    _recheck(locked)
    locked.status = OrderStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    track(locked, actor=actor, reason=_("Submitted for review"))
    locked.save(update_fields=["status", "submitted_at", "updated_at"])
    return locked


def order_author_id(order: Order) -> int | None:
    """Who drafted the order (its first history row)."""
    row = (
        order.history.order_by("history_date", "history_id")  # type: ignore[attr-defined]
        .values_list("history_user_id", flat=True)
        .first()
    )
    return row


def _ensure_reviewer(order: Order, actor: User) -> None:
    if not actor.has_right("orders.review"):
        raise PermissionDenied()
    if "management" not in actor.role_codes and order_author_id(order) == actor.pk:
        raise OwnOrderReview()


@transaction.atomic
def order_return(*, actor: User, order: Order | int, note: str) -> Order:
    """The reviewer sends the order back to its author with a note saying what to change."""
    locked = _lock(order, actor)
    _ensure_reviewer(locked, actor)
    ensure_transition(locked, to=OrderStatus.RETURNED)
    note = (note or "").strip()
    if not note:
        message = _("Say what should be changed.")
        raise OrderInvalid(message, fields={"note": message})
    if len(note) > 2000:
        message = _("At most %(n)s characters.") % {"n": 2000}
        raise OrderInvalid(message, fields={"note": message})
    locked.status = OrderStatus.RETURNED
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.review_note = note
    locked.decided_at = locked.reviewed_at
    track(locked, actor=actor, reason=_("Returned for changes"))
    locked.save(
        update_fields=[
            "status",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "decided_at",
            "updated_at",
        ]
    )
    return locked


def _reserve(order: Order, actor: User) -> None:
    """Stock reserved for every line from the order's warehouse (base unit); a shortage
    raises the stock service's StockShortage and the caller's transaction undoes it all."""
    from xiaoguan.catalog.services.stock import stock_reserve

    if order.warehouse_id is None:
        raise OrderInvalid(_("Choose the warehouse the order ships from."))
    for line in OrderLine.objects.select_for_update().filter(order=order).order_by("position"):
        wanted = line.base_quantity - line.reserved_quantity
        if wanted <= 0:
            continue
        stock_reserve(
            actor=actor,
            warehouse_id=order.warehouse_id,
            product_id=line.product_id,
            quantity=wanted,
            reference=order.number,
        )
        OrderAllocation.objects.create(
            line=line, warehouse_id=order.warehouse_id, quantity=wanted, created_by=actor
        )
        line.reserved_quantity = line.reserved_quantity + wanted
        line.save(update_fields=["reserved_quantity"])


def _confirmed(
    order: Order,
    actor: User,
    *,
    confirmed_by: User | None = None,
    also: Sequence[str] = (),
) -> None:
    ensure_transition(order, to=OrderStatus.CONFIRMED)
    order.status = OrderStatus.CONFIRMED
    order.confirmed_by = confirmed_by or actor
    order.confirmed_at = timezone.now()
    order.decided_at = order.confirmed_at
    track(order, actor=actor, reason=_("Confirmed with the customer"))
    order.save(
        update_fields=[
            "status",
            "confirmed_by",
            "confirmed_at",
            "decided_at",
            "updated_at",
            *also,
        ]
    )
    if order.contract_id is None:
        registries.order_confirmed.send(order=order, actor=actor)


@transaction.atomic
def order_confirm(
    *, actor: User, order: Order | int, confirmation_note: str, review_note: str = ""
) -> Order:
    """The reviewer confirms the order with the customer (saying how). Credit control runs
    first: a blocked customer puts the order on credit hold (the hold with its figures is
    kept; the caller shows it). Otherwise stock is reserved line by line from the order's
    warehouse; a shortage refuses the confirmation and nothing is reserved."""
    locked = _lock(order, actor)
    _ensure_reviewer(locked, actor)
    if locked.status != OrderStatus.SUBMITTED:
        raise InvalidTransition()  # an order on credit hold waits for finance or a re-check
    errors: dict[str, str] = {}
    confirmation_note = _text(confirmation_note, limit=300, name="confirmation_note", errors=errors)
    if not confirmation_note:
        errors["confirmation_note"] = _(
            "Say how the order was confirmed with the customer (who, when, how)."
        )
    review_note = _text(review_note, limit=2000, name="review_note", errors=errors, join=False)
    if errors:
        raise OrderInvalid(next(iter(errors.values())), fields=errors)
    missing = order_missing(order=locked)
    if missing:
        raise OrderInvalid(
            _("The order cannot be confirmed; missing: %(what)s.")
            % {"what": "; ".join(str(m) for m in missing)}
        )
    _recheck(locked)
    now = timezone.now()
    locked.reviewed_by = actor
    locked.reviewed_at = now
    locked.review_note = review_note
    locked.confirmation_note = confirmation_note
    hold = credit_gate(order=locked, stage=CreditStage.ORDER, amount=locked.total, actor=actor)
    if hold is not None:
        ensure_transition(locked, to=OrderStatus.CREDIT_HOLD)
        locked.status = OrderStatus.CREDIT_HOLD
        locked.decided_at = now
        track(locked, actor=actor, reason=_("Blocked by credit control"))
        locked.save(
            update_fields=[
                "status",
                "reviewed_by",
                "reviewed_at",
                "review_note",
                "confirmation_note",
                "decided_at",
                "updated_at",
            ]
        )
        return locked
    _reserve(locked, actor)
    _confirmed(
        locked, actor, also=("reviewed_by", "reviewed_at", "review_note", "confirmation_note")
    )
    return locked


def _confirm_after_hold(order: Order, actor: User) -> Order:
    """An order on credit hold whose hold is released or cleared: confirmed with the note the
    reviewer recorded (stock reserved now); when stock is short by then, it goes back to
    review with the shortage in its review note."""
    from xiaoguan.catalog.errors import StockShortage

    if order.status != OrderStatus.CREDIT_HOLD:
        return order
    try:
        with transaction.atomic():
            _reserve(order, actor)
    except StockShortage as exc:
        order.status = OrderStatus.SUBMITTED
        order.review_note = _("Credit released, but the order could not be confirmed: %(why)s") % {
            "why": exc.message
        }
        track(order, actor=actor, reason=_("Back to review: stock short"))
        order.save(update_fields=["status", "review_note", "updated_at"])
        return order
    _confirmed(order, actor, confirmed_by=order.reviewed_by)
    return order


def order_confirm_released(*, hold: CreditHold, actor: User) -> None:
    """Finance released the order's credit hold (approvals callback, inside its
    transaction)."""
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=hold.order_id)
    )
    _confirm_after_hold(order, actor)


@transaction.atomic
def order_credit_recheck(*, actor: User, order: Order | int) -> Order:
    """A reviewer checks an order on credit hold again (the customer paid, or the limit was
    raised): within limits now, the hold is cleared and the order confirmed."""
    locked = _lock(order, actor)
    if not actor.has_right("orders.review"):
        raise PermissionDenied()
    if locked.status != OrderStatus.CREDIT_HOLD:
        raise Conflict(_("The order is not on credit hold."))
    hold = credit_gate(order=locked, stage=CreditStage.ORDER, amount=locked.total, actor=actor)
    if hold is not None:
        return locked
    return _confirm_after_hold(locked, actor)


# --- cancel ---------------------------------------------------------------------------------------


def _release(order: Order, actor: User) -> None:
    """What is still reserved for the order goes back to available stock."""
    from xiaoguan.catalog.services.stock import stock_release

    allocations = OrderAllocation.objects.select_for_update().filter(line__order=order)
    for allocation in allocations.select_related("line").order_by("pk"):
        left = allocation.quantity - allocation.issued - allocation.released
        if left <= 0:
            continue
        stock_release(
            actor=actor,
            warehouse_id=allocation.warehouse_id,
            product_id=allocation.line.product_id,
            quantity=left,
            reference=order.number,
        )
        allocation.released = allocation.released + left
        allocation.save(update_fields=["released"])
        line = OrderLine.objects.select_for_update().get(pk=allocation.line_id)
        line.reserved_quantity = max(line.reserved_quantity - left, Decimal(0))
        line.save(update_fields=["reserved_quantity"])


@transaction.atomic
def order_cancel(*, actor: User, order: Order | int, reason: str) -> Order:
    """Call off an order before anything is shipped, saying why: its reservations are
    released, its credit holds end, and the ``order_cancelled`` handlers run."""
    locked = _lock(order, actor)
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why the order is cancelled.")
        raise OrderInvalid(message, fields={"reason": message})
    if len(reason) > 2000:
        message = _("At most %(n)s characters.") % {"n": 2000}
        raise OrderInvalid(message, fields={"reason": message})
    if locked.status not in CANCELLABLE:
        raise Conflict(_("Only an order with nothing shipped can be cancelled."))
    ensure_transition(locked, to=OrderStatus.CANCELLED)
    if Shipment.objects.filter(order=locked).exclude(status=ShipmentStatus.CANCELLED).exists():
        raise Conflict(_("The order has shipments; cancel the prepared shipments first."))
    _release(locked, actor)
    credit_holds_cancel(order=locked, actor=actor)
    locked.status = OrderStatus.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.cancel_reason = reason
    track(locked, actor=actor, reason=_("Cancelled"))
    locked.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    registries.order_cancelled.send(order=locked, actor=actor)
    return locked


# --- shipping progress -----------------------------------------------------------------------------


@transaction.atomic
def order_shipping_progress(*, order: Order | int, actor: User) -> Order:
    """Called by the shipping services after they change the lines' shipped quantities or a
    shipment's status: the shipped amount (value of what was shipped, at the order's prices)
    and the status are recomputed — partly shipped, shipped (every line in full), completed
    (shipped in full and every shipment delivered)."""
    pk = order if isinstance(order, int) else order.pk
    locked = Order.objects.select_for_update().get(pk=pk)
    lines = list(OrderLine.objects.filter(order=locked))
    shipped_amount = Decimal(0)
    any_shipped = False
    all_shipped = bool(lines)
    for line in lines:
        if line.shipped_quantity >= line.quantity:
            shipped_amount += line.amount
        else:
            all_shipped = False
            shipped_amount += (line.shipped_quantity * line.unit_price).quantize(CENT)
        if line.shipped_quantity > 0:
            any_shipped = True
    target = locked.status
    if all_shipped:
        undelivered = (
            Shipment.objects.filter(order=locked)
            .exclude(status__in=(ShipmentStatus.DELIVERED, ShipmentStatus.CANCELLED))
            .exists()
        )
        target = OrderStatus.SHIPPED if undelivered else OrderStatus.COMPLETED
    elif any_shipped:
        target = OrderStatus.PARTLY_SHIPPED
    fields = ["updated_at"]
    if locked.shipped_amount != shipped_amount:
        locked.shipped_amount = shipped_amount
        fields.append("shipped_amount")
    steps: list[str] = []
    if target != locked.status and locked.status not in (
        OrderStatus.COMPLETED,
        OrderStatus.CANCELLED,
    ):
        if target == OrderStatus.COMPLETED and locked.status in (OrderStatus.CONFIRMED,):
            steps = [OrderStatus.SHIPPED, OrderStatus.COMPLETED]
        else:
            steps = [target]
    if not steps:
        if len(fields) > 1:
            track(locked, actor=actor)
            locked.save(update_fields=fields)
        return locked
    for step in steps:
        ensure_transition(locked, to=step)
        locked.status = step
        update = [*fields, "status"]
        if step == OrderStatus.COMPLETED:
            locked.completed_at = timezone.now()
            update.append("completed_at")
        track(locked, actor=actor)
        locked.save(update_fields=update)
        fields = ["updated_at"]
    return locked


__all__ = [
    "OrderData",
    "OrderLineData",
    "order_cancel",
    "order_confirm",
    "order_create",
    "order_credit_recheck",
    "order_return",
    "order_shipping_progress",
    "order_submit",
    "order_update",
]
