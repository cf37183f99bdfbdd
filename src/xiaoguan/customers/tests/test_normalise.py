import pytest

from xiaoguan.customers.normalise import (
    credit_code_is_valid,
    normalise_credit_code,
    normalise_name,
    normalise_phone,
    phone_is_valid,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("上海安消消防设备有限公司", "上海安消消防设备有限责任公司"),
        ("上海安消消防设备有限公司", "上海安消消防设备股份有限公司"),
        ("上海安消消防设备有限公司", "上海安消消防设备公司"),
        ("上海 安消 消防设备 有限公司", "上海安消消防设备有限公司"),
        ("ＡＢＣ消防（上海）有限公司", "abc消防(上海)有限公司"),
        ("Abc Fire Co", "abcfireco"),
        ("上海安消消防设备有限公司", "上海安消消防设备有限公司　"),  # ideographic space
    ],
)
def test_names_that_read_the_same_normalise_equal(a, b):
    # given two spellings of one company / when normalised / then equal
    assert normalise_name(a) == normalise_name(b)


def test_different_companies_stay_different():
    # given / when / then
    assert normalise_name("上海安消消防设备有限公司") != normalise_name("上海安消消防器材有限公司")
    assert normalise_name("上海安消消防设备有限公司") == "上海安消消防设备公司"
    assert normalise_name("公司") == "公司"


def test_credit_code_check_character():
    # given a real-shaped code with its check character, and the same with a wrong one
    good = "914403001922038216"
    # when / then
    assert credit_code_is_valid(good) is True
    assert credit_code_is_valid("91330100799655058B") is True
    assert credit_code_is_valid(good[:-1] + "7") is False
    assert credit_code_is_valid(good[:-1]) is False
    assert credit_code_is_valid("9144030019220382I6") is False  # I is not in the alphabet
    assert normalise_credit_code(" ９１４４0300192203821６ ") == good


@pytest.mark.parametrize(
    ("raw", "digits", "valid"),
    [
        ("138 1234 5678", "13812345678", True),
        ("+86 138-1234-5678", "13812345678", True),
        ("０２１－６２３４５６７８", "02162345678", True),
        ("021-62345678转801", "02162345678", True),
        ("400-820-8820", "4008208820", True),
        ("12812345678", "12812345678", False),
        ("1381234567", "1381234567", False),
        ("call me", "", False),
    ],
)
def test_phone_normalised_and_checked(raw, digits, valid):
    # given / when / then
    assert normalise_phone(raw) == digits
    assert phone_is_valid(raw) is valid
