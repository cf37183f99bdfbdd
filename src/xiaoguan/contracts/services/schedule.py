"""The arithmetic of a payment schedule (付款方式, R-CON-1): instalments as a percent of the
contract total or a fixed amount; together they add up to the total to the cent.

Rules (one place, used by drafting, submission and the form's preview):

* each instalment has a percent XOR an amount (never both, never neither);
* a percent instalment is ``total × percent / 100`` rounded half-up to the cent; the LAST
  percent instalment takes the rounding difference, so the schedule adds up exactly;
* the percents of a schedule without fixed amounts add up to exactly 100 %; with fixed
  amounts, the percents cover the rest of the total (to two decimals of a percent);
* a retention (质保金) falls due at the end of the warranty (its trigger is forced);
* every instalment is at least ¥0.01.

A schedule that does not add up is refused with a message naming the gap, e.g. "the
instalments add up to ¥95,000.00, ¥5,000.00 short of the total".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from xiaoguan.contracts.enums import PaymentTrigger
from xiaoguan.contracts.errors import ScheduleInvalid

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
MAX_TERMS = 20
MAX_DAYS = 3650
MAX_AMOUNT = Decimal("99999999999999.99")


@dataclass(frozen=True)
class PaymentTermData:
    """One instalment as a user writes it: an allow-list."""

    label: str
    trigger: str
    days_after: int = 0
    percent: Decimal | None = None
    amount: Decimal | None = None
    is_retention: bool = False


def money_text(value: Decimal) -> str:
    """¥ with thousands separators and two decimals (messages and rendered clauses)."""
    return f"¥{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def percent_text(value: Decimal) -> str:
    text = f"{Decimal(value).quantize(CENT):f}".rstrip("0").rstrip(".")
    return f"{text} %"


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValueError from None
    if not number.is_finite():
        raise ValueError
    return number


def clean_terms(terms: Sequence[PaymentTermData]) -> list[PaymentTermData]:
    """Check each instalment on its own (label, trigger, days, percent XOR amount); return
    them normalised (decimals, retention due at the end of the warranty)."""
    if len(terms) > MAX_TERMS:
        raise ScheduleInvalid(
            _("At most %(n)s instalments.") % {"n": MAX_TERMS},
            fields={"terms": _("At most %(n)s instalments.") % {"n": MAX_TERMS}},
        )
    errors: dict[str, str] = {}
    cleaned: list[PaymentTermData] = []
    for index, term in enumerate(terms, start=1):
        key = f"terms.{index}"
        label = " ".join((term.label or "").split())
        if not label:
            errors[key] = _("Instalment %(n)s: give it a name.") % {"n": index}
            continue
        if len(label) > 60:
            errors[key] = _("Instalment %(n)s: at most 60 characters in the name.") % {"n": index}
            continue
        trigger = PaymentTrigger.WARRANTY_END if term.is_retention else term.trigger
        if trigger not in PaymentTrigger.values:
            errors[key] = _("Instalment %(n)s: choose when it falls due.") % {"n": index}
            continue
        try:
            days = int(term.days_after or 0)
        except (TypeError, ValueError):
            days = -1
        if days < 0 or days > MAX_DAYS:
            errors[key] = _("Instalment %(n)s: the days after the event are 0 to %(max)s.") % {
                "n": index,
                "max": MAX_DAYS,
            }
            continue
        try:
            percent = _decimal(term.percent)
            amount = _decimal(term.amount)
        except ValueError:
            errors[key] = _("Instalment %(n)s: enter a valid number.") % {"n": index}
            continue
        if (percent is None) == (amount is None):
            errors[key] = _("Instalment %(n)s: give either a percent or an amount.") % {"n": index}
            continue
        if percent is not None and (
            percent <= 0 or percent > HUNDRED or percent != percent.quantize(CENT)
        ):
            errors[key] = _(
                "Instalment %(n)s: the percent is more than 0 and at most 100, "
                "with at most two decimals."
            ) % {"n": index}
            continue
        if amount is not None and (
            amount <= 0 or amount > MAX_AMOUNT or amount != amount.quantize(CENT)
        ):
            errors[key] = _("Instalment %(n)s: the amount is more than ¥0.00, to the cent.") % {
                "n": index
            }
            continue
        cleaned.append(
            replace(
                term,
                label=label,
                trigger=trigger,
                days_after=days,
                percent=percent,
                amount=amount,
                is_retention=bool(term.is_retention),
            )
        )
    if errors:
        first = next(iter(errors.values()))
        raise ScheduleInvalid(first, fields=errors)
    return cleaned


def _gap_error(*, scheduled: Decimal, total: Decimal) -> ScheduleInvalid:
    gap = total - scheduled
    if gap > 0:
        message = _(
            "The instalments add up to %(sum)s, %(gap)s short of the total of %(total)s."
        ) % {"sum": money_text(scheduled), "gap": money_text(gap), "total": money_text(total)}
    else:
        message = _(
            "The instalments add up to %(sum)s, %(gap)s more than the total of %(total)s."
        ) % {"sum": money_text(scheduled), "gap": money_text(-gap), "total": money_text(total)}
    return ScheduleInvalid(message, fields={"terms": message})


def schedule_amounts(*, total: Decimal, terms: Sequence[PaymentTermData]) -> list[Decimal]:
    """The amount of each instalment, in order; they add up to ``total`` exactly, or the
    schedule is refused (``ScheduleInvalid``) with the gap in its message."""
    terms = clean_terms(terms)
    total = Decimal(total).quantize(CENT, rounding=ROUND_HALF_UP)
    if not terms:
        return []
    if total <= 0:
        message = _("Add the contract lines before the payment schedule: the total is ¥0.00.")
        raise ScheduleInvalid(message, fields={"terms": message})
    fixed = sum((t.amount for t in terms if t.amount is not None), Decimal("0.00"))
    percents = [t.percent for t in terms if t.percent is not None]
    percent_sum = sum(percents, Decimal(0))
    if not percents:
        if fixed != total:
            raise _gap_error(scheduled=fixed, total=total)
        return [t.amount for t in terms if t.amount is not None]
    if fixed == 0 and percent_sum != HUNDRED:
        gap = HUNDRED - percent_sum
        if gap > 0:
            message = _("The percentages add up to %(sum)s, %(gap)s short of 100 %%.") % {
                "sum": percent_text(percent_sum),
                "gap": percent_text(gap),
            }
        else:
            message = _("The percentages add up to %(sum)s, %(gap)s more than 100 %%.") % {
                "sum": percent_text(percent_sum),
                "gap": percent_text(-gap),
            }
        raise ScheduleInvalid(message, fields={"terms": message})
    rest = total - fixed
    needed = (rest * HUNDRED / total).quantize(CENT, rounding=ROUND_HALF_UP)
    if rest <= 0 or percent_sum != needed:
        scheduled = fixed + (total * percent_sum / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
        if scheduled != total:
            raise _gap_error(scheduled=scheduled, total=total)
        # Off only by the rounding of a percent: say which percent would cover the rest.
        message = _(
            "The percentages add up to %(sum)s; to cover the rest of %(rest)s they must add "
            "up to %(needed)s."
        ) % {
            "sum": percent_text(percent_sum),
            "rest": money_text(rest),
            "needed": percent_text(needed),
        }
        raise ScheduleInvalid(message, fields={"terms": message})
    last_percent = max(i for i, t in enumerate(terms) if t.percent is not None)
    amounts: list[Decimal] = []
    for index, term in enumerate(terms):
        if term.amount is not None:
            amounts.append(term.amount)
        elif index == last_percent:
            amounts.append(Decimal(0))  # filled below
        else:
            assert term.percent is not None
            amounts.append((total * term.percent / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP))
    amounts[last_percent] = total - (sum(amounts, Decimal(0)))
    for index, amount in enumerate(amounts, start=1):
        if amount < CENT:
            message = _(
                "Instalment %(n)s would be %(amount)s: the total of %(total)s is too small "
                "for this split."
            ) % {"n": index, "amount": money_text(amount), "total": money_text(total)}
            raise ScheduleInvalid(message, fields={"terms": message})
    return amounts
