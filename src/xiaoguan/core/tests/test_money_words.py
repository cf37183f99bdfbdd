"""Capital numerals of an amount (大写金额) as printed on quotes and contracts."""

from decimal import Decimal

import pytest

from xiaoguan.core.money_words import amount_in_chinese_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "人民币零元整"),
        ("0.05", "人民币伍分"),
        ("0.50", "人民币伍角整"),
        ("1", "人民币壹元整"),
        ("10", "人民币壹拾元整"),
        ("15.30", "人民币壹拾伍元叁角整"),
        ("100.05", "人民币壹佰元零伍分"),
        ("105", "人民币壹佰零伍元整"),
        ("1010.10", "人民币壹仟零壹拾元壹角整"),
        ("10050.30", "人民币壹万零伍拾元叁角整"),
        ("12345.67", "人民币壹万贰仟叁佰肆拾伍元陆角柒分"),
        ("100000", "人民币壹拾万元整"),
        ("500000", "人民币伍拾万元整"),
        ("1000001", "人民币壹佰万零壹元整"),
        ("20010000", "人民币贰仟零壹万元整"),
        ("100000005", "人民币壹亿零伍元整"),
        ("100001000", "人民币壹亿零壹仟元整"),
        ("123456789.12", "人民币壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"),
        ("-3.5", "人民币负叁元伍角整"),
        ("2.345", "人民币贰元叁角伍分"),  # rounded half-up to the fen
    ],
)
def test_amount_in_chinese_words(amount, words):
    assert amount_in_chinese_words(Decimal(amount)) == words


def test_without_prefix():
    assert amount_in_chinese_words(Decimal("8"), prefix="") == "捌元整"


def test_too_large_refused():
    with pytest.raises(ValueError):
        amount_in_chinese_words(Decimal("1e17"))
