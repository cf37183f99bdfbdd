"""The versions of a contract and what changed between two of them (R-CON-5): line by line
(added, removed, changed quantity, price or amount), the header terms (delivery, totals,
after-sales) and the payment schedule."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from xiaoguan.contracts.enums import PaymentTrigger
from xiaoguan.contracts.errors import ContractNotFound
from xiaoguan.contracts.models import Contract, ContractLine, PaymentTerm
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible

# Header fields compared between versions, in the order the page shows them.
HEADER_FIELDS = (
    "title",
    "total",
    "delivery_date",
    "delivery_place",
    "delivery_terms",
    "installation_required",
    "warranty_months",
    "inspection_cycle_months",
    "after_sales_terms",
    "end_on",
    "notes",
)
LINE_FIELDS = ("quantity", "unit_price", "discount", "amount", "spec")
TERM_FIELDS = ("label", "trigger", "days_after", "percent", "amount", "is_retention")


def quantity_text(value: Decimal) -> str:
    """A quantity as people write it: 120, 12.5 (never 120.000 or 1.2E+2)."""
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: Any
    new: Any

    @property
    def is_money(self) -> bool:
        return self.name == "total"


@dataclass(frozen=True)
class LineChange:
    """One product line compared: ``kind`` is "added", "removed", "changed" or "same";
    ``changed`` names the fields that differ (quantity, unit_price, discount, amount, spec)."""

    kind: str
    product_name: str
    product_code: str
    unit_name: str
    old: ContractLine | None
    new: ContractLine | None
    changed: frozenset[str] = field(default_factory=frozenset)

    @property
    def old_quantity(self) -> str:
        return quantity_text(self.old.quantity) if self.old else ""

    @property
    def new_quantity(self) -> str:
        return quantity_text(self.new.quantity) if self.new else ""

    @property
    def quantity_delta_text(self) -> str:
        delta = self.quantity_delta
        return ("+" if delta > 0 else "") + quantity_text(delta) if delta else ""

    @property
    def quantity_delta(self) -> Decimal:
        return (self.new.quantity if self.new else Decimal(0)) - (
            self.old.quantity if self.old else Decimal(0)
        )

    @property
    def amount_delta(self) -> Decimal:
        return (self.new.amount if self.new else Decimal(0)) - (
            self.old.amount if self.old else Decimal(0)
        )


@dataclass(frozen=True)
class TermChange:
    """One instalment of the schedule compared by its position."""

    kind: str
    position: int
    old: PaymentTerm | None
    new: PaymentTerm | None
    changed: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ContractDiff:
    old: Contract
    new: Contract
    header: list[FieldChange]
    lines: list[LineChange]
    terms: list[TermChange]

    @property
    def total_delta(self) -> Decimal:
        return self.new.total - self.old.total

    @property
    def changed_lines(self) -> list[LineChange]:
        return [c for c in self.lines if c.kind != "same"]

    @property
    def changed_terms(self) -> list[TermChange]:
        return [c for c in self.terms if c.kind != "same"]

    @property
    def has_changes(self) -> bool:
        return bool(self.header or self.changed_lines or self.changed_terms)


def contract_versions(*, contract: Contract, user: User) -> QuerySet[Contract]:
    """Every version of the contract the user may see, oldest first."""
    root_id = contract.root_id or contract.pk
    return visible(Contract.objects.filter(Q(pk=root_id) | Q(root_id=root_id)), user).order_by(
        "version_no", "pk"
    )


def contract_version_pair(
    *, user: User, contract: Contract, old_id: int | None, new_id: int | None
) -> tuple[Contract, Contract]:
    """Two versions of the same contract to compare, both in the user's scope; by default
    ``contract`` and the version it amends. Anything else: not found."""
    versions = {c.pk: c for c in contract_versions(contract=contract, user=user)}
    if new_id is None and old_id is None:
        new_id, old_id = contract.pk, contract.amends_id
    elif new_id is None:
        new_id = contract.pk
    elif old_id is None:
        new_version = versions.get(new_id)
        old_id = new_version.amends_id if new_version else None
    old = versions.get(old_id) if old_id is not None else None
    new = versions.get(new_id)
    if old is None or new is None or old.pk == new.pk:
        raise ContractNotFound()
    if old.version_no > new.version_no:
        old, new = new, old
    return old, new


def _lines(contract: Contract) -> list[ContractLine]:
    return list(
        ContractLine.objects.filter(contract=contract)
        .select_related("product", "unit")
        .order_by("position")
    )


def _match_lines(
    old_lines: list[ContractLine], new_lines: list[ContractLine]
) -> list[tuple[ContractLine | None, ContractLine | None]]:
    """Pair lines of the same product and unit: same specification first, then in order."""
    pairs: list[tuple[ContractLine | None, ContractLine | None]] = []
    unmatched_new = list(new_lines)
    unmatched_old: list[ContractLine] = []
    for old in old_lines:
        found = next(
            (
                n
                for n in unmatched_new
                if (n.product_id, n.unit_id, n.spec) == (old.product_id, old.unit_id, old.spec)
            ),
            None,
        )
        if found is None:
            unmatched_old.append(old)
            continue
        unmatched_new.remove(found)
        pairs.append((old, found))
    for old in unmatched_old:
        found = next(
            (
                n
                for n in unmatched_new
                if (n.product_id, n.unit_id) == (old.product_id, old.unit_id)
            ),
            None,
        )
        if found is not None:
            unmatched_new.remove(found)
        pairs.append((old, found))
    pairs.extend((None, n) for n in unmatched_new)
    # In the order of the new version, removed lines where they stood in the old one.
    new_pos = {n.pk: i for i, n in enumerate(new_lines)}
    old_pos = {o.pk: i for i, o in enumerate(old_lines)}

    def key(pair: tuple[ContractLine | None, ContractLine | None]) -> tuple[int, int]:
        old, new = pair
        if new is not None:
            return (new_pos[new.pk], 1)
        assert old is not None
        return (old_pos[old.pk], 0)

    return sorted(pairs, key=key)


def _line_change(old: ContractLine | None, new: ContractLine | None) -> LineChange:
    line = new or old
    assert line is not None
    if old is None:
        kind, changed = "added", frozenset(LINE_FIELDS)
    elif new is None:
        kind, changed = "removed", frozenset(LINE_FIELDS)
    else:
        changed = frozenset(f for f in LINE_FIELDS if getattr(old, f) != getattr(new, f))
        kind = "changed" if changed else "same"
    return LineChange(
        kind=kind,
        product_name=line.product.name,
        product_code=line.product.code,
        unit_name=line.unit.name,
        old=old,
        new=new,
        changed=changed,
    )


def _display(contract: Contract, name: str) -> Any:
    value = getattr(contract, name)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return value


def _header(old: Contract, new: Contract) -> list[FieldChange]:
    changes = []
    for name in HEADER_FIELDS:
        if getattr(old, name) != getattr(new, name):
            label = str(getattr(Contract._meta.get_field(name), "verbose_name", name))
            changes.append(
                FieldChange(
                    name=name, label=label, old=_display(old, name), new=_display(new, name)
                )
            )
    return changes


def _terms(old: Contract, new: Contract) -> list[TermChange]:
    olds = {t.position: t for t in PaymentTerm.objects.filter(contract=old)}
    news = {t.position: t for t in PaymentTerm.objects.filter(contract=new)}
    result = []
    for position in sorted(set(olds) | set(news)):
        o, n = olds.get(position), news.get(position)
        if o is None:
            result.append(TermChange("added", position, None, n, frozenset(TERM_FIELDS)))
        elif n is None:
            result.append(TermChange("removed", position, o, None, frozenset(TERM_FIELDS)))
        else:
            changed = frozenset(f for f in TERM_FIELDS if getattr(o, f) != getattr(n, f))
            result.append(TermChange("changed" if changed else "same", position, o, n, changed))
    return result


def contract_diff(*, old: Contract, new: Contract) -> ContractDiff:
    """What changed from ``old`` to ``new`` (two versions of one contract): a constant number
    of queries whatever the number of lines."""
    pairs = _match_lines(_lines(old), _lines(new))
    return ContractDiff(
        old=old,
        new=new,
        header=_header(old, new),
        lines=[_line_change(o, n) for o, n in pairs],
        terms=_terms(old, new),
    )


def trigger_label(value: str) -> str:
    try:
        return str(PaymentTrigger(value).label)
    except ValueError:
        return value
