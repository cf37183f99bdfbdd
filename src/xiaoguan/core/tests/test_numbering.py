import pytest

from xiaoguan.core.numbering import next_number


@pytest.mark.django_db
def test_numbers_are_sequential_per_prefix_and_year():
    # when
    first = next_number(prefix="HT", year=2026)
    second = next_number(prefix="HT", year=2026)
    other_year = next_number(prefix="HT", year=2027)
    other_prefix = next_number(prefix="QT", year=2026)
    # then
    assert (first, second, other_year, other_prefix) == (
        "HT-2026-000001",
        "HT-2026-000002",
        "HT-2027-000001",
        "QT-2026-000001",
    )


@pytest.mark.django_db
def test_rejects_a_malformed_prefix():
    with pytest.raises(ValueError):
        next_number(prefix="ht; drop table", year=2026)
