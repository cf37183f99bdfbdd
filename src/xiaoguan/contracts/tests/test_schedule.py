"""The arithmetic of a payment schedule (``services.schedule``): percents and amounts add up
to the contract total to the cent, the last percent instalment absorbs the rounding, and a
schedule that does not add up is refused with the gap in its message."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiaoguan.contracts.errors import ScheduleInvalid
from xiaoguan.contracts.services.schedule import PaymentTermData, schedule_amounts

D = Decimal


def pct(*values: str) -> list[PaymentTermData]:
    return [PaymentTermData(f"第{i}期", "delivery", percent=D(v)) for i, v in enumerate(values, 1)]


def test_percent_terms_round_half_up_and_the_last_absorbs_the_cents():
    assert schedule_amounts(total=D("100.00"), terms=pct("33.33", "33.33", "33.34")) == [
        D("33.33"),
        D("33.33"),
        D("33.34"),
    ]
    assert schedule_amounts(total=D("0.10"), terms=pct("33.33", "33.33", "33.34")) == [
        D("0.03"),
        D("0.03"),
        D("0.04"),
    ]
    # 1,234.57 × 30 % = 370.371 → 370.37; × 60 % = 740.742 → 740.74; the rest 123.46
    assert schedule_amounts(total=D("1234.57"), terms=pct("30", "60", "10")) == [
        D("370.37"),
        D("740.74"),
        D("123.46"),
    ]


def test_amounts_and_percents_combined_cover_the_total():
    terms = [
        PaymentTermData("定金", "signing", amount=D("10000.00")),
        PaymentTermData("发货款", "before_shipment", percent=D("80")),
        PaymentTermData("质保金", "delivery", percent=D("10"), is_retention=True),
    ]
    assert schedule_amounts(total=D("100000.00"), terms=terms) == [
        D("10000.00"),
        D("80000.00"),
        D("10000.00"),
    ]


def test_all_amounts_must_equal_the_total():
    terms = [
        PaymentTermData("预付款", "signing", amount=D("30000")),
        PaymentTermData("尾款", "acceptance", amount=D("70000")),
    ]
    assert schedule_amounts(total=D("100000"), terms=terms) == [D("30000"), D("70000")]
    with pytest.raises(ScheduleInvalid) as exc:
        schedule_amounts(total=D("100000.01"), terms=terms)
    assert str(exc.value.message) == (
        "The instalments add up to ¥100,000.00, ¥0.01 short of the total of ¥100,000.01."
    )
    with pytest.raises(ScheduleInvalid) as exc:
        schedule_amounts(total=D("90000"), terms=terms)
    assert "¥10,000.00 more than the total of ¥90,000.00" in str(exc.value.message)


def test_percents_must_add_up_to_100():
    with pytest.raises(ScheduleInvalid) as exc:
        schedule_amounts(total=D("1000"), terms=pct("30", "60", "15"))
    assert str(exc.value.message) == "The percentages add up to 105 %, 5 % more than 100 %."


def test_mixed_schedule_names_the_gap_in_money():
    terms = [
        PaymentTermData("定金", "signing", amount=D("10000")),
        PaymentTermData("尾款", "acceptance", percent=D("85")),
    ]
    with pytest.raises(ScheduleInvalid) as exc:
        schedule_amounts(total=D("100000"), terms=terms)
    assert str(exc.value.message) == (
        "The instalments add up to ¥95,000.00, ¥5,000.00 short of the total of ¥100,000.00."
    )


@pytest.mark.parametrize(
    ("term", "words"),
    [
        (PaymentTermData("a", "signing"), "either a percent or an amount"),
        (PaymentTermData("a", "signing", percent=D(50), amount=D(5)), "either a percent"),
        (PaymentTermData("a", "signing", percent=D(0)), "more than 0 and at most 100"),
        (PaymentTermData("a", "signing", percent=D("100.5")), "more than 0 and at most 100"),
        (PaymentTermData("a", "signing", percent=D("33.333")), "at most two decimals"),
        (PaymentTermData("a", "signing", amount=D("-1")), "more than ¥0.00"),
        (PaymentTermData("a", "signing", amount=D("0.001")), "to the cent"),
        (PaymentTermData("", "signing", amount=D(1)), "give it a name"),
        (PaymentTermData("a", "someday", amount=D(1)), "choose when it falls due"),
        (PaymentTermData("a", "signing", days_after=-1, amount=D(1)), "days after the event"),
    ],
)
def test_each_instalment_is_checked(term, words):
    with pytest.raises(ScheduleInvalid) as exc:
        schedule_amounts(total=D(1), terms=[term])
    assert words in str(exc.value.message)


def test_a_split_too_fine_for_a_tiny_total_is_refused():
    with pytest.raises(ScheduleInvalid) as exc:
        schedule_amounts(total=D("0.02"), terms=pct("33.33", "33.33", "33.34"))
    assert "Instalment 3 would be ¥0.00" in str(exc.value.message)


def test_a_retention_falls_due_at_the_end_of_the_warranty():
    from xiaoguan.contracts.services.schedule import clean_terms

    (term,) = clean_terms(
        [PaymentTermData("质保金", "delivery", percent=D(100), is_retention=True)]
    )
    assert term.trigger == "warranty_end"


@st.composite
def percent_split(draw):
    """2 to 6 percents of at least 1 % each, two decimals, adding up to exactly 100 %."""
    n = draw(st.integers(min_value=2, max_value=6))
    cuts = sorted(
        draw(
            st.lists(
                st.integers(min_value=100, max_value=9900),
                min_size=n - 1,
                max_size=n - 1,
                unique=True,
            )
        )
    )
    bounds = [0, *cuts, 10000]
    parts = [b - a for a, b in itertools.pairwise(bounds)]
    if min(parts) < 100:
        parts = [10000 // n] * (n - 1) + [10000 - (10000 // n) * (n - 1)]
    return [D(p) / 100 for p in parts]


@settings(max_examples=300, deadline=None)
@given(
    total=st.decimals(min_value=D("1.00"), max_value=D("99999999999.99"), places=2),
    split=percent_split(),
)
def test_property_percent_schedules_add_up_to_the_total_to_the_cent(total, split):
    """Percent schedules add up to the total to the cent; only a total so small that the
    rounding leaves an instalment at ¥0.00 (below ¥100, where 1 % is under ¥1) is refused."""
    terms = [PaymentTermData(f"第{i}期", "delivery", percent=p) for i, p in enumerate(split, 1)]
    try:
        amounts = schedule_amounts(total=total, terms=terms)
    except ScheduleInvalid:
        assert total < D("100.00")
        return
    assert sum(amounts) == total
    assert all(a >= D("0.01") for a in amounts)
    assert all(a == a.quantize(D("0.01")) for a in amounts)


@settings(max_examples=200, deadline=None)
@given(
    total=st.decimals(min_value=D("100.00"), max_value=D("9999999.99"), places=2),
    fixed=st.decimals(min_value=D("0.01"), max_value=D("0.99"), places=2),
    split=percent_split(),
)
def test_property_mixed_schedules_add_up_or_are_refused(total, fixed, split):
    """An amount plus percents covering the rest: either exactly the total, or a refusal."""
    amount = (total * fixed).quantize(D("0.01"))
    rest_percent = ((total - amount) * 100 / total).quantize(D("0.01"))
    scaled = [(p * rest_percent / 100).quantize(D("0.01")) for p in split]
    scaled[-1] = rest_percent - sum(scaled[:-1])
    if min(scaled) <= 0:
        return
    terms = [PaymentTermData("定金", "signing", amount=amount)] + [
        PaymentTermData(f"第{i}期", "delivery", percent=p) for i, p in enumerate(scaled, 1)
    ]
    try:
        amounts = schedule_amounts(total=total, terms=terms)
    except ScheduleInvalid:
        return
    assert sum(amounts) == total
    assert all(a >= D("0.01") for a in amounts)


def test_refuses_a_schedule_whose_rounding_leaves_an_instalment_at_zero():
    # given ¥1.00 split 32.5 / 32.5 / 33.5 / 1.5 %: the first three round up to ¥1.00
    terms = [
        PaymentTermData(f"第{i}期", "delivery", percent=D(p))
        for i, p in enumerate(["32.5", "32.5", "33.5", "1.5"], 1)
    ]
    # when / then: the last instalment would be ¥0.00, which is refused, not stored
    with pytest.raises(ScheduleInvalid):
        schedule_amounts(total=D("1.00"), terms=terms)
