"""An amount in Chinese capital numerals (大写金额) as printed on quotes, contracts and receipts,
e.g. ``Decimal("10050.30")`` → ``人民币壹万零伍拾元叁角整``.

The rules followed are the usual ones of Chinese bookkeeping: the integer part is read in
groups of four digits (万, 亿, 万亿); one 零 stands for any run of zeros between non-zero
digits, also across a group boundary; 元 closes the integer part; 角 and 分 follow; the text
ends with 整 when there are no 分. Zero is 零元整, a negative amount starts with 负.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
IN_GROUP = ("", "拾", "佰", "仟")
GROUPS = ("", "万", "亿", "万亿")
PREFIX = "人民币"
MAX = Decimal("9999999999999999.99")


def _group_words(group: int) -> str:
    """A number 1..9999 without leading zeros, with 零 for zeros inside it."""
    digits = f"{group:04d}"
    words = ""
    zero = False
    started = False
    for position, char in enumerate(digits):
        d = int(char)
        place = IN_GROUP[3 - position]
        if d == 0:
            zero = started
            continue
        if zero:
            words += DIGITS[0]
            zero = False
        words += DIGITS[d] + place
        started = True
    return words


def _integer_words(n: int) -> str:
    if n == 0:
        return ""
    groups: list[int] = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    words = ""
    need_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            need_zero = bool(words)
            continue
        if words and (need_zero or group < 1000):
            words += DIGITS[0]
        words += _group_words(group) + GROUPS[index]
        need_zero = False
    return words


def amount_in_chinese_words(amount: Decimal, *, prefix: str = PREFIX) -> str:
    """The amount, rounded half-up to the fen, in capital numerals (with ``prefix``)."""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if abs(value) > MAX:
        raise ValueError("amount too large")
    sign = "负" if value < 0 else ""
    value = abs(value)
    cents = int(value * 100)
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    integer = _integer_words(yuan)
    text = integer + "元" if integer else ""
    if jiao == 0 and fen == 0:
        return f"{prefix}{sign}{text or '零元'}整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif integer:
        text += DIGITS[0]  # 壹佰元零伍分
    if fen:
        text += DIGITS[fen] + "分"
    else:
        text += "整"
    return f"{prefix}{sign}{text}"
